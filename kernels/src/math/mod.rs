//! Scalar special functions for stable log-densities (no_std).
//!
//! These are the building blocks of the saddle-point ("Loader") formulations that keep
//! log-densities accurate for large shapes and counts, where the textbook
//! `k ln λ − λ − ln k!` loses every digit to cancellation:
//!
//! - [`stirlerr`]: the error of Stirling's formula, `ln Γ(n+1) − (n+½)ln n + n − ln√(2π)`;
//! - [`bd0`]: the deviance term `x ln(x/M) + M − x`, accurate when `x ≈ M`;
//! - [`ln1pmx`]: `ln(1+t) − t` without cancellation for small `t`;
//! - [`lbeta`]: `ln B(a, b)` without cancellation for large arguments;
//! - [`ln_factorial`]: `ln k!` (table for small `k`, Stirling beyond);
//! - [`dpois_raw`], [`dbinom_raw`]: log-densities of Poisson and binomial form for real
//!   arguments, the kernels of the gamma, beta and discrete families.
//!
//! All are generic over [`Float`]; the reference densities use the `f64` instances.
//! The SIMD issue adds vector `ln`/`exp`/`log1p`/`lgamma` beside these.

mod tables;
pub mod vector;

use crate::Float;
pub(crate) use tables::{LN_FACTORIAL, STIRLERR_HALVES};

/// `ln √(2π)`: 0.91893853320467274178032973640561763986...
pub const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// `ln(2π)`: 1.8378770664093454835606594728112352797...
pub const LN_2PI: f64 = 1.837_877_066_409_345_5;

/// Coefficients `B_{2k} / (2k (2k−1))` of Stirling's series, k = 1..=12.
pub(crate) const STIRLING: [f64; 12] = [
    1.0 / 12.0,
    -1.0 / 360.0,
    1.0 / 1260.0,
    -1.0 / 1680.0,
    1.0 / 1188.0,
    -691.0 / 360_360.0,
    1.0 / 156.0,
    -3617.0 / 122_400.0,
    43867.0 / 244_188.0,
    -174_611.0 / 125_400.0,
    854_513.0 / 63756.0,
    -236_364_091.0 / 1_506_960.0,
];

#[inline(always)]
fn c<F: Float>(v: f64) -> F {
    F::from_f64(v)
}

/// Stirling's series `Σ_{k<terms} S_k / n^{2k−1}`, Horner in `1/n²`.
#[inline(always)]
fn stirling_series<F: Float>(n: F, terms: usize) -> F {
    let inv = F::ONE / n;
    let inv2 = inv * inv;
    let mut acc = c::<F>(STIRLING[terms - 1]);
    let mut k = terms - 1;
    while k > 0 {
        k -= 1;
        acc = acc * inv2 + c::<F>(STIRLING[k]);
    }
    acc * inv
}

/// The error of Stirling's approximation to `ln n!` for real `n >= 0`:
/// `stirlerr(n) = ln Γ(n+1) − (n + ½) ln n + n − ln √(2π)` (and `stirlerr(0) = 0`).
///
/// Method: a table at half-integers up to 15 (mpmath); for `n >= 7` Stirling's series
/// with as many terms as keep the truncation below 3e-17; for `1 <= n < 7` the upward
/// recurrence `stirlerr(n) = stirlerr(n+1) + (n+½) ln(1+1/n) − 1`, which adds only a few
/// ε of absolute error per step; below 1 the defining formula with `lgamma` (where the
/// terms are small). Absolute error ≤ 1e-16 · max(1, |stirlerr(n)|) in f64 (tested).
///
/// ```
/// use expfam_kernels::math::stirlerr;
/// assert!((stirlerr(10.0f64) - 0.008330563433362871).abs() < 1e-17);
/// ```
pub fn stirlerr<F: Float>(n: F) -> F {
    if n <= F::ZERO {
        return F::ZERO;
    }
    let fifteen = c::<F>(15.0);
    if n <= fifteen {
        let twice = n + n;
        if twice == twice.floor_() {
            // `twice` is a whole number in 1..=30 here.
            let i = twice.to_f64() as usize;
            return c::<F>(STIRLERR_HALVES[i]);
        }
    }
    if n > c::<F>(500.0) {
        return stirling_series(n, 2);
    }
    if n > c::<F>(80.0) {
        return stirling_series(n, 3);
    }
    if n > c::<F>(35.0) {
        return stirling_series(n, 4);
    }
    if n > fifteen {
        return stirling_series(n, 6);
    }
    let seven = c::<F>(7.0);
    if n >= seven {
        return stirling_series(n, 12);
    }
    if n < F::ONE {
        return (n + F::ONE).lgamma_() - (n + F::HALF) * n.ln_() + n - c::<F>(LN_SQRT_2PI);
    }
    // Recurrence upward: accumulate the corrections from n up to n + m >= 7.
    let mut m = n;
    let mut corr = F::ZERO;
    while m < seven {
        corr += (m + F::HALF) * (F::ONE / m).ln_1p_() - F::ONE;
        m += F::ONE;
    }
    stirling_series(m, 12) + corr
}

