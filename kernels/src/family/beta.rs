//! Beta(alpha, beta): `(α−1) ln x + (β−1) ln(1−x) − ln B(α, β)`, 0 < x < 1.

use super::{ExpFam, Kernel};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::positive;
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::math::{dbinom_raw, lbeta, ln_ratio_m1};
use crate::{Float, ParamError};

/// Both shapes above this use the centred kernel form.
const CENTRED_SHAPE: f64 = 16.0;

/// The beta distribution with shapes `alpha` and `beta` (finite, > 0).
/// Support: 0 < x < 1; at x = 0 and x = 1 the limits (e.g. +∞ at 0 when α < 1,
/// ln β when α = 1).
///
/// η = (α − 1, β − 1), T(x) = (ln x, ln(1 − x)), A = ln B(α, β), log h = 0.
///
/// The reference path uses `log1p(−x)` and, for α, β > 2, Loader's binomial form
/// `ln(α+β−1) + dbinom_raw(α−1, α+β−2, x, 1−x)`.
///
/// ```
/// use expfam_kernels::{Beta, ExpFam};
/// let d = Beta::new(2.0, 2.0f64).unwrap();
/// assert!((d.ln_pdf(0.5) - 1.5f64.ln()).abs() < 1e-15);
/// assert_eq!(d.ln_pdf(1.5), f64::NEG_INFINITY);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Beta<F> {
    alpha: F,
    beta: F,
}

impl<F: Float> Beta<F> {
    /// Validates `alpha` and `beta` (both finite, > 0).
    pub fn new(alpha: F, beta: F) -> Result<Self, ParamError> {
        Ok(Beta {
            alpha: positive("alpha", alpha)?,
            beta: positive("beta", beta)?,
        })
    }
    /// The first shape α.
    pub fn alpha(&self) -> F {
        self.alpha
    }
    /// The second shape β.
    pub fn beta(&self) -> F {
        self.beta
    }
}

fn ln_pdf_f64(a: f64, b: f64, x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if !(0.0..=1.0).contains(&x) {
        return f64::NEG_INFINITY;
    }
    if x == 0.0 {
        return if a < 1.0 {
            f64::INFINITY
        } else if a == 1.0 {
            b.ln_()
        } else {
            f64::NEG_INFINITY
        };
    }
    if x == 1.0 {
        return if b < 1.0 {
            f64::INFINITY
        } else if b == 1.0 {
            a.ln_()
        } else {
            f64::NEG_INFINITY
        };
    }
    if a <= 2.0 || b <= 2.0 {
        (a - 1.0) * x.ln_() + (b - 1.0) * (-x).ln_1p_() - lbeta(a, b)
    } else {
        (a + b - 1.0).ln_() + dbinom_raw(a - 1.0, a + b - 2.0, x, 1.0 - x)
    }
}

impl<F: Float> ExpFam<F, 2> for Beta<F> {
    type Kernel = BetaKernel<F>;

    fn natural(&self) -> [F; 2] {
        [
            F::from_f64(self.alpha.to_f64() - 1.0),
            F::from_f64(self.beta.to_f64() - 1.0),
        ]
    }
    fn suff_stat(&self, x: F) -> [F; 2] {
        [x.ln_(), (-x).ln_1p_()]
    }
    fn log_partition(&self) -> F {
        F::from_f64(lbeta(self.alpha.to_f64(), self.beta.to_f64()))
    }
    fn log_base(&self, x: F) -> F {
        if x.is_nan_() {
            x
        } else if self.in_support(x) {
            F::ZERO
        } else {
            F::NEG_INFINITY
        }
    }
    fn in_support(&self, x: F) -> bool {
        x >= F::ZERO && x <= F::ONE
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(ln_pdf_f64(
            self.alpha.to_f64(),
            self.beta.to_f64(),
            x.to_f64(),
        ))
    }
    fn kernel(&self) -> BetaKernel<F> {
        let a = self.alpha.to_f64();
        let b = self.beta.to_f64();
        let (am1, bm1) = (a - 1.0, b - 1.0);
        let centred = a > CENTRED_SHAPE && b > CENTRED_SHAPE;
        let (c, inv_m, inv_1m) = if centred {
            let s = am1 + bm1;
            (ln_pdf_f64(a, b, am1 / s), s / am1, s / bm1)
        } else {
            (-lbeta(a, b), 0.0, 0.0)
        };
        BetaKernel {
            dist: *self,
            reference: ![am1, bm1, c, inv_m, inv_1m].iter().all(|v| v.is_finite()),
            am1: F::Calc::from_f64(am1),
            bm1: F::Calc::from_f64(bm1),
            inv_m: F::Calc::from_f64(inv_m),
            inv_1m: F::Calc::from_f64(inv_1m),
            c: F::Calc::from_f64(c),
            centred,
        }
    }
}

/// Precomputed-constant kernel of [`Beta`]: `(α−1) ln x + (β−1) ln(1−x) + c`, or when
/// both shapes exceed 16 the centred form
/// `(α−1)(ln u − (u−1)) + (β−1)(ln v − (v−1)) + ln p(mode)`, `u = x/m`,
/// `v = (1−x)/(1−m)` (the linear terms cancel exactly at the mode `m`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetaKernel<F: Float> {
    dist: Beta<F>,
    /// A precomputed constant overflowed (extreme parameters): use the reference path.
    reference: bool,
    am1: F::Calc,
    bm1: F::Calc,
    inv_m: F::Calc,
    inv_1m: F::Calc,
    c: F::Calc,
    centred: bool,
}

impl<F: Float> Kernel<F> for BetaKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval(&self, x: F) -> F {
        if !(x > F::ZERO && x < F::ONE) || self.reference {
            return self.dist.ln_pdf(x);
        }
        let x = x.to_calc();
        F::from_calc(if self.centred {
            self.am1 * ln_ratio_m1(x * self.inv_m)
                + self.bm1 * ln_ratio_m1((F::Calc::ONE - x) * self.inv_1m)
                + self.c
        } else {
            self.am1 * x.ln_() + self.bm1 * (-x).ln_1p_() + self.c
        })
    }
}

impl<F: Float> VectorKernel<F> for BetaKernel<F> {
    fn vectorizable(&self) -> bool {
        !self.reference
    }
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let one = V::splat(1.0);
        let inside = V::and(V::lt(V::splat(0.0), x), V::lt(x, one));
        let special = V::or(V::not(inside), vm::ln_special(x));
        let (am1, bm1) = (V::splat(self.am1.to_f64()), V::splat(self.bm1.to_f64()));
        let c = V::splat(self.c.to_f64());
        if !self.centred {
            let v = am1.mul_add(vm::ln_core(x), bm1.mul_add(vm::ln_1p_core(-x), c));
            return (v, special);
        }
        let u = x * V::splat(self.inv_m.to_f64());
        let w = (one - x) * V::splat(self.inv_1m.to_f64());
        let v = am1.mul_add(vm::ln_ratio_m1(u), bm1.mul_add(vm::ln_ratio_m1(w), c));
        (
            v,
            V::or(special, V::or(vm::ln_special(u), vm::ln_special(w))),
        )
    }
}

impl<F: Float> crate::arch::generic::VectorStat<2> for Beta<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 2], V::Mask) {
        let inside = V::and(V::lt(V::splat(0.0), x), V::lt(x, V::splat(1.0)));
        let special = V::or(V::not(inside), vm::ln_special(x));
        ([vm::ln_core(x), vm::ln_1p_core(-x)], special)
    }
}
