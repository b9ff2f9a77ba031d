//! The one-lane tier: the generic algorithms on plain `f64`. Always available; it is
//! what the vector code reduces to, which lets miri run the algorithms.

use super::generic::Vector;
use core::ops::{Add, Div, Mul, Neg, Sub};

/// The scalar tier's token (always available).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scalar;

impl Scalar {
    /// Always `Some`.
    pub fn new() -> Option<Self> {
        Some(Scalar)
    }
    /// Always true.
    pub fn is_available() -> bool {
        true
    }
}

/// One `f64` lane.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(transparent)]
pub struct F64x1(pub f64);

macro_rules! binop {
    ($tr:ident, $f:ident, $op:tt) => {
        impl $tr for F64x1 {
            type Output = Self;
            #[inline(always)]
            fn $f(self, o: Self) -> Self {
                F64x1(self.0 $op o.0)
            }
        }
    };
}
binop!(Add, add, +);
binop!(Sub, sub, -);
binop!(Mul, mul, *);
binop!(Div, div, /);

impl Neg for F64x1 {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        F64x1(-self.0)
    }
}

const SHIFT: f64 = 6_755_399_441_055_744.0; // 1.5 · 2^52

impl Vector for F64x1 {
    const LANES: usize = 1;
    type Mask = bool;
    type Array = [f64; 1];

    #[inline(always)]
    fn splat(v: f64) -> Self {
        F64x1(v)
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        // SAFETY: the caller guarantees one readable f64 at p.
        F64x1(unsafe { p.read_unaligned() })
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        // SAFETY: the caller guarantees one writable f64 at p.
        unsafe { p.write_unaligned(self.0) }
    }
    #[inline(always)]
    unsafe fn load_f32(p: *const f32) -> Self {
        // SAFETY: the caller guarantees one readable f32 at p.
        F64x1(unsafe { p.read_unaligned() } as f64)
    }
    #[inline(always)]
    unsafe fn store_f32(self, p: *mut f32) {
        // SAFETY: the caller guarantees one writable f32 at p.
        unsafe { p.write_unaligned(self.0 as f32) }
    }
    #[inline(always)]
    fn to_array(self) -> [f64; 1] {
        [self.0]
    }
    #[inline(always)]
    fn from_array(a: [f64; 1]) -> Self {
        F64x1(a[0])
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        // A separate multiply and add: `f64::mul_add` is a libm call without FMA.
        F64x1(self.0 * b.0 + c.0)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        F64x1(f64::from_bits(self.0.to_bits() & !(1u64 << 63)))
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        F64x1(libm::sqrt(self.0))
    }
    #[inline(always)]
    fn round(self) -> Self {
        // Valid for |x| < 2^51; the sign is restored for -0.0 and small negatives.
        F64x1((self.0 + SHIFT) - SHIFT)
    }
    #[inline(always)]
    fn floor(self) -> Self {
        let r = self.round().0;
        F64x1(if r > self.0 { r - 1.0 } else { r })
    }
    #[inline(always)]
    fn lt(self, o: Self) -> bool {
        self.0 < o.0
    }
    #[inline(always)]
    fn le(self, o: Self) -> bool {
        self.0 <= o.0
    }
    #[inline(always)]
    fn eq(self, o: Self) -> bool {
        self.0 == o.0
    }
    #[inline(always)]
    fn and(a: bool, b: bool) -> bool {
        a & b
    }
    #[inline(always)]
    fn or(a: bool, b: bool) -> bool {
        a | b
    }
    #[inline(always)]
    fn not(a: bool) -> bool {
        !a
    }
    #[inline(always)]
    fn select(m: bool, a: Self, b: Self) -> Self {
        if m { a } else { b }
    }
    #[inline(always)]
    fn any(m: bool) -> bool {
        m
    }
    #[inline(always)]
    fn none_mask() -> bool {
        false
    }
    #[inline(always)]
    fn split_sqrt2(self) -> (Self, Self) {
        let ix = self.0.to_bits().wrapping_add(super::generic::SQRT2_OFFSET);
        // `k` through the bits of 2^52 + (ix >> 52): an integer-to-float `cvtsi2sd`
        // would merge into its destination's stale upper half, a false dependency on
        // whatever last wrote that register (it chained one-point calls through their
        // results: f32 gamma 26 against 11 ns per point).
        let k = f64::from_bits((ix >> 52) | super::generic::TWO52_BITS)
            - (super::generic::TWO52 + 1023.0);
        let m = f64::from_bits((ix & super::generic::MANT_MASK) + super::generic::SQRT_HALF_BITS);
        (F64x1(k), F64x1(m))
    }
    #[inline(always)]
    fn ldexp(self, n: Self) -> Self {
        let bits = (n.0 + super::generic::LDEXP_SHIFT).to_bits() << 52;
        F64x1(self.0 * f64::from_bits(bits))
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        self.0
    }
}
