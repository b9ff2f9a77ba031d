//! The vector math against mpmath at every tier this CPU has: ln and exp <= 1 ulp,
//! ln_1p <= 2 ulp, lgamma <= 3 ulp (its zeros at 1 and 2 included) on >= 100 000
//! points each; their f32 instances (f32 lanes computed in f64, rounded once) within
//! half an f32 ulp (plus 2^-26) on >= 100 000 f32 points each (tests/data/math, from
//! tests/scripts/gen_vector_math.py); special inputs equal libm's result exactly.

use expfam_kernels::arch::generic::Vector;
use expfam_kernels::math::vector;

fn load(name: &str) -> Vec<(f64, f64, f64)> {
    let path = format!("{}/data/math/{name}.bin", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(bytes.len() % 24, 0);
    bytes
        .chunks_exact(24)
        .map(|c| {
            let f = |i: usize| f64::from_le_bytes(c[i * 8..i * 8 + 8].try_into().unwrap());
            (f(0), f(1), f(2))
        })
        .collect()
}

/// Error in ulps of the exact value `hi + lo`.
fn ulp_error(got: f64, hi: f64, lo: f64) -> f64 {
    if got == hi && lo == 0.0 {
        return 0.0;
    }
    ((got - hi) - lo).abs() / ulp_of(hi)
}

/// The ulp of `v` (the smallest subnormal at 0).
fn ulp_of(v: f64) -> f64 {
    if v == 0.0 {
        return f64::from_bits(1);
    }
    let e = ((v.abs().to_bits() >> 52) as i32).max(1);
    f64::from_bits(((e - 52).max(1) as u64) << 52).max(f64::from_bits(1))
}

/// Applies `f` to `xs` in vectors of `V` (the tail padded with 1.0).
fn apply<V: Vector>(f: impl Fn(V) -> V, xs: &[f64]) -> Vec<f64> {
    let l = V::LANES;
    let mut out = vec![0.0; xs.len()];
    for (i, ch) in xs.chunks(l).enumerate() {
        let mut a = V::Array::default();
        a.as_mut().fill(1.0);
        a.as_mut()[..ch.len()].copy_from_slice(ch);
        let r = f(V::from_array(a)).to_array();
        out[i * l..i * l + ch.len()].copy_from_slice(&r.as_ref()[..ch.len()]);
    }
    out
}

/// Error in f32 ulps of the exact value `hi + lo` (normal f32 results).
fn ulp_error_f32(got: f32, hi: f64, lo: f64) -> f64 {
    let e = (hi.abs() as f32).to_bits() >> 23;
    let ulp = f64::from(f32::from_bits((e.max(24) - 23) << 23));
    ((f64::from(got) - hi) - lo).abs() / ulp
}

/// Applies `f` to f32 inputs the way the f32 batches do: f32 lanes widened to f64,
/// computed, rounded once to f32 (the tail padded with 1.0).
fn apply_f32<V: Vector>(f: impl Fn(V) -> V, xs: &[f64]) -> Vec<f32> {
    let l = V::LANES;
    let xs: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
    let mut out = vec![0.0f32; xs.len()];
    let mut buf = vec![1.0f32; l];
    let mut res = vec![0.0f32; l];
    for (i, ch) in xs.chunks(l).enumerate() {
        buf.fill(1.0);
        buf[..ch.len()].copy_from_slice(ch);
        // SAFETY: buf and res hold exactly LANES f32.
        unsafe { f(V::load_f32(buf.as_ptr())).store_f32(res.as_mut_ptr()) };
        out[i * l..i * l + ch.len()].copy_from_slice(&res[..ch.len()]);
    }
    out
}

/// The f32 instances of the four functions: worst error in f32 ulps against mpmath, on
/// >= 100 000 f32 points each (tests/data/math/*_f32.bin).
fn check_tier_f32<V: Vector>(tier: &str, run: &dyn Fn(&mut dyn FnMut())) {
    type Core<V> = fn(V) -> V;
    let fs: [(&str, Core<V>); 4] = [
        ("ln", vector::ln_core),
        ("exp", vector::exp_core),
        ("ln_1p", vector::ln_1p_core),
        ("lgamma", vector::lgamma_core),
    ];
    let mut line = format!("{tier:<9} f32:");
    for (name, f) in fs {
        let d = load(&format!("{name}_f32"));
        assert!(d.len() >= 100_000);
        let xs: Vec<f64> = d.iter().map(|r| r.0).collect();
        let mut got = Vec::new();
        run(&mut || got = apply_f32::<V>(f, &xs));
        let mut w = (0.0f64, 0.0f64);
        for (&g, &(x, hi, lo)) in got.iter().zip(&d) {
            let e = ulp_error_f32(g, hi, lo);
            assert!(
                !e.is_nan(),
                "{tier} f32 {name}({x:e}) = {g:e}, exact {hi:e}"
            );
            if e > w.0 {
                w = (e, x);
            }
        }
        line += &format!("  {name} {:.6} ulp (x={:e})", w.0, w.1);
        // One rounding of a result within a few f64 ulps: half an f32 ulp, plus 2^-26.
        assert!(
            w.0 <= 0.5 + 1.5e-8,
            "{tier}: f32 {name} error {} ulp at {:e}",
            w.0,
            w.1
        );
    }
    println!("{line}");
}

fn worst(name: &str, got: &[f64], data: &[(f64, f64, f64)]) -> (f64, f64) {
    let mut w = (0.0, 0.0);
    for (g, &(x, hi, lo)) in got.iter().zip(data) {
        let e = ulp_error(*g, hi, lo);
        assert!(!e.is_nan(), "{name}({x:e}) = {g:e}, exact {hi:e}");
        if e > w.0 {
            w = (e, x);
        }
    }
    w
}

/// Runs the three functions at one tier and checks the bounds.
fn check_tier<V: Vector>(tier: &str, run: &dyn Fn(&mut dyn FnMut())) {
    check_tier_f32::<V>(tier, run);
    let (ln_d, exp_d, l1p_d) = (load("ln"), load("exp"), load("ln_1p"));
    let lg_d = load("lgamma");
    assert!(ln_d.len() >= 100_000 && exp_d.len() >= 100_000 && l1p_d.len() >= 100_000);
    assert!(lg_d.len() >= 100_000);
    let xs = |d: &[(f64, f64, f64)]| d.iter().map(|r| r.0).collect::<Vec<_>>();
    let (mut a, mut b, mut c, mut g) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    run(&mut || {
        a = apply::<V>(vector::ln_core, &xs(&ln_d));
        b = apply::<V>(vector::exp_core, &xs(&exp_d));
        c = apply::<V>(vector::ln_1p_core, &xs(&l1p_d));
        g = apply::<V>(vector::lgamma_core, &xs(&lg_d));
    });
    let (wl, wb, wc, wg) = (
        worst("ln", &a, &ln_d),
        worst("exp", &b, &exp_d),
        worst("ln_1p", &c, &l1p_d),
        worst("lgamma", &g, &lg_d),
    );
    if V::LN_TABLE16 {
        // The tier's register table (`vpermt2pd`) against the lane-by-lane reduction,
        // bit for bit, over the ln points.
        let pts = xs(&ln_d);
        let mut mismatches = 0;
        run(&mut || {
            for ch in pts.chunks_exact(V::LANES) {
                let mut a = V::Array::default();
                a.as_mut().copy_from_slice(ch);
                let v = V::from_array(a);
                let (got, want) = (v.ln_reduce16(), vector::ln_reduce16_lanes(v));
                for (g, w) in got.iter().zip(&want) {
                    let (g, w) = (g.to_array(), w.to_array());
                    let same = g
                        .as_ref()
                        .iter()
                        .zip(w.as_ref())
                        .all(|(a, b)| a.to_bits() == b.to_bits());
                    mismatches += usize::from(!same);
                }
            }
        });
        assert_eq!(
            mismatches, 0,
            "{tier}: ln_reduce16 differs from the lane-by-lane form"
        );
    }
    // ln x − a without ln x rounded first (the lognormal's ln x − μ): within one ulp of
    // max(|ln x|, |a|, |ln x − a|) for a few `a`, including `a` = the rounded ln x (cancellation:
    // the exact result is the reference's low part).
    let pts = xs(&ln_d);
    let mut wm = (0.0f64, 0.0f64, 0.0f64);
    // `None`: `a` is each point's rounded `ln x`.
    for a in [Some(0.0), Some(0.7), Some(-2.5), Some(40.0), None] {
        let mut got = Vec::new();
        run(&mut || {
            got = match a {
                Some(a) => apply::<V>(|v| vector::ln_minus_core(v, V::splat(a)), &pts),
                None => ln_d
                    .iter()
                    .map(|&(x, hi, _)| {
                        vector::ln_minus_core(V::splat(x), V::splat(hi))
                            .to_array()
                            .as_ref()[0]
                    })
                    .collect(),
            };
        });
        for (g, &(x, hi, lo)) in got.iter().zip(&ln_d) {
            let a = a.unwrap_or(hi);
            // (hi − a) + lo exactly: hi − a as s + e (two-sum), then the small terms.
            let s = hi - a;
            let bb = s - hi;
            let e = (hi - (s - bb)) + (-a - bb);
            let exact_small = e + lo;
            let scale = hi.abs().max(a.abs()).max(s.abs());
            let e = ((*g - s) - exact_small).abs() / ulp_of(scale);
            assert!(!e.is_nan(), "{tier}: ln_minus_core({x:e}, {a:e}) = {g:e}");
            if e > wm.0 {
                wm = (e, x, a);
            }
        }
    }
    println!(
        "{tier:<9} ln_minus_core {:.3} ulp of max(|ln x|, |a|, |ln x − a|) (x={:e}, a={:e})",
        wm.0, wm.1, wm.2
    );
    // Table method: half an ulp of `hi − a` and of the result, and the low part's
    // error (the rounding of `r + small`, at most 2^-5 of an ulp). Quotient method:
    // `ln x`'s error (0.76 ulp) and half an ulp of the result.
    let bound = if V::LN_TABLE16 { 1.04 } else { 1.26 };
    assert!(
        wm.0 <= bound,
        "{tier}: ln x − a error {} at x={:e}, a={:e}",
        wm.0,
        wm.1,
        wm.2
    );
    println!(
        "{tier:<9} ln {:.3} ulp (x={:e})  exp {:.3} ulp (x={:e})  ln_1p {:.3} ulp (x={:e})  lgamma {:.3} ulp (x={:e})",
        wl.0, wl.1, wb.0, wb.1, wc.0, wc.1, wg.0, wg.1
    );
    assert!(
        wg.0 <= 3.0,
        "{tier}: lgamma error {} ulp at {:e}",
        wg.0,
        wg.1
    );
    assert!(wl.0 <= 1.0, "{tier}: ln error {} ulp at {:e}", wl.0, wl.1);
    assert!(wb.0 <= 1.0, "{tier}: exp error {} ulp at {:e}", wb.0, wb.1);
    assert!(
        wc.0 <= 2.0,
        "{tier}: ln_1p error {} ulp at {:e}",
        wc.0,
        wc.1
    );

    // Special inputs go to libm: bit-identical results (NaN as NaN).
    let specials = [
        0.0,
        -0.0,
        -1.0,
        -1e-300,
        5e-324,
        1e-310,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        709.0,
        -709.0,
        1e308,
        -1.0000000000000002,
        f64::MAX,
    ];
    let (mut sa, mut sb, mut sc, mut sg) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    run(&mut || {
        sg = apply::<V>(vector::lgamma, &specials);
        sa = apply::<V>(vector::ln, &specials);
        sb = apply::<V>(vector::exp, &specials);
        sc = apply::<V>(vector::ln_1p, &specials);
    });
    let same = |g: f64, w: f64| g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan());
    for (i, &x) in specials.iter().enumerate() {
        // A vector with a special lane goes wholly to libm; one without matches the bound above.
        let (l, e, p) = (libm::log(x), libm::exp(x), libm::log1p(x));
        let lg = libm::lgamma(x);
        assert!(
            same(sg[i], lg) || ulp_error(sg[i], lg, 0.0) <= 3.0,
            "{tier}: lgamma({x:e}) = {}",
            sg[i]
        );
        assert!(
            same(sa[i], l) || ulp_error(sa[i], l, 0.0) <= 1.0,
            "{tier}: ln({x:e}) = {}",
            sa[i]
        );
        assert!(
            same(sb[i], e) || ulp_error(sb[i], e, 0.0) <= 1.0,
            "{tier}: exp({x:e}) = {}",
            sb[i]
        );
        assert!(
            same(sc[i], p) || ulp_error(sc[i], p, 0.0) <= 2.0,
            "{tier}: ln_1p({x:e}) = {}",
            sc[i]
        );
    }
}

