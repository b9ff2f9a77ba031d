//! SIMD128: two `f64` lanes in `v128`, `f64x2.nearest`/`f64x2.floor` for rounding and
//! lane masks in `v128`. Baseline SIMD128 has no fused multiply-add (relaxed SIMD does,
//! with unspecified fusing), so `mul_add` is a multiply and an add.

use crate::arch::generic::{self as g, Vector};
use core::arch::wasm32::*;

crate::arch::always_available_token!(
    /// Token for the SIMD128 tier: this module is only compiled with `+simd128`, so it is
    /// always available where it exists.
    Simd128
);

crate::arch::entry_points!(Simd128, F64x2);

crate::arch::vector_type!(
    /// Two `f64` lanes.
    F64x2(v128);
    add f64x2_add, sub f64x2_sub, mul f64x2_mul, div f64x2_div,
    neg |x| f64x2_neg(x)
);

impl Vector for F64x2 {
    const LANES: usize = 2;
    type Mask = v128;
    type Array = [f64; 2];

    #[inline(always)]
    fn splat(v: f64) -> Self {
        F64x2(f64x2_splat(v))
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        // SAFETY: the caller guarantees two readable f64 at p; v128.load has no
        // alignment requirement.
        F64x2(unsafe { v128_load(p as *const v128) })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        // SAFETY: the caller guarantees two writable f64 at p; no alignment needed.
        unsafe { v128_store(p as *mut v128, self.0) }
    }
    #[inline(always)]
    unsafe fn load_f32(p: *const f32) -> Self {
        // SAFETY: the caller guarantees two readable f32 (eight bytes) at p.
        let lo = unsafe { v128_load64_zero(p as *const u64) };
        F64x2(f64x2_promote_low_f32x4(lo))
    }
    #[inline(always)]
    unsafe fn store_f32(self, p: *mut f32) {
        let v = f32x4_demote_f64x2_zero(self.0);
        // SAFETY: the caller guarantees two writable f32 (eight bytes) at p.
        unsafe { v128_store64_lane::<0>(v, p as *mut u64) }
    }
    #[inline(always)]
    fn to_array(self) -> [f64; 2] {
        [
            f64x2_extract_lane::<0>(self.0),
            f64x2_extract_lane::<1>(self.0),
        ]
    }
    #[inline(always)]
    fn from_array(a: [f64; 2]) -> Self {
        F64x2(f64x2(a[0], a[1]))
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        self * b + c
    }
    #[inline(always)]
    fn abs(self) -> Self {
        F64x2(f64x2_abs(self.0))
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        F64x2(f64x2_sqrt(self.0))
    }
    #[inline(always)]
    fn round(self) -> Self {
        F64x2(f64x2_nearest(self.0))
    }
    #[inline(always)]
    fn floor(self) -> Self {
        F64x2(f64x2_floor(self.0))
    }
    #[inline(always)]
    fn lt(self, o: Self) -> v128 {
        f64x2_lt(self.0, o.0)
    }
    #[inline(always)]
    fn le(self, o: Self) -> v128 {
        f64x2_le(self.0, o.0)
    }
    #[inline(always)]
    fn eq(self, o: Self) -> v128 {
        f64x2_eq(self.0, o.0)
    }
    #[inline(always)]
    fn and(a: v128, b: v128) -> v128 {
        v128_and(a, b)
    }
    #[inline(always)]
    fn or(a: v128, b: v128) -> v128 {
        v128_or(a, b)
    }
    #[inline(always)]
    fn not(a: v128) -> v128 {
        v128_not(a)
    }
    #[inline(always)]
    fn select(m: v128, a: Self, b: Self) -> Self {
        F64x2(v128_bitselect(a.0, b.0, m))
    }
    #[inline(always)]
    fn any(m: v128) -> bool {
        v128_any_true(m)
    }
    #[inline(always)]
    fn none_mask() -> v128 {
        u64x2_splat(0)
    }
    #[inline(always)]
    fn split_sqrt2(self) -> (Self, Self) {
        let ix = i64x2_add(self.0, u64x2_splat(g::SQRT2_OFFSET));
        let e = v128_or(u64x2_shr(ix, 52), u64x2_splat(g::TWO52_BITS));
        let k = f64x2_sub(e, f64x2_splat(g::TWO52 + 1023.0));
        let m = i64x2_add(
            v128_and(ix, u64x2_splat(g::MANT_MASK)),
            u64x2_splat(g::SQRT_HALF_BITS),
        );
        (F64x2(k), F64x2(m))
    }
    #[inline(always)]
    fn ldexp(self, n: Self) -> Self {
        let t = f64x2_add(n.0, f64x2_splat(g::LDEXP_SHIFT));
        F64x2(f64x2_mul(self.0, i64x2_shl(t, 52)))
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        f64x2_extract_lane::<0>(self.0) + f64x2_extract_lane::<1>(self.0)
    }
}
