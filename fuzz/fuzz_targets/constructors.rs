//! Fuzzes every constructor with arbitrary bit patterns: each either builds a valid
//! distribution or returns a typed error (never a panic), and whatever it builds
//! evaluates any x without panicking, NaN in giving NaN out.
#![no_main]

use expfam_kernels::{Dist, FAMILIES, Kernel};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let family = FAMILIES[which as usize % FAMILIES.len()];
    let words: Vec<u64> = rest
        .chunks(8)
        .map(|c| {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            u64::from_le_bytes(b)
        })
        .collect();
    let n = Dist::<f64>::param_names(family).map_or(0, <[_]>::len);
    // Any count of parameters (the wrong one must be an error too), then the x values.
    let take = (which as usize / FAMILIES.len()) % 4;
    let (ps, xs) = words.split_at(take.min(words.len()));
    let ps64: Vec<f64> = ps.iter().map(|&w| f64::from_bits(w)).collect();
    let xs64: Vec<f64> = xs.iter().map(|&w| f64::from_bits(w)).collect();
    if let Ok(d) = Dist::<f64>::from_name(family, &ps64) {
        assert_eq!(ps64.len(), n);
        let k = d.kernel();
        let mut out = vec![0.0; xs64.len()];
        k.map(&xs64, &mut out).expect("sized to the input");
        for (&x, &v) in xs64.iter().zip(&out) {
            assert_eq!(v.is_nan(), d.ln_pdf(x).is_nan(), "{d:?} at {x:e}");
            if x.is_nan() {
                assert!(v.is_nan());
            }
        }
        let _ = k.sum(&xs64);
    }
    let ps32: Vec<f32> = ps.iter().map(|&w| f32::from_bits(w as u32)).collect();
    let xs32: Vec<f32> = xs
        .iter()
        .map(|&w| f32::from_bits((w >> 32) as u32))
        .collect();
    if let Ok(d) = Dist::<f32>::from_name(family, &ps32) {
        let k = d.kernel();
        let mut out = vec![0.0f32; xs32.len()];
        k.map(&xs32, &mut out).expect("sized to the input");
        for (&x, &v) in xs32.iter().zip(&out) {
            assert_eq!(v.is_nan(), d.ln_pdf(x).is_nan(), "{d:?} at {x:e}");
        }
        let _ = k.sum(&xs32);
    }
});