/// `ln(1 + t) − t` for `t > −1`, accurate to a few ulp for every `t` (no cancellation
/// near 0).
///
/// Method: for |t| <= 1/2, with `r = t/(2+t)`, `ln(1+t) = 2 atanh r`, so
/// `ln(1+t) − t = −r t + 2 r³ (1/3 + r²/5 + r⁴/7 + …)`, summed until it stops changing
/// (|r| <= 1/3); elsewhere `ln_1p(t) − t` directly.
///
/// ```
/// use expfam_kernels::math::ln1pmx;
/// let t = 1e-5f64;
/// // mpmath: log1p(1e-5) − 1e-5 = −4.999966666916666…e-11
/// assert!((ln1pmx(t) - (-4.999966666916666e-11)).abs() < 1e-25);
/// ```
pub fn ln1pmx<F: Float>(t: F) -> F {
    if !(t.abs_() <= F::HALF) {
        return t.ln_1p_() - t;
    }
    let r = t / (t + c::<F>(2.0));
    let r2 = r * r;
    let mut pow = r2;
    let mut series = c::<F>(1.0 / 3.0);
    let mut k = 5.0f64;
    loop {
        let next = series + pow / c::<F>(k);
        if next == series || k > 81.0 {
            break;
        }
        series = next;
        pow = pow * r2;
        k += 2.0;
    }
    let two = c::<F>(2.0);
    two * r * r2 * series - r * t
}

/// `ln u − (u − 1)` for `u > 0`: [`ln1pmx`] of `u − 1`, without forming `u − 1` where
/// that would lose the information in a tiny `u`.
#[inline]
pub fn ln_ratio_m1<F: Float>(u: F) -> F {
    if u > F::HALF && u < c::<F>(1.5) {
        // u − 1 is exact here (Sterbenz).
        ln1pmx(u - F::ONE)
    } else {
        u.ln_() - u + F::ONE
    }
}

/// The deviance term `bd0(x, m) = x ln(x/m) + m − x >= 0` for `x >= 0`, `m > 0`,
/// accurate when `x ≈ m` (Loader 2000).
///
/// Method: for |x − m| < 0.1 (x + m) the series
/// `bd0 = (x−m) v + 2x Σ_{j>=1} v^{2j+1}/(2j+1)` with `v = (x−m)/(x+m)`; for
/// |x − m| < m `x·log1p((x−m)/m) − (x−m)`, whose terms are O(|x − m|); elsewhere the
/// defining formula `x(ln(x/m) − 1) + m`.
///
/// ```
/// use expfam_kernels::math::bd0;
/// assert_eq!(bd0(5.0f64, 5.0), 0.0);
/// assert!((bd0(1.0f64, 2.0) - (2.0 - 1.0 - 2f64.ln())).abs() < 1e-15);
/// ```
pub fn bd0<F: Float>(x: F, m: F) -> F {
    let d = x - m;
    // Halves throughout, so that x + m cannot overflow when x or m is near F::MAX.
    let half_sum = F::HALF * x + F::HALF * m;
    if d.abs_() < c::<F>(0.2) * half_sum {
        let v = (F::HALF * d) / half_sum;
        let mut s = d * v;
        let mut ej = x * (v + v);
        let v2 = v * v;
        let mut j = 3.0f64;
        while j < 200.0 {
            ej = ej * v2;
            let s1 = s + ej / c::<F>(j);
            if s1 == s {
                return s1;
            }
            s = s1;
            j += 2.0;
        }
        return s;
    }
    if x == F::ZERO {
        return m;
    }
    if d.abs_() < m {
        // 0 < r < 2: ln r = log1p(d/m) is accurate to ε|d/m| where ln(x/m) loses ε
        // through the rounding of x/m, and x·ln r − d cancels less than x(ln r − 1) + m
        // (each term is O(|d|) instead of O(m)).
        return x * (d / m).ln_1p_() - d;
    }
    let r = x / m;
    let ln_r = if r.is_finite_() && r > F::ZERO {
        r.ln_()
    } else {
        x.ln_() - m.ln_()
    };
    // x (ln r − 1) + m rather than x ln r + m − x: same rounding, and no overflow in
    // x ln r when the result itself is representable.
    x * (ln_r - F::ONE) + m
}

/// `ln k!` for a whole number `k >= 0` held in a float.
///
/// Method: the mpmath table for `k < 128`, beyond it
/// `(k + ½) ln k − k + ln √(2π) + stirlerr(k)`; relative error a few ε.
///
/// ```
/// use expfam_kernels::math::ln_factorial;
/// assert!((ln_factorial(3.0f64) - 6f64.ln()).abs() < 1e-15);
/// ```
pub fn ln_factorial<F: Float>(k: F) -> F {
    if k < c::<F>(128.0) {
        let i = k.to_f64() as usize;
        return c::<F>(LN_FACTORIAL[i]);
    }
    (k + F::HALF) * k.ln_() - k + c::<F>(LN_SQRT_2PI) + stirlerr(k)
}

