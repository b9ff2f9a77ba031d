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
