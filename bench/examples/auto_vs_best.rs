//! `Evaluator::auto` against the closure and the SIMD tier, measured in turn in one
//! process: `cargo run --release -p expfam-bench --example auto_vs_best -- N FAMILY...`
//! (`F32=1` for `f32`). Each line prints ns per element for `sum` and `map`, and the
//! backend auto settled on.
use expfam_bench::{bench_dist, inputs, timing::ns_per_elem};
use expfam_kernels::{Float, Kernel};
use std::hint::black_box;
use std::time::Duration;

fn run<F: Float>(n: usize, families: &[String]) {
    for f in families {
        let d = bench_dist::<F>(f);
        let xs: Vec<F> = inputs(f, n);
        let k = d.kernel();
        let ev = expfam_jit::Evaluator::auto(d);
        let mut out = vec![F::ZERO; n];
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
            let cm = ns_per_elem(n, b, || {
                black_box(&k).map_scalar(black_box(&xs), &mut out).unwrap();
            });
            let vm = ns_per_elem(n, b, || {
                black_box(&k).map(black_box(&xs), &mut out).unwrap();
            });
            let am = ns_per_elem(n, b, || {
                ev.map(black_box(&xs), &mut out).unwrap();
            });
            println!(
                "{f} n={n}: sum closure {cs:.3} simd {vs:.3} auto {a:.3} ({}) | map closure {cm:.3} simd {vm:.3} auto {am:.3} ({})",
                ev.sum_backend_for(n),
                ev.backend_for(n)
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(n) = args.first().and_then(|a| a.parse::<usize>().ok()) else {
        eprintln!("usage: [F32=1] auto_vs_best N FAMILY...");
        std::process::exit(2);
    };
    if std::env::var_os("F32").is_some() {
        run::<f32>(n, &args[1..]);
    } else {
        run::<f64>(n, &args[1..]);
    }
}
