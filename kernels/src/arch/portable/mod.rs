//! The portable tier: four `f64` lanes through `wide::f64x4`, whose instructions are
//! chosen at compile time. It serves builds whose features are fixed when they are
//! compiled (wasm32 with `+simd128`, `-C target-cpu=…` builds, embedded); it is never
//! the path behind run-time dispatch, because `wide` ignores `#[target_feature]`.

use crate::arch::generic::{self as g, Vector};
use core::ops::{Add, Div, Mul, Sub};
use wide::{f64x4, u64x4};

crate::arch::always_available_token!(
    /// Token for the portable tier (always available).
    Portable
);

crate::arch::entry_points!(Portable, F64x4);

crate::arch::vector_type!(
    /// Four `f64` lanes (`wide::f64x4`).
    F64x4(f64x4);
    add Add::add, sub Sub::sub, mul Mul::mul, div Div::div,
    neg |x| -x
);

#[inline(always)]
fn bits(v: f64x4) -> u64x4 {
    wide::bytemuck::cast(v)
}

#[inline(always)]
fn from_bits(v: u64x4) -> f64x4 {
    wide::bytemuck::cast(v)
}

impl Vector for F64x4 {
    const LANES: usize = 4;
    type Mask = f64x4;
    type Array = [f64; 4];

    #[inline(always)]
    fn splat(v: f64) -> Self {
        F64x4(f64x4::splat(v))
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        // SAFETY: the caller guarantees four readable f64 at p.
        F64x4(f64x4::new(unsafe {
            (p as *const [f64; 4]).read_unaligned()
        }))
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        // SAFETY: the caller guarantees four writable f64 at p.
        unsafe { (p as *mut [f64; 4]).write_unaligned(self.0.to_array()) }
    }
    #[inline(always)]
    unsafe fn load_f32(p: *const f32) -> Self {
        // SAFETY: the caller guarantees four readable f32 at p.
        let a = unsafe { (p as *const [f32; 4]).read_unaligned() };
        F64x4(f64x4::new([
            a[0] as f64,
            a[1] as f64,
            a[2] as f64,
            a[3] as f64,
        ]))
    }
    #[inline(always)]
    unsafe fn store_f32(self, p: *mut f32) {
        let a = self.0.to_array();
        let b = [a[0] as f32, a[1] as f32, a[2] as f32, a[3] as f32];
        // SAFETY: the caller guarantees four writable f32 at p.
        unsafe { (p as *mut [f32; 4]).write_unaligned(b) }
    }
    #[inline(always)]
    fn to_array(self) -> [f64; 4] {
        self.0.to_array()
    }
    #[inline(always)]
    fn from_array(a: [f64; 4]) -> Self {
        F64x4(f64x4::new(a))
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        // Fused only where the build enables FMA; elsewhere a multiply and an add, so a
        // baseline build never reaches a software fma.
        if cfg!(any(target_feature = "fma", target_arch = "aarch64")) {
            F64x4(self.0.mul_add(b.0, c.0))
        } else {
            self * b + c
        }
    }
    #[inline(always)]
    fn abs(self) -> Self {
        F64x4(self.0.abs())
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        F64x4(self.0.sqrt())
    }
    #[inline(always)]
    fn round(self) -> Self {
        let s = Self::splat(6_755_399_441_055_744.0);
        (self + s) - s
    }
    #[inline(always)]
    fn floor(self) -> Self {
        let r = self.round();
        let one = Self::splat(1.0);
        r - Self::select(self.lt(r), one, Self::splat(0.0))
    }
    #[inline(always)]
    fn lt(self, o: Self) -> f64x4 {
        self.0.simd_lt(o.0)
    }
    #[inline(always)]
    fn le(self, o: Self) -> f64x4 {
        self.0.simd_le(o.0)
    }
    #[inline(always)]
    fn eq(self, o: Self) -> f64x4 {
        self.0.simd_eq(o.0)
    }
    #[inline(always)]
    fn and(a: f64x4, b: f64x4) -> f64x4 {
        a & b
    }
    #[inline(always)]
    fn or(a: f64x4, b: f64x4) -> f64x4 {
        a | b
    }
    #[inline(always)]
    fn not(a: f64x4) -> f64x4 {
        from_bits(!bits(a))
    }
    #[inline(always)]
    fn select(m: f64x4, a: Self, b: Self) -> Self {
        F64x4(m.bitselect(a.0, b.0))
    }
    #[inline(always)]
    fn any(m: f64x4) -> bool {
        m.any()
    }
    #[inline(always)]
    fn none_mask() -> f64x4 {
        f64x4::ZERO
    }
    #[inline(always)]
    fn split_sqrt2(self) -> (Self, Self) {
        let ix = bits(self.0) + u64x4::splat(g::SQRT2_OFFSET);
        let e = (ix >> 52) | u64x4::splat(g::TWO52_BITS);
        let k = from_bits(e) - f64x4::splat(g::TWO52 + 1023.0);
        let m = (ix & u64x4::splat(g::MANT_MASK)) + u64x4::splat(g::SQRT_HALF_BITS);
        (F64x4(k), F64x4(from_bits(m)))
    }
    #[inline(always)]
    fn ldexp(self, n: Self) -> Self {
        let t = bits(n.0 + f64x4::splat(g::LDEXP_SHIFT)) << 52;
        F64x4(self.0 * from_bits(t))
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        let a = self.0.to_array();
        (a[0] + a[1]) + (a[2] + a[3])
    }
}
