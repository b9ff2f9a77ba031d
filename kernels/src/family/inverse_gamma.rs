//! InverseGamma(shape, scale): `a ln b − ln Γ(a) − (a+1) ln x − b/x`, x > 0.

use super::{ExpFam, Kernel};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::positive;
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::math::{dpois_raw, lgamma, ln_ratio_m1, ln1pmx};
use crate::{Float, ParamError};

/// Shapes above this (a + 1 > 2^40) take the mode-relative form in the reference path.
const HUGE_SHAPE: f64 = 1.099_511_627_776e12;

/// Shapes above this use the centred kernel form.
const CENTRED_SHAPE: f64 = 16.0;

/// The inverse-gamma distribution with `shape` a and `scale` b (both finite, > 0):
/// `1/X ~ Gamma(a, rate b)`. Support: x > 0 (x <= 0 gives −∞; the limit at 0 is −∞).
///
/// η = (−a − 1, −b), T(x) = (ln x, 1/x), A = ln Γ(a) − a ln b, log h = 0.
///
/// The reference path is `dpois_raw(a+1, b/x) + ln(a(a+1)/b)`: stable for all shapes
/// (statrs returns wrong values or NaN for some of these inputs).
///
/// ```
/// use expfam_kernels::{ExpFam, InverseGamma};
/// let d = InverseGamma::new(1.0, 1.0f64).unwrap();
/// assert!((d.ln_pdf(1.0) - (-1.0)).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InverseGamma<F> {
    shape: F,
    scale: F,
}

impl<F: Float> InverseGamma<F> {
    /// Validates `shape` and `scale` (both finite, > 0).
    pub fn new(shape: F, scale: F) -> Result<Self, ParamError> {
        Ok(InverseGamma {
            shape: positive("shape", shape)?,
            scale: positive("scale", scale)?,
        })
    }
    /// The shape a.
    pub fn shape(&self) -> F {
        self.shape
    }
    /// The scale b.
    pub fn scale(&self) -> F {
        self.scale
    }
}

/// The log-density at the exact mode b/(a+1), where b/x = a+1 exactly:
/// `dpois_raw(a+1, a+1) + ln(a(a+1)/b)` (no rounded quotient enters).
fn mode_ln_pdf_f64(a: f64, b: f64) -> f64 {
    let ap1 = a + 1.0;
    dpois_raw(ap1, ap1) + a.ln_() + ap1.ln_() - b.ln_()
}

fn ln_pdf_f64(a: f64, b: f64, x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x <= 0.0 || x == f64::INFINITY {
        return f64::NEG_INFINITY;
    }
    let y = b / x;
    if y == f64::INFINITY {
        return f64::NEG_INFINITY;
    }
    if y < 1e-300 {
        return a * b.ln_() - lgamma(a) - (a + 1.0) * x.ln_() - y;
    }
    let ap1 = a + 1.0;
    if ap1 > HUGE_SHAPE {
        // As for the gamma: near the mode of a huge shape the rounding of b/x moves the
        // density by (a/2)(δy/y)²; measure x from the double-double mode instead.
        let mh = b / ap1;
        if mh >= f64::MIN_POSITIVE {
            let ml = libm::fma(-mh, ap1, b) / ap1;
            let t = ((x - mh) - ml) / mh;
            if t.abs() <= 0.5 {
                let u = mh / x; // 1/(1+t) to a relative 2ε: only scales t²
                return ap1 * (-ln1pmx(t) - t * t * u) + mode_ln_pdf_f64(a, b);
            }
        }
    }
    // y carries the rounding of b/x; the density's sensitivity to y is (a+1)/y − 1:
    // add back the exact residual of the quotient.
    let dy = libm::fma(-y, x, b) / x;
    dpois_raw(a + 1.0, y) + ((a + 1.0) / y - 1.0) * dy + a.ln_() + (a + 1.0).ln_() - b.ln_()
}

impl<F: Float> ExpFam<F, 2> for InverseGamma<F> {
    type Kernel = InverseGammaKernel<F>;

