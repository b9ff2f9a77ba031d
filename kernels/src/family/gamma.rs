//! Gamma(shape, rate): `(a−1) ln x − bx + a ln b − ln Γ(a)`, x > 0.

use super::{ExpFam, Kernel};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::positive;
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::math::{dpois_raw, lgamma, ln_ratio_m1, ln1pmx};
use crate::{Float, ParamError};

/// Shapes above this use the centred (mode-relative) kernel form.
const CENTRED_SHAPE: f64 = 16.0;

/// The gamma distribution with `shape` a (finite, > 0) and `rate` b (finite, > 0).
/// Support: x > 0; at x = 0 the limit (+∞ if a < 1, ln b if a = 1, −∞ if a > 1).
///
/// η = (a − 1, −b), T(x) = (ln x, x), A = ln Γ(a) − a ln b, log h = 0.
///
/// The reference path is Loader's saddle-point form `dpois_raw(a−1, bx) + ln b`, exact to
/// ~1e-15 relative even for shape 1e6, where the textbook formula loses ~10 digits.
///
/// ```
/// use expfam_kernels::{ExpFam, Gamma};
/// let d = Gamma::new(2.0, 3.0f64).unwrap();
/// assert!((d.ln_pdf(1.0) - (9f64.ln() - 3.0)).abs() < 1e-15);
/// assert!((Gamma::new(1.0, 3.0f64).unwrap().ln_pdf(0.0) - 3f64.ln()).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gamma<F> {
    shape: F,
    rate: F,
}

impl<F: Float> Gamma<F> {
    /// Validates `shape` and `rate` (both finite, > 0).
    pub fn new(shape: F, rate: F) -> Result<Self, ParamError> {
        Ok(Gamma {
            shape: positive("shape", shape)?,
            rate: positive("rate", rate)?,
        })
    }
    /// Builds without validation; callers guarantee finite, positive parameters.
    pub(crate) fn new_validated(shape: F, rate: F) -> Self {
        Gamma { shape, rate }
    }
    /// The shape a.
    pub fn shape(&self) -> F {
        self.shape
    }
    /// The rate b.
    pub fn rate(&self) -> F {
        self.rate
    }
}

/// Shapes below this take the kernel form that keeps ln(x/a) in one piece.
const TINY_SHAPE: f64 = 1e-20;

/// The Euler–Mascheroni constant γ = −ψ(1).
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// Shapes above this (a − 1 > 2^40) take the mode-relative form in the reference path.
const HUGE_SHAPE: f64 = 1.099_511_627_776e12;

/// The log-density at the exact mode (a − 1)/b of a gamma with a > 1:
/// `ln b + (a−1) ln(a−1) − (a−1) − ln Γ(a)`, as Loader's `dpois_raw(a−1, a−1) + ln b`
/// (no rounded product enters).
fn mode_ln_pdf_f64(am1: f64, rate: f64) -> f64 {
    dpois_raw(am1, am1) + rate.ln_()
}

