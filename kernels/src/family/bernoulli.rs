//! Bernoulli(p): ln p at 1, ln(1−p) at 0.

use super::{ExpFam, Kernel, SuffStats};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::probability;
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::{Float, ParamError};

/// The Bernoulli distribution with success probability `p` (0 <= p <= 1).
/// Support: {0, 1}.
///
/// η = ln(p/(1−p)), T(x) = x, A = −ln(1 − p), log h = 0.
///
/// ```
/// use expfam_kernels::{Bernoulli, ExpFam};
/// let d = Bernoulli::new(0.25f64).unwrap();
/// assert!((d.ln_pmf(1) - 0.25f64.ln()).abs() < 1e-15);
/// assert_eq!(d.ln_pdf(0.5), f64::NEG_INFINITY);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bernoulli<F> {
    p: F,
}

impl<F: Float> Bernoulli<F> {
    /// Validates `p` (finite, in [0, 1]).
    pub fn new(p: F) -> Result<Self, ParamError> {
        Ok(Bernoulli {
            p: probability("p", p, false)?,
        })
    }
    /// The success probability.
    pub fn p(&self) -> F {
        self.p
    }
    /// The log-probability of the outcome `k` (−∞ unless `k` is 0 or 1).
    pub fn ln_pmf(&self, k: u64) -> F {
        F::from_f64(ln_pmf_f64(self.p.to_f64(), k as f64))
    }
}

fn ln_pmf_f64(p: f64, x: f64) -> f64 {
    if x.is_nan() {
        x
    } else if x == 1.0 {
        p.ln_()
    } else if x == 0.0 {
        (-p).ln_1p_()
    } else {
        f64::NEG_INFINITY
    }
}

impl<F: Float> ExpFam<F, 1> for Bernoulli<F> {
    type Kernel = BernoulliKernel<F>;

    fn natural(&self) -> [F; 1] {
        let p = self.p.to_f64();
        [F::from_f64(p.ln_() - (-p).ln_1p_())]
    }
    fn suff_stat(&self, x: F) -> [F; 1] {
        [x]
    }
    fn log_partition(&self) -> F {
        F::from_f64(-(-self.p.to_f64()).ln_1p_())
    }
    fn log_base(&self, x: F) -> F {
        super::log_base_where(x, self.in_support(x), |_| 0.0)
    }
    fn in_support(&self, x: F) -> bool {
        x == F::ZERO || x == F::ONE
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(ln_pmf_f64(self.p.to_f64(), x.to_f64()))
    }
    fn kernel(&self) -> BernoulliKernel<F> {
        let p = self.p.to_f64();
        BernoulliKernel {
            ln_p: F::Calc::from_f64(p.ln_()),
            ln_q: F::Calc::from_f64((-p).ln_1p_()),
        }
    }
    fn log_likelihood(&self, s: &SuffStats<F, 1>) -> F {
        super::mean_form_log_likelihood(self, s, |sum_k, n| {
            let p = self.p.to_f64();
            super::xlogy(sum_k, p.ln_()) + super::xlogy(n - sum_k, (-p).ln_1p_())
        })
    }
}

/// Precomputed-constant kernel of [`Bernoulli`]: a select between `ln p` and `ln(1−p)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BernoulliKernel<F: Float> {
    ln_p: F::Calc,
    ln_q: F::Calc,
}

impl<F: Float> Kernel<F> for BernoulliKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        if x == F::ONE {
            F::from_calc(self.ln_p)
        } else if x == F::ZERO {
            F::from_calc(self.ln_q)
        } else if x.is_nan_() {
            x
        } else {
            F::NEG_INFINITY
        }
    }
}

impl<F: Float> VectorKernel<F> for BernoulliKernel<F> {
    // Two compares and a select per vector: nothing to interleave.
    const INTERLEAVE: bool = false;

    const WIDE_SUM: bool = true;
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let one = V::eq(x, V::splat(1.0));
        let zero = V::eq(x, V::splat(0.0));
        let v = V::select(
            one,
            V::splat(self.ln_p.to_f64()),
            V::splat(self.ln_q.to_f64()),
        );
        (v, V::not(V::or(one, zero)))
    }
}

impl<F: Float> crate::arch::generic::VectorStat<1> for Bernoulli<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 1], V::Mask) {
        let ok = V::or(V::eq(x, V::splat(0.0)), V::eq(x, V::splat(1.0)));
        ([x], V::not(ok))
    }
}
