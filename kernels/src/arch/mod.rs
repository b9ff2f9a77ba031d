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

/// `x` as `f64`, written to a register whole.
///
/// On x86_64 `cvtss2sd` keeps its destination's upper half, so the conversion depends
/// on whatever last wrote that register; at the entry of an out-of-line `eval` LLVM
/// cannot see that writer and may pick one that holds the previous call's result,
/// which chains independent calls one after another (`DistKernel::<f32>::eval` of a
/// gamma: 26 ns per point against 11 with the chain broken). Zeroing the destination
/// first breaks it. Other ISAs, and miri (no inline assembly), convert plainly.
#[inline(always)]
pub(crate) fn widen_f32(x: f32) -> f64 {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        x86_64::widen_f32(x)
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    {
        x as f64
    }
}

/// Defines a token type whose tier is always available where its module is compiled
/// (the ISA baseline, or features fixed for the whole build): the struct, `new` and
/// `is_available`.
macro_rules! always_available_token {
    ($(#[$doc:meta])* $token:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $token(());

        impl $token {
            /// Always `Some` where this module is compiled.
            pub fn new() -> Option<Self> {
                Some($token(()))
            }
            /// Always true where this module is compiled.
            pub fn is_available() -> bool {
                true
            }
        }
    };
}
pub(crate) use always_available_token;

/// Defines the token's `map`/`map_with`/`sum`/`map_terms`/`run` entry points: thin functions around the generic
/// drivers, instantiated with the tier's vector type, and `#[target_feature]` with the
/// features given (none for tiers whose features are fixed for the whole build).
macro_rules! entry_points {
    ($token:ident, $vector:ty $(, $features:literal)?) => {
        impl $token {
            /// Batch map at this tier (see [`crate::arch::generic::map`]).
            #[inline]
            pub fn map<F: crate::Float, K: crate::arch::generic::VectorKernel<F>>(
                self,
                k: &K,
                xs: &[F],
                out: &mut [F],
            ) {
                self.map_with::<F, K, false>(k, xs, out)
            }

            /// Batch map, or with `ADD` map-and-add, at this tier (see
            /// [`crate::arch::generic::map_with`]).
            #[inline]
            #[allow(unused_unsafe)]
            pub fn map_with<
                F: crate::Float,
                K: crate::arch::generic::VectorKernel<F>,
                const ADD: bool,
            >(
                self,
                k: &K,
                xs: &[F],
                out: &mut [F],
            ) {
                $(#[target_feature(enable = $features)])?
                fn imp<
                    F: crate::Float,
                    K: crate::arch::generic::VectorKernel<F>,
                    const ADD: bool,
                >(
                    k: &K,
                    xs: &[F],
                    out: &mut [F],
                ) {
                    crate::arch::generic::map_with::<$vector, F, K, ADD>(k, xs, out)
                }
                // SAFETY: a value of this token proves the CPU has the features.
                unsafe { imp::<F, K, ADD>(k, xs, out) }
            }

            /// Batch sum at this tier (see [`crate::arch::generic::sum`]).
            #[inline]
            #[allow(unused_unsafe)]
            pub fn sum<F: crate::Float, K: crate::arch::generic::VectorKernel<F>>(
                self,
                k: &K,
                xs: &[F],
            ) -> F {
                $(#[target_feature(enable = $features)])?
                fn imp<F: crate::Float, K: crate::arch::generic::VectorKernel<F>>(
                    k: &K,
                    xs: &[F],
                ) -> F {
                    crate::arch::generic::sum::<$vector, F, K>(k, xs)
                }
                // SAFETY: a value of this token proves the CPU has the features.
                unsafe { imp(k, xs) }
            }

            /// The sum of several kernels over their columns at this tier, every term
            /// of a row step in turn (see [`crate::arch::generic::map_terms`]).
            #[inline]
            #[allow(unused_unsafe)]
            pub fn map_terms<F: crate::Float>(
                self,
                terms: &[(crate::DistKernel<F>, &[F])],
                out: &mut [F],
                add: bool,
            ) {
                $(#[target_feature(enable = $features)])?
                fn imp<F: crate::Float>(
                    terms: &[(crate::DistKernel<F>, &[F])],
                    out: &mut [F],
                    add: bool,
                ) {
                    crate::arch::generic::map_terms::<$vector, F>(terms, out, add)
                }
                // SAFETY: a value of this token proves the CPU has the features.
                unsafe { imp(terms, out, add) }
            }

            /// Runs `f` behind this tier's `#[target_feature]` entry (used by the tests
            /// of the vector math). `f` itself is compiled with the features only
            /// where the whole build has them: otherwise the tier's vector operations
            /// in it run out of line, with the right values but far slower (the
            /// AVX2 `ln` at 60 against 1.5 ns per element), so time a tier through a
            /// `#[target_feature]` function of its own, not through `run`.
            #[inline]
            #[allow(unused_unsafe)]
            pub fn run<R>(self, f: impl FnOnce() -> R) -> R {
                $(#[target_feature(enable = $features)])?
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

/// Defines a tier's vector type: a transparent newtype over the ISA's register type with
/// `Add`, `Sub`, `Mul`, `Div` and `Neg` as the operations given (paths to intrinsics or
/// trait methods taking the register values, and a closure-like expression for `Neg`).
///
/// Each operation is `#[inline(always)]` and needs only the tier's own features: a tier's
/// vector type is only used inside its token's entry points (which enable the features)
/// or in modules that exist only in builds where the features are on.
macro_rules! vector_type {
    (
        $(#[$doc:meta])*
        $name:ident($inner:ty);
        add $add:path, sub $sub:path, mul $mul:path, div $div:path, neg |$x:ident| $neg:expr
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        #[repr(transparent)]
        pub struct $name($inner);

        crate::arch::vector_type!(@binop $name, Add, add, $add);
        crate::arch::vector_type!(@binop $name, Sub, sub, $sub);
        crate::arch::vector_type!(@binop $name, Mul, mul, $mul);
        crate::arch::vector_type!(@binop $name, Div, div, $div);

        impl core::ops::Neg for $name {
            type Output = Self;
            #[inline(always)]
            #[allow(unused_unsafe)]
            fn neg(self) -> Self {
                let $x = self.0;
                // SAFETY: needs only this tier's features, which are enabled wherever
                // this type is used (see the macro's documentation).
                $name(unsafe { $neg })
            }
        }
    };
    (@binop $name:ident, $tr:ident, $f:ident, $op:path) => {
        impl core::ops::$tr for $name {
            type Output = Self;
            #[inline(always)]
            #[allow(unused_unsafe)]
            fn $f(self, o: Self) -> Self {
                // SAFETY: needs only this tier's features, which are enabled wherever
                // this type is used (see the macro's documentation).
                $name(unsafe { $op(self.0, o.0) })
            }
        }
    };
}
pub(crate) use vector_type;