pub(crate) fn gamma_ln_pdf_f64(a: f64, rate: f64, x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x < 0.0 || x == f64::INFINITY {
        return f64::NEG_INFINITY;
    }
    if x == 0.0 {
        return if a < 1.0 {
            f64::INFINITY
        } else if a == 1.0 {
            rate.ln_()
        } else {
            f64::NEG_INFINITY
        };
    }
    let y = rate * x;
    if y == f64::INFINITY {
        return f64::NEG_INFINITY;
    }
    if a < TINY_SHAPE {
        // ln Γ(a) = ln Γ(1+a) − ln a: keep −ln x + ln a together as −ln(x/a) instead of
        // two terms of ~|ln a| that cancel.
        let r = x / a;
        let ln_r = if (f64::MIN_POSITIVE..f64::INFINITY).contains(&r) {
            r.ln_()
        } else {
            x.ln_() - a.ln_()
        };
        return a * (rate.ln_() + x.ln_()) - y - ln_r + EULER_GAMMA * a;
    }
    if y < 1e-300 {
        // Far below the mode: the direct form has no cancellation here, and bx may be
        // subnormal or zero.
        return (a - 1.0) * (rate.ln_() + x.ln_()) - y + rate.ln_() - lgamma(a);
    }
    let am1 = a - 1.0;
    if am1 > HUGE_SHAPE {
        // Near the mode of a huge shape the density is so peaked that the rounding of
        // y = b·x alone moves it by (a/2)(δy/y)², beyond any linear correction: measure
        // x from the mode m = (a−1)/b held as a double-double instead.
        let mh = am1 / rate;
        if mh.is_finite() {
            let ml = libm::fma(-mh, rate, am1) / rate;
            let t = ((x - mh) - ml) / mh;
            if t.abs() <= 0.5 {
                return am1 * ln1pmx(t) + mode_ln_pdf_f64(am1, rate);
            }
        }
    }
    // y carries the rounding of b·x, and the density's sensitivity to y is
    // (a−1)/y − 1 (~√a near the mode): add back the exact residual of the product.
    let dy = libm::fma(rate, x, -y);
    if a < 1.0 {
        dpois_raw(a, y) + (a / y - 1.0) * dy + a.ln_() - x.ln_()
    } else {
        dpois_raw(a - 1.0, y) + ((a - 1.0) / y - 1.0) * dy + rate.ln_()
    }
}

impl<F: Float> ExpFam<F, 2> for Gamma<F> {
    type Kernel = GammaKernel<F>;

    fn natural(&self) -> [F; 2] {
        [F::from_f64(self.shape.to_f64() - 1.0), -self.rate]
    }
    fn suff_stat(&self, x: F) -> [F; 2] {
        [x.ln_(), x]
    }
    fn log_partition(&self) -> F {
        let a = self.shape.to_f64();
        F::from_f64(lgamma(a) - a * self.rate.to_f64().ln_())
    }
    fn log_base(&self, x: F) -> F {
        super::log_base_where(x, self.in_support(x), |_| 0.0)
    }
    fn in_support(&self, x: F) -> bool {
        x >= F::ZERO && x < F::INFINITY
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(gamma_ln_pdf_f64(
            self.shape.to_f64(),
            self.rate.to_f64(),
            x.to_f64(),
        ))
    }
    fn kernel(&self) -> GammaKernel<F> {
        let a = self.shape.to_f64();
        let b = self.rate.to_f64();
        let am1 = a - 1.0;
        let centred = a > CENTRED_SHAPE;
        // The mode m = (a−1)/b as a double-double mh + ml, so that x − mh is exact near
        // the mode and t = (x − m)/m keeps full relative precision.
        let mh = am1 / b;
        let ml = libm::fma(-mh, b, am1) / b;
        let tiny = a < TINY_SHAPE;
        let c = if centred {
            // The log-density at the exact mode; the centred form adds
            // (a−1)·(ln(1+t) − t) with t measured from the double-double mode.
            mode_ln_pdf_f64(am1, b)
        } else if tiny {
            // −ln Γ(1+a) = γa + O(a²).
            EULER_GAMMA * a
        } else {
            b.ln_() - lgamma(a)
        };
        let consts = [am1, mh, ml, b / am1, c];
        GammaKernel {
            dist: *self,
            reference: (centred && !consts.iter().all(|v| v.is_finite()))
                || a > super::calc_shape_limit::<F>(),
            rate: self.rate.to_calc(),
            am1: F::Calc::from_f64(am1),
            mode_hi: F::Calc::from_f64(mh),
            mode_lo: F::Calc::from_f64(ml),
            inv_mode: F::Calc::from_f64(if centred { b / am1 } else { 0.0 }),
            c: F::Calc::from_f64(c),
            a: F::Calc::from_f64(a),
            inv_shape: F::Calc::from_f64(if tiny { 1.0 / a } else { 0.0 }),
            centred,
            tiny,
        }
    }
}

