//! Instruction-set tiers for the batch kernels.
//!
//! The algorithms are written once in [`generic`] over the [`generic::Vector`] trait.
//! Each tier provides a vector type and a token type whose value proves that the CPU
//! has the tier's features. `core::arch` and `#[target_feature]` appear only in the
//! per-ISA modules, and `#[target_feature]` only on their entry points.
//! Choosing a tier at run time is [`crate::simd`]'s job.

#[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
pub mod aarch64;
pub mod generic;
pub mod portable;
pub mod scalar;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod wasm32;
#[cfg(target_arch = "x86_64")]
pub mod x86_64;

/// Defines the token's `map`/`sum` entry points: thin `#[target_feature]` functions
/// around the generic drivers, instantiated with the tier's vector type.
#[allow(unused_macros)]
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
#[allow(unused_imports)]
pub(crate) use entry_points;

/// Defines the `map`/`sum`/`run` entry points of a tier whose features are fixed when the
/// crate is compiled (portable, simd128): plain calls of the generic drivers.
macro_rules! fixed_entry_points {
    ($token:ident, $vector:ty) => {
        impl $token {
            /// Batch map at this tier (see [`crate::arch::generic::map`]).
            #[inline]
            pub fn map<F: crate::Float, K: crate::arch::generic::VectorKernel<F>>(
                self,
                k: &K,
                xs: &[F],
                out: &mut [F],
            ) {
                crate::arch::generic::map::<$vector, F, K>(k, xs, out)
            }

            /// Batch sum at this tier (see [`crate::arch::generic::sum`]).
            #[inline]
            pub fn sum<F: crate::Float, K: crate::arch::generic::VectorKernel<F>>(
                self,
                k: &K,
                xs: &[F],
            ) -> F {
                crate::arch::generic::sum::<$vector, F, K>(k, xs)
            }

            /// Runs `f` (the features are those of the whole build: for symmetry with
            /// the other tiers).
            #[inline]
            pub fn run<R>(self, f: impl FnOnce() -> R) -> R {
                f()
            }
        }
    };
}
pub(crate) use fixed_entry_points;
