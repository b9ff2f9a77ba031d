//! The conformance suite, one test binary: each module below was a test target of its
//! own, and each of those instantiated every family's kernels at every tier again. One
//! binary builds them once (the wasm32 debug build of the suite took 4–5 min as six
//! binaries). Filter by module as before: `cargo test -p expfam-conformance --test
//! conformance differential::`.

mod consistency;
mod constructors;
mod differential;
mod reference;
mod tiers;
mod vector_math;
