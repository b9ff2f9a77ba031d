//! Beta(alpha, beta): `(α−1) ln x + (β−1) ln(1−x) − ln B(α, β)`, 0 < x < 1.

use super::{ExpFam, Kernel};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::positive;
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::math::{LN_2PI, dbinom_raw_split, lbeta, ln_ratio_m1, ln1pmx, stirlerr};
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
    if a > CENTRED_SHAPE && b > CENTRED_SHAPE && a + b < 1e300 {
        // Near the mode, measured from it exactly (as the kernel does): both terms
        // (k−1)·(ln(1+t) − t) are ≤ 0, so nothing cancels, where Loader's form below
        // carries the rounding of n·x (1e-13 lost at shapes ~1e11).
        let (am1, bm1) = (a - 1.0, b - 1.0);
        let (mh, ml) = mode_dd(am1, bm1);
        let s = am1 + bm1;
        let d = (x - mh) - ml;
        let (t1, t2) = (d * (s / am1), -(d * (s / bm1)));
        if t1.abs() <= 0.5 && t2.abs() <= 0.5 {
            return am1 * ln1pmx(t1) + bm1 * ln1pmx(t2) + mode_ln_pdf_f64(a, b);
        }
    }
    // Shapes near f64::MAX would overflow inside bd0 (k ln(k/np) + np − k).
    if a <= 2.0 || b <= 2.0 || !(a + b < 1e300) {
        (a - 1.0) * x.ln_() + (b - 1.0) * (-x).ln_1p_() - lbeta(a, b)
    } else {
        (a + b - 1.0).ln_() + dbinom_raw_split(a - 1.0, b - 1.0, x, 1.0 - x)
    }
}

/// The mode (α−1)/(α+β−2) as a double-double `mh + ml` (the sum itself held as
/// `sh + sl`), so that `x − m` is exact to a few ulps of itself near the mode.
fn mode_dd(am1: f64, bm1: f64) -> (f64, f64) {
    let sh = am1 + bm1;
    let sl = if am1 >= bm1 {
        (am1 - sh) + bm1
    } else {
        (bm1 - sh) + am1
    };
    let mh = am1 / sh;
    (mh, (libm::fma(-mh, sh, am1) - mh * sl) / sh)
}

/// The log-density at the exact mode (α−1)/(α+β−2) for α, β > 1: both `bd0` terms of
/// [`ln_pdf_f64`] vanish there, so no rounded mode enters.
fn mode_ln_pdf_f64(a: f64, b: f64) -> f64 {
    let (am1, bm1) = (a - 1.0, b - 1.0);
    let s = am1 + bm1;
    (a + b - 1.0).ln_() + stirlerr(s)
        - stirlerr(am1)
        - stirlerr(bm1)
        - 0.5 * (LN_2PI + am1.ln_() + (bm1.ln_() - s.ln_()))
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
        super::log_base_where(x, self.in_support(x), |_| 0.0)
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
            (mode_ln_pdf_f64(a, b), s / am1, s / bm1)
        } else {
            (-lbeta(a, b), 0.0, 0.0)
        };
        let (mh, ml) = mode_dd(am1, bm1);
        BetaKernel {
            dist: *self,
            reference: ![am1, bm1, c, inv_m, inv_1m].iter().all(|v| v.is_finite())
                || a.max(b) > super::calc_shape_limit::<F>(),
            am1: F::Calc::from_f64(am1),
            bm1: F::Calc::from_f64(bm1),
            inv_m: F::Calc::from_f64(inv_m),
            inv_1m: F::Calc::from_f64(inv_1m),
            mode_hi: F::Calc::from_f64(mh),
            mode_lo: F::Calc::from_f64(ml),
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
    mode_hi: F::Calc,
    mode_lo: F::Calc,
    c: F::Calc,
    centred: bool,
}

impl<F: Float> Kernel<F> for BetaKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        // A subnormal x (possible in f32 arithmetic under `f32-native`) would lose its
        // digits in x/m: the reference path takes it.
        if !(x > F::ZERO && x < F::ONE) || self.reference || x.to_calc() < F::Calc::MIN_POSITIVE {
            return self.dist.ln_pdf(x);
        }
        let x = x.to_calc();
        F::from_calc(if self.centred {
            // Near the mode, with d = x − m: u = 1 + d/m and w = 1 − d/(1−m) exactly, so
            // ln u − (u − 1) = ln1pmx(d/m) with no rounded u − 1.
            let d = (x - self.mode_hi) - self.mode_lo;
            let (t1, t2) = (d * self.inv_m, -(d * self.inv_1m));
            if t1.abs_() <= F::Calc::HALF && t2.abs_() <= F::Calc::HALF {
                return F::from_calc(self.am1 * ln1pmx(t1) + self.bm1 * ln1pmx(t2) + self.c);
            }
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
        let (inv_m, inv_1m) = (
            V::splat(self.inv_m.to_f64()),
            V::splat(self.inv_1m.to_f64()),
        );
        let u = x * inv_m;
        let w = (one - x) * inv_1m;
        let d = (x - V::splat(self.mode_hi.to_f64())) - V::splat(self.mode_lo.to_f64());
        let (t1, t2) = (d * inv_m, -(d * inv_1m));
        let half = V::splat(0.5);
        let near = V::and(V::le(t1.abs(), half), V::le(t2.abs(), half));
        let g1 = V::select(near, vm::ln1pmx_core(t1), vm::ln_ratio_m1(u));
        let g2 = V::select(near, vm::ln1pmx_core(t2), vm::ln_ratio_m1(w));
        let v = am1.mul_add(g1, bm1.mul_add(g2, c));
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
