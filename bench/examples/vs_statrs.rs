//! One family at parameters of your choice against statrs, timed in alternation in one
//! process (f64, ns per element, `map` over the bench's inputs for that family):
//! `cargo run --release -p expfam-bench --example vs_statrs -- weibull 1.7 2.0`
//! (`N=…` sets the batch length, 4096 by default).
use expfam_bench::inputs;
use expfam_bench::peer::Statrs;
use expfam_kernels::{Dist, Kernel};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(family) = args.first() else {
        eprintln!("usage: vs_statrs FAMILY PARAM... [N]");
        std::process::exit(2);
    };
    let params: Vec<f64> = args[1..]
        .iter()
        .map(|a| a.parse().expect("parameters are numbers"))
        .collect();
    let n: usize = std::env::var("N").map_or(4096, |v| v.parse().expect("N is a number"));
    let d = Dist::<f64>::from_name(family, &params).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let peer = Statrs::new(family, &params).expect("statrs accepts these parameters");
    // The bench's inputs for the family (drawn for its bench parameters).
    let xs: Vec<f64> = inputs(family, n);
    let k = d.kernel();
    let mut out = vec![0.0; n];
    let mut best = [f64::INFINITY; 3];
    for _ in 0..30 {
        for (side, b) in best.iter_mut().enumerate() {
            let t = Instant::now();
            for _ in 0..10 {
                match side {
                    0 => {
                        let p = black_box(&peer);
                        for (o, &x) in out.iter_mut().zip(black_box(&xs)) {
                            *o = p.ln_pdf(x);
                        }
                    }
                    1 => black_box(&k).map_scalar(black_box(&xs), &mut out).unwrap(),
                    _ => black_box(&k).map(black_box(&xs), &mut out).unwrap(),
                }
                black_box(&mut out);
            }
            *b = b.min(t.elapsed().as_secs_f64() * 1e9 / (10.0 * n as f64));
        }
    }
    let [s, c, v] = best;
    println!(
        "{family} {params:?} n={n}: statrs {s:.3} closure {c:.3} simd {v:.3} ({}) ns/element; statrs/simd {:.1}x",
        expfam_kernels::simd::current(),
        s / v
    );
}
