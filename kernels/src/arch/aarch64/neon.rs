//! NEON: two `f64` lanes in `float64x2_t`, with `fmla` (fused multiply-add), `frintn`
//! and `frintm` (round to nearest even, floor), and lane masks in `uint64x2_t`.

use crate::arch::generic::{self as g, Vector};
use core::arch::aarch64::*;

crate::arch::always_available_token!(
    /// Token for the NEON tier: NEON is part of the aarch64 baseline (this module is only
    /// compiled for targets that have it), so it is always available.
    Neon
);

crate::arch::entry_points!(Neon, F64x2, "neon");

crate::arch::vector_type!(
    /// Two `f64` lanes. NEON is enabled for the whole build wherever this module exists,
    /// so its intrinsics are always available.
    F64x2(float64x2_t);
    add vaddq_f64, sub vsubq_f64, mul vmulq_f64, div vdivq_f64,
    neg |x| vnegq_f64(x)
);

#[inline(always)]
fn u64s(v: u64) -> uint64x2_t {
    // SAFETY: NEON is enabled for this build (module cfg).
    unsafe { vdupq_n_u64(v) }
}

#[inline(always)]
fn bits(v: float64x2_t) -> uint64x2_t {
    // SAFETY: NEON is enabled for this build (module cfg); a reinterpretation.
    unsafe { vreinterpretq_u64_f64(v) }
}

#[inline(always)]
fn from_bits(v: uint64x2_t) -> float64x2_t {
    // SAFETY: NEON is enabled for this build (module cfg); a reinterpretation.
    unsafe { vreinterpretq_f64_u64(v) }
}

impl Vector for F64x2 {
    const LANES: usize = 2;
    type Mask = uint64x2_t;
    type Array = [f64; 2];

    #[inline(always)]
    fn splat(v: f64) -> Self {
        // SAFETY: NEON is enabled for this build (module cfg).
        F64x2(unsafe { vdupq_n_f64(v) })
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        // SAFETY: the caller guarantees two readable f64 at p; ld1 needs no alignment
        // beyond the element's, which a valid *const f64 has.
        F64x2(unsafe { vld1q_f64(p) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        // SAFETY: the caller guarantees two writable f64 at p.
        unsafe { vst1q_f64(p, self.0) }
    }
    #[inline(always)]
    unsafe fn load_f32(p: *const f32) -> Self {
        // SAFETY: the caller guarantees two readable f32 at p.
        F64x2(unsafe { vcvt_f64_f32(vld1_f32(p)) })
    }
    #[inline(always)]
    unsafe fn store_f32(self, p: *mut f32) {
        // SAFETY: the caller guarantees two writable f32 at p.
        unsafe { vst1_f32(p, vcvt_f32_f64(self.0)) }
    }
    #[inline(always)]
    fn to_array(self) -> [f64; 2] {
        let mut a = [0.0; 2];
        // SAFETY: a has room for two f64.
        unsafe { vst1q_f64(a.as_mut_ptr(), self.0) };
        a
    }
    #[inline(always)]
    fn from_array(a: [f64; 2]) -> Self {
        // SAFETY: a holds two f64.
        F64x2(unsafe { vld1q_f64(a.as_ptr()) })
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        // SAFETY: NEON is enabled for this build (module cfg). vfmaq_f64(c, a, b) = c + a·b.
        F64x2(unsafe { vfmaq_f64(c.0, self.0, b.0) })
    }
    #[inline(always)]
    fn abs(self) -> Self {
        // SAFETY: NEON is enabled for this build (module cfg).
        F64x2(unsafe { vabsq_f64(self.0) })
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        // SAFETY: NEON is enabled for this build (module cfg).
        F64x2(unsafe { vsqrtq_f64(self.0) })
    }
    #[inline(always)]
    fn round(self) -> Self {
        // SAFETY: NEON is enabled for this build (module cfg).
        F64x2(unsafe { vrndnq_f64(self.0) })
    }
    #[inline(always)]
    fn floor(self) -> Self {
        // SAFETY: NEON is enabled for this build (module cfg).
        F64x2(unsafe { vrndmq_f64(self.0) })
    }
    #[inline(always)]
    fn lt(self, o: Self) -> uint64x2_t {
        // SAFETY: NEON is enabled for this build (module cfg).
        unsafe { vcltq_f64(self.0, o.0) }
    }
    #[inline(always)]
    fn le(self, o: Self) -> uint64x2_t {
        // SAFETY: NEON is enabled for this build (module cfg).
        unsafe { vcleq_f64(self.0, o.0) }
    }
    #[inline(always)]
    fn eq(self, o: Self) -> uint64x2_t {
        // SAFETY: NEON is enabled for this build (module cfg).
        unsafe { vceqq_f64(self.0, o.0) }
    }
    #[inline(always)]
    fn and(a: uint64x2_t, b: uint64x2_t) -> uint64x2_t {
        // SAFETY: NEON is enabled for this build (module cfg).
        unsafe { vandq_u64(a, b) }
    }
    #[inline(always)]
    fn or(a: uint64x2_t, b: uint64x2_t) -> uint64x2_t {
        // SAFETY: NEON is enabled for this build (module cfg).
        unsafe { vorrq_u64(a, b) }
    }
    #[inline(always)]
    fn not(a: uint64x2_t) -> uint64x2_t {
        // SAFETY: NEON is enabled for this build (module cfg).
        unsafe { veorq_u64(a, u64s(u64::MAX)) }
    }
    #[inline(always)]
    fn select(m: uint64x2_t, a: Self, b: Self) -> Self {
        // SAFETY: NEON is enabled for this build (module cfg).
        F64x2(unsafe { vbslq_f64(m, a.0, b.0) })
    }
    #[inline(always)]
    fn any(m: uint64x2_t) -> bool {
        // SAFETY: NEON is enabled for this build (module cfg).
        unsafe { vmaxvq_u32(vreinterpretq_u32_u64(m)) != 0 }
    }
    #[inline(always)]
    fn none_mask() -> uint64x2_t {
        u64s(0)
    }
    #[inline(always)]
    fn split_sqrt2(self) -> (Self, Self) {
        // SAFETY: NEON is enabled for this build (module cfg); integer lane operations.
        unsafe {
            let ix = vaddq_u64(bits(self.0), u64s(g::SQRT2_OFFSET));
            let e = vorrq_u64(vshrq_n_u64::<52>(ix), u64s(g::TWO52_BITS));
            let k = vsubq_f64(from_bits(e), vdupq_n_f64(g::TWO52 + 1023.0));
            let m = vaddq_u64(vandq_u64(ix, u64s(g::MANT_MASK)), u64s(g::SQRT_HALF_BITS));
            (F64x2(k), F64x2(from_bits(m)))
        }
    }
    #[inline(always)]
    fn ldexp(self, n: Self) -> Self {
        // SAFETY: NEON is enabled for this build (module cfg).
        unsafe {
            let t = vaddq_f64(n.0, vdupq_n_f64(g::LDEXP_SHIFT));
            let scale = from_bits(vshlq_n_u64::<52>(bits(t)));
            F64x2(vmulq_f64(self.0, scale))
        }
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        // SAFETY: NEON is enabled for this build (module cfg).
        unsafe { vaddvq_f64(self.0) }
    }
}
