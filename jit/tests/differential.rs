//! Differential testing of the JIT: the random distributions and inputs of
//! `tests/tests/conformance/differential.rs` (moderate to extreme parameters; bulk, tails, outside
//! the support, special values), each compiled with its parameters baked in, `map` and
//! `sum` checked against the scalar path (`Dist::ln_pdf`) with the same per-point bound
//! and value-class rules as every other backend.
//!
//! Seeded: a failure prints the seed; `EXPFAM_DIFF_CASES` sets the number of cases
//! (default 300: each case is a compile of 0.3–5 ms) and `EXPFAM_DIFF_SEED` a different
//! base seed.

use expfam_conformance::differential::{Case, check_map, check_sum, random_cases};
use expfam_jit::Jit;
use expfam_kernels::Float;

fn run<F: Float>(base: u64) {
    let mut jit = Jit::new().expect("Cranelift supports this host");
    jit.set_verify(true);
    // Longer batches than the kernels' test: the compiled loop's vector body, its
    // unrolled accumulators and its tail all run.
    for Case {
        seed,
        dist: d,
        xs,
        want,
    } in random_cases::<F>(base, 300, 80)
    {
        let k = jit
            .compile(&d)
            .unwrap_or_else(|e| panic!("seed {seed}: {d:?} does not compile: {e}"));
        let mut out = vec![F::ZERO; xs.len()];
        k.map(&xs, &mut out).unwrap();
        check_map("jit", seed, &d, &xs, &want, &out);
        check_sum("jit", seed, &d, &xs, &want, k.sum(&xs));
    }
}

#[test]
fn the_jit_agrees_with_the_scalar_path_f64() {
    run::<f64>(0x5EED_0064);
}

#[test]
fn the_jit_agrees_with_the_scalar_path_f32() {
    run::<f32>(0x5EED_0032);
}