    fn natural(&self) -> [F; 2] {
        [F::from_f64(-self.shape.to_f64() - 1.0), -self.scale]
    }
    fn suff_stat(&self, x: F) -> [F; 2] {
        [x.ln_(), F::ONE / x]
    }
    fn log_partition(&self) -> F {
        let a = self.shape.to_f64();
        F::from_f64(lgamma(a) - a * self.scale.to_f64().ln_())
    }
    fn log_base(&self, x: F) -> F {
        super::log_base_where(x, self.in_support(x), |_| 0.0)
    }
    fn in_support(&self, x: F) -> bool {
        x > F::ZERO && x < F::INFINITY
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(ln_pdf_f64(
            self.shape.to_f64(),
            self.scale.to_f64(),
            x.to_f64(),
        ))
    }
    fn kernel(&self) -> InverseGammaKernel<F> {
        let a = self.shape.to_f64();
        let b = self.scale.to_f64();
        let ap1 = a + 1.0;
        let centred = a > CENTRED_SHAPE;
        // The mode m = b/(a+1) as a double-double mh + ml, so that x − mh is exact near
        // the mode and t = (x − m)/m keeps full relative precision.
        let mh = b / ap1;
        let ml = libm::fma(-mh, ap1, b) / ap1;
        let c = if centred {
            mode_ln_pdf_f64(a, b)
        } else {
            -b.ln_() - lgamma(a)
        };
        InverseGammaKernel {
            dist: *self,
            reference: ![ap1, 1.0 / ap1, ap1 / b, mh, c]
                .iter()
                .all(|v| v.is_finite())
                || (centred && !(mh >= f64::MIN_POSITIVE))
                || a > super::calc_shape_limit::<F>(),
            scale: self.scale.to_calc(),
            ap1: F::Calc::from_f64(ap1),
            inv_ap1: F::Calc::from_f64(1.0 / ap1),
            mode_hi: F::Calc::from_f64(mh),
            mode_lo: F::Calc::from_f64(ml),
            inv_mode: F::Calc::from_f64(ap1 / b),
            c: F::Calc::from_f64(c),
            centred,
        }
    }
}

/// Precomputed-constant kernel of [`InverseGamma`]. With `y = b/x`:
/// `(a+1) ln y − y + c`, or for shape > 16 the centred form
/// `(a+1)(ln u − (u−1)) + ln p(mode)`, `u = y/(a+1)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InverseGammaKernel<F: Float> {
    dist: InverseGamma<F>,
    /// A precomputed constant overflowed (extreme parameters): use the reference path.
    reference: bool,
    scale: F::Calc,
    ap1: F::Calc,
    inv_ap1: F::Calc,
    mode_hi: F::Calc,
    mode_lo: F::Calc,
    inv_mode: F::Calc,
    c: F::Calc,
    centred: bool,
}

impl<F: Float> Kernel<F> for InverseGammaKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        let xc = x.to_calc();
        let y = self.scale / xc;
        if !(xc > F::Calc::ZERO && y >= F::Calc::MIN_POSITIVE && y < F::Calc::INFINITY)
            || self.reference
        {
            return self.dist.ln_pdf(x);
        }
        if self.centred {
            let u = y * self.inv_ap1;
            if !(u > F::Calc::MIN_POSITIVE) {
                return self.dist.ln_pdf(x);
            }
            let t = ((xc - self.mode_hi) - self.mode_lo) * self.inv_mode;
            if t.abs_() <= F::Calc::HALF {
                // u = m/x = 1/(1+t), so ln u − (u − 1) = −(ln(1+t) − t) − t²u: no
                // cancellation in a rounded u − 1.
                return F::from_calc(self.ap1 * (-ln1pmx(t) - t * t * u) + self.c);
            }
            F::from_calc(self.ap1 * ln_ratio_m1(u) + self.c)
        } else {
            F::from_calc(self.ap1 * y.ln_() - y + self.c)
        }
    }
}

impl<F: Float> VectorKernel<F> for InverseGammaKernel<F> {
    fn vectorizable(&self) -> bool {
        !self.reference
    }
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let y = V::splat(self.scale.to_f64()) / x;
        let special = V::or(vm::ln_special(x), vm::ln_special(y));
        let ap1 = V::splat(self.ap1.to_f64());
        let c = V::splat(self.c.to_f64());
        if !self.centred {
            return (ap1.mul_add(vm::ln_core(y), c - y), special);
        }
        let u = y * V::splat(self.inv_ap1.to_f64());
        let t = ((x - V::splat(self.mode_hi.to_f64())) - V::splat(self.mode_lo.to_f64()))
            * V::splat(self.inv_mode.to_f64());
        let near = V::le(t.abs(), V::splat(0.5));
        let g = V::select(near, -vm::ln1pmx_core(t) - t * t * u, vm::ln_ratio_m1(u));
        (ap1.mul_add(g, c), V::or(special, vm::ln_special(u)))
    }
}

impl<F: Float> crate::arch::generic::VectorStat<2> for InverseGamma<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 2], V::Mask) {
        ([vm::ln_core(x), V::splat(1.0) / x], vm::ln_special(x))
    }
}
