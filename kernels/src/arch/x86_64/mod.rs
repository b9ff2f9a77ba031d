//! x86_64 tiers: SSE2 (baseline), AVX2 + FMA, AVX-512 (F + DQ).

pub mod avx2;
pub mod avx512;
pub mod sse2;

pub use avx2::Avx2Fma;
pub use avx512::Avx512;
pub use sse2::Sse2;

pub(crate) use super::entry_points;

/// `x` as `f64` in a register zeroed first (see [`crate::arch::widen_f32`]); the VEX
/// forms where the build enables AVX, so that no legacy-SSE instruction lands among
/// AVX code.
#[cfg(not(miri))]
#[inline(always)]
pub(crate) fn widen_f32(x: f32) -> f64 {
    let out: f64;
    macro_rules! zero_then_widen {
        ($zero:literal, $widen:literal) => {
            // SAFETY: two register-to-register instructions of SSE2 (the x86_64
            // baseline) or, in their VEX forms, of AVX where the whole build enables
            // it; no memory, stack or flags touched, and `out` is not an input.
            unsafe {
                core::arch::asm!(
                    $zero,
                    $widen,
                    i = in(xmm_reg) x,
                    o = out(xmm_reg) out,
                    options(pure, nomem, nostack, preserves_flags),
                )
            }
        };
    }
    #[cfg(target_feature = "avx")]
    zero_then_widen!("vxorps {o}, {o}, {o}", "vcvtss2sd {o}, {o}, {i}");
    #[cfg(not(target_feature = "avx"))]
    zero_then_widen!("xorps {o}, {o}", "cvtss2sd {o}, {i}");
    out
}

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

/// Defines `fence4` for a tier's vector type (see
/// [`Vector::fence4`](crate::arch::generic::Vector::fence4)): an empty `asm!` that
/// takes the four vectors in registers of class `$reg`, under `$feature`.
macro_rules! fence4 {
    ($vector:ident, $reg:ident, $feature:literal, $token:literal) => {
        /// See [`Vector::fence4`](crate::arch::generic::Vector::fence4).
        ///
        /// # Safety
        #[doc = concat!("Only from ", $token, " entry points (the CPU has ", $feature, ").")]
        #[inline]
        #[target_feature(enable = $feature)]
        unsafe fn fence4(v: [$vector; 4]) -> [$vector; 4] {
            let [mut a, mut b, mut c, mut d] = [v[0].0, v[1].0, v[2].0, v[3].0];
            // SAFETY: an empty template: the operands stay in their registers.
            unsafe {
                core::arch::asm!(
                    "/* {0} {1} {2} {3} */",
                    inout($reg) a, inout($reg) b, inout($reg) c, inout($reg) d,
                    options(pure, nomem, nostack, preserves_flags)
                );
            }
            [$vector(a), $vector(b), $vector(c), $vector(d)]
        }
    };
}
pub(crate) use fence4;
