//! Unit tests small enough for miri: every family's batch kernels at the tiers miri
//! can run (scalar, SSE2 and portable on x86_64; the others are skipped as unavailable
//! there) against the scalar kernel, including special values and tails; the vector
//! math on sample points; and the interleaved four-vector steps bit for bit against
//! one vector after another, at every available tier (AVX2 and AVX-512 need the `std`
//! feature or `-C target-cpu`). The large mpmath suites live in `tests/`.

extern crate std;
use crate::arch::generic::{Vector, VectorKernel};
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

/// A kernel with its four vectors per step evaluated one after another: the form the
/// interleaved [`X4`](crate::arch::generic::X4) step must reproduce bit for bit.
#[derive(Clone, Copy)]
struct OneAfterAnother<K>(K);

impl<F: crate::Float, K: VectorKernel<F>> Kernel<F> for OneAfterAnother<K> {
    fn eval(&self, x: F) -> F {
        self.0.eval(x)
    }
}

impl<F: crate::Float, K: VectorKernel<F>> VectorKernel<F> for OneAfterAnother<K> {
    const INTERLEAVE: bool = false;
    const WIDE_SUM: bool = K::WIDE_SUM;
    fn vectorizable(&self) -> bool {
        self.0.vectorizable()
    }
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        self.0.eval_v(x)
    }
    fn accumulate_v<V: Vector>(&self, x: V, acc: V) -> (V, V::Mask) {
        self.0.accumulate_v(x, acc)
    }
    fn accumulated_ok(&self, total: f64) -> bool {
        self.0.accumulated_ok(total)
    }
    fn finish_sum(&self, total: f64, points: usize) -> f64 {
        self.0.finish_sum(total, points)
    }
}

/// Maps and sums of a concrete kernel and of its [`OneAfterAnother`] form at every
/// available tier, f64 and f32.
struct SameAsOneAfterAnother<'a> {
    family: &'a str,
    xs: &'a [f64],
}

impl<F: crate::Float> crate::KernelVisitor<F> for SameAsOneAfterAnother<'_> {
    type Output = ();
    fn visit<K: VectorKernel<F>>(self, k: &K) {
        let xs: Vec<F> = self.xs.iter().map(|&x| F::from_f64(x)).collect();
        let serial = OneAfterAnother(*k);
        for tier in crate::simd::TIERS {
            if !tier.is_available() {
                continue;
            }
            let (mut a, mut b) = (std::vec![F::ZERO; xs.len()], std::vec![F::ZERO; xs.len()]);
            map_at(tier, k, &xs, &mut a).unwrap();
            map_at(tier, &serial, &xs, &mut b).unwrap();
            for (i, (&a, &b)) in a.iter().zip(&b).enumerate() {
                let (a, b) = (a.to_f64(), b.to_f64());
                assert!(
                    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                    "{} {tier} x={}: {a} interleaved, {b} one after another",
                    self.family,
                    self.xs[i]
                );
            }
            let finite: Vec<F> = xs
                .iter()
                .copied()
                .filter(|&x| k.eval(x).to_f64().is_finite())
                .collect();
            let (s, t) = (sum_at(tier, k, &finite), sum_at(tier, &serial, &finite));
            assert_eq!(
                s.to_f64().to_bits(),
                t.to_f64().to_bits(),
                "{} {tier} sum",
                self.family
            );
        }
    }
}

#[test]
// Under miri only the tiers that do not interleave run (see ci/miri.sh).
#[cfg_attr(miri, ignore)]
fn interleaved_steps_match_four_vectors_one_after_another() {
    // Several steps of 4 × 8 lanes: special points in some, none in others, and a tail.
    let base = points();
    let mut xs: Vec<f64> = (0..150).map(|i| 0.05 + (i as f64 * 0.731) % 9.0).collect();
    xs.extend(&base);
    xs.extend((0..40).map(|i| (i % 13) as f64));
    for (family, ps) in PARAMS {
        let visit = SameAsOneAfterAnother { family, xs: &xs };
        Dist::<f64>::from_name(family, ps)
            .unwrap()
            .kernel()
            .visit(visit);
        let visit = SameAsOneAfterAnother { family, xs: &xs };
        let ps32: Vec<f32> = ps.iter().map(|&p| p as f32).collect();
        Dist::<f32>::from_name(family, &ps32)
            .unwrap()
            .kernel()
            .visit(visit);
    }
}