#[test]
fn scalar_tier() {
    check_tier::<expfam_kernels::arch::scalar::F64x1>("scalar", &|f| f());
}

#[test]
fn portable_tier() {
    check_tier::<expfam_kernels::arch::portable::F64x4>("portable", &|f| f());
}

#[cfg(target_arch = "x86_64")]
#[test]
fn sse2_tier() {
    let t = expfam_kernels::arch::x86_64::Sse2::new().expect("x86_64 baseline");
    check_tier::<expfam_kernels::arch::x86_64::sse2::F64x2>("sse2", &|f| t.run(f));
}

#[cfg(target_arch = "x86_64")]
#[test]
fn avx2_tier() {
    let Some(t) = expfam_kernels::arch::x86_64::Avx2Fma::new() else {
        eprintln!("avx2_tier: this CPU has no AVX2+FMA; tier not tested here");
        return;
    };
    check_tier::<expfam_kernels::arch::x86_64::avx2::F64x4>("avx2", &|f| t.run(f));
}

#[cfg(target_arch = "x86_64")]
#[test]
fn avx512_tier() {
    let Some(t) = expfam_kernels::arch::x86_64::Avx512::new() else {
        eprintln!("avx512_tier: this CPU has no AVX-512F/DQ; tier not tested here");
        return;
    };
    check_tier::<expfam_kernels::arch::x86_64::avx512::F64x8>("avx512", &|f| t.run(f));
}

#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
#[test]
fn neon_tier() {
    let t = expfam_kernels::arch::aarch64::Neon::new().expect("aarch64 baseline");
    check_tier::<expfam_kernels::arch::aarch64::neon::F64x2>("neon", &|f| t.run(f));
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[test]
fn simd128_tier() {
    let t = expfam_kernels::arch::wasm32::Simd128::new().expect("built with +simd128");
    check_tier::<expfam_kernels::arch::wasm32::simd128::F64x2>("simd128", &|f| t.run(f));
}
