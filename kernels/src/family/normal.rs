//! Normal(mu, sigma): `−½((x−μ)/σ)² − ln σ − ln √(2π)`.

use super::{ExpFam, Kernel};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::{finite, positive};
use crate::math::LN_SQRT_2PI;
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::{Float, ParamError};

/// The normal distribution with mean `mu` (finite) and standard deviation `sigma`
/// (finite, > 0). Support: ℝ.
///
/// η = (μ/σ², −1/(2σ²)), T(x) = (x, x²), A = μ²/(2σ²) + ln σ, log h = −ln √(2π).
///
/// ```
/// use expfam_kernels::{ExpFam, Normal};
/// let d = Normal::new(0.0, 1.0f64).unwrap();
/// assert!((d.ln_pdf(0.0) + 0.9189385332046727).abs() < 1e-15);
/// assert!(Normal::new(0.0, 0.0f64).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Normal<F> {
    mu: F,
    sigma: F,
}

impl<F: Float> Normal<F> {
    /// Validates `mu` (finite) and `sigma` (finite, > 0).
    pub fn new(mu: F, sigma: F) -> Result<Self, ParamError> {
        Ok(Normal {
            mu: finite("mu", mu)?,
            sigma: positive("sigma", sigma)?,
        })
    }
    /// The mean.
    pub fn mu(&self) -> F {
        self.mu
    }
    /// The standard deviation.
    pub fn sigma(&self) -> F {
        self.sigma
    }
}

fn ln_pdf_f64(mu: f64, sigma: f64, x: f64) -> f64 {
    let z = super::centred_div(x, mu, sigma);
    -0.5 * z * z - sigma.ln_() - LN_SQRT_2PI
}

impl<F: Float> ExpFam<F, 2> for Normal<F> {
    type Kernel = NormalKernel<F>;

    fn natural(&self) -> [F; 2] {
        let (mu, s) = (self.mu.to_f64(), self.sigma.to_f64());
        let v = s * s;
        [F::from_f64(mu / v), F::from_f64(-0.5 / v)]
    }
    fn suff_stat(&self, x: F) -> [F; 2] {
        [x, x * x]
    }
    fn log_partition(&self) -> F {
        let (mu, s) = (self.mu.to_f64(), self.sigma.to_f64());
        let r = mu / s;
        F::from_f64(0.5 * r * r + s.ln_())
    }
    fn log_base(&self, x: F) -> F {
        if x.is_nan_() {
            x
        } else {
            F::from_f64(-LN_SQRT_2PI)
        }
    }
    fn in_support(&self, x: F) -> bool {
        x.is_finite_()
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(ln_pdf_f64(
            self.mu.to_f64(),
            self.sigma.to_f64(),
            x.to_f64(),
        ))
    }
    fn kernel(&self) -> NormalKernel<F> {
        let s = self.sigma.to_f64();
        NormalKernel {
            dist: *self,
            // The vector path scales by 2·√½/σ.
            reference: !(2.0 / s).is_finite(),
            mu: self.mu.to_calc(),
            inv_sigma: F::Calc::from_f64(1.0 / s),
            w_scale: F::Calc::from_f64(core::f64::consts::FRAC_1_SQRT_2 / s),
            w_shift: F::Calc::from_f64(-self.mu.to_f64() * core::f64::consts::FRAC_1_SQRT_2 / s),
            w_fused: (self.mu.to_f64() * core::f64::consts::FRAC_1_SQRT_2 / s).abs() <= 1.0,
            neg_half_mu: F::Calc::from_f64(-0.5 * self.mu.to_f64()),
            w_scale2: F::Calc::from_f64(core::f64::consts::SQRT_2 / s),
            c: F::Calc::from_f64(-s.ln_() - LN_SQRT_2PI),
            centred_sum: (1e-100..=1e100).contains(&s),
            half_inv_var: 0.5 / (s * s),
        }
    }
}