/// Precomputed-constant kernel of [`Gamma`] (and [`ChiSquared`](super::ChiSquared)).
///
/// With `y = bx`: `(a−1) ln y − y + c` for moderate shapes; for shape > 16 the centred
/// form `(a−1)(ln(1+t) − t) + ln p(mode)` with `t = (x − m)/m` and the mode `m` held as
/// a double-double, which keeps 1e-13 accuracy where the terms of the raw form are 1e5
/// times larger than their sum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaKernel<F: Float> {
    dist: Gamma<F>,
    /// A precomputed constant overflowed (extreme parameters): use the reference path.
    reference: bool,
    rate: F::Calc,
    am1: F::Calc,
    mode_hi: F::Calc,
    mode_lo: F::Calc,
    inv_mode: F::Calc,
    c: F::Calc,
    a: F::Calc,
    inv_shape: F::Calc,
    centred: bool,
    /// Shape below 1e-20: `a ln y − y − ln(x/a) − ln Γ(1+a)`, which keeps the two
    /// ~|ln a| terms of the plain form from cancelling.
    tiny: bool,
}

impl<F: Float> Kernel<F> for GammaKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        let xc = x.to_calc();
        let y = xc * self.rate;
        if !(y >= F::Calc::MIN_POSITIVE && y < F::Calc::INFINITY) || self.reference {
            return self.dist.ln_pdf(x);
        }
        if self.centred {
            let t = ((xc - self.mode_hi) - self.mode_lo) * self.inv_mode;
            if t.abs_() <= F::Calc::HALF {
                return F::from_calc(self.am1 * ln1pmx(t) + self.c);
            }
            let u = xc * self.inv_mode;
            if !(u > F::Calc::MIN_POSITIVE) {
                return self.dist.ln_pdf(x);
            }
            F::from_calc(self.am1 * ln_ratio_m1(u) + self.c)
        } else if self.tiny {
            let r = xc * self.inv_shape;
            if !(r >= F::Calc::MIN_POSITIVE && r < F::Calc::INFINITY) {
                return self.dist.ln_pdf(x);
            }
            F::from_calc(self.a * y.ln_() - y - r.ln_() + self.c)
        } else {
            F::from_calc(self.am1 * y.ln_() - y + self.c)
        }
    }
}

impl<F: Float> VectorKernel<F> for GammaKernel<F> {
    fn vectorizable(&self) -> bool {
        !self.reference
    }
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let y = x * V::splat(self.rate.to_f64());
        let special = vm::ln_special(y);
        let am1 = V::splat(self.am1.to_f64());
        let c = V::splat(self.c.to_f64());
        if self.tiny {
            let r = x * V::splat(self.inv_shape.to_f64());
            let v = V::splat(self.a.to_f64()).mul_add(vm::ln_core(y), c - y) - vm::ln_core(r);
            return (v, V::or(special, vm::ln_special(r)));
        }
        if !self.centred {
            return (am1.mul_add(vm::ln_core(y), c - y), special);
        }
        let inv_m = V::splat(self.inv_mode.to_f64());
        let t = ((x - V::splat(self.mode_hi.to_f64())) - V::splat(self.mode_lo.to_f64())) * inv_m;
        let u = x * inv_m;
        let near = V::le(t.abs(), V::splat(0.5));
        let g = V::select(
            near,
            vm::ln1pmx_core(t),
            vm::ln_core(u) - (u - V::splat(1.0)),
        );
        (am1.mul_add(g, c), V::or(special, vm::ln_special(u)))
    }
}

impl<F: Float> crate::arch::generic::VectorStat<2> for Gamma<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 2], V::Mask) {
        ([vm::ln_core(x), x], vm::ln_special(x))
    }
}
