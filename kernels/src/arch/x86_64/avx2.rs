//! AVX2 + FMA: four `f64` lanes in `__m256d`, fused multiply-add, `vroundpd`.

use crate::arch::generic::{self as g, Vector};
use core::arch::x86_64::*;

super::detected_token!(
    /// Token for the AVX2 + FMA tier: a value proves the CPU has both.
    Avx2Fma, "AVX2 and FMA", "avx2", "fma"
);

super::entry_points!(Avx2Fma, F64x4, "avx2,fma");

crate::arch::vector_type!(
    /// Four `f64` lanes. Its methods are only called from code compiled with AVX2 and FMA
    /// enabled (the entry points of [`Avx2Fma`]).
    F64x4(__m256d);
    add _mm256_add_pd, sub _mm256_sub_pd, mul _mm256_mul_pd, div _mm256_div_pd,
    neg |x| _mm256_xor_pd(x, _mm256_set1_pd(-0.0))
);

super::fence4!(F64x4, ymm_reg, "avx", "Avx2Fma");

#[inline(always)]
fn i64s(v: u64) -> __m256i {
    // SAFETY: only reached from Avx2Fma entry points.
    unsafe { _mm256_set1_epi64x(v as i64) }
}

impl Vector for F64x4 {
    const LANES: usize = 4;
    const INTERLEAVE: bool = true;
    type Mask = __m256d;
    type Array = [f64; 4];

