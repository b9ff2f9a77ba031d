//! How far apart the bench harness puts identical code: the SIMD tier's `map` timed
//! three times in turn (`Kernel::map` of one kernel twice, then of a second kernel
//! built from the same distribution), with `Evaluator::auto` and the SIMD tier's
//! `sum` beside them, as `expfam bench` times its rows. For each estimator of a row's
//! time (the median or the minimum of its samples, 7 or 21 of them over the same
//! budget by default; the bench takes the median of 21) it prints the worst ratio
//! between the identical rows over the families, and auto's map over the best of them.
//! A third line takes each ratio as the median of the per-round ratios of the two
//! rows' samples (`paired`): samples of one round lie next to each other in time.
//! `SAMPLES=7,21 cargo run --release -p expfam-bench --example timing_noise -- N [ROUNDS]`
use expfam_bench::{
    bench_dist, inputs,
    timing::{median, samples_each},
};
use expfam_kernels::{FAMILIES, Kernel};
use std::cell::RefCell;
use std::hint::black_box;
use std::time::Duration;

fn min(s: &[f64]) -> f64 {
    s.iter().copied().fold(f64::INFINITY, f64::min)
}

/// A row's time from its samples.
type Estimator = fn(&[f64]) -> f64;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(1000, |s| s.parse().expect("N"));
    let rounds: usize = args.next().map_or(1, |s| s.parse().expect("ROUNDS"));
    let budget = Duration::from_millis(160);
    // Sample counts to compare (`SAMPLES=7,21`; the bench takes 21).
    let sample_counts: Vec<usize> = std::env::var("SAMPLES")
        .unwrap_or("7,21".into())
        .split(',')
        .map(|s| s.parse().expect("SAMPLES: counts separated by commas"))
        .collect();
    // (estimator name, statistic), each on 7 and on 21 samples.
    let estimators: [(&str, Estimator); 2] = [("median", median), ("min", min)];
    for round in 0..rounds {
        for samples in sample_counts.iter().copied() {
            // Per estimator: worst identical-row ratio (and its family), worst
            // auto/best, rows over 1.1x.
            let mut worst = [(1.0f64, "", 1.0f64, 0usize); 3];
            for family in FAMILIES {
                let d = bench_dist::<f64>(family);
                let xs: Vec<f64> = inputs(family, n);
                let (k1, k2) = (d.kernel(), Box::new(d.kernel()));
                let ev = expfam_jit::Evaluator::auto(d);
                let out = RefCell::new(vec![0.0; n]);
                let (xs, out, k1, k2, ev) = (&xs, &out, &k1, &*k2, &ev);
                let map = |k: &'static str| {
                    move || {
                        let out = &mut *out.borrow_mut();
                        match k {
                            "a" => black_box(k1).map(black_box(xs), out),
                            "b" => black_box(k2).map(black_box(xs), out),
                            _ => ev.map(black_box(xs), out),
                        }
                        .expect("sized");
                        black_box(out);
                    }
                };
                let (mut a, mut a2, mut b, mut e) = (map("a"), map("a"), map("b"), map("e"));
                let mut s = || {
                    black_box(black_box(k1).sum(black_box(xs)));
                };
                let t = samples_each(
                    n,
                    budget,
                    samples,
                    &mut [&mut a, &mut s, &mut a2, &mut b, &mut e],
                );
                for ((_, stat), w) in estimators.iter().zip(&mut worst) {
                    let v: Vec<f64> = t.iter().map(|s| stat(s)).collect();
                    let same = [v[2] / v[0], v[3] / v[0], v[0] / v[2], v[0] / v[3]]
                        .into_iter()
                        .fold(1.0f64, f64::max);
                    let auto = v[4] / v[0].min(v[2]).min(v[3]);
                    if same > w.0 {
                        (w.0, w.1) = (same, family);
                    }
                    w.2 = w.2.max(auto);
                    w.3 += usize::from(auto > 1.1);
                }
                // Paired: the median of the round-by-round ratios, against the row
                // with the best median.
                let paired = |x: usize, y: usize| {
                    let r: Vec<f64> = t[x].iter().zip(&t[y]).map(|(a, b)| a / b).collect();
                    median(&r)
                };
                let w = &mut worst[2];
                let same = [paired(2, 0), paired(3, 0), paired(0, 2), paired(0, 3)]
                    .into_iter()
                    .fold(1.0f64, f64::max);
                let best = [0, 2, 3]
                    .into_iter()
                    .min_by(|&i, &j| median(&t[i]).total_cmp(&median(&t[j])))
                    .expect("three rows");
                let auto = paired(4, best);
                if same > w.0 {
                    (w.0, w.1) = (same, family);
                }
                w.2 = w.2.max(auto);
                w.3 += usize::from(auto > 1.1);
            }
            for (name, (same, fam, auto, over)) in
                ["median", "min", "paired"].into_iter().zip(worst)
            {
                println!(
                    "round {round} n={n} {name:>6} of {samples:2}: identical maps worst {same:.3}x ({fam}); auto/best map worst {auto:.3}x, {over} of {} over 1.1x",
                    FAMILIES.len()
                );
            }
        }
    }
}
