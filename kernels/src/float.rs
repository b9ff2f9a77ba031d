//! The floating-point types the kernels are generic over (`f32`, `f64`).
//!
//! Everything a family needs from its number type goes through [`Float`], so a family
//! is written once and instantiated for both widths. The transcendental functions come
//! from `libm`, so the crate stays `no_std`.

use core::fmt::{Debug, Display};
use core::ops::{Add, AddAssign, Div, Mul, Neg, Sub};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point type the kernels support: `f32` or `f64` (sealed).
///
/// ```
/// use expfam_kernels::Float;
/// assert_eq!(<f32 as Float>::from_f64(0.5), 0.5f32);
/// assert!((2.0f64.ln_() - core::f64::consts::LN_2).abs() < 1e-16);
/// ```
pub trait Float:
    sealed::Sealed
    + crate::arch::generic::LaneIo
    + Copy
    + Default
    + PartialOrd
    + Debug
    + Display
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
{
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// 0.5.
    const HALF: Self;
    /// +∞.
    const INFINITY: Self;
    /// −∞.
    const NEG_INFINITY: Self;
    /// A quiet NaN.
    const NAN: Self;
    /// The largest integer `n` such that every integer in `0..=n` is exactly representable.
    const MAX_EXACT_INT: Self;
    /// Machine epsilon.
    const EPSILON: Self;
    /// The smallest positive normal number.
    const MIN_POSITIVE: Self;
    /// Short name, `"f32"` or `"f64"`.
    const NAME: &'static str;

    /// The type the precomputed-constant kernels compute in. `f64` for `f64`. For `f32`
    /// it is `f64` too (inputs and outputs stay `f32`; one rounding at the end keeps
    /// f32 results within 1e-6 of the reference where raw f32 arithmetic would lose up
    /// to 3e-5 to cancellation), except with the `f32-native` feature or on 32-bit ARM
    /// and RISC-V, whose FPUs have no `f64`: there it is `f32`.
    type Calc: Float;
    /// Widens (or keeps) `self` to the computation type.
    fn to_calc(self) -> Self::Calc;
    /// Rounds a computed value back.
    fn from_calc(v: Self::Calc) -> Self;

    /// Conversion from `f64`, rounding to nearest.
    fn from_f64(v: f64) -> Self;
    /// Exact conversion to `f64`.
    fn to_f64(self) -> f64;
    /// Natural logarithm (`libm`).
    fn ln_(self) -> Self;
    /// `ln(1 + self)` (`libm`).
    fn ln_1p_(self) -> Self;
    /// `e^self` (`libm`).
    fn exp_(self) -> Self;
    /// Square root.
    fn sqrt_(self) -> Self;
    /// Largest integer not greater than `self`.
    fn floor_(self) -> Self;
    /// Absolute value.
    fn abs_(self) -> Self;
    /// `self^y` (`libm`).
    fn powf_(self, y: Self) -> Self;
    /// `ln |Γ(self)|` (`libm`).
    fn lgamma_(self) -> Self;
    /// True for NaN.
    fn is_nan_(self) -> bool;
    /// True unless NaN or ±∞.
    fn is_finite_(self) -> bool;
}

macro_rules! impl_float {
    ($t:ty, $calc:ty, $name:literal, $ln:path, $ln1p:path, $exp:path, $sqrt:path, $floor:path,
     $fabs:path, $pow:path, $lgamma:path, $maxint:expr) => {
        impl Float for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const HALF: Self = 0.5;
            const INFINITY: Self = <$t>::INFINITY;
            const NEG_INFINITY: Self = <$t>::NEG_INFINITY;
            const NAN: Self = <$t>::NAN;
            const MAX_EXACT_INT: Self = $maxint;
            const EPSILON: Self = <$t>::EPSILON;
            const MIN_POSITIVE: Self = <$t>::MIN_POSITIVE;
            const NAME: &'static str = $name;
            type Calc = $calc;

            #[inline(always)]
            fn to_calc(self) -> $calc {
                self as $calc
            }
            #[inline(always)]
            fn from_calc(v: $calc) -> Self {
                v as $t
            }

            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn ln_(self) -> Self {
                $ln(self)
            }
            #[inline(always)]
            fn ln_1p_(self) -> Self {
                $ln1p(self)
            }
            #[inline(always)]
            fn exp_(self) -> Self {
                $exp(self)
            }
            #[inline(always)]
            fn sqrt_(self) -> Self {
                $sqrt(self)
            }
            #[inline(always)]
            fn floor_(self) -> Self {
                $floor(self)
            }
            #[inline(always)]
            fn abs_(self) -> Self {
                $fabs(self)
            }
            #[inline(always)]
            fn powf_(self, y: Self) -> Self {
                $pow(self, y)
            }
            #[inline(always)]
            fn lgamma_(self) -> Self {
                $lgamma(self)
            }
            #[inline(always)]
            fn is_nan_(self) -> bool {
                self != self
            }
            #[inline(always)]
            fn is_finite_(self) -> bool {
                (self - self) == 0.0
            }
        }
    };
}

impl_float!(
    f64,
    f64,
    "f64",
    libm::log,
    libm::log1p,
    libm::exp,
    libm::sqrt,
    libm::floor,
    libm::fabs,
    libm::pow,
    libm::lgamma,
    9_007_199_254_740_992.0
);
/// What `f32` kernels compute in: see [`Float::Calc`].
#[cfg(not(any(feature = "f32-native", target_arch = "arm", target_arch = "riscv32")))]
type F32Calc = f64;
/// What `f32` kernels compute in: see [`Float::Calc`].
#[cfg(any(feature = "f32-native", target_arch = "arm", target_arch = "riscv32"))]
type F32Calc = f32;

impl_float!(
    f32,
    F32Calc,
    "f32",
    libm::logf,
    libm::log1pf,
    libm::expf,
    libm::sqrtf,
    libm::floorf,
    libm::fabsf,
    libm::powf,
    libm::lgammaf,
    16_777_216.0
);
