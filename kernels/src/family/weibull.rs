//! Weibull(k, lambda): `ln(k/λ) + (k−1) ln(x/λ) − (x/λ)^k`, x >= 0.

use super::{ExpFam, Kernel};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::positive;
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::{Float, ParamError};

/// The Weibull distribution with shape `k` and scale `lambda` (both finite, > 0).
/// Support: x >= 0; at x = 0 the limit (+∞ if k < 1, −ln λ if k = 1, −∞ if k > 1).
/// An exponential family for fixed `k` (reported by [`ExpFam::fixed`]).
///
/// η = −λ^(−k), T(x) = x^k, A = k ln λ, log h = ln k + (k − 1) ln x.
///
/// ```
/// use expfam_kernels::{ExpFam, Weibull};
/// let d = Weibull::new(1.0, 2.0f64).unwrap();
/// assert!((d.ln_pdf(2.0) - (-1.0 - 2f64.ln())).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weibull<F> {
    k: F,
    lambda: F,
}

impl<F: Float> Weibull<F> {
    /// Validates `k` and `lambda` (both finite, > 0).
    pub fn new(k: F, lambda: F) -> Result<Self, ParamError> {
        Ok(Weibull {
            k: positive("k", k)?,
            lambda: positive("lambda", lambda)?,
        })
    }
    /// The shape k.
    pub fn k(&self) -> F {
        self.k
    }
    /// The scale λ.
    pub fn lambda(&self) -> F {
        self.lambda
    }
}

fn ln_pdf_f64(k: f64, lambda: f64, x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x < 0.0 || x == f64::INFINITY {
        return f64::NEG_INFINITY;
    }
    if x == 0.0 {
        return if k < 1.0 {
            f64::INFINITY
        } else if k == 1.0 {
            -lambda.ln_()
        } else {
            f64::NEG_INFINITY
        };
    }
    let y = x / lambda;
    let (ln_y, yk, corr) = if y > 1e-300 && y < f64::INFINITY {
        // y carries the rounding of x/λ; the density's sensitivity to ln y is
        // (k−1) − k y^k: add back the exact residual of the quotient.
        let yk = y.powf_(k);
        let dy = libm::fma(-y, lambda, x) / lambda;
        let corr = if yk < f64::INFINITY && dy != 0.0 {
            // Scaled by r = dy/y (≤ ε) first, so that k·y^k cannot overflow.
            let r = dy / y;
            (k - 1.0) * r - k * (yk * r)
        } else {
            0.0
        };
        (y.ln_(), yk, corr)
    } else {
        let l = x.ln_() - lambda.ln_();
        (l, (k * l).exp_(), 0.0)
    };
    k.ln_() - lambda.ln_() + (k - 1.0) * ln_y - yk + corr
}

impl<F: Float> ExpFam<F, 1> for Weibull<F> {
    type Kernel = WeibullKernel<F>;

    fn natural(&self) -> [F; 1] {
        let (k, l) = (self.k.to_f64(), self.lambda.to_f64());
        [F::from_f64(-(-k * l.ln_()).exp_())]
    }
    fn suff_stat(&self, x: F) -> [F; 1] {
        [F::from_f64(x.to_f64().powf_(self.k.to_f64()))]
    }
    fn log_partition(&self) -> F {
        F::from_f64(self.k.to_f64() * self.lambda.to_f64().ln_())
    }
    fn log_base(&self, x: F) -> F {
        let k = self.k.to_f64();
        super::log_base_where(x, self.in_support(x), |x| {
            if k == 1.0 {
                0.0
            } else {
                k.ln_() + (k - 1.0) * x.ln_()
            }
        })
    }
    fn in_support(&self, x: F) -> bool {
        x >= F::ZERO && x < F::INFINITY
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(ln_pdf_f64(
            self.k.to_f64(),
            self.lambda.to_f64(),
            x.to_f64(),
        ))
    }
    fn kernel(&self) -> WeibullKernel<F> {
        let (k, l) = (self.k.to_f64(), self.lambda.to_f64());
        WeibullKernel {
            dist: *self,
            k: self.k.to_calc(),
            km1: F::Calc::from_f64(k - 1.0),
            inv_lambda: F::Calc::from_f64(1.0 / l),
            c: F::Calc::from_f64(k.ln_() - l.ln_()),
        }
    }
    fn fixed(&self) -> F {
        self.k
    }
}

/// Precomputed-constant kernel of [`Weibull`]: with `l = ln(x/λ)`,
/// `c + (k−1) l − e^{k l}`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeibullKernel<F: Float> {
    dist: Weibull<F>,
    k: F::Calc,
    km1: F::Calc,
    inv_lambda: F::Calc,
    c: F::Calc,
}

impl<F: Float> Kernel<F> for WeibullKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval(&self, x: F) -> F {
        let y = x.to_calc() * self.inv_lambda;
        if !(y >= F::Calc::MIN_POSITIVE && y < F::Calc::INFINITY) {
            return self.dist.ln_pdf(x);
        }
        let l = y.ln_();
        F::from_calc(self.c + self.km1 * l - (self.k * l).exp_())
    }
}

impl<F: Float> VectorKernel<F> for WeibullKernel<F> {
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let y = x * V::splat(self.inv_lambda.to_f64());
        let l = vm::ln_core(y);
        let kl = V::splat(self.k.to_f64()) * l;
        let special = V::or(vm::ln_special(y), vm::exp_special(kl));
        let v =
            V::splat(self.km1.to_f64()).mul_add(l, V::splat(self.c.to_f64())) - vm::exp_core(kl);
        (v, special)
    }
}

impl<F: Float> crate::arch::generic::VectorStat<1> for Weibull<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 1], V::Mask) {
        let kl = V::splat(self.k.to_f64()) * vm::ln_core(x);
        (
            [vm::exp_core(kl)],
            V::or(vm::ln_special(x), vm::exp_special(kl)),
        )
    }
}
