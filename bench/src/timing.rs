//! A small timing loop for `expfam bench`: repeat an operation until a time budget is
//! spent, in several samples, and report the median ns per element.

use std::time::{Duration, Instant};

/// The best nanoseconds per element of each of `ops` (each processing `n` elements per
/// call) over 30 rounds of 20 calls, the ops taking turns within every round: the
/// machine is shared, and interleaving exposes every op to the same noise. For quick
/// comparisons in the examples; `expfam bench` takes medians ([`ns_per_elem_each`]).
///
/// ```
/// use expfam_bench::timing::best_ns_each;
/// let xs = vec![1.5f64; 256];
/// let (mut a, mut b) = (0.0, 0.0);
/// let [ta, tb] = best_ns_each(xs.len(), [
///     &mut || a = std::hint::black_box(&xs).iter().sum(),
///     &mut || b = std::hint::black_box(&xs).iter().map(|x| x * x).sum(),
/// ]);
/// assert!(ta > 0.0 && tb > 0.0 && a == 384.0 && b == 576.0);
/// ```
pub fn best_ns_each<const N: usize>(n: usize, mut ops: [&mut dyn FnMut(); N]) -> [f64; N] {
    let mut best = [f64::INFINITY; N];
    for _ in 0..30 {
        for (op, b) in ops.iter_mut().zip(best.iter_mut()) {
            let t = Instant::now();
            for _ in 0..20 {
                op();
            }
            *b = b.min(t.elapsed().as_secs_f64() / 20.0);
        }
    }
    best.map(|b| b * 1e9 / n as f64)
}

/// Median nanoseconds per element of `op`, which processes `n` elements per call.
/// `budget` is the total time to spend (split into 21 samples after a warm-up).
pub fn ns_per_elem(n: usize, budget: Duration, mut op: impl FnMut()) -> f64 {
    ns_per_elem_each(n, budget, &mut [&mut op])[0]
}

/// [`ns_per_elem`] of each of `ops` (each processing `n` elements per call), their
/// samples taken in turn: sample `k` of every op lies between samples `k − 1` and
/// `k + 1` of every other, so a change in the machine's load moves all of them alike
/// and their ratios hold. `budget` is each op's.
pub fn ns_per_elem_each(n: usize, budget: Duration, ops: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    // 21 samples, not 7 (the same budget): this shared host's bursts of load hit one
    // op's sample and not its neighbour's, and with 7 the median kept them. Identical
    // code timed as three rows (`examples/timing_noise`, n = 1000, 14 families)
    // differed by up to 1.08-1.33x per round (mean 1.22x, six rounds) with 7 samples,
    // and by up to 1.01-1.16x (mean 1.06x, nine rounds) with 21.
    const SAMPLES: usize = 21;
    samples_each(n, budget, SAMPLES, ops)
        .iter()
        .map(|s| median(s))
        .collect()
}

/// The median of `samples` (the upper one of an even count; NaN for none).
///
/// ```
/// assert_eq!(expfam_bench::timing::median(&[3.0, 1.0, 2.0]), 2.0);
/// ```
pub fn median(samples: &[f64]) -> f64 {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    s.get(s.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Every sample of [`ns_per_elem_each`], in ns per element: `samples` of each op
/// (at least one), taken in turn, each about `budget / (samples + 1)` long.
///
/// ```
/// use std::{hint::black_box, time::Duration};
/// let mut a = || {
///     black_box(black_box(2.0f64).ln());
/// };
/// let mut b = || {
///     black_box(black_box(2.0f64).exp());
/// };
/// let t = expfam_bench::timing::samples_each(1, Duration::from_millis(4), 3, &mut [&mut a, &mut b]);
/// assert_eq!((t.len(), t[0].len(), t[1].len()), (2, 3, 3));
/// assert!(t.iter().flatten().all(|&ns| ns > 0.0 && ns.is_finite()));
/// ```
pub fn samples_each(
    n: usize,
    budget: Duration,
    samples: usize,
    ops: &mut [&mut dyn FnMut()],
) -> Vec<Vec<f64>> {
    let samples = samples.max(1);
    let sample = budget / (samples as u32 + 1);
    // Warm-up (at least three calls: an adaptive evaluator settles its backend in its
    // first calls, and one decision can cost ten calls), then calibration of how many
    // calls fit in one sample on calls after it. Calibrated on the warm-up itself, an
    // `auto` op counted its decision as a call and got far fewer calls per sample than
    // the others, so the first call of each sample (its data pushed out of the L3 by
    // the op before) weighed on its median: f64 `auto` maps of 1e6 points, on the
    // AVX-512 tier, measured 1.00–1.39x the `simd` rows, which run the same code; 0.90–
    // 1.09x in three runs after, but for one lognormal row (1.52x) in a noisy one.
    let reps: Vec<u64> = ops
        .iter_mut()
        .map(|op| {
            let run = |op: &mut &mut dyn FnMut(), least: Duration, min_calls: u64| {
                let start = Instant::now();
                let mut calls = 0u64;
                while start.elapsed() < least || calls < min_calls {
                    op();
                    calls += 1;
                }
                start.elapsed().as_secs_f64() / calls as f64
            };
            run(op, sample / 4, 3);
            let per_call = run(op, sample / 4, 2);
            ((sample.as_secs_f64() / per_call) as u64).max(1)
        })
        .collect();
    let mut times = vec![Vec::with_capacity(samples); ops.len()];
    for _ in 0..samples {
        for ((op, &reps), times) in ops.iter_mut().zip(&reps).zip(&mut times) {
            let t = Instant::now();
            for _ in 0..reps {
                op();
            }
            times.push(t.elapsed().as_secs_f64() * 1e9 / (reps as f64 * n as f64));
        }
    }
    times
}
