//! Vector exponential.
//!
//! Method: `n = round(x / ln 2)`, `r = (x − n·ln2_hi) − n·ln2_lo` (exact first step,
//! |r| <= ln2/2), `e^r = 1 + (r + r²·P(r))` with `P` the Taylor series of
//! `(e^r − 1 − r)/r²` to degree 11 (truncation 2^-57 relative), then `2^n` applied
//! through the exponent bits.
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
/// `1/k!` for k = 2..=13: the coefficients of `P(r) = Σ r^{k−2}/k!`.
const INV_FACT: [f64; 12] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
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
    let mut p = V::splat(INV_FACT[11]);
    for &c in INV_FACT[..11].iter().rev() {
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
