//! `Evaluator::auto` against the closure and the SIMD tier, measured in turn in one
//! process (f64): `cargo run --release -p expfam-bench --example auto_vs_best -- N FAMILY...`.
//! Each line prints ns per element for `sum` and `map`, and the backend auto settled on.
use expfam_bench::{bench_dist, inputs, timing::ns_per_elem};
use expfam_kernels::Kernel;
use std::hint::black_box;
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(n) = args.first().and_then(|a| a.parse::<usize>().ok()) else {
        eprintln!("usage: auto_vs_best N FAMILY...");
        std::process::exit(2);
    };
    for f in &args[1..] {
        let d = bench_dist::<f64>(f);
        let xs: Vec<f64> = inputs(f, n);
        let k = d.kernel();
        let ev = expfam_jit::Evaluator::auto(d);
        let mut out = vec![0.0f64; n];
        let b = Duration::from_millis(200);
        for _ in 0..3 {
            let cs = ns_per_elem(n, b, || {
                black_box(black_box(&k).sum_scalar(black_box(&xs)));
            });
            let vs = ns_per_elem(n, b, || {
                black_box(black_box(&k).sum(black_box(&xs)));
            });
            let a = ns_per_elem(n, b, || {
                black_box(ev.sum(black_box(&xs)));
            });
            let vm = ns_per_elem(n, b, || {
                black_box(&k).map(black_box(&xs), &mut out).unwrap();
            });
            let am = ns_per_elem(n, b, || {
                ev.map(black_box(&xs), &mut out).unwrap();
            });
            println!(
                "{f} n={n}: sum closure {cs:.3} simd {vs:.3} auto {a:.3} ({}) | map simd {vm:.3} auto {am:.3} ({})",
                ev.sum_backend_for(n),
                ev.backend_for(n)
            );
        }
    }
}
