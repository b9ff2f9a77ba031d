//! wasm32 tiers: SIMD128, two `f64` lanes. WebAssembly has no run-time feature
//! detection (a module with SIMD instructions does not load where SIMD is missing), so
//! this module exists only in builds with `-C target-feature=+simd128`.

pub mod simd128;

pub use simd128::Simd128;
