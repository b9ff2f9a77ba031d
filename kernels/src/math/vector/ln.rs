//! Vector natural logarithm, by one of two methods.
//!
//! Quotient method (every tier but AVX-512, and [`ln_core_dw`] everywhere):
//! `x = 2^k · m` with `m ∈ [√½, √2)` by integer operations on the bits,
//! `f = m − 1` (exact), `s = f/(m+1)`, and `ln(1+f) = 2 atanh s = f − f²/2 + s(f²/2 + R)`
//! with `R = z·h(z)`, `z = s²`, where `h` is a degree-6 fit to the atanh series (below),
//! evaluated by Estrin's scheme (Horner's rule on eight lanes); then
//! `ln x = k·ln2_hi + (f − ((f²/2 − s(f²/2 + R)) − k·ln2_lo))`, with ln 2 split so that
//! `k·ln2_hi` is exact (two FMAs for the inner bracket). One quotient per vector, by
//! [`Vector::div_small`]: a divide (a reciprocal estimate refined by FMAs where
//! [`ln_core_dw`] runs on AVX-512).
//!
//! Table method ([`ln_table16`], on AVX-512, whose `vpermt2pd` reads a table of sixteen
//! entries from registers, where the other tiers would need a gather): no quotient; `m`
//! in one of sixteen pieces of `[45/64, 45/32)`, `r = m·invc − 1` and a degree-10
//! polynomial for `ln(1 + r)`. Against the quotient method on AVX-512, whose
//! `vrcp14pd` takes three to four FMAs' issue slots on Zen 4: lognormal maps 0.87–0.88x
//! the time with three tables, about 0.97x that again with two (`examples/vs_statrs`,
//! alternated; the README has the figures).
//!
//! Error: <= 1 ulp for every positive normal finite input; measured against mpmath
//! (`tests/tests/conformance/vector_math.rs`, 105 000 points): 0.754 ulp on every tier
//! by the quotient method, 0.720 ulp by the table method (AVX-512).
//! Special lanes (x <= 0, subnormal, +∞, NaN) are those of [`ln_special`].

use super::per_lane;
use crate::arch::generic::{MANT_MASK, Vector};

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

/// The table of [`ln_table16`], from `tests/scripts/fit_ln_table.py` (mpmath): the
/// sixteenths of `[45/64, 45/32)` (bits 48..51 of `bits(x) + OFFSET`) and, for each,
/// `invc ≈ 1/m`, chosen so that `ln c = −ln invc` is `G_j + (j − 9)·LN2_LO/16` to within
/// 2^-64 with `G_j` a multiple of 2^-43, and `LOGC_HI = G_j − j·LN2_HI/16`.
pub mod table16 {
    /// The bits of `45/64`, the bottom of the mantissa range: `1.0` is in the middle of
    /// its sixteenth (`j = 9`, whose `invc` is 1, so `r = m − 1` exactly there).
    pub const BOTTOM: u64 = 0x3fe6_8000_0000_0000;
    /// Added to the bits of `x` so the exponent field rounds at `45/64`.
    pub const OFFSET: u64 = 0x3ff0_0000_0000_0000 - BOTTOM;
    /// `invc` per sixteenth: near `1/m` over it, placed so the rounding of `r` costs
    /// little against an ulp of `ln m` next to 1, then moved by under 2^-22 (relative)
    /// to a value whose `ln c` has the form above (a seeded search in the script).
    pub const INVC: [f64; 16] = [
        1.3913042378102378,
        1.3333334861125048,
        1.2723657865596532,
        1.2307692525125646,
        1.1851850516400664,
        1.1387901662215225,
        1.1034483437485643,
        1.0648916363322898,
        1.0305958395295822,
        1.0,
        0.9552239884248176,
        0.8888889217690208,
        0.8421052938127994,
        0.8000000992980931,
        0.7619048553940001,
        0.7272727686591537,
    ];
    /// `G_j − j·LN2_HI/16` (exact: both multiples of 2^-43).
    pub const LOGC_HI: [f64; 16] = [
        -0.3302416076893451,
        -0.33100388571381245,
        -0.3275213890908617,
        -0.33760447869235577,
        -0.34318571914934637,
        -0.34657493499094016,
        -0.3583703269380294,
        -0.36612493544942026,
        -0.37671071013642177,
        -0.38989528895763215,
        -0.3874075645935591,
        -0.35875568786138956,
        -0.3480101647886613,
        -0.3400386569060174,
        -0.3345701901035909,
        -0.3313718074554117,
    ];
}