    #[inline(always)]
    fn splat(v: f64) -> Self {
        // SAFETY: only reached from Avx2Fma entry points.
        F64x4(unsafe { _mm256_set1_pd(v) })
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        // SAFETY: the caller guarantees four readable f64 at p; AVX present (entry points).
        F64x4(unsafe { _mm256_loadu_pd(p) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        // SAFETY: the caller guarantees four writable f64 at p.
        unsafe { _mm256_storeu_pd(p, self.0) }
    }
    #[inline(always)]
    unsafe fn load_f32(p: *const f32) -> Self {
        // SAFETY: the caller guarantees four readable f32 at p.
        F64x4(unsafe { _mm256_cvtps_pd(_mm_loadu_ps(p)) })
    }
    #[inline(always)]
    unsafe fn store_f32(self, p: *mut f32) {
        // SAFETY: the caller guarantees four writable f32 at p.
        unsafe { _mm_storeu_ps(p, _mm256_cvtpd_ps(self.0)) }
    }
    #[inline(always)]
    fn to_array(self) -> [f64; 4] {
        let mut a = [0.0; 4];
        // SAFETY: a has room for four f64.
        unsafe { _mm256_storeu_pd(a.as_mut_ptr(), self.0) };
        a
    }
    #[inline(always)]
    fn from_array(a: [f64; 4]) -> Self {
        // SAFETY: a holds four f64.
        F64x4(unsafe { _mm256_loadu_pd(a.as_ptr()) })
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        // SAFETY: FMA present (entry points).
        F64x4(unsafe { _mm256_fmadd_pd(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn abs(self) -> Self {
        // SAFETY: only reached from Avx2Fma entry points.
        F64x4(unsafe { _mm256_andnot_pd(_mm256_set1_pd(-0.0), self.0) })
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        // SAFETY: only reached from Avx2Fma entry points.
        F64x4(unsafe { _mm256_sqrt_pd(self.0) })
    }
    #[inline(always)]
    fn round(self) -> Self {
        // SAFETY: only reached from Avx2Fma entry points.
        F64x4(unsafe {
            _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(self.0)
        })
    }
    #[inline(always)]
    fn floor(self) -> Self {
        // SAFETY: only reached from Avx2Fma entry points.
        F64x4(unsafe { _mm256_floor_pd(self.0) })
    }
    #[inline(always)]
    fn lt(self, o: Self) -> __m256d {
        // SAFETY: only reached from Avx2Fma entry points.
        unsafe { _mm256_cmp_pd::<_CMP_LT_OQ>(self.0, o.0) }
    }
    #[inline(always)]
    fn le(self, o: Self) -> __m256d {
        // SAFETY: only reached from Avx2Fma entry points.
        unsafe { _mm256_cmp_pd::<_CMP_LE_OQ>(self.0, o.0) }
    }
    #[inline(always)]
    fn eq(self, o: Self) -> __m256d {
        // SAFETY: only reached from Avx2Fma entry points.
        unsafe { _mm256_cmp_pd::<_CMP_EQ_OQ>(self.0, o.0) }
    }
    #[inline(always)]
    fn and(a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: only reached from Avx2Fma entry points.
        unsafe { _mm256_and_pd(a, b) }
    }
    #[inline(always)]
    fn or(a: __m256d, b: __m256d) -> __m256d {
        // SAFETY: only reached from Avx2Fma entry points.
        unsafe { _mm256_or_pd(a, b) }
    }
    #[inline(always)]
    fn not(a: __m256d) -> __m256d {
        // SAFETY: only reached from Avx2Fma entry points.
        unsafe { _mm256_xor_pd(a, _mm256_castsi256_pd(_mm256_set1_epi64x(-1))) }
    }
    #[inline(always)]
    fn select(m: __m256d, a: Self, b: Self) -> Self {
        // SAFETY: only reached from Avx2Fma entry points.
        F64x4(unsafe { _mm256_blendv_pd(b.0, a.0, m) })
    }
    #[inline(always)]
    fn any(m: __m256d) -> bool {
        // SAFETY: only reached from Avx2Fma entry points.
        unsafe { _mm256_movemask_pd(m) != 0 }
    }
    #[inline(always)]
    fn none_mask() -> __m256d {
        // SAFETY: only reached from Avx2Fma entry points.
        unsafe { _mm256_setzero_pd() }
    }
    #[inline(always)]
    fn split_sqrt2(self) -> (Self, Self) {
        // SAFETY: only reached from Avx2Fma entry points (AVX2 integer ops).
        unsafe {
            let ix = _mm256_add_epi64(_mm256_castpd_si256(self.0), i64s(g::SQRT2_OFFSET));
            let e = _mm256_or_si256(_mm256_srli_epi64::<52>(ix), i64s(g::TWO52_BITS));
            let k = _mm256_sub_pd(_mm256_castsi256_pd(e), _mm256_set1_pd(g::TWO52 + 1023.0));
            let m = _mm256_add_epi64(
                _mm256_and_si256(ix, i64s(g::MANT_MASK)),
                i64s(g::SQRT_HALF_BITS),
            );
            (F64x4(k), F64x4(_mm256_castsi256_pd(m)))
        }
    }
    #[inline(always)]
    fn ldexp(self, n: Self) -> Self {
        // SAFETY: only reached from Avx2Fma entry points.
        unsafe {
            let t = _mm256_add_pd(n.0, _mm256_set1_pd(g::LDEXP_SHIFT));
            let scale = _mm256_castsi256_pd(_mm256_slli_epi64::<52>(_mm256_castpd_si256(t)));
            F64x4(_mm256_mul_pd(self.0, scale))
        }
    }
    #[inline(always)]
    fn gather(table: &[f64], idx: Self) -> Self {
        debug_assert!(!table.is_empty());
        let hi = (table.len() - 1) as f64;
        // SAFETY: only reached from Avx2Fma entry points. Every index is clamped into
        // 0..table.len() (NaN → the upper bound: minpd returns its second operand), so
        // every lane reads inside `table`.
        unsafe {
            let c = _mm256_max_pd(
                _mm256_min_pd(idx.0, _mm256_set1_pd(hi)),
                _mm256_setzero_pd(),
            );
            let i = _mm256_and_si256(
                _mm256_castpd_si256(_mm256_add_pd(c, _mm256_set1_pd(g::TWO52))),
                i64s(0xffff_ffff),
            );
            F64x4(_mm256_i64gather_pd::<8>(table.as_ptr(), i))
        }
    }
    #[inline(always)]
    fn fence4(v: [Self; 4]) -> [Self; 4] {
        // SAFETY: only reached from Avx2Fma entry points.
        unsafe { fence4(v) }
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        let a = self.to_array();
        (a[0] + a[1]) + (a[2] + a[3])
    }
}
