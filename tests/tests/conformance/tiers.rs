//! Every SIMD tier this CPU has, against the mpmath reference vectors, for every family,
//! f64 and f32: each parameter set's points go through `map` as one batch (so every
//! lane position and the scalar tail are exercised, in several rotations), within
//! 1e-13 of max(1, |ref|) (f32: 1e-6) and in the reference's value class; `sum` within
//! 1e-13 of the sum of the references.

use expfam_conformance::{Row, error_in, finite_sum_case, groups, reference_f32, reference_f64};
use expfam_kernels::simd::{self, Tier};
use expfam_kernels::{Dist, FAMILIES, Float, Kernel};
use rstest::rstest;

fn check<F: Float>(tier: Tier, family: &str, rows: &[Row], bound: f64) {
    for (params, pts) in groups(rows, family) {
        let ps: Vec<F> = params.iter().map(|&p| F::from_f64(p)).collect();
        let k = Dist::<F>::from_name(family, &ps).unwrap().kernel();
        for rot in [0, 1, 3, 5] {
            let mut pts = pts.clone();
            let r = rot % pts.len();
            pts.rotate_left(r);
            let xs: Vec<F> = pts.iter().map(|p| F::from_f64(p.0)).collect();
            let mut out = vec![F::ZERO; xs.len()];
            k.map_at(tier, &xs, &mut out).unwrap();
            for (i, (&(x, want), got)) in pts.iter().zip(&out).enumerate() {
                let got = got.to_f64();
                let e = error_in::<F>(got, want);
                match e {
                    Some(e) if e <= bound => {}
                    _ => panic!(
                        "{tier} {family} {} {params:?} x={x:e} (index {i}, rotation {rot}): got {got:e}, want {want:e}",
                        F::NAME
                    ),
                }
            }
            // The sum over the points whose reference is finite.
            let (xs, want, scale) = finite_sum_case::<F>(&pts);
            let got = k.sum_at(tier, &xs).to_f64();
            assert!(
                (got - want).abs() <= bound * scale,
                "{tier} {family} {} {params:?}: sum {got:e} vs {want:e}",
                F::NAME
            );
        }
    }
}

#[rstest]
fn every_tier_matches_the_reference(
    #[values("scalar", "sse2", "avx2", "avx512", "neon", "portable", "simd128")] tier: &str,
) {
    let tier = Tier::from_name(tier).unwrap();
    if !tier.is_available() {
        eprintln!("{tier}: not available on this CPU; skipped here (CI forces it where it exists)");
        return;
    }
    let (r64, r32) = (reference_f64(), reference_f32());
    for family in FAMILIES {
        check::<f64>(tier, family, &r64, 1e-13);
        // Under `f32-native` the scalar f32 kernel (tails, special lanes) computes in
        // f32: its measured bound is 5e-5 (see reference.rs and the README).
        let f32_bound = if cfg!(feature = "f32-native") {
            5e-5
        } else {
            1e-6
        };
        check::<f32>(tier, family, &r32, f32_bound);
    }
}

#[test]
fn forcing_a_tier_is_visible_and_unavailable_tiers_are_refused() {
    use expfam_kernels::simd;
    let before = simd::current();
    assert!(before.is_available());
    for t in simd::TIERS {
        if !t.is_available() {
            assert!(simd::force(t).is_err(), "{t} should be refused");
        }
    }
    assert_eq!(simd::current(), before);
}

/// The normal `sum` accumulates `Σ(x − μ)²` and scales once; where `(x − μ)²`
/// overflows but the log-density does not (σ large), or a lane is NaN, every tier must
/// still give the sum of the scalar log-densities (the batch is summed again in the
/// `c − w²` form).
#[test]
fn normal_sum_survives_an_overflowing_centred_square() {
    let d = Dist::<f64>::from_name("normal", &[3.0, 1e90]).unwrap();
    let k = d.kernel();
    let cases: [Vec<f64>; 3] = [
        vec![1e200; 67],
        (0..67)
            .map(|i| if i == 40 { -1e240 } else { i as f64 })
            .collect(),
        (0..67)
            .map(|i| if i == 9 { f64::NAN } else { i as f64 })
            .collect(),
    ];
    for xs in &cases {
        let want: f64 = xs.iter().map(|&x| d.ln_pdf(x)).sum();
        for tier in expfam_kernels::simd::TIERS {
            if !tier.is_available() {
                continue;
            }
            let got = k.sum_at(tier, xs);
            if want.is_nan() {
                assert!(got.is_nan(), "{tier}: {got:e}, want NaN");
            } else {
                assert!(
                    (got - want).abs() <= 1e-13 * want.abs().max(1.0),
                    "{tier}: {got:e}, want {want:e}"
                );
            }
        }
    }
}

