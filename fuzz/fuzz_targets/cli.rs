//! Fuzzes `expfam eval`'s input handling: arbitrary bytes become the argument list and
//! the stdin text, which go through the tool's own parser (`bench/src/cli.rs`, included
//! as is). Every outcome must be a distribution and values, or one-line usage error;
//! whatever parses is evaluated by the scalar path, the closure and the dispatched SIMD
//! tier, which must agree in value class point by point.
#![no_main]

#[path = "../../bench/src/cli.rs"]
#[allow(dead_code)]
mod cli;

use expfam_kernels::{Float, Kernel};
use libfuzzer_sys::fuzz_target;

fn check_one_line(r: Result<(), cli::Usage>) {
    if let Err(cli::Usage(msg)) = r {
        assert!(!msg.contains('\n'), "usage error spans lines: {msg:?}");
    }
}

fn run<F: Float + std::str::FromStr>(args: &cli::EvalArgs, stdin: &str) -> Result<(), cli::Usage> {
    let d = cli::parse_dist::<F>(&args.family, &args.params)?;
    let xs = cli::parse_xs::<F>(stdin)?;
    let k = d.kernel();
    let mut simd = vec![F::ZERO; xs.len()];
    k.map(&xs, &mut simd).expect("sized to the input");
    for (&x, &v) in xs.iter().zip(&simd) {
        let want = d.ln_pdf(x);
        let class = |v: F| (v.is_nan_(), v == F::INFINITY, v == F::NEG_INFINITY);
        assert_eq!(class(k.eval(x)), class(want), "closure {d:?} at {x}");
        assert_eq!(class(v), class(want), "simd {d:?} at {x}");
        if x.is_nan_() {
            assert!(want.is_nan_(), "NaN in, {want} out: {d:?}");
        }
    }
    let _ = k.sum(&xs);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    // The first 0 byte separates the arguments (split on 0x1f) from stdin.
    let (head, stdin) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let args: Vec<String> = String::from_utf8_lossy(head)
        .split('\u{1f}')
        .map(str::to_string)
        .collect();
    let stdin = String::from_utf8_lossy(stdin);
    match cli::parse_eval_args(&args) {
        Ok(a) if a.f32_mode => check_one_line(run::<f32>(&a, &stdin)),
        Ok(a) => check_one_line(run::<f64>(&a, &stdin)),
        Err(e) => check_one_line(Err(e)),
    }
});
