//! Instruction-set tiers for the batch kernels.
//!
//! The algorithms are written once in [`generic`] over the [`generic::Vector`] trait.
//! Each tier provides a vector type and a token type whose value proves that the CPU
//! has the tier's features. `core::arch` and `#[target_feature]` appear only in the
//! per-ISA modules, and `#[target_feature]` only on their entry points.
//! Choosing a tier at run time is [`crate::simd`]'s job.

pub mod generic;
pub mod portable;
pub mod scalar;
#[cfg(target_arch = "x86_64")]
pub mod x86_64;
