//! Differential testing: random distributions (moderate to extreme parameters) and random
//! inputs (bulk, tails, outside the support, special values), evaluated by every backend
//! this crate reaches — the closure and every SIMD tier the CPU has, as `map` and `sum` —
//! against the scalar path (`Dist::ln_pdf`), within 1e-13 of max(1, |scalar|) and in the
//! same value class. The JIT runs the same cases in `jit/tests/differential.rs`.
//!
//! Seeded: a failure prints the seed; `EXPFAM_DIFF_CASES` sets the number of cases and
//! `EXPFAM_DIFF_SEED` a different base seed.

use expfam_conformance::differential::{Case, check_map, check_sum, random_cases};
use expfam_conformance::random::{Rng, random_family};
use expfam_kernels::simd::{TIERS, Tier};
use expfam_kernels::{Dist, Float, Kernel};

fn run<F: Float>(base: u64) {
    let tiers: Vec<Tier> = TIERS.into_iter().filter(|t| t.is_available()).collect();
    for Case {
        seed,
        dist: d,
        xs,
        want,
    } in random_cases::<F>(base, 3000, 40)
    {
        let k = d.kernel();
        let closure: Vec<F> = xs.iter().map(|&x| k.eval(x)).collect();
        check_map("closure", seed, &d, &xs, &want, &closure);
        check_sum("closure", seed, &d, &xs, &want, k.sum_scalar(&xs));
        // The scalar formula alone, which the closure leaves for special points.
        let formula: Vec<F> = xs.iter().map(|&x| k.eval_scalar(x)).collect();
        check_map("eval_scalar", seed, &d, &xs, &want, &formula);

        let mut out = vec![F::ZERO; xs.len()];
        for &t in &tiers {
            k.map_at(t, &xs, &mut out).unwrap();
            check_map(t.name(), seed, &d, &xs, &want, &out);
            check_sum(t.name(), seed, &d, &xs, &want, k.sum_at(t, &xs));
        }
    }
}

#[test]
fn every_backend_agrees_with_the_scalar_path_f64() {
    run::<f64>(0x5EED_0064);
}

#[test]
fn every_backend_agrees_with_the_scalar_path_f32() {
    run::<f32>(0x5EED_0032);
}

/// Every constructor, fed any f64 bit pattern (and every f32 one rounded from it), either
/// builds a distribution or returns a typed error; none panics, and whatever it builds
/// evaluates without panicking.
#[test]
fn constructors_never_panic_on_any_bit_pattern() {
    let mut rng = Rng(0xB175);
    let specials = expfam_conformance::random::specials::<f64>();
    for i in 0..200_000u64 {
        let draw = |rng: &mut Rng| match i % 3 {
            0 => f64::from_bits(rng.next_u64()),
            1 => specials[rng.below(specials.len())],
            _ => rng.location::<f64>(),
        };
        let family = random_family(&mut rng);
        let p = [draw(&mut rng), draw(&mut rng)];
        let np = Dist::<f64>::param_names(family).unwrap().len();
        if let Ok(d) = Dist::<f64>::from_name(family, &p[..np]) {
            let _ = d.ln_pdf(p[0]);
        }
        let p32 = [p[0] as f32, p[1] as f32];
        if let Ok(d) = Dist::<f32>::from_name(family, &p32[..np]) {
            let _ = d.ln_pdf(p32[1]);
        }
        // Wrong counts are errors too, never panics.
        assert!(Dist::<f64>::from_name(family, &p[..np - 1]).is_err());
        assert!(Dist::<f64>::from_name(family, &[p[0], p[1], p[0]]).is_err());
    }
}
