//! Vector natural logarithm.
//!
//! Method: `x = 2^k · m` with `m ∈ [√½, √2)` by integer operations on the bits,
//! `f = m − 1` (exact), `s = f/(m+1)`, and `ln(1+f) = 2 atanh s = f − f²/2 + s(f²/2 + R)`
//! with `R = z·h(z)`, `z = s²`, where `h` is a degree-6 fit to the atanh series (below),
//! evaluated by Estrin's scheme (Horner's rule on eight lanes); then
//! `ln x = k·ln2_hi + (f − ((f²/2 − s(f²/2 + R)) − k·ln2_lo))`, with ln 2 split so that
//! `k·ln2_hi` is exact (two FMAs for the inner bracket). One quotient per vector, by
//! [`Vector::div_small`]: on AVX-512 a reciprocal estimate refined by FMAs (within about
//! 2^-52, not correctly rounded: its error reaches `ln x` scaled by
//! `s(f²/2 + R)/ln x < 0.05`), a divide on the other tiers. A table would avoid the
//! quotient, but costs a gather per vector, which is slower than `vdivpd` on the tiers
//! here.
//!
//! Error: <= 1 ulp for every positive normal finite input; measured 0.754 ulp on every
//! tier (`tests/tests/conformance/vector_math.rs`, 105 000 points against mpmath).
//! Special lanes (x <= 0, subnormal, +∞, NaN) are those of [`ln_special`].

use super::per_lane;
use crate::arch::generic::Vector;

/// `ln 2` with the low 21 mantissa bits cleared (bits `0x3fe62e42fee00000`), so that
/// `k · LN2_HI` is exact for |k| < 2^21.
const LN2_HI: f64 = 0.693_147_180_369_123_8;
/// `ln 2 − LN2_HI` (mpmath): bits `0x3dea39ef35793c76`.
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
/// `h(z) ≈ Σ_{j>=1} 2 z^{j−1}/(2j+1)` on `z ∈ [0, 0.0295]`: a degree-6 Chebyshev fit
/// by `tests/scripts/fit_ln_poly.py 6` (mpmath); max error 3.1e-16 on h, under 5e-18
/// relative in ln.
const H: [f64; 7] = [
    0.666666666666667,
    0.39999999999899444,
    0.2857142862600327,
    0.22222211130259878,
    0.18182889455674947,
    0.15331710618210773,
    0.14616585424888623,
];

/// `H[i]` in every lane.
#[inline(always)]
fn h<V: Vector>(i: usize) -> V {
    V::splat(H[i])
}

/// Lanes outside the domain of [`ln_core`]: not in `[f64::MIN_POSITIVE, f64::MAX]`.
#[inline(always)]
pub fn ln_special<V: Vector>(x: V) -> V::Mask {
    x.not_positive_normal()
}

