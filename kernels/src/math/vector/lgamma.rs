//! Vector `ln Γ(x)` for positive `x`.
//!
//! Method, by range (every lane computes one `ln` and one table polynomial; selects
//! pick the pieces):
//! - `y ∈ [½, 3)`: `ln Γ(y) = (y−1)(y−2)·q(y)`, `q` a degree-13 polynomial in
//!   `t = y − centre` on 20 intervals of width ⅛ (coefficients gathered per lane from
//!   the table that `tests/scripts/fit_lgamma.py` fits with mpmath, fit error 2.7e-19
//!   relative). The factors `(y−1)`, `(y−2)` carry the zeros at 1 and 2, so the relative
//!   error stays small there too.
//! - `x ∈ (0, ½)`: `ln Γ(x+1) − ln x` (no cancellation worse than 1.4x);
//! - `x ∈ [3, 8)`: `ln Γ(r) + ln((x−1)⋯r)` with `r = x − n ∈ [2, 3)` (both terms
//!   positive);
//! - `x >= 8`: Stirling, `(x−½)(ln x − 1) + ln √(2π) − ½ + Σ_{k<=9} S_k/x^{2k−1}`
//!   (truncation < 1e-16 absolute at 8), with `ln x` as a double-word
//!   ([`ln_core_dw`](super::ln_core_dw)) and `(x−½)·(ln x − 1)` split exactly by an FMA.
//!
//! Error: <= 3 ulp for every `x ∈ [f64::MIN_POSITIVE, 1e300]` (measured against
//! mpmath on 105 000 points, the zeros at 1 and 2 included: see the tests). Other lanes
//! (`x <= 0`, subnormal, above 1e300, ±∞, NaN) are those of [`lgamma_special`] and go
//! to `libm::lgamma`.

use super::lgamma_table::{LGAMMA_INTERVALS, LGAMMA_Q};
use super::{ln_core_dw, per_lane};
use crate::arch::generic::Vector;
use crate::math::{LN_SQRT_2PI, STIRLING};

/// Lanes outside the domain of [`lgamma_core`]: not in `[f64::MIN_POSITIVE, 1e300]`.
#[inline(always)]
pub fn lgamma_special<V: Vector>(x: V) -> V::Mask {
    V::not(V::and(
        V::le(V::splat(f64::MIN_POSITIVE), x),
        V::le(x, V::splat(1e300)),
    ))
}

/// `ln Γ(y)` for `y ∈ [½, 3)` from the table (other lanes: finite, unspecified).
#[inline(always)]
fn lgamma_table<V: Vector>(y: V) -> V {
    // (y − ½)·8 is exact on [½, 3); i its interval, t the offset from the centre.
    let u = (y - V::splat(0.5)) * V::splat(8.0);
    let i = u.floor();
    let t = (u - i - V::splat(0.5)) * V::splat(0.125);
    let i = V::select(
        V::lt(i, V::splat(LGAMMA_INTERVALS as f64)),
        i,
        V::splat((LGAMMA_INTERVALS - 1) as f64),
    );
    let mut q = V::gather(&LGAMMA_Q[LGAMMA_Q.len() - 1], i);
    for row in LGAMMA_Q[..LGAMMA_Q.len() - 1].iter().rev() {
        q = q.mul_add(t, V::gather(row, i));
    }
    // (y−1) is exact on [½, 3); (y−2) is not below 1, so carry its rounding error:
    // d + dl = y − 2 exactly (d + 2 and y − (d + 2) are exact there).
    let two = V::splat(2.0);
    let d = y - two;
    let dl = y - (d + two);
    let p = (y - V::splat(1.0)) * q;
    p.mul_add(d, p * dl)
}

/// `ln Γ(x)` for lanes with `x ∈ [f64::MIN_POSITIVE, 1e300]`; other lanes unspecified.
#[inline(always)]
pub fn lgamma_core<V: Vector>(x: V) -> V {
    let one = V::splat(1.0);
    let half = V::splat(0.5);
    let tiny = V::lt(x, half);
    let mid = V::lt(x, V::splat(3.0));
    let shifted = V::lt(x, V::splat(8.0));
    // [3, 8): r = x − n ∈ [2, 3) and prod = (x−1)(x−2)⋯r (exact differences).
    let mut prod = one;
    let mut r = x;
    let mut k = 1.0;
    while k <= 5.0 {
        let more = V::le(V::splat(k + 2.0), x);
        let f = x - V::splat(k);
        prod = V::select(more, prod * f, prod);
        r = V::select(more, f, r);
        k += 1.0;
    }
    // The table argument: x + 1 below ½, x on [½, 3), r on [3, 8); anything in range above.
    let y = V::select(
        tiny,
        x + one,
        V::select(mid, x, V::select(shifted, r, V::splat(2.5))),
    );
    let table = lgamma_table(y);
    // One ln: of x below ½ and from 8 on, of the product on [3, 8) (1 on [½, 3)).
    let arg = V::select(tiny, x, V::select(mid, one, V::select(shifted, prod, x)));
    let (lh, ll) = ln_core_dw(arg);
    let small = V::select(tiny, (table - lh) - ll, (table + lh) + ll);

    // Stirling for x >= 8: (x−½)(ln x − 1) + (ln√(2π) − ½) + series.
    let xs = V::select(shifted, V::splat(8.0), x);
    let xm = xs - half;
    let u = lh - one; // lh >= ln 8 > 2: exact
    let ul = ll + ((lh - u) - one);
    let ph = xm * u;
    let pl = xm.mul_add(u, -ph);
    let inv = one / xs;
    let inv2 = inv * inv;
    let mut series = V::splat(STIRLING[8]);
    for &c in STIRLING[..8].iter().rev() {
        series = series.mul_add(inv2, V::splat(c));
    }
    let rest = xm.mul_add(ul, pl) + series.mul_add(inv, V::splat(LN_SQRT_2PI - 0.5));
    let large = ph + rest;
    V::select(shifted, small, large)
}

/// `ln Γ(x)` for every lane: [`lgamma_core`] where it applies, `libm::lgamma` for a
/// vector with any other lane (`x <= 0`, subnormal, huge, ±∞, NaN).
///
/// ```
/// use expfam_kernels::arch::{generic::Vector, scalar::F64x1};
/// use expfam_kernels::math::vector::lgamma;
/// assert_eq!(lgamma(F64x1(1.0)).0, 0.0);
/// assert!((lgamma(F64x1(10.0)).0 - 362880f64.ln()).abs() <= 4e-15);
/// assert_eq!(lgamma(F64x1(0.0)).0, f64::INFINITY);
/// ```
#[inline(always)]
pub fn lgamma<V: Vector>(x: V) -> V {
    if V::any(lgamma_special(x)) {
        return per_lane(x, libm::lgamma);
    }
    lgamma_core(x)
}
