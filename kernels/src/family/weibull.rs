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
        let twice = 2.0 * k;
        WeibullKernel {
            dist: *self,
            twice_k: if twice == twice.floor_() && twice <= MAX_TWICE_K as f64 {
                twice as u32
            } else {
                0
            },
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

/// Largest `2k` for which `(x/λ)^k` is computed as a product of squares and a square
/// root (Rayleigh's k = 2, the exponential's k = 1, half-integer shapes) instead of
/// `e^{k ln(x/λ)}`: fewer operations, and a few roundings instead of an error that
/// grows with `|k ln(x/λ)|`.
const MAX_TWICE_K: u32 = 16;

/// `y^(t/2)` for `t` in `1..=MAX_TWICE_K`: `y^⌊t/2⌋` by repeated squaring (at most
/// three squarings and three products), times `√y` when `t` is odd.
#[inline(always)]
fn half_integer_pow<T: Copy + core::ops::Mul<Output = T>>(
    y: T,
    t: u32,
    sqrt: impl Fn(T) -> T,
) -> T {
    let mut acc = if t & 1 == 1 { Some(sqrt(y)) } else { None };
    let (mut n, mut b) = (t / 2, y);
    while n > 0 {
        if n & 1 == 1 {
            acc = Some(acc.map_or(b, |a| a * b));
        }
        n >>= 1;
        if n > 0 {
            b = b * b;
        }
    }
    acc.unwrap_or(y)
}

/// Precomputed-constant kernel of [`Weibull`]: with `l = ln(x/λ)`,
/// `c + (k−1) l − e^{k l}`; for half-integer k up to 8, `(x/λ)^k` by products and a
/// square root, and no logarithm at all when k = 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeibullKernel<F: Float> {
    dist: Weibull<F>,
    /// `2k` when it is a whole number up to `MAX_TWICE_K`, else 0.
    twice_k: u32,
    k: F::Calc,
    km1: F::Calc,
    inv_lambda: F::Calc,
    c: F::Calc,
}

impl<F: Float> Kernel<F> for WeibullKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        let y = x.to_calc() * self.inv_lambda;
        if !(y >= F::Calc::MIN_POSITIVE && y < F::Calc::INFINITY) {
            return self.dist.ln_pdf(x);
        }
        if self.twice_k != 0 {
            let base = if self.twice_k == 2 {
                self.c
            } else {
                self.c + self.km1 * y.ln_()
            };
            return F::from_calc(base - half_integer_pow(y, self.twice_k, |v| v.sqrt_()));
        }
        let l = y.ln_();
        F::from_calc(self.c + self.km1 * l - (self.k * l).exp_())
    }
}

impl<F: Float> WeibullKernel<F> {
    /// The vector form for half-integer k (`twice_k != 0`): powers and a square root.
    #[inline(always)]
    fn eval_pow_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let y = x * V::splat(self.inv_lambda.to_f64());
        let c = V::splat(self.c.to_f64());
        let base = if self.twice_k == 2 {
            c
        } else {
            V::splat(self.km1.to_f64()).mul_add(vm::ln_core(y), c)
        };
        // Lanes with y zero, subnormal, infinite or NaN take the scalar path.
        (
            base - half_integer_pow(y, self.twice_k, V::sqrt),
            vm::ln_special(y),
        )
    }

    /// The vector form for other k: `e^{k ln y}`.
    #[inline(always)]
    fn eval_exp_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let y = x * V::splat(self.inv_lambda.to_f64());
        // ln y without the table method's Fast2Sum (about one ulp of ln y instead of
        // 0.72; `l` is scaled by k and k − 1 and goes through `exp`, whose own errors
        // are larger): three operations fewer on AVX-512, the same `ln_core` elsewhere.
        let l = vm::ln_minus_core(y, V::splat(0.0));
        let kl = V::splat(self.k.to_f64()) * l;
        (
            V::splat(self.km1.to_f64()).mul_add(l, V::splat(self.c.to_f64())) - vm::exp_core(kl),
            V::or(vm::ln_special(y), vm::exp_special(kl)),
        )
    }
}

impl<F: Float> VectorKernel<F> for WeibullKernel<F> {
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        if self.twice_k != 0 {
            self.eval_pow_v(x)
        } else {
            self.eval_exp_v(x)
        }
    }

    // One branch per step of four vectors, not one per vector (which kept the compiler
    // from interleaving them: 1.96 against 1.65 ns/element).
    #[inline(always)]
    fn eval_v4<V: Vector>(&self, x: [V; 4]) -> [(V, V::Mask); 4] {
        if V::INTERLEAVE {
            return crate::arch::generic::eval_x4(self, x);
        }
        if self.twice_k != 0 {
            [
                self.eval_pow_v(x[0]),
                self.eval_pow_v(x[1]),
                self.eval_pow_v(x[2]),
                self.eval_pow_v(x[3]),
            ]
        } else {
            [
                self.eval_exp_v(x[0]),
                self.eval_exp_v(x[1]),
                self.eval_exp_v(x[2]),
                self.eval_exp_v(x[3]),
            ]
        }
    }

    #[inline(always)]
    fn accumulate_v4<V: Vector>(&self, x: [V; 4], acc: [V; 4]) -> [(V, V::Mask); 4] {
        crate::arch::generic::added(self.eval_v4(x), acc)
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
