//! Vector exponential.
//!
//! Method: `n = round(x / ln 2)`, `r = (x − n·ln2_hi) − n·ln2_lo` (exact first step,
//! |r| <= ln2/2), `e^r = 1 + (r + r²·P(r))` with `P` a degree-10 fit of
//! `(e^r − 1 − r)/r²` (2.9e-19 relative in `e^r`), then `2^n` applied through the
//! exponent bits (`vscalefpd` on AVX-512).
//!
//! Error: <= 1 ulp for |x| <= 708 (measured: see the tests). Lanes outside that range
//! (overflow, underflow to subnormal or zero, NaN) are those of [`exp_special`].

use super::per_lane;
use crate::arch::generic::Vector;

/// `1/ln 2`.
const INV_LN2: f64 = core::f64::consts::LOG2_E;
/// See [`super::ln`]: `ln 2` high part, exact times any |n| < 2^21.
const LN2_HI: f64 = 0.693_147_180_369_123_8;
/// `ln 2 − LN2_HI`.
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
/// `P(r) ≈ (e^r − 1 − r)/r²` on |r| <= ln2/2: a degree-10 Chebyshev fit by
/// `tests/scripts/fit_exp_poly.py` (mpmath), 2.9e-19 relative in `e^r` with these
/// coefficients (the Taylor series needed degree 11 for 4.2e-18).
const P: [f64; 11] = [
    0.5,
    0.1666666666666667,
    0.04166666666666667,
    0.008333333333326141,
    0.0013888888888883752,
    0.00019841269874800694,
    2.480158732553351e-05,
    2.755725542549107e-06,
    2.755727366116628e-07,
    2.5105206480259365e-08,
    2.0914679452495193e-09,
];

/// Lanes outside the domain of [`exp_core`]: not in `[−708, 708]` (NaN included).
#[inline(always)]
pub fn exp_special<V: Vector>(x: V) -> V::Mask {
    V::not(V::le(x.abs(), V::splat(708.0)))
}

/// `e^x` for lanes with |x| <= 708; other lanes unspecified.
#[inline(always)]
pub fn exp_core<V: Vector>(x: V) -> V {
    let n = (x * V::splat(INV_LN2)).round();
    let r = (-n).mul_add(V::splat(LN2_HI), x);
    let r = (-n).mul_add(V::splat(LN2_LO), r);
    let mut p = V::splat(P[10]);
    for &c in P[..10].iter().rev() {
        p = p.mul_add(r, V::splat(c));
    }
    let er = V::splat(1.0) + (r * r).mul_add(p, r);
    er.ldexp(n)
}

/// `e^x` for every lane (special lanes through `libm::exp`).
///
/// ```
/// use expfam_kernels::arch::{generic::Vector, scalar::F64x1};
/// use expfam_kernels::math::vector::exp;
/// assert_eq!(exp(F64x1(0.0)).0, 1.0);
/// assert_eq!(exp(F64x1(-1000.0)).0, 0.0);
/// ```
#[inline(always)]
pub fn exp<V: Vector>(x: V) -> V {
    if V::any(exp_special(x)) {
        return per_lane(x, libm::exp);
    }
    exp_core(x)
}
