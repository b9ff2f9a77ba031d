//! x86_64 tiers: SSE2 (baseline), AVX2 + FMA, AVX-512 (F + DQ).

pub mod avx2;
pub mod avx512;
pub mod sse2;

pub use avx2::Avx2Fma;
pub use avx512::Avx512;
pub use sse2::Sse2;

/// Defines the token's `map`/`sum` entry points: thin `#[target_feature]` functions
/// around the generic drivers, instantiated with the tier's vector type.
macro_rules! entry_points {
    ($token:ident, $vector:ty, $features:literal) => {
        impl $token {
            /// Batch map at this tier (see [`crate::arch::generic::map`]).
            #[inline]
            pub fn map<F: crate::Float, K: crate::arch::generic::VectorKernel<F>>(
                self,
                k: &K,
                xs: &[F],
                out: &mut [F],
            ) {
                #[target_feature(enable = $features)]
                fn imp<F: crate::Float, K: crate::arch::generic::VectorKernel<F>>(
                    k: &K,
                    xs: &[F],
                    out: &mut [F],
                ) {
                    crate::arch::generic::map::<$vector, F, K>(k, xs, out)
                }
                // SAFETY: a value of this token proves the CPU has the features.
                unsafe { imp(k, xs, out) }
            }

            /// Batch sum at this tier (see [`crate::arch::generic::sum`]).
            #[inline]
            pub fn sum<F: crate::Float, K: crate::arch::generic::VectorKernel<F>>(
                self,
                k: &K,
                xs: &[F],
            ) -> F {
                #[target_feature(enable = $features)]
                fn imp<F: crate::Float, K: crate::arch::generic::VectorKernel<F>>(
                    k: &K,
                    xs: &[F],
                ) -> F {
                    crate::arch::generic::sum::<$vector, F, K>(k, xs)
                }
                // SAFETY: a value of this token proves the CPU has the features.
                unsafe { imp(k, xs) }
            }

            /// Runs `f` with this tier's features enabled (used by the tests of the
            /// vector math).
            #[inline]
            pub fn run<R>(self, f: impl FnOnce() -> R) -> R {
                #[target_feature(enable = $features)]
                fn imp<R>(f: impl FnOnce() -> R) -> R {
                    f()
                }
                // SAFETY: a value of this token proves the CPU has the features.
                unsafe { imp(f) }
            }
        }
    };
}
pub(crate) use entry_points;

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
