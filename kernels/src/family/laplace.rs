//! Laplace(mu, b): `−|x − μ|/b − ln(2b)`.

use super::{ExpFam, Kernel};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::{finite, positive};
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::{Float, ParamError};

/// The Laplace distribution with location `mu` (finite) and scale `b` (finite, > 0).
/// Support: ℝ. An exponential family for fixed `mu` (reported by [`ExpFam::fixed`]).
///
/// η = −1/b, T(x) = |x − μ|, A = ln(2b), log h = 0.
///
/// ```
/// use expfam_kernels::{ExpFam, Laplace};
/// let d = Laplace::new(1.0, 2.0f64).unwrap();
/// assert!((d.ln_pdf(3.0) - (-1.0 - 4f64.ln())).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Laplace<F> {
    mu: F,
    b: F,
}

impl<F: Float> Laplace<F> {
    /// Validates `mu` (finite) and `b` (finite, > 0).
    pub fn new(mu: F, b: F) -> Result<Self, ParamError> {
        Ok(Laplace {
            mu: finite("mu", mu)?,
            b: positive("b", b)?,
        })
    }
    /// The location.
    pub fn mu(&self) -> F {
        self.mu
    }
    /// The scale.
    pub fn b(&self) -> F {
        self.b
    }
}

fn ln_pdf_f64(mu: f64, b: f64, x: f64) -> f64 {
    // ln(2b) as ln 2 + ln b: 2b overflows for b > MAX/2.
    -super::centred_div(x, mu, b).abs_() - (b.ln_() + core::f64::consts::LN_2)
}

impl<F: Float> ExpFam<F, 1> for Laplace<F> {
    type Kernel = LaplaceKernel<F>;

    fn natural(&self) -> [F; 1] {
        [F::from_f64(-1.0 / self.b.to_f64())]
    }
    fn suff_stat(&self, x: F) -> [F; 1] {
        [(x - self.mu).abs_()]
    }
    fn log_partition(&self) -> F {
        F::from_f64(self.b.to_f64().ln_() + core::f64::consts::LN_2)
    }
    fn log_base(&self, x: F) -> F {
        if x.is_nan_() { x } else { F::ZERO }
    }
    fn in_support(&self, x: F) -> bool {
        x.is_finite_()
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(ln_pdf_f64(self.mu.to_f64(), self.b.to_f64(), x.to_f64()))
    }
    fn kernel(&self) -> LaplaceKernel<F> {
        LaplaceKernel {
            dist: *self,
            // The vector path scales by 2/b.
            reference: !(2.0 / self.b.to_f64()).is_finite(),
            mu: self.mu.to_calc(),
            inv_b: F::Calc::from_f64(1.0 / self.b.to_f64()),
            neg_half_mu: F::Calc::from_f64(-0.5 * self.mu.to_f64()),
            inv_b2: F::Calc::from_f64(2.0 / self.b.to_f64()),
            c: F::Calc::from_f64(-(self.b.to_f64().ln_() + core::f64::consts::LN_2)),
        }
    }
    fn fixed(&self) -> F {
        self.mu
    }
}

/// Precomputed-constant kernel of [`Laplace`]: `c − |x − μ|·(1/b)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LaplaceKernel<F: Float> {
    dist: Laplace<F>,
    /// 2/b overflows (b subnormal): evaluate through the reference path.
    reference: bool,
    mu: F::Calc,
    inv_b: F::Calc,
    /// `−μ/2` and `2/b`: the vector path's `|x/2 − μ/2|·(2/b)`.
    neg_half_mu: F::Calc,
    inv_b2: F::Calc,
    c: F::Calc,
}

impl<F: Float> Kernel<F> for LaplaceKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        if self.reference {
            return self.dist.ln_pdf(x);
        }
        F::from_calc(self.c - super::centred_mul(x.to_calc(), self.mu, self.inv_b).abs_())
    }
}

impl<F: Float> VectorKernel<F> for LaplaceKernel<F> {
    // A few operations per vector: nothing to interleave.
    const INTERLEAVE: bool = false;

    fn vectorizable(&self) -> bool {
        !self.reference
    }
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        // |x/2 − μ/2|·(2/b): the halves cannot overflow where x − μ would, and
        // fma(x, ½, −μ/2) rounds once, so it is exactly |x − μ|/2 otherwise.
        let d = x
            .mul_add(V::splat(0.5), V::splat(self.neg_half_mu.to_f64()))
            .abs();
        let v = (-d).mul_add(V::splat(self.inv_b2.to_f64()), V::splat(self.c.to_f64()));
        (v, V::none_mask())
    }
}

impl<F: Float> crate::arch::generic::VectorStat<1> for Laplace<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 1], V::Mask) {
        let ok = V::le(x.abs(), V::splat(f64::MAX));
        ([(x - V::splat(self.mu.to_f64())).abs()], V::not(ok))
    }
}
