//! x86_64 tiers: SSE2 (baseline), AVX2 + FMA, AVX-512 (F + DQ).

pub mod avx2;
pub mod avx512;
pub mod sse2;

pub use avx2::Avx2Fma;
pub use avx512::Avx512;
pub use sse2::Sse2;

pub(crate) use super::entry_points;

/// True when the CPU (with `std`: detected at run time; without: the compile-time
/// target features) has every feature named.
macro_rules! detected {
    ($($f:tt),+) => {{
        #[cfg(feature = "std")]
        { true $(&& std::is_x86_feature_detected!($f))+ }
        #[cfg(not(feature = "std"))]
        { true $(&& cfg!(target_feature = $f))+ }
    }};
}
pub(crate) use detected;

/// Defines a token type for a tier that needs features beyond the baseline: the struct,
/// `new` and `is_available` (through [`detected!`]), and `new_unchecked`.
macro_rules! detected_token {
    ($(#[$doc:meta])* $token:ident, $what:literal, $($f:tt),+) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $token(());

        impl $token {
            #[doc = concat!("`Some` when the CPU has ", $what, ".")]
            pub fn new() -> Option<Self> {
                Self::is_available().then_some($token(()))
            }
            #[doc = concat!("True when the CPU has ", $what, " (run-time detection with `std`, the compile-time target features without).")]
            pub fn is_available() -> bool {
                super::detected!($($f),+)
            }
            /// A token without checking.
            ///
            /// # Safety
            #[doc = concat!("The CPU must support ", $what, ".")]
            pub unsafe fn new_unchecked() -> Self {
                $token(())
            }
        }
    };
}
pub(crate) use detected_token;
