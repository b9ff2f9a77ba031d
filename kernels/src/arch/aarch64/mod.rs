//! aarch64 tiers: NEON (Advanced SIMD), two `f64` lanes with fused multiply-add. NEON
//! is part of the aarch64 baseline, so this module exists whenever the target has it.

pub mod neon;

pub use neon::Neon;
