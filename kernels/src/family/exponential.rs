//! Exponential(rate): `ln λ − λx`, x >= 0.

use super::{ExpFam, Kernel};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::positive;
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::{Float, ParamError};

/// The exponential distribution with rate `rate` (finite, > 0). Support: x >= 0.
///
/// η = −λ, T(x) = x, A = −ln(−η) = −ln λ, log h = 0.
///
/// ```
/// use expfam_kernels::{ExpFam, Exponential};
/// let d = Exponential::new(0.5f64).unwrap();
/// assert!((d.ln_pdf(2.0) - (0.5f64.ln() - 1.0)).abs() < 1e-15);
/// assert_eq!(d.ln_pdf(-1.0), f64::NEG_INFINITY);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exponential<F> {
    rate: F,
}

impl<F: Float> Exponential<F> {
    /// Validates `rate` (finite, > 0).
    pub fn new(rate: F) -> Result<Self, ParamError> {
        Ok(Exponential {
            rate: positive("rate", rate)?,
        })
    }
    /// The rate λ.
    pub fn rate(&self) -> F {
        self.rate
    }
}

fn ln_pdf_f64(rate: f64, x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x < 0.0 {
        return f64::NEG_INFINITY;
    }
    rate.ln_() - rate * x
}

impl<F: Float> ExpFam<F, 1> for Exponential<F> {
    type Kernel = ExponentialKernel<F>;

    fn natural(&self) -> [F; 1] {
        [-self.rate]
    }
    fn suff_stat(&self, x: F) -> [F; 1] {
        [x]
    }
    fn log_partition(&self) -> F {
        F::from_f64(-self.rate.to_f64().ln_())
    }
    fn log_base(&self, x: F) -> F {
        super::log_base_where(x, self.in_support(x), |_| 0.0)
    }
    fn in_support(&self, x: F) -> bool {
        x >= F::ZERO && x < F::INFINITY
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(ln_pdf_f64(self.rate.to_f64(), x.to_f64()))
    }
    fn kernel(&self) -> ExponentialKernel<F> {
        ExponentialKernel {
            rate: self.rate.to_calc(),
            ln_rate: F::Calc::from_f64(self.rate.to_f64().ln_()),
        }
    }
}

/// Precomputed-constant kernel of [`Exponential`]: `ln λ − λx`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExponentialKernel<F: Float> {
    rate: F::Calc,
    ln_rate: F::Calc,
}

impl<F: Float> Kernel<F> for ExponentialKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        if x < F::ZERO {
            return F::NEG_INFINITY;
        }
        // NaN propagates through the arithmetic.
        F::from_calc(self.ln_rate - self.rate * x.to_calc())
    }
}

impl<F: Float> VectorKernel<F> for ExponentialKernel<F> {
    // A few operations per vector: nothing to interleave.
    const INTERLEAVE: bool = false;

    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let v = V::splat(-self.rate.to_f64()).mul_add(x, V::splat(self.ln_rate.to_f64()));
        let neg = V::lt(x, V::splat(0.0));
        (
            V::select(neg, V::splat(f64::NEG_INFINITY), v),
            V::none_mask(),
        )
    }
}

impl<F: Float> crate::arch::generic::VectorStat<1> for Exponential<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 1], V::Mask) {
        let ok = V::and(V::le(V::splat(0.0), x), V::le(x, V::splat(f64::MAX)));
        ([x], V::not(ok))
    }
}
