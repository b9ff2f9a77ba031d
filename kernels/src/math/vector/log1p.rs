//! Vector `ln(1 + x)`.
//!
//! Method: `u = 1 + x` (rounded), then `ln(1+x) = ln u + (x − (u − 1))/u`: the second
//! term restores what rounding `u` lost, to first order, which is all that remains.
//!
//! Error: <= 2 ulp for `x > −1` with `1 + x` finite (measured: see the tests).
//! Special lanes: those of [`ln_1p_special`].

use super::{ln_core, per_lane};
use crate::arch::generic::Vector;

/// Lanes outside the domain of [`ln_1p_core`]: `x <= −1`, `x > 2^1023`, NaN.
#[inline(always)]
pub fn ln_1p_special<V: Vector>(x: V) -> V::Mask {
    V::not(V::and(
        V::lt(V::splat(-1.0), x),
        V::le(x, V::splat(8.988_465_674_311_579e307)),
    ))
}

/// `ln(1 + x)` for lanes with `−1 < x <= 2^1023`; other lanes unspecified.
#[inline(always)]
pub fn ln_1p_core<V: Vector>(x: V) -> V {
    let one = V::splat(1.0);
    let u = one + x;
    let c = (x - (u - one)) / u;
    ln_core(u) + c
}

/// `ln(1 + x)` for every lane (special lanes through `libm::log1p`).
///
/// ```
/// use expfam_kernels::arch::{generic::Vector, scalar::F64x1};
/// use expfam_kernels::math::vector::ln_1p;
/// assert_eq!(ln_1p(F64x1(1e-300)).0, 1e-300);
/// ```
#[inline(always)]
pub fn ln_1p<V: Vector>(x: V) -> V {
    if V::any(ln_1p_special(x)) {
        return per_lane(x, libm::log1p);
    }
    ln_1p_core(x)
}