/// [`Vector::ln_reduce16`] lane by lane (its default, and the reference its register
/// forms are tested against): `[t, m, invc, a]` for lanes holding positive normal
/// finite values.
///
/// ```
/// use expfam_kernels::arch::{generic::Vector, scalar::F64x1};
/// use expfam_kernels::math::vector::ln_reduce16_lanes;
/// // 1.0 is in the sixteenth j = 9 with k = 0, whose invc is 1.
/// let [t, m, invc, _] = ln_reduce16_lanes(F64x1(1.0));
/// assert_eq!((t.0, m.0, invc.0), (9.0, 1.0, 1.0));
/// ```
#[inline(always)]
pub fn ln_reduce16_lanes<V: Vector>(x: V) -> [V; 4] {
    let mut out = [x.to_array(); 4];
    for (i, &x) in x.to_array().as_ref().iter().enumerate() {
        let ix = x.to_bits().wrapping_add(table16::OFFSET);
        // 16k + j, with the exponent bias taken out.
        let t = (ix as i64 >> 48) - (1023 << 4);
        let j = (t & 15) as usize;
        out[0].as_mut()[i] = t as f64;
        out[1].as_mut()[i] = f64::from_bits((ix & MANT_MASK) + table16::BOTTOM);
        out[2].as_mut()[i] = table16::INVC[j];
        out[3].as_mut()[i] = table16::LOGC_HI[j];
    }
    let [t, m, invc, a] = out;
    [
        V::from_array(t),
        V::from_array(m),
        V::from_array(invc),
        V::from_array(a),
    ]
}

/// `LN2_HI/16` (exact): `t·LN2_HI16` is exact for |t| < 2^21.
const LN2_HI16: f64 = LN2_HI / 16.0;
/// `(ln 2 − LN2_HI)/16` to 49 bits, so that `j·LN2_LO16` is exact for `j < 16`
/// (bits `0x3daa39ef35793c70`).
const LN2_LO16: f64 = 1.1926343307941163e-11;
/// `q(r) ≈ (ln(1+r) − r + r²/2)/r³` on `r ∈ [−0.0278, 0.0448]`: a degree-7 Chebyshev fit
/// by `tests/scripts/fit_ln_table.py`; max error 2.1e-15 on q, under 4.2e-18 relative in
/// `ln(1 + r)`.
const Q: [f64; 8] = [
    0.333333333333334,
    -0.2500000000004325,
    0.19999999998557955,
    -0.16666666290616858,
    0.14285716696620446,
    -0.1250085709200208,
    0.11117114458990741,
    -0.09423305627562134,
];

/// `ln x` for lanes with `x ∈ [f64::MIN_POSITIVE, f64::MAX]` (other lanes unspecified),
/// by two tables of sixteen entries: no quotient. Needs FMA (`r` and `hi` are single
/// roundings); [`ln_core`] takes it on the tiers that set
/// [`Vector::LN_TABLE16`](crate::arch::generic::Vector::LN_TABLE16).
///
/// `x = 2^k·m` with `m` in the sixteenth `j` of `[45/64, 45/32)` and `t = 16k + j`;
/// `r = m·invc_j − 1` (one rounding, exact next to 1) and `ln x = k·ln 2 + ln c_j +
/// ln(1+r)`, `ln(1+r) = r − r²/2 + r³q(r)`. With the table's `a_j = G_j − j·LN2_HI/16`,
/// `hi = t·LN2_HI/16 + a_j = k·LN2_HI + G_j` exactly (multiples of 2^-43 under 2^10) and
/// `lo = (t − 9)·LN2_LO/16 = k·LN2_LO + (j − 9)·LN2_LO/16` (zero at `j = 9`, `k = 0`), so
/// `hi + lo = k·(ln 2)' + ln c_j` to within 2^-64; `hi + r` is added by Fast2Sum
/// (`|hi| >= |r|` or `hi = 0`), the small terms to its error.
///
/// Error: <= 1 ulp; the rounding of `r` costs at most 0.25 ulp of `ln m` next to 1,
/// the table's 2^-64 at most 1/64, the final rounding 0.5. Measured in `tests/tests/conformance/vector_math.rs` (AVX-512).
#[inline(always)]
pub fn ln_table16<V: Vector>(x: V) -> V {
    let (hi, r, small) = ln_table16_parts(x);
    let s = hi + r;
    let e = (hi - s) + r;
    s + (e + small)
}

