//! LogNormal(mu, sigma): `−½((ln x − μ)/σ)² − ln x − ln σ − ln √(2π)`, x > 0.

use super::{ExpFam, Kernel};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::{finite, positive};
use crate::math::LN_SQRT_2PI;
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::{Float, ParamError};

/// The log-normal distribution: `ln X ~ Normal(mu, sigma)`. Support: x > 0
/// (x <= 0 gives −∞).
///
/// η = (μ/σ², −1/(2σ²)), T(x) = (ln x, (ln x)²), A = μ²/(2σ²) + ln σ,
/// log h = −ln x − ln √(2π).
///
/// ```
/// use expfam_kernels::{ExpFam, LogNormal};
/// let d = LogNormal::new(0.0, 1.0f64).unwrap();
/// assert!((d.ln_pdf(1.0) + 0.9189385332046727).abs() < 1e-15);
/// assert_eq!(d.ln_pdf(0.0), f64::NEG_INFINITY);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogNormal<F> {
    mu: F,
    sigma: F,
}

impl<F: Float> LogNormal<F> {
    /// Validates `mu` (finite) and `sigma` (finite, > 0).
    pub fn new(mu: F, sigma: F) -> Result<Self, ParamError> {
        Ok(LogNormal {
            mu: finite("mu", mu)?,
            sigma: positive("sigma", sigma)?,
        })
    }
    /// The mean of `ln X`.
    pub fn mu(&self) -> F {
        self.mu
    }
    /// The standard deviation of `ln X`.
    pub fn sigma(&self) -> F {
        self.sigma
    }
}

fn ln_pdf_f64(mu: f64, sigma: f64, x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x <= 0.0 || x == f64::INFINITY {
        return f64::NEG_INFINITY;
    }
    let y = x.ln_();
    let z = (y - mu) / sigma;
    -0.5 * z * z - y - sigma.ln_() - LN_SQRT_2PI
}

impl<F: Float> ExpFam<F, 2> for LogNormal<F> {
    type Kernel = LogNormalKernel<F>;

    fn natural(&self) -> [F; 2] {
        let (mu, s) = (self.mu.to_f64(), self.sigma.to_f64());
        let v = s * s;
        [F::from_f64(mu / v), F::from_f64(-0.5 / v)]
    }
    fn suff_stat(&self, x: F) -> [F; 2] {
        let y = x.ln_();
        [y, y * y]
    }
    fn log_partition(&self) -> F {
        let (mu, s) = (self.mu.to_f64(), self.sigma.to_f64());
        let r = mu / s;
        F::from_f64(0.5 * r * r + s.ln_())
    }
    fn log_base(&self, x: F) -> F {
        super::log_base_where(x, self.in_support(x), |x| -x.ln_() - LN_SQRT_2PI)
    }
    fn in_support(&self, x: F) -> bool {
        x > F::ZERO && x < F::INFINITY
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(ln_pdf_f64(
            self.mu.to_f64(),
            self.sigma.to_f64(),
            x.to_f64(),
        ))
    }
    fn kernel(&self) -> LogNormalKernel<F> {
        let (s, mu) = (self.sigma.to_f64(), self.mu.to_f64());
        let c = -s.ln_() - LN_SQRT_2PI;
        let half_prec = 0.5 / (s * s);
        LogNormalKernel {
            dist: *self,
            // Also (f32-native) σ so small against |μ| that the f32 rounding of ln x,
            // ε₃₂|μ|/σ in z, would exceed f32's own accuracy near the mode.
            reference: !half_prec.is_finite()
                || (F::Calc::NAME == "f32" && s < mu.abs() * (1.0 / 512.0)),
            mu: self.mu.to_calc(),
            inv_sigma: F::Calc::from_f64(1.0 / s),
            half_prec,
            c_minus_mu: c - mu,
            w_scale: core::f64::consts::FRAC_1_SQRT_2 / s,
            c: F::Calc::from_f64(c),
        }
    }
}

/// Precomputed-constant kernel of [`LogNormal`]: `c − ½((ln x − μ)/σ)² − ln x`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogNormalKernel<F: Float> {
    dist: LogNormal<F>,
    /// 1/(2σ²) overflows (σ below about 1e-154), or the f32 case below: evaluate
    /// through the reference path.
    reference: bool,
    mu: F::Calc,
    inv_sigma: F::Calc,
    /// `1/(2σ²)`: where `|c − μ| <= 8` the vector form is `(c − μ) − d·(1 + d/(2σ²))`
    /// with `d = ln x − μ` (the same as `c − ½z² − ln x`): three operations after the
    /// logarithm, for four in the other form.
    half_prec: f64,
    /// `c − μ`.
    c_minus_mu: f64,
    /// `√½/σ`: the other vector form, `(c − ln x) − w²` with `w = (ln x − μ)·√½/σ`.
    w_scale: f64,
    c: F::Calc,
}

impl<F: Float> Kernel<F> for LogNormalKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        if !(x > F::ZERO && x < F::INFINITY) || self.reference {
            return self.dist.ln_pdf(x);
        }
        let y = x.to_calc().ln_();
        let z = (y - self.mu) * self.inv_sigma;
        F::from_calc(self.c - F::Calc::HALF * z * z - y)
    }
}

impl<F: Float> VectorKernel<F> for LogNormalKernel<F> {
    fn vectorizable(&self) -> bool {
        !self.reference
    }
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let mu = V::splat(self.mu.to_f64());
        // The three-operation form adds `c − μ` and subtracts `d`, so its rounding
        // errors grow with `|c − μ|` (at μ = −5e223 it returned 0 for −908); within 8
        // they are those of the other form's terms.
        let v = if self.c_minus_mu.abs() <= 8.0 {
            let d = vm::ln_minus_core(x, mu);
            let u = d.mul_add(V::splat(self.half_prec), V::splat(1.0));
            (-d).mul_add(u, V::splat(self.c_minus_mu))
        } else {
            let y = vm::ln_core(x);
            let w = (y - mu) * V::splat(self.w_scale);
            (-w).mul_add(w, V::splat(self.c.to_f64()) - y)
        };
        (v, vm::ln_special(x))
    }
}

impl<F: Float> crate::arch::generic::VectorStat<2> for LogNormal<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 2], V::Mask) {
        let y = vm::ln_core(x);
        ([y, y * y], vm::ln_special(x))
    }
}
