//! `Evaluator::auto` after the process's SIMD tier is forced to another one: the
//! evaluator keeps the tier it was made with (its batches leave `Kernel::map`, which
//! follows the process's tier, for `map_at` at its own), bit for bit, and its values
//! stay within the bound of the mpmath reference vectors. A file of its own: forcing
//! the tier is process-wide, and the other tests must not see it.

use expfam_conformance::{error, groups, reference_f64};
use expfam_jit::{Backend, Evaluator};
use expfam_kernels::simd::{self, TIERS, Tier};
use expfam_kernels::{Dist, FAMILIES};

#[test]
fn auto_keeps_its_tier_when_the_process_tier_changes() {
    let rows = reference_f64();
    let made_at = simd::current();
    let evaluators: Vec<_> = FAMILIES
        .iter()
        .flat_map(|&family| {
            groups(&rows, family).into_iter().map(move |(params, pts)| {
                let d = Dist::<f64>::from_name(family, &params).unwrap();
                (family, params, pts, Evaluator::auto(d))
            })
        })
        .collect();
    // Every other tier this CPU runs (the scalar one at least), then the evaluator's
    // own again.
    let others: Vec<Tier> = TIERS
        .into_iter()
        .filter(|&t| t != made_at && t.is_available())
        .collect();
    assert!(!others.is_empty(), "the scalar tier runs everywhere");
    for &tier in others.iter().chain([made_at].iter()) {
        simd::force(tier).unwrap();
        for (family, params, pts, ev) in &evaluators {
            // At least 8 points: a batch, not the closure's short loop.
            let xs: Vec<f64> = pts
                .iter()
                .map(|p| p.0)
                .cycle()
                .take(pts.len().max(8) * 3)
                .collect();
            let mut out = vec![0.0; xs.len()];
            ev.map(&xs, &mut out).unwrap();
            // Bit for bit the evaluator's tier (tiers differ in last bits: AVX-512's
            // quotient in `ln`, for one).
            let mut at = vec![0.0; xs.len()];
            ev.dist().kernel().map_at(made_at, &xs, &mut at).unwrap();
            for ((&got, &want), &x) in out.iter().zip(&at).zip(&xs) {
                assert!(
                    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                    "{family} {params:?} x={x} forced {tier:?}: {got:e} vs {want:e} at {made_at:?}"
                );
            }
            for (i, (&got, &x)) in out.iter().zip(&xs).enumerate() {
                let expected = pts[i % pts.len()].1;
                let e = error(got, expected)
                    .unwrap_or_else(|| panic!("{family} {params:?} x={x}: {got} vs {expected}"));
                assert!(
                    e <= 1e-13,
                    "{family} {params:?} x={x}: {got} vs {expected} ({e:e})"
                );
            }
            let finite: Vec<f64> = xs
                .iter()
                .zip(&out)
                .filter(|(_, v)| v.is_finite())
                .map(|(&x, _)| x)
                .collect();
            if finite.len() >= 8 {
                let refs: Vec<f64> = finite
                    .iter()
                    .map(|&x| pts.iter().find(|p| p.0 == x).unwrap().1)
                    .collect();
                let expected: f64 = refs.iter().sum();
                // Each term within 1e-13 of max(1, |term|), and the additions' roundings.
                let bound: f64 = refs.iter().map(|r| 2e-13 * r.abs().max(1.0)).sum();
                let got = ev.sum(&finite);
                assert!(
                    (got - expected).abs() <= bound,
                    "{family} {params:?} sum at {tier:?}: {got} vs {expected}"
                );
            }
            assert_eq!(ev.sum_backend_for(1000), Backend::Simd(made_at), "{family}");
        }
    }
}