/// Every length from 1 to 72 at every tier: batches shorter than one vector, one vector
/// plus a partial one, the unrolled loop's remainders and the two-step loop of the
/// sum's eight accumulators (eight vectors of eight lanes), with special points (NaN,
/// out of support, ±∞ from the reference sets) falling in the partial vector. `map`
/// must give each point's scalar value in its class, `map_add` that value added to
/// what the output held, and `sum` the sum of them.
#[rstest]
fn every_length_and_tail_matches_the_scalar_kernel(
    #[values("scalar", "sse2", "avx2", "avx512", "neon", "portable", "simd128")] tier: &str,
) {
    let tier = Tier::from_name(tier).unwrap();
    if !tier.is_available() {
        return;
    }
    let rows = reference_f64();
    for family in FAMILIES {
        let (params, pts) = groups(&rows, family).into_iter().next().unwrap();
        let k = Dist::<f64>::from_name(family, &params).unwrap().kernel();
        // The group's points, repeated to 72 where the group is shorter.
        let mut xs: Vec<f64> = pts.iter().map(|p| p.0).cycle().take(72).collect();
        for pass in 0..2 {
            if pass == 1 {
                xs.reverse();
            }
            for n in 1..=xs.len() {
                let xs = &xs[xs.len() - n..];
                let want: Vec<f64> = xs.iter().map(|&x| k.eval_scalar(x)).collect();
                // map into zeros, and map_add onto other values: each output is what
                // it held plus the point's scalar value.
                let base: Vec<f64> = (0..n).map(|i| i as f64 * 0.25 - 3.0).collect();
                for (op, start) in [("map", vec![0.0; n]), ("map_add", base)] {
                    let mut out = start.clone();
                    if op == "map" {
                        k.map_at(tier, xs, &mut out).unwrap();
                    } else {
                        k.map_add_at(tier, xs, &mut out).unwrap();
                    }
                    for (i, ((&g, &w), &b)) in out.iter().zip(&want).zip(&start).enumerate() {
                        let w = w + b;
                        assert!(
                            (g.is_nan() && w.is_nan())
                                || g == w
                                || (g - w).abs() <= 1e-13 * w.abs().max(1.0),
                            "{tier} {family} {params:?} n={n} [{i}] x={:e}: {op} {g:e} vs {w:e}",
                            xs[i]
                        );
                    }
                }
                let (s, w) = (k.sum_at(tier, xs), want.iter().sum::<f64>());
                let scale = want.iter().map(|w| w.abs()).sum::<f64>().max(1.0);
                assert!(
                    (s.is_nan() && w.is_nan()) || s == w || (s - w).abs() <= 1e-13 * scale,
                    "{tier} {family} {params:?} n={n}: sum {s:e} vs {w:e}"
                );
            }
        }
    }
}

/// Table lookups (`ln k!` for counts up to 127, Stirling corrections, lgamma's
/// coefficients) in vectors whose lanes all index the start of a table, mix small and
/// large indices, or all index past 32: the AVX-512 tier reads the first 32 entries
/// of a table from registers and gathers otherwise. Every tier against the scalar
/// kernel, point by point.
#[rstest]
fn table_lookups_match_the_scalar_kernel_in_every_lane_mix(
    #[values("scalar", "sse2", "avx2", "avx512", "neon", "portable", "simd128")] tier: &str,
) {
    let tier = Tier::from_name(tier).unwrap();
    if !tier.is_available() {
        return;
    }
    let small = [0.0, 1.0, 2.0, 3.0, 7.0, 15.0, 16.0, 31.0];
    let large = [32.0, 33.0, 47.0, 63.0, 64.0, 100.0, 126.0, 127.0];
    let mut xs = Vec::new();
    for pattern in 0..6 {
        for lane in 0..8 {
            xs.push(match pattern {
                0 => small[lane],
                1 => large[lane],
                2 => [small, large][lane % 2][lane],
                3 => [small, large][(lane / 3) % 2][lane],
                4 => small[7 - lane],
                _ => large[7 - lane],
            });
        }
    }
    for (family, params) in [
        ("poisson", &[4.5][..]),
        ("poisson", &[40.0][..]),
        ("binomial", &[127.0, 0.3][..]),
        ("binomial", &[20.0, 0.3][..]),
        ("negative_binomial", &[3.5, 0.4][..]),
        ("negative_binomial", &[40.5, 0.6][..]),
        ("geometric", &[0.05][..]),
    ] {
        let k = Dist::<f64>::from_name(family, params).unwrap().kernel();
        for rot in 0..8 {
            let mut xs = xs.clone();
            xs.rotate_left(rot);
            let mut out = vec![0.0; xs.len()];
            k.map_at(tier, &xs, &mut out).unwrap();
            for (&x, &got) in xs.iter().zip(&out) {
                let want = k.eval_scalar(x);
                assert!(
                    got == want || (got - want).abs() <= 1e-13 * want.abs().max(1.0),
                    "{tier} {family} {params:?} x={x}: {got:e} vs scalar {want:e}"
                );
            }
        }
    }
}

