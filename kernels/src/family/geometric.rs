//! Geometric(p): `k ln(1−p) + ln p`, k = 0, 1, 2, … failures before the first success.

use super::{ExpFam, Kernel, SuffStats};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::probability;
use crate::math::is_whole;
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::{Float, ParamError};

/// The geometric distribution of the number of failures before the first success, with
/// success probability `p` (0 < p <= 1). Support: k = 0, 1, 2, …
///
/// η = ln(1 − p), T(k) = k, A = −ln p = −ln(1 − e^η), log h = 0.
///
/// ```
/// use expfam_kernels::{ExpFam, Geometric};
/// let d = Geometric::new(0.5f64).unwrap();
/// assert!((d.ln_pmf(2) - 0.125f64.ln()).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometric<F> {
    p: F,
}

impl<F: Float> Geometric<F> {
    /// Validates `p` (finite, in (0, 1]).
    pub fn new(p: F) -> Result<Self, ParamError> {
        Ok(Geometric {
            p: probability("p", p, true)?,
        })
    }
    /// The success probability.
    pub fn p(&self) -> F {
        self.p
    }
    /// The log-probability of `k` failures before the first success.
    pub fn ln_pmf(&self, k: u64) -> F {
        F::from_f64(ln_pmf_f64(self.p.to_f64(), k as f64))
    }
}

fn ln_pmf_f64(p: f64, x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if !(x >= 0.0 && is_whole(x)) {
        return f64::NEG_INFINITY;
    }
    if x == 0.0 {
        return p.ln_();
    }
    x * (-p).ln_1p_() + p.ln_()
}

impl<F: Float> ExpFam<F, 1> for Geometric<F> {
    type Kernel = GeometricKernel<F>;

    fn natural(&self) -> [F; 1] {
        [F::from_f64((-self.p.to_f64()).ln_1p_())]
    }
    fn suff_stat(&self, x: F) -> [F; 1] {
        [x]
    }
    fn log_partition(&self) -> F {
        F::from_f64(-self.p.to_f64().ln_())
    }
    fn log_base(&self, x: F) -> F {
        super::log_base_where(x, self.in_support(x), |_| 0.0)
    }
    fn in_support(&self, x: F) -> bool {
        x >= F::ZERO && is_whole(x)
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(ln_pmf_f64(self.p.to_f64(), x.to_f64()))
    }
    fn kernel(&self) -> GeometricKernel<F> {
        let p = self.p.to_f64();
        GeometricKernel {
            dist: *self,
            ln_p: F::Calc::from_f64(p.ln_()),
            ln_q: F::Calc::from_f64((-p).ln_1p_()),
        }
    }
    fn log_likelihood(&self, s: &SuffStats<F, 1>) -> F {
        super::mean_form_log_likelihood(self, s, |sum_k, n| {
            let p = self.p.to_f64();
            super::xlogy(sum_k, (-p).ln_1p_()) + n * p.ln_()
        })
    }
}

/// Precomputed-constant kernel of [`Geometric`]: `k ln(1−p) + ln p`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeometricKernel<F: Float> {
    dist: Geometric<F>,
    ln_p: F::Calc,
    ln_q: F::Calc,
}

impl<F: Float> Kernel<F> for GeometricKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        if !(x > F::ZERO && x.floor_() == x && x < F::INFINITY) {
            // 0, negatives, non-integers, ±∞, NaN; and p = 1, where 0·ln 0 must not
            // become NaN.
            return self.dist.ln_pdf(x);
        }
        F::from_calc(x.to_calc() * self.ln_q + self.ln_p)
    }
}

impl<F: Float> VectorKernel<F> for GeometricKernel<F> {
    // One fma per vector: nothing to interleave.
    const INTERLEAVE: bool = false;

    fn vectorizable(&self) -> bool {
        self.ln_q.to_f64().is_finite()
    }
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        (
            x.mul_add(V::splat(self.ln_q.to_f64()), V::splat(self.ln_p.to_f64())),
            crate::family::poisson::count_special(x),
        )
    }
}

impl<F: Float> crate::arch::generic::VectorStat<1> for Geometric<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 1], V::Mask) {
        ([x], crate::family::poisson::count_special(x))
    }
}
