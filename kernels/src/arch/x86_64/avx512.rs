//! AVX-512 (F + DQ): eight `f64` lanes in `__m512d`, mask registers, fused
//! multiply-add, `vrndscalepd`.

use crate::arch::generic::{self as g, Vector};
use core::arch::x86_64::*;

super::detected_token!(
    /// Token for the AVX-512 tier: a value proves the CPU has AVX-512F and AVX-512DQ.
    Avx512, "AVX-512F and AVX-512DQ", "avx512f", "avx512dq"
);

super::entry_points!(Avx512, F64x8, "avx512f,avx512dq");

crate::arch::vector_type!(
    /// Eight `f64` lanes. Its methods are only called from code compiled with AVX-512F/DQ
    /// enabled (the entry points of [`Avx512`]).
    F64x8(__m512d);
    add _mm512_add_pd, sub _mm512_sub_pd, mul _mm512_mul_pd, div _mm512_div_pd,
    neg |x| _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(x), i64s(1 << 63)))
);

/// `table[i]` in each lane, for a table of at most 32 entries held in up to four
/// registers: `vpermt2pd` picks within each 16 entries, bit 4 of the index between them.
///
/// # Safety
/// Only from Avx512 entry points; every lane of `i` is below `table.len() <= 32`.
#[inline(always)]
unsafe fn permute_table(table: &[f64], i: __m512i) -> __m512d {
    debug_assert!(!table.is_empty() && table.len() <= 32);
    let len = table.len();
    // Entries 8k.. of the table (zero past its end).
    let chunk = |k: usize| -> __m512d {
        let n = len.saturating_sub(8 * k).min(8);
        // SAFETY: AVX-512F is enabled in the entry points this is inlined into; a full
        // chunk lies inside `table` (8k + 8 <= len), and a partial one reads only its
        // n = len − 8k enabled lanes, from index 8k < len.
        unsafe {
            match n {
                0 => _mm512_setzero_pd(),
                8 => _mm512_loadu_pd(table.as_ptr().add(8 * k)),
                _ => _mm512_maskz_loadu_pd(((1u16 << n) - 1) as u8, table.as_ptr().add(8 * k)),
            }
        }
    };
    // SAFETY: register operations of AVX-512F, enabled as above.
    unsafe {
        if len <= 8 {
            return _mm512_permutexvar_pd(i, chunk(0));
        }
        let lo = _mm512_permutex2var_pd(chunk(0), i, chunk(1));
        if len <= 16 {
            return lo;
        }
        let hi = _mm512_permutex2var_pd(chunk(2), i, chunk(3));
        _mm512_mask_blend_pd(_mm512_test_epi64_mask(i, i64s(16)), lo, hi)
    }
}

/// `table[i & 15]` in each lane: the table as two vectors of eight and one `vpermt2pd`,
/// which reads only the low four bits of each index. (In the lognormal's loop the
/// compiler reloads the two vectors each step, out of registers: loads cost little
/// beside the permute.)
///
/// # Safety
/// Only from Avx512 entry points.
#[inline(always)]
unsafe fn lookup16(table: &[f64; 16], i: __m512i) -> F64x8 {
    // SAFETY: AVX-512F is enabled in the entry points this is inlined into; the two
    // loads read entries 0..8 and 8..16 of the 16.
    unsafe {
        let lo = _mm512_loadu_pd(table.as_ptr());
        let hi = _mm512_loadu_pd(table.as_ptr().add(8));
        F64x8(_mm512_permutex2var_pd(lo, i, hi))
    }
}

super::fence4!(F64x8, zmm_reg, "avx512f", "Avx512");

#[inline(always)]
fn i64s(v: u64) -> __m512i {
    // SAFETY: only reached from Avx512 entry points.
    unsafe { _mm512_set1_epi64(v as i64) }
}

impl Vector for F64x8 {
    const LANES: usize = 8;
    const INTERLEAVE: bool = true;
    type Mask = __mmask8;
    type Array = [f64; 8];

