//! SSE2: two `f64` lanes in `__m128d`. Part of the x86_64 baseline, so always available;
//! it has no FMA and no `roundpd`, so `mul_add` is a multiply and an add, and rounding
//! uses the `1.5·2^52` shift.

use crate::arch::generic::{self as g, Vector};
use core::arch::x86_64::*;

crate::arch::always_available_token!(
    /// Token for the SSE2 tier (always available on x86_64).
    Sse2
);

crate::arch::entry_points!(Sse2, F64x2, "sse2");

crate::arch::vector_type!(
    /// Two `f64` lanes.
    F64x2(__m128d);
    add _mm_add_pd, sub _mm_sub_pd, mul _mm_mul_pd, div _mm_div_pd,
    neg |x| _mm_xor_pd(x, _mm_set1_pd(-0.0))
);

#[inline(always)]
fn i64s(v: u64) -> __m128i {
    // SAFETY: SSE2 is part of the x86_64 baseline.
    unsafe { _mm_set1_epi64x(v as i64) }
}

// SAFETY (for every `unsafe` block below that only calls SSE2 intrinsics on values):
// SSE2 is part of the x86_64 baseline, so these intrinsics are always available.
impl Vector for F64x2 {
    const LANES: usize = 2;
    type Mask = __m128d;
    type Array = [f64; 2];

    #[inline(always)]
    fn splat(v: f64) -> Self {
        // SAFETY: SSE2 baseline.
        F64x2(unsafe { _mm_set1_pd(v) })
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        // SAFETY: the caller guarantees two readable f64 at p; loadu has no alignment need.
        F64x2(unsafe { _mm_loadu_pd(p) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        // SAFETY: the caller guarantees two writable f64 at p.
        unsafe { _mm_storeu_pd(p, self.0) }
    }
    #[inline(always)]
    unsafe fn load_f32(p: *const f32) -> Self {
        // Two f32 are only 4-aligned: move them as one unaligned u64 (`_mm_load_sd` would
        // need the 8-byte alignment of an f64, which miri rightly flags).
        // SAFETY: the caller guarantees two readable f32 (8 bytes) at p.
        let bits = unsafe { (p as *const u64).read_unaligned() };
        // SAFETY: SSE2 baseline.
        F64x2(unsafe { _mm_cvtps_pd(_mm_castsi128_ps(_mm_cvtsi64_si128(bits as i64))) })
    }
    #[inline(always)]
    unsafe fn store_f32(self, p: *mut f32) {
        // SAFETY: SSE2 baseline.
        let bits = unsafe { _mm_cvtsi128_si64(_mm_castps_si128(_mm_cvtpd_ps(self.0))) } as u64;
        // SAFETY: the caller guarantees two writable f32 (8 bytes) at p; written unaligned.
        unsafe { (p as *mut u64).write_unaligned(bits) }
    }
    #[inline(always)]
    fn to_array(self) -> [f64; 2] {
        let mut a = [0.0; 2];
        // SAFETY: a has room for two f64.
        unsafe { _mm_storeu_pd(a.as_mut_ptr(), self.0) };
        a
    }
    #[inline(always)]
    fn from_array(a: [f64; 2]) -> Self {
        // SAFETY: a holds two f64.
        F64x2(unsafe { _mm_loadu_pd(a.as_ptr()) })
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        self * b + c
    }
    #[inline(always)]
    fn abs(self) -> Self {
        // SAFETY: SSE2 baseline.
        F64x2(unsafe { _mm_andnot_pd(_mm_set1_pd(-0.0), self.0) })
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        // SAFETY: SSE2 baseline.
        F64x2(unsafe { _mm_sqrt_pd(self.0) })
    }
    #[inline(always)]
    fn round(self) -> Self {
        let s = Self::splat(6_755_399_441_055_744.0);
        (self + s) - s
    }
    #[inline(always)]
    fn floor(self) -> Self {
        let r = self.round();
        // SAFETY: SSE2 baseline.
        F64x2(unsafe { _mm_sub_pd(r.0, _mm_and_pd(_mm_cmpgt_pd(r.0, self.0), _mm_set1_pd(1.0))) })
    }
    #[inline(always)]
    fn lt(self, o: Self) -> __m128d {
        // SAFETY: SSE2 baseline.
        unsafe { _mm_cmplt_pd(self.0, o.0) }
    }
    #[inline(always)]
    fn le(self, o: Self) -> __m128d {
        // SAFETY: SSE2 baseline.
        unsafe { _mm_cmple_pd(self.0, o.0) }
    }
    #[inline(always)]
    fn eq(self, o: Self) -> __m128d {
        // SAFETY: SSE2 baseline.
        unsafe { _mm_cmpeq_pd(self.0, o.0) }
    }
    #[inline(always)]
    fn and(a: __m128d, b: __m128d) -> __m128d {
        // SAFETY: SSE2 baseline.
        unsafe { _mm_and_pd(a, b) }
    }
    #[inline(always)]
    fn or(a: __m128d, b: __m128d) -> __m128d {
        // SAFETY: SSE2 baseline.
        unsafe { _mm_or_pd(a, b) }
    }
    #[inline(always)]
    fn not(a: __m128d) -> __m128d {
        // SAFETY: SSE2 baseline.
        unsafe { _mm_xor_pd(a, _mm_castsi128_pd(_mm_set1_epi32(-1))) }
    }
    #[inline(always)]
    fn select(m: __m128d, a: Self, b: Self) -> Self {
        // SAFETY: SSE2 baseline.
        F64x2(unsafe { _mm_or_pd(_mm_and_pd(m, a.0), _mm_andnot_pd(m, b.0)) })
    }
    #[inline(always)]
    fn any(m: __m128d) -> bool {
        // SAFETY: SSE2 baseline.
        unsafe { _mm_movemask_pd(m) != 0 }
    }
    #[inline(always)]
    fn none_mask() -> __m128d {
        // SAFETY: SSE2 baseline.
        unsafe { _mm_setzero_pd() }
    }
    #[inline(always)]
    fn split_sqrt2(self) -> (Self, Self) {
        // SAFETY: SSE2 baseline (64-bit integer add, shift, and, or are SSE2).
        unsafe {
            let ix = _mm_add_epi64(_mm_castpd_si128(self.0), i64s(g::SQRT2_OFFSET));
            let e = _mm_or_si128(_mm_srli_epi64(ix, 52), i64s(g::TWO52_BITS));
            let k = _mm_sub_pd(_mm_castsi128_pd(e), _mm_set1_pd(g::TWO52 + 1023.0));
            let m = _mm_add_epi64(
                _mm_and_si128(ix, i64s(g::MANT_MASK)),
                i64s(g::SQRT_HALF_BITS),
            );
            (F64x2(k), F64x2(_mm_castsi128_pd(m)))
        }
    }
    #[inline(always)]
    fn ldexp(self, n: Self) -> Self {
        // SAFETY: SSE2 baseline.
        unsafe {
            let t = _mm_add_pd(n.0, _mm_set1_pd(g::LDEXP_SHIFT));
            let scale = _mm_castsi128_pd(_mm_slli_epi64(_mm_castpd_si128(t), 52));
            F64x2(_mm_mul_pd(self.0, scale))
        }
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        let a = self.to_array();
        a[0] + a[1]
    }
}