/// `ln Γ(x)` for `x > 0`, through `libm` below 10 and through Stirling's series with
/// [`stirlerr`] above, where it is more accurate.
pub fn lgamma<F: Float>(x: F) -> F {
    if x < c::<F>(10.0) {
        x.lgamma_()
    } else {
        (x - F::HALF) * x.ln_() - x + c::<F>(LN_SQRT_2PI) + stirlerr(x)
    }
}

/// `ln B(a, b)` for `a, b > 0`, without the cancellation of
/// `lgamma(a) + lgamma(b) − lgamma(a+b)` when an argument is large
/// (the decomposition of R's `lbeta`, with [`stirlerr`] as the correction term).
///
/// ```
/// use expfam_kernels::math::lbeta;
/// assert!((lbeta(2.0f64, 3.0) - (1.0f64 / 12.0).ln()).abs() < 1e-15);
/// ```
pub fn lbeta<F: Float>(a: F, b: F) -> F {
    let (p, q) = if a < b { (a, b) } else { (b, a) };
    let ten = c::<F>(10.0);
    let s = p + q;
    if p >= ten {
        let corr = stirlerr(p) + stirlerr(q) - stirlerr(s);
        // p/(p + q), also when p + q overflows (stirlerr(∞) is 0, as its limit).
        let r = if s.is_finite_() {
            p / s
        } else {
            (F::HALF * p) / (F::HALF * p + F::HALF * q)
        };
        -F::HALF * q.ln_()
            + c::<F>(LN_SQRT_2PI)
            + corr
            + (p - F::HALF) * r.ln_()
            + q * (-r).ln_1p_()
    } else if q >= ten {
        let corr = stirlerr(q) - stirlerr(s);
        p.lgamma_() + corr + p - p * s.ln_() + (q - F::HALF) * (-(p / s)).ln_1p_()
    } else {
        p.lgamma_() + q.lgamma_() - s.lgamma_()
    }
}

/// `ln(λ^x e^{−λ} / Γ(x+1))` for real `x >= 0`, `λ >= 0`: the Poisson form
/// (Loader's `dpois_raw`), via `−½ ln(2πx) − stirlerr(x) − bd0(x, λ)`.
pub fn dpois_raw<F: Float>(x: F, lambda: F) -> F {
    if x.is_nan_() || lambda.is_nan_() {
        return F::NAN;
    }
    if lambda == F::ZERO {
        return if x == F::ZERO {
            F::ZERO
        } else {
            F::NEG_INFINITY
        };
    }
    if !lambda.is_finite_() || !x.is_finite_() || x < F::ZERO {
        return F::NEG_INFINITY;
    }
    if x == F::ZERO {
        return -lambda;
    }
    let tiny = c::<F>(1e-300);
    if x <= lambda * tiny {
        return -lambda;
    }
    -F::HALF * (c::<F>(LN_2PI) + x.ln_()) - stirlerr(x) - bd0(x, lambda)
}

/// `ln(C(n, x) p^x q^{n−x})` for real `0 <= x <= n`, `q = 1 − p` passed separately
/// (Loader's `dbinom_raw`); `p == 0`, `q == 0` and the end points are handled exactly.
pub fn dbinom_raw<F: Float>(x: F, n: F, p: F, q: F) -> F {
    if p == F::ZERO {
        return if x == F::ZERO {
            F::ZERO
        } else {
            F::NEG_INFINITY
        };
    }
    if q == F::ZERO {
        return if x == n { F::ZERO } else { F::NEG_INFINITY };
    }
    let tenth = c::<F>(0.1);
    if x == F::ZERO {
        if n == F::ZERO {
            return F::ZERO;
        }
        return if p < tenth {
            -bd0(n, n * q) - n * p
        } else {
            n * (-p).ln_1p_()
        };
    }
    if x == n {
        return if q < tenth {
            -bd0(n, n * p) - n * q
        } else {
            n * p.ln_()
        };
    }
    if x < F::ZERO || x > n {
        return F::NEG_INFINITY;
    }
    dbinom_raw_split(x, n - x, p, q)
}

/// [`dbinom_raw`] for 0 < x and 0 < y with the two counts given apart (n = x + y), so a
/// caller whose y is not n − x exactly (the beta's β − 1 beside α − 1) loses nothing to
/// the rounding of n.
pub fn dbinom_raw_split<F: Float>(x: F, y: F, p: F, q: F) -> F {
    let n = x + y;
    let lc = stirlerr(n) - stirlerr(x) - stirlerr(y) - bd0(x, n * p) - bd0(y, n * q);
    let lf = c::<F>(LN_2PI) + x.ln_() + (y.ln_() - n.ln_());
    lc - F::HALF * lf
}

/// True when `x` is a whole number (and finite).
#[inline(always)]
pub(crate) fn is_whole<F: Float>(x: F) -> bool {
    x.floor_() == x && x.is_finite_()
}