/// Precomputed-constant kernel of [`Normal`]: `c − ½ ((x − μ)·(1/σ))²`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormalKernel<F: Float> {
    dist: Normal<F>,
    /// 2/σ overflows (σ subnormal): evaluate through the reference path.
    reference: bool,
    mu: F::Calc,
    inv_sigma: F::Calc,
    /// `√½/σ`: with `w = (x − μ)·√½/σ` the density is `c − w²`, one op fewer per vector.
    w_scale: F::Calc,
    /// `−μ·√½/σ`.
    w_shift: F::Calc,
    /// |μ|·√½/σ <= 1: then `w = fma(x, √½/σ, −μ√½/σ)` is exact to ε(|w| + 1), one op
    /// instead of a subtract and a multiply.
    w_fused: bool,
    /// `−μ/2` and `2·√½/σ`: the unfused `w` as `(x/2 − μ/2)·(2·√½/σ)`.
    neg_half_mu: F::Calc,
    w_scale2: F::Calc,
    c: F::Calc,
    /// σ ∈ [1e-100, 1e100]: `sum` accumulates `Σd²` with `d = x − μ` (one add and one
    /// fma per vector, on different pipes) and scales by `1/(2σ²)` once. In that range
    /// an underflowing `d²` is negligible beside `c`; an overflowing one makes the
    /// total non-finite, and the batch is summed again in the `c − w²` form.
    centred_sum: bool,
    /// `1/(2σ²)`.
    half_inv_var: f64,
}

impl<F: Float> Kernel<F> for NormalKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        if self.reference {
            return self.dist.ln_pdf(x);
        }
        let z = super::centred_mul(x.to_calc(), self.mu, self.inv_sigma);
        F::from_calc(self.c - F::Calc::HALF * z * z)
    }
}

impl<F: Float> VectorKernel<F> for NormalKernel<F> {
    // A few operations per vector: nothing to interleave.
    const INTERLEAVE: bool = false;

    const WIDE_SUM: bool = true;
    fn vectorizable(&self) -> bool {
        !self.reference
    }
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let w = self.w(x);
        ((-w).mul_add(w, V::splat(self.c.to_f64())), V::none_mask())
    }
    #[inline(always)]
    fn accumulate_v<V: Vector>(&self, x: V, acc: V) -> (V, V::Mask) {
        if self.centred_sum {
            // Σ(c − w²) = n·c − Σd²/(2σ²): an add and an fma per vector.
            let d = x - V::splat(self.mu.to_f64());
            (d.mul_add(d, acc), V::none_mask())
        } else {
            // Σ(c − w²) = n·c − Σw²: n·c added once.
            let w = self.w(x);
            ((-w).mul_add(w, acc), V::none_mask())
        }
    }
    #[inline(always)]
    fn accumulated_ok(&self, total: f64) -> bool {
        !self.centred_sum || total.is_finite()
    }
    #[inline(always)]
    fn finish_sum(&self, total: f64, points: usize) -> f64 {
        let c = points as f64 * self.c.to_f64();
        if self.centred_sum {
            c - total * self.half_inv_var
        } else {
            total + c
        }
    }
}

impl<F: Float> NormalKernel<F> {
    /// `w = (x − μ)·√½/σ`, fused into one op where that is exact enough.
    #[inline(always)]
    fn w<V: Vector>(&self, x: V) -> V {
        if self.w_fused {
            x.mul_add(
                V::splat(self.w_scale.to_f64()),
                V::splat(self.w_shift.to_f64()),
            )
        } else {
            // (x/2 − μ/2)·(2·√½/σ): the halves cannot overflow where x − μ would, and
            // fma(x, ½, −μ/2) rounds once, so it is exactly (x − μ)/2 otherwise.
            x.mul_add(V::splat(0.5), V::splat(self.neg_half_mu.to_f64()))
                * V::splat(self.w_scale2.to_f64())
        }
    }
}

impl<F: Float> crate::arch::generic::VectorStat<2> for Normal<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 2], V::Mask) {
        let ok = V::le(x.abs(), V::splat(f64::MAX));
        ([x, x * x], V::not(ok))
    }
}