/// The pieces of `ln x = k·ln 2 + f − f²/2 + s(f²/2 + R)` shared by [`ln_core`] and
/// [`ln_core_dw`]: `(k, f, f²/2, s, f²/2 + R)`.
///
/// Written for a short dependency chain, which is what bounds a batch of logarithms
/// (the out-of-order window holds only a few vectors' chains): `m + 1` comes from `m`
/// beside `f = m − 1` (the same value as `2 + f`: `f` is exact), and `h` is evaluated
/// by Estrin's scheme, half Horner's latency for two more multiplies, on vectors of up
/// to four lanes (one lane: a single point waits for the whole chain); on eight, by
/// Horner's rule (see below).
#[inline(always)]
fn ln_parts<V: Vector>(x: V) -> (V, V, V, V, V) {
    let (k, m) = x.split_sqrt2();
    let f = m - V::splat(1.0);
    let s = f.div_small(m + V::splat(1.0));
    let hfsq = V::splat(0.5) * f * f;
    let z = s * s;
    let poly = if V::LANES >= 8 {
        // Horner's rule on eight lanes: two multiplies fewer, where AVX-512 on Zen 4
        // (each 512-bit operation issued as two 256-bit halves) is bound by the count of
        // operations rather than by the chain. Maps at 4096 points, ns/element, Estrin
        // against Horner on a Zen 4 EPYC: gamma 0.89 / 0.83, inverse gamma 1.02 / 0.95,
        // Weibull (k = 1.5) 1.20 / 1.04, beta 1.91 / 1.79, lognormal 0.911 / 0.919; on
        // the AVX2 tier Horner lost (gamma 1.33 / 1.51), on SSE2 more (lognormal 3.49 / 3.98).
        let mut p = h::<V>(6);
        for i in (0..6).rev() {
            p = p.mul_add(z, h(i));
        }
        p
    } else {
        // h = (H0 + H1 z) + z²(H2 + H3 z) + z⁴((H4 + H5 z) + z² H6).
        let z2 = z * z;
        let z4 = z2 * z2;
        let lo = h::<V>(3)
            .mul_add(z, h(2))
            .mul_add(z2, h::<V>(1).mul_add(z, h(0)));
        let hi = h::<V>(6).mul_add(z2, h::<V>(5).mul_add(z, h(4)));
        hi.mul_add(z4, lo)
    };
    (k, f, hfsq, s, poly.mul_add(z, hfsq))
}

/// `ln x` for lanes with `x ∈ [f64::MIN_POSITIVE, f64::MAX]`; other lanes unspecified.
#[inline(always)]
pub fn ln_core<V: Vector>(x: V) -> V {
    let (k, f, hfsq, s, hfsq_r) = ln_parts(x);
    // `(f²/2 − s(f²/2 + R)) − k·ln2_lo` in two FMAs: where `s(f²/2 + R) + k·ln2_lo`
    // first took a multiply and an FMA, and a subtract after them.
    let t = k.mul_add(V::splat(-LN2_LO), (-s).mul_add(hfsq_r, hfsq));
    k.mul_add(V::splat(LN2_HI), f - t)
}

/// `ln x` for every lane (special lanes through `libm::log`).
///
/// ```
/// use expfam_kernels::arch::{generic::Vector, scalar::F64x1};
/// use expfam_kernels::math::vector::ln;
/// assert_eq!(ln(F64x1(1.0)).0, 0.0);
/// assert!((ln(F64x1(10.0)).0 - 10f64.ln()).abs() <= f64::EPSILON * 2.31);
/// ```
#[inline(always)]
pub fn ln<V: Vector>(x: V) -> V {
    if V::any(ln_special(x)) {
        return per_lane(x, libm::log);
    }
    ln_core(x)
}

/// `ln x` as an unevaluated sum `hi + lo` for lanes with
/// `x ∈ [f64::MIN_POSITIVE, f64::MAX]` (other lanes unspecified): the terms of
/// [`ln_core`] added with exact two-sums, so `hi + lo` is within about 2^-55 of
/// `|ln x|` (the rounding of `f²/2` and of the polynomial term). For callers that scale
/// `ln x` by a large factor or cancel it against a nearly equal term, such as Stirling's
/// formula in [`lgamma`](super::lgamma).
#[inline(always)]
pub fn ln_core_dw<V: Vector>(x: V) -> (V, V) {
    let (k, f, hfsq, s, hfsq_r) = ln_parts(x);
    // ln x = k·ln2_hi + f + c, with |c| <= f²/2·1.2 < |f| and k·ln2_hi exact.
    let c = s.mul_add(hfsq_r, k * V::splat(LN2_LO)) - hfsq;
    let a = k * V::splat(LN2_HI);
    // |a| >= ln 2 > |f| or a = 0: Fast2Sum is exact.
    let h0 = a + f;
    let e0 = f - (h0 - a);
    // |h0| >= 0.27 > |c| when k != 0 (|f| <= 0.415); |h0| = |f| > |c| when k = 0.
    let hi = h0 + c;
    let e1 = c - (hi - h0);
    (hi, e0 + e1)
}
