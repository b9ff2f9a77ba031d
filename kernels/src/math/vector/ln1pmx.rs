//! Vector `ln(1+t) − t` and `ln u − (u − 1)`.
//!
//! Method: for |t| <= 1/2, with `r = t/(2+t)`,
//! `ln(1+t) − t = −r t + 2 r³ Σ_{j=0..15} r^{2j}/(2j+3)` (|r| <= 1/3; the first omitted
//! term is below 2^-54 relative): no cancellation near 0. Beyond, `ln(1+t) − t`
//! directly, where it does not cancel.
//!
//! Error: a few ulp of the result (measured through the families that use it).

use super::ln_core;
use crate::arch::generic::Vector;

/// `1/(2j+3)`, j = 0..16.
const INV_ODD: [f64; 16] = [
    1.0 / 3.0,
    1.0 / 5.0,
    1.0 / 7.0,
    1.0 / 9.0,
    1.0 / 11.0,
    1.0 / 13.0,
    1.0 / 15.0,
    1.0 / 17.0,
    1.0 / 19.0,
    1.0 / 21.0,
    1.0 / 23.0,
    1.0 / 25.0,
    1.0 / 27.0,
    1.0 / 29.0,
    1.0 / 31.0,
    1.0 / 33.0,
];

/// `ln(1+t) − t` for lanes with |t| <= 1/2; other lanes unspecified.
#[inline(always)]
pub fn ln1pmx_core<V: Vector>(t: V) -> V {
    let r = t / (V::splat(2.0) + t);
    let r2 = r * r;
    let mut s = V::splat(INV_ODD[15]);
    for &c in INV_ODD[..15].iter().rev() {
        s = s.mul_add(r2, V::splat(c));
    }
    let two_r3 = V::splat(2.0) * r * r2;
    two_r3.mul_add(s, -(r * t))
}

/// `ln u − (u − 1)` for lanes with `u ∈ [f64::MIN_POSITIVE, f64::MAX]`; other lanes
/// unspecified. Near `u = 1` through [`ln1pmx_core`] (`u − 1` is exact there).
#[inline(always)]
pub fn ln_ratio_m1<V: Vector>(u: V) -> V {
    let one = V::splat(1.0);
    let t = u - one;
    let near = V::le(t.abs(), V::splat(0.5));
    let far = ln_core(u) - t;
    V::select(near, ln1pmx_core(t), far)
}
