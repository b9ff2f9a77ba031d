//! Unit tests small enough for miri: every family's batch kernels at the tiers miri
//! can run (scalar, SSE2 and portable on x86_64; the others are skipped as unavailable
//! there) against the scalar kernel, including special values and tails; and the
//! vector math on sample points. The large mpmath suites live in `tests/`.

extern crate std;
use crate::simd::{Tier, map_at, sum_at};
use crate::{Dist, ExpFam, FAMILIES, Kernel};
use std::vec::Vec;

const PARAMS: [(&str, &[f64]); 14] = [
    ("normal", &[0.5, 2.0]),
    ("lognormal", &[0.2, 0.7]),
    ("exponential", &[1.5]),
    ("gamma", &[2.5, 1.5]),
    ("inverse_gamma", &[30.0, 20.0]),
    ("chi_squared", &[3.0]),
    ("beta", &[40.0, 25.0]),
    ("laplace", &[0.5, 1.0]),
    ("weibull", &[1.7, 2.0]),
    ("poisson", &[40.0]),
    ("bernoulli", &[0.3]),
    ("binomial", &[60.0, 0.3]),
    ("geometric", &[0.3]),
    ("negative_binomial", &[2.5, 0.4]),
];

fn points() -> Vec<f64> {
    let mut v: Vec<f64> = (0..33).map(|i| i as f64 * 0.37 + 0.05).collect();
    v.extend((0..12).map(|i| i as f64));
    v.extend([f64::NAN, f64::INFINITY, -1.0, 0.0, 1e300, 0.5]);
    v
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-12 * a.abs().max(1.0)
}

#[test]
fn batch_kernels_match_the_scalar_kernel_at_every_runnable_tier() {
    assert_eq!(PARAMS.len(), FAMILIES.len());
    let xs = points();
    for (family, ps) in PARAMS {
        let d = Dist::<f64>::from_name(family, ps).unwrap();
        let k = d.kernel();
        let want: Vec<f64> = xs.iter().map(|&x| k.eval(x)).collect();
        for tier in [Tier::Scalar, Tier::Sse2, Tier::Portable] {
            if !tier.is_available() {
                continue;
            }
            let mut out = std::vec![0.0; xs.len()];
            k.map_at(tier, &xs, &mut out).unwrap();
            for (i, (&o, &w)) in out.iter().zip(&want).enumerate() {
                assert!(close(o, w), "{family} {tier} x={}: {o} vs {w}", xs[i]);
            }
            let finite: Vec<f64> = xs
                .iter()
                .copied()
                .filter(|&x| k.eval(x).is_finite())
                .collect();
            let s = k.sum_at(tier, &finite);
            let w: f64 = finite.iter().map(|&x| k.eval(x)).sum();
            assert!(
                (s - w).abs() <= 1e-12 * w.abs().max(1.0),
                "{family} {tier} sum {s} vs {w}"
            );
        }
    }
}

#[test]
fn f32_batches_round_once() {
    let xs: Vec<f32> = points().iter().map(|&x| x as f32).collect();
    let d = Dist::<f32>::from_name("gamma", &[2.5, 1.5]).unwrap();
    let k = d.kernel();
    for tier in [Tier::Scalar, Tier::Sse2, Tier::Portable] {
        if !tier.is_available() {
            continue;
        }
        let mut out = std::vec![0.0f32; xs.len()];
        k.map_at(tier, &xs, &mut out).unwrap();
        for (&x, &o) in xs.iter().zip(&out) {
            let w = d.ln_pdf(x);
            assert!(
                close(o as f64, w as f64) || (o - w).abs() <= 1e-6 * w.abs().max(1.0),
                "{tier} {x}: {o} vs {w}"
            );
        }
    }
}

#[test]
fn vector_math_on_sample_points() {
    use crate::arch::generic::Vector;
    use crate::arch::scalar::F64x1;
    use crate::math::vector;
    for x in [1e-300, 0.1, 0.7, 1.0, 1.5, 2.0, 10.0, 1e10, 1e300] {
        let l = vector::ln(F64x1(x)).0;
        assert!(
            (l - libm::log(x)).abs() <= 2.3e-16 * l.abs().max(1e-300),
            "ln {x}: {l}"
        );
    }
    for x in [-700.0, -1.0, -1e-10, 0.0, 0.5, 1.0, 300.0, 700.0] {
        let e = vector::exp(F64x1(x)).0;
        assert!((e - libm::exp(x)).abs() <= 2.3e-16 * e, "exp {x}: {e}");
    }
    let p = crate::arch::portable::F64x4::from_array([0.5, 1e-12, -0.5, 3.0]);
    let r = vector::ln_1p(p).to_array();
    for (x, r) in [0.5f64, 1e-12, -0.5, 3.0].iter().zip(r) {
        assert!(
            (r - libm::log1p(*x)).abs() <= 4.5e-16 * r.abs(),
            "ln_1p {x}: {r}"
        );
    }
}

#[test]
fn wrt_batch_matches_per_point() {
    let a = crate::Poisson::new(3.0f64).unwrap();
    let b = crate::Poisson::new(7.5f64).unwrap();
    let w = a.wrt(&b);
    let xs = points();
    for tier in [Tier::Scalar, Tier::Sse2, Tier::Portable] {
        if !tier.is_available() {
            continue;
        }
        let mut out = std::vec![0.0; xs.len()];
        map_at(tier, &w, &xs, &mut out).unwrap();
        for (&x, &o) in xs.iter().zip(&out) {
            assert!(close(o, w.eval(x)), "{tier} {x}: {o} vs {}", w.eval(x));
        }
        let counts: Vec<f64> = (0..20).map(|k| k as f64).collect();
        let s = sum_at(tier, &w, &counts);
        let want: f64 = counts.iter().map(|&k| a.ln_pdf(k) - b.ln_pdf(k)).sum();
        assert!((s - want).abs() <= 1e-12 * want.abs().max(1.0));
    }
}
