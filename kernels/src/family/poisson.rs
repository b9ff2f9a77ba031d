//! Poisson(lambda): `k ln λ − λ − ln k!`, k = 0, 1, 2, …

use super::{ExpFam, Kernel, SuffStats};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::finite;
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::math::{LN_2PI, bd0, dpois_raw, is_whole, ln_factorial, stirlerr};
use crate::{Float, ParamError};

/// Rates above this use the saddle-point kernel form.
const SADDLE_RATE: f64 = 16.0;

/// The Poisson distribution with rate `lambda` (finite, >= 0; 0 is the point mass at 0).
/// Support: k = 0, 1, 2, … (any other x, non-integers included, gives −∞).
///
/// η = ln λ, T(k) = k, A = λ, log h = −ln k!.
///
/// The reference path is Loader's `−½ ln(2πk) − stirlerr(k) − bd0(k, λ)`, which keeps
/// full precision at λ = 1e6 and beyond.
///
/// ```
/// use expfam_kernels::{ExpFam, Poisson};
/// let d = Poisson::new(2.0f64).unwrap();
/// assert!((d.ln_pmf(3) - (3.0 * 2f64.ln() - 2.0 - 6f64.ln())).abs() < 1e-15);
/// assert_eq!(d.ln_pdf(1.5), f64::NEG_INFINITY);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Poisson<F> {
    lambda: F,
}

impl<F: Float> Poisson<F> {
    /// Validates `lambda` (finite, >= 0).
    pub fn new(lambda: F) -> Result<Self, ParamError> {
        let lambda = finite("lambda", lambda)?;
        if !(lambda >= F::ZERO) {
            return Err(ParamError::OutOfRange {
                param: "lambda",
                value: lambda.to_f64(),
                requirement: "must be >= 0",
            });
        }
        Ok(Poisson { lambda })
    }
    /// The rate λ.
    pub fn lambda(&self) -> F {
        self.lambda
    }
    /// The log-probability of the count `k`.
    pub fn ln_pmf(&self, k: u64) -> F {
        F::from_f64(ln_pmf_f64(self.lambda.to_f64(), k as f64))
    }
}

fn ln_pmf_f64(lambda: f64, x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if !(x >= 0.0 && is_whole(x)) {
        return f64::NEG_INFINITY;
    }
    dpois_raw(x, lambda)
}

impl<F: Float> ExpFam<F, 1> for Poisson<F> {
    type Kernel = PoissonKernel<F>;

    fn natural(&self) -> [F; 1] {
        [F::from_f64(self.lambda.to_f64().ln_())]
    }
    fn suff_stat(&self, x: F) -> [F; 1] {
        [x]
    }
    fn log_partition(&self) -> F {
        self.lambda
    }
    fn log_base(&self, x: F) -> F {
        super::log_base_where(x, self.in_support(x), |k| -ln_factorial(k))
    }
    fn in_support(&self, x: F) -> bool {
        x >= F::ZERO && is_whole(x)
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(ln_pmf_f64(self.lambda.to_f64(), x.to_f64()))
    }
    fn kernel(&self) -> PoissonKernel<F> {
        let l = self.lambda.to_f64();
        PoissonKernel {
            dist: *self,
            lambda: self.lambda.to_calc(),
            ln_lambda: F::Calc::from_f64(l.ln_()),
            mode: if l == 0.0 {
                CountMode::Reference
            } else if l > SADDLE_RATE {
                CountMode::Saddle
            } else {
                CountMode::Direct
            },
        }
    }
    fn log_likelihood(&self, s: &SuffStats<F, 1>) -> F {
        super::mean_form_log_likelihood(self, s, |sum_k, n| {
            let l = self.lambda.to_f64();
            let t = if sum_k == 0.0 { 0.0 } else { sum_k * l.ln_() };
            t - n * l
        })
    }
}

/// How a count kernel evaluates: the raw form for small parameters, the saddle-point
/// form for large ones, or always the reference path (degenerate parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CountMode {
    Direct,
    Saddle,
    Reference,
}

/// Precomputed-constant kernel of [`Poisson`]: `k ln λ − λ − ln k!` for λ <= 16,
/// `−½ ln(2πk) − stirlerr(k) − bd0(k, λ)` above.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoissonKernel<F: Float> {
    dist: Poisson<F>,
    lambda: F::Calc,
    ln_lambda: F::Calc,
    mode: CountMode,
}

impl<F: Float> Kernel<F> for PoissonKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        if !(x >= F::ZERO && x <= F::MAX_EXACT_INT && x.floor_() == x)
            || self.mode == CountMode::Reference
        {
            return self.dist.ln_pdf(x);
        }
        let x = x.to_calc();
        F::from_calc(match self.mode {
            CountMode::Direct => x * self.ln_lambda - self.lambda - ln_factorial(x),
            _ => {
                if x == F::Calc::ZERO {
                    -self.lambda
                } else {
                    -F::Calc::HALF * (F::Calc::from_f64(LN_2PI) + x.ln_())
                        - stirlerr(x)
                        - bd0(x, self.lambda)
                }
            }
        })
    }
}

impl<F: Float> VectorKernel<F> for PoissonKernel<F> {
    fn vectorizable(&self) -> bool {
        self.mode != CountMode::Reference
    }
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let zero = V::splat(0.0);
        let lambda = V::splat(self.lambda.to_f64());
        let whole = V::eq(x.floor(), x);
        if self.mode == CountMode::Direct {
            let ok = V::and(V::and(V::le(zero, x), V::lt(x, V::splat(128.0))), whole);
            let v =
                x.mul_add(V::splat(self.ln_lambda.to_f64()), -lambda) - vm::ln_factorial_small(x);
            return (v, V::not(ok));
        }
        let v = V::splat(-0.5) * (V::splat(LN_2PI) + vm::ln_core(x))
            - vm::stirlerr_int(x)
            - vm::bd0(x, lambda);
        (V::select(V::eq(x, zero), -lambda, v), count_special(x))
    }
}

impl<F: Float> crate::arch::generic::VectorStat<1> for Poisson<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 1], V::Mask) {
        ([x], count_special(x))
    }
}

/// Lanes that are not whole numbers in `[0, 2^51)` (the vector range of the counts).
#[inline(always)]
pub(crate) fn count_special<V: Vector>(x: V) -> V::Mask {
    let ok = V::and(
        V::and(
            V::le(V::splat(0.0), x),
            V::lt(x, V::splat(2_251_799_813_685_248.0)),
        ),
        V::eq(x.floor(), x),
    );
    V::not(ok)
}