/// The three terms of [`ln_table16`], `ln x = hi + r + small`: `hi = k·LN2_HI + G_j`
/// exact, `r = m·invc_j − 1`, `small = r²(q(r)·r − ½) + lo`.
#[inline(always)]
fn ln_table16_parts<V: Vector>(x: V) -> (V, V, V) {
    let [t, m, invc, a] = x.ln_reduce16();
    let r = m.mul_add(invc, V::splat(-1.0));
    let mut q = V::splat(Q[7]);
    for i in (0..7).rev() {
        q = q.mul_add(r, V::splat(Q[i]));
    }
    // r²·(q·r − ½) + lo = ln(1 + r) − r + lo.
    let c = q.mul_add(r, V::splat(-0.5));
    let lo = t.mul_add(V::splat(LN2_LO16), V::splat(-9.0 * LN2_LO16));
    let small = (r * r).mul_add(c, lo);
    let hi = t.mul_add(V::splat(LN2_HI16), a);
    (hi, r, small)
}

/// `ln x − a` for lanes with `x ∈ [f64::MIN_POSITIVE, f64::MAX]` (other lanes
/// unspecified), for a caller that needs the difference rather than `ln x` (the
/// lognormal's `ln x − μ`).
///
/// By the table method `a` is subtracted from the exact high part of `ln x` before the
/// low part is added, `(hi − a) + (r + small)`: three operations fewer than
/// [`ln_table16`] and a subtraction (no Fast2Sum: its gain, under 0.3 ulp of `ln x`,
/// would be lost in the rounding of the difference), and where `ln x` is close to `a`
/// the high part cancels exactly (Sterbenz) so the difference keeps the low part's
/// precision instead of `ln x`'s rounding error. Error: half an ulp of `hi − a`, half
/// of the result, and the low part's (`r`'s rounding, the table's 2^-64): about one
/// ulp of `max(|ln x|, |a|, |ln x − a|)` (0.99 measured against mpmath, AVX-512). By
/// the quotient method, `ln x` rounded then `a` subtracted (its high part `k·LN2_HI`
/// minus `a` would be rounded at a magnitude above the result's: 1.5 ulp measured).
///
/// ```
/// use expfam_kernels::arch::{generic::Vector, scalar::F64x1};
/// use expfam_kernels::math::vector::ln_minus_core;
/// let v = ln_minus_core(F64x1(10.0), F64x1(2.0)).0;
/// assert!((v - (10f64.ln() - 2.0)).abs() <= f64::EPSILON / 4.0); // one ulp of 0.30
/// ```
#[inline(always)]
pub fn ln_minus_core<V: Vector>(x: V, a: V) -> V {
    if V::LN_TABLE16 {
        let (hi, r, small) = ln_table16_parts(x);
        return (hi - a) + (r + small);
    }
    ln_core(x) - a
}

/// `ln x` for lanes with `x ∈ [f64::MIN_POSITIVE, f64::MAX]`; other lanes unspecified.
#[inline(always)]
pub fn ln_core<V: Vector>(x: V) -> V {
    if V::LN_TABLE16 {
        return ln_table16(x);
    }
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
