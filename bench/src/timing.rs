//! A small timing loop for `expfam bench`: repeat an operation until a time budget is
//! spent, in several samples, and report the median ns per element.

use std::time::{Duration, Instant};

/// Median nanoseconds per element of `op`, which processes `n` elements per call.
/// `budget` is the total time to spend (split into 7 samples after a warm-up).
pub fn ns_per_elem(n: usize, budget: Duration, mut op: impl FnMut()) -> f64 {
    // Warm-up, and calibration of how many calls fit in one sample.
    let sample = budget / 8;
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < sample / 2 || calls == 0 {
        op();
        calls += 1;
    }
    let per_call = start.elapsed().as_secs_f64() / calls as f64;
    let reps = ((sample.as_secs_f64() / per_call) as u64).max(1);
    let mut samples = Vec::with_capacity(7);
    for _ in 0..7 {
        let t = Instant::now();
        for _ in 0..reps {
            op();
        }
        samples.push(t.elapsed().as_secs_f64() * 1e9 / (reps as f64 * n as f64));
    }
    samples.sort_by(f64::total_cmp);
    samples[3]
}
