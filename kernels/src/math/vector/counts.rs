//! Vector building blocks of the count families: `ln k!` from the table, `stirlerr` at
//! whole numbers, the deviance term `bd0`, and `ln Γ(x)` for moderate positive `x`.
//!
//! Method and error: `ln_factorial_small` and `stirlerr_int` below 16 are the mpmath
//! tables (exact to the last bit); `stirlerr_int` above 15 is Stirling's series with six
//! terms (truncation < 2e-16 absolute); `bd0` near `x = M` is
//! `M((1+t)(ln(1+t) − t) + t²)` with `t = (x − M)/M` (no cancellation), elsewhere
//! `x (ln(x/M) − 1) + M`.

use super::{ln_core, ln1pmx_core};
use crate::arch::generic::Vector;
use crate::math::{LN_FACTORIAL, STIRLERR_HALVES, STIRLING};

/// `ln k!` for whole `k ∈ [0, 128)` (other lanes: unspecified but finite).
#[inline(always)]
pub fn ln_factorial_small<V: Vector>(k: V) -> V {
    V::gather(&LN_FACTORIAL, k)
}

/// Stirling's series `Σ S_k / n^{2k−1}` for `n > 15` (six terms).
#[inline(always)]
pub fn stirling_series<V: Vector>(n: V) -> V {
    let inv = V::splat(1.0) / n;
    let inv2 = inv * inv;
    // The first six coefficients of the scalar series (truncation < 2e-16 above 15).
    let mut acc = V::splat(STIRLING[5]);
    for &c in STIRLING[..5].iter().rev() {
        acc = acc.mul_add(inv2, V::splat(c));
    }
    acc * inv
}

/// `stirlerr(k)` for whole `k >= 0` (table to 15, Stirling's series above).
#[inline(always)]
pub fn stirlerr_int<V: Vector>(k: V) -> V {
    let small = V::le(k, V::splat(15.0));
    let twice = k + k;
    let table = V::gather(&STIRLERR_HALVES, twice);
    let series = stirling_series(V::select(small, V::splat(16.0), k));
    V::select(small, table, series)
}

/// `bd0(x, m) = x ln(x/m) + m − x` for `x >= 0`, `m > 0` (finite, normal).
#[inline(always)]
pub fn bd0<V: Vector>(x: V, m: V) -> V {
    let t = (x - m) / m;
    let near = V::le(t.abs(), V::splat(0.5));
    let one = V::splat(1.0);
    let close = m * (one + t).mul_add(ln1pmx_core(t), t * t);
    // Away from the mode; x = 0 gives m.
    let ratio = V::select(V::eq(x, V::splat(0.0)), one, x / m);
    let far = x.mul_add(ln_core(ratio) - one, m);
    V::select(near, close, far)
}

/// `ln Γ(x)` for `x ∈ (0, 2^52)`: below 8 through `ln Γ(x+8) − ln(x(x+1)⋯(x+7))`,
/// above through Stirling with [`stirling_series`]. Absolute error a few ulp of
/// `ln Γ(x+8)` (not a relative bound near the zeros at 1 and 2).
#[inline(always)]
pub fn lgamma_pos<V: Vector>(x: V) -> V {
    let eight = V::splat(8.0);
    let small = V::lt(x, eight);
    let y = V::select(small, x + eight, x);
    // x(x+1)⋯(x+7) as a tree of products: three multiplications deep instead of seven
    // (the product and its logarithm are the longest chain of the kernels that use this).
    let f = |k: f64| x + V::splat(k);
    let prod = (x * f(1.0)) * (f(2.0) * f(3.0)) * ((f(4.0) * f(5.0)) * (f(6.0) * f(7.0)));
    let half = V::splat(0.5);
    let lg =
        (y - half).mul_add(ln_core(y), V::splat(crate::math::LN_SQRT_2PI) - y) + stirling_series(y);
    let prod = V::select(small, prod, V::splat(1.0));
    lg - ln_core(prod)
}
