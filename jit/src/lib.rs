//! `expfam-jit`: Cranelift-compiled log-density kernels.
//!
//! This crate is a placeholder until the JIT issue lands: it builds, links
//! `expfam-kernels` with `std`, and exposes nothing that pretends to compile code.
//! Use [`expfam_kernels`] closures and batch kernels in the meantime.

pub use expfam_kernels;