    #[inline(always)]
    fn splat(v: f64) -> Self {
        // SAFETY: only reached from Avx512 entry points.
        F64x8(unsafe { _mm512_set1_pd(v) })
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        // SAFETY: the caller guarantees eight readable f64 at p.
        F64x8(unsafe { _mm512_loadu_pd(p) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        // SAFETY: the caller guarantees eight writable f64 at p.
        unsafe { _mm512_storeu_pd(p, self.0) }
    }
    #[inline(always)]
    unsafe fn load_f32(p: *const f32) -> Self {
        // SAFETY: the caller guarantees eight readable f32 at p.
        F64x8(unsafe { _mm512_cvtps_pd(_mm256_loadu_ps(p)) })
    }
    #[inline(always)]
    unsafe fn store_f32(self, p: *mut f32) {
        // SAFETY: the caller guarantees eight writable f32 at p.
        unsafe { _mm256_storeu_ps(p, _mm512_cvtpd_ps(self.0)) }
    }
    #[inline(always)]
    fn to_array(self) -> [f64; 8] {
        let mut a = [0.0; 8];
        // SAFETY: a has room for eight f64.
        unsafe { _mm512_storeu_pd(a.as_mut_ptr(), self.0) };
        a
    }
    #[inline(always)]
    fn from_array(a: [f64; 8]) -> Self {
        // SAFETY: a holds eight f64.
        F64x8(unsafe { _mm512_loadu_pd(a.as_ptr()) })
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        // SAFETY: only reached from Avx512 entry points.
        F64x8(unsafe { _mm512_fmadd_pd(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn abs(self) -> Self {
        // SAFETY: only reached from Avx512 entry points.
        F64x8(unsafe { _mm512_abs_pd(self.0) })
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        // SAFETY: only reached from Avx512 entry points.
        F64x8(unsafe { _mm512_sqrt_pd(self.0) })
    }
    #[inline(always)]
    fn round(self) -> Self {
        // SAFETY: only reached from Avx512 entry points.
        F64x8(unsafe {
            _mm512_roundscale_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(self.0)
        })
    }
    #[inline(always)]
    fn floor(self) -> Self {
        // SAFETY: only reached from Avx512 entry points.
        F64x8(unsafe {
            _mm512_roundscale_pd::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(self.0)
        })
    }
    #[inline(always)]
    fn lt(self, o: Self) -> __mmask8 {
        // SAFETY: only reached from Avx512 entry points.
        unsafe { _mm512_cmp_pd_mask::<_CMP_LT_OQ>(self.0, o.0) }
    }
    #[inline(always)]
    fn le(self, o: Self) -> __mmask8 {
        // SAFETY: only reached from Avx512 entry points.
        unsafe { _mm512_cmp_pd_mask::<_CMP_LE_OQ>(self.0, o.0) }
    }
    #[inline(always)]
    fn eq(self, o: Self) -> __mmask8 {
        // SAFETY: only reached from Avx512 entry points.
        unsafe { _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(self.0, o.0) }
    }
    #[inline(always)]
    fn and(a: __mmask8, b: __mmask8) -> __mmask8 {
        a & b
    }
    #[inline(always)]
    fn or(a: __mmask8, b: __mmask8) -> __mmask8 {
        a | b
    }
    #[inline(always)]
    fn not(a: __mmask8) -> __mmask8 {
        !a
    }
    #[inline(always)]
    fn select(m: __mmask8, a: Self, b: Self) -> Self {
        // SAFETY: only reached from Avx512 entry points.
        F64x8(unsafe { _mm512_mask_blend_pd(m, b.0, a.0) })
    }
    #[inline(always)]
    fn any(m: __mmask8) -> bool {
        m != 0
    }
    #[inline(always)]
    fn none_mask() -> __mmask8 {
        0
    }
    #[inline(always)]
    fn split_sqrt2(self) -> (Self, Self) {
        // SAFETY: only reached from Avx512 entry points.
        unsafe {
            // The offset less the exponent bias: the low 52 bits are those of the other
            // tiers' `bits + SQRT2_OFFSET`, and the top 12 hold `k` as a signed integer
            // (|k| <= 1024), which an arithmetic shift and one conversion (AVX-512DQ)
            // make a double: two operations where the others take three.
            let offset = g::SQRT2_OFFSET.wrapping_sub(1023 << 52);
            let ix = _mm512_add_epi64(_mm512_castpd_si512(self.0), i64s(offset));
            let k = _mm512_cvtepi64_pd(_mm512_srai_epi64::<52>(ix));
            let m = _mm512_add_epi64(
                _mm512_and_si512(ix, i64s(g::MANT_MASK)),
                i64s(g::SQRT_HALF_BITS),
            );
            (F64x8(k), F64x8(_mm512_castsi512_pd(m)))
        }
    }
    const LN_TABLE16: bool = true;
    #[inline(always)]
    fn ln_reduce16(self) -> [Self; 4] {
        use crate::math::vector::table16 as tab;
        // SAFETY: only reached from Avx512 entry points (AVX-512F and DQ).
        unsafe {
            // As in `split_sqrt2`: the bias folded into the offset, so one arithmetic
            // shift leaves `t = 16k + j` (the sixteenth in the low four bits, which are
            // all `vpermt2pd` reads of an index).
            let ix = _mm512_add_epi64(
                _mm512_castpd_si512(self.0),
                i64s(tab::OFFSET.wrapping_sub(1023 << 52)),
            );
            let t = _mm512_srai_epi64::<48>(ix);
            let m = _mm512_add_epi64(_mm512_and_si512(ix, i64s(g::MANT_MASK)), i64s(tab::BOTTOM));
            [
                F64x8(_mm512_cvtepi64_pd(t)),
                F64x8(_mm512_castsi512_pd(m)),
                lookup16(&tab::INVC, t),
                lookup16(&tab::LOGC_HI, t),
            ]
        }
    }
    #[inline(always)]
    fn fence4(v: [Self; 4]) -> [Self; 4] {
        // SAFETY: only reached from Avx512 entry points.
        unsafe { fence4(v) }
    }
    #[inline(always)]
    fn not_positive_normal(self) -> __mmask8 {
        // One `vfpclasspd` (every class but the positive normal numbers: NaNs, ±0, ±∞,
        // subnormal, negative) for two compares and a mask and.
        // SAFETY: only reached from Avx512 entry points (AVX-512DQ).
        unsafe { _mm512_fpclass_pd_mask::<0xff>(self.0) }
    }
    #[inline(always)]
    fn div_small(self, d: Self) -> Self {
        // `vdivpd` on 512 bits holds the divider for some 16 cycles on Zen 4 (measured
        // 5.3 ns per eight lanes, against 0.19 for an FMA). In the interleaved maps at
        // 4096 points (one process, alternated), this form against `vdivpd`: lognormal
        // 0.94, gamma 0.95, inverse gamma 0.83, beta 0.91, Weibull (k = 1.5) 0.63.
        // With `r ≈ 1/d` to 2^-14 and `e = 1 − d·r` (exact but for a rounding of size
        // 2^-67), `self/d = self·r/(1 − e) = self·r·(1 + e + e² + e³)` to within
        // e⁴ <= 2^-56.
        // SAFETY: only reached from Avx512 entry points.
        unsafe {
            let r = _mm512_rcp14_pd(d.0);
            let e = _mm512_fnmadd_pd(d.0, r, _mm512_set1_pd(1.0));
            let q = _mm512_mul_pd(self.0, r);
            let u = _mm512_fmadd_pd(e, _mm512_fmadd_pd(e, e, e), e);
            F64x8(_mm512_fmadd_pd(q, u, q))
        }
    }
    #[inline(always)]
    fn ldexp(self, n: Self) -> Self {
        // One `vscalefpd` (self · 2^⌊n⌋, rounded once like the multiply by 2^n it
        // replaces) where building 2^n took an add, a shift and a multiply.
        // SAFETY: only reached from Avx512 entry points.
        F64x8(unsafe { _mm512_scalef_pd(self.0, n.0) })
    }
    #[inline(always)]
    fn gather(table: &[f64], idx: Self) -> Self {
        debug_assert!(!table.is_empty());
        let hi = (table.len() - 1) as f64;
        // SAFETY: only reached from Avx512 entry points. Every index is clamped into
        // 0..table.len() (NaN → the upper bound: minpd returns its second operand), so
        // every lane reads inside `table`.
        unsafe {
            let c = _mm512_max_pd(
                _mm512_min_pd(idx.0, _mm512_set1_pd(hi)),
                _mm512_setzero_pd(),
            );
            let i = _mm512_and_si512(
                _mm512_castpd_si512(_mm512_add_pd(c, _mm512_set1_pd(g::TWO52))),
                i64s(0xffff_ffff),
            );
            // `vgatherqpd` is slow on Zen 4 (a poisson map ran at a third of its speed
            // with it), so a table of up to 32 entries, or a longer one whose lanes all
            // index its first 32, is read from registers by permutes instead.
            if table.len() <= 32 {
                return F64x8(permute_table(table, i));
            }
            if _mm512_cmplt_epu64_mask(i, i64s(32)) == 0xff {
                return F64x8(permute_table(&table[..32], i));
            }
            F64x8(_mm512_i64gather_pd::<8>(i, table.as_ptr()))
        }
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        let a = self.to_array();
        ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))
    }
}