/// `simd::map_terms_at` and `map_terms_add_at` (a model's family terms, every term of a
/// step in turn) at every tier against the scalar kernels row by row: three terms a
/// model, each family in each position, over every length from 1 to 72 (tails and
/// special points in every lane), f64 and f32.
#[rstest]
fn map_terms_matches_the_scalar_kernels_row_by_row(
    #[values("scalar", "sse2", "avx2", "avx512", "neon", "portable", "simd128")] tier: &str,
) {
    let tier = Tier::from_name(tier).unwrap();
    if !tier.is_available() {
        return;
    }
    map_terms_case::<f64>(tier, 1e-13);
    map_terms_case::<f32>(tier, 1e-6);
}

fn map_terms_case<F: Float>(tier: Tier, bound: f64) {
    let rows = reference_f64();
    // Each family's first reference group: its kernel and its points (specials included),
    // repeated to 72 rows and rotated by the family's index so the specials move.
    let cases: Vec<(expfam_kernels::DistKernel<F>, Vec<F>)> = FAMILIES
        .iter()
        .enumerate()
        .map(|(f, family)| {
            let (params, pts) = groups(&rows, family).into_iter().next().unwrap();
            let params: Vec<F> = params.iter().map(|&p| F::from_f64(p)).collect();
            let k = Dist::<F>::from_name(family, &params).unwrap().kernel();
            let mut xs: Vec<F> = pts
                .iter()
                .map(|p| F::from_f64(p.0))
                .cycle()
                .take(72)
                .collect();
            xs.rotate_left(f % 72);
            (k, xs)
        })
        .collect();
    for first in 0..FAMILIES.len() {
        let picked: Vec<&(expfam_kernels::DistKernel<F>, Vec<F>)> = (0..3)
            .map(|t| &cases[(first + 5 * t) % cases.len()])
            .collect();
        for n in 1..=72 {
            let terms: Vec<(expfam_kernels::DistKernel<F>, &[F])> =
                picked.iter().map(|(k, xs)| (*k, &xs[72 - n..])).collect();
            let base: Vec<F> = (0..n).map(|i| F::from_f64(i as f64 * 0.25 - 3.0)).collect();
            for add in [false, true] {
                let mut out = if add { base.clone() } else { vec![F::ZERO; n] };
                if add {
                    simd::map_terms_add_at(tier, &terms, &mut out).unwrap();
                } else {
                    simd::map_terms_at(tier, &terms, &mut out).unwrap();
                }
                for r in 0..n {
                    let vals: Vec<f64> = terms
                        .iter()
                        .map(|(k, xs)| k.eval_scalar(xs[r]).to_f64())
                        .collect();
                    let start = if add { base[r].to_f64() } else { 0.0 };
                    let w = vals.iter().fold(start, |s, v| s + v);
                    let scale = vals.iter().fold(start.abs(), |s, v| s + v.abs()).max(1.0);
                    let g = out[r].to_f64();
                    let w32 = F::from_f64(w).to_f64();
                    assert!(
                        (g.is_nan() && w.is_nan()) || g == w32 || (g - w).abs() <= bound * scale,
                        "{tier} terms from {} n={n} add={add} [{r}]: {g:e} vs {w:e}",
                        FAMILIES[first]
                    );
                }
            }
        }
    }
    // A column of another length is refused, and nothing is written.
    let (k, xs) = (&cases[0].0, &cases[0].1);
    let mut out = vec![F::ZERO; 10];
    let err = simd::map_terms_at(tier, &[(*k, &xs[..10]), (*k, &xs[..9])], &mut out).unwrap_err();
    assert_eq!((err.input, err.output), (9, 10));
    assert!(out.iter().all(|&o| o == F::ZERO));
}
