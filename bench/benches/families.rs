//! Criterion benches: closure kernel, SIMD tier and statrs for every family, map and
//! sum, f64 and f32, n in {1, 16, 1000, 4096, 1_000_000}, beside the affine-map and plain-sum
//! rooflines at the best tier of the CPU.
//!
//! `cargo bench -p expfam-bench --bench families -- --warm-up-time 1 --measurement-time 2`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use expfam_bench::peer::Statrs;
use expfam_bench::{bench_dist, bench_params, inputs, roofline};
use expfam_kernels::{FAMILIES, Float, Kernel};
use std::hint::black_box;

const SIZES: [usize; 5] = [1, 16, 1000, 4096, 1_000_000];

fn families<F: Float>(c: &mut Criterion) {
    for family in FAMILIES {
        let mut g = c.benchmark_group(format!("{family}/{}", F::NAME));
        for n in SIZES {
            g.throughput(Throughput::Elements(n as u64));
            let xs = inputs::<F>(family, n);
            let mut out = vec![F::ZERO; n];
            let kernel = bench_dist::<F>(family).kernel();
            g.bench_with_input(BenchmarkId::new("closure_map", n), &xs, |b, xs| {
                b.iter(|| black_box(&kernel).map_scalar(black_box(xs), &mut out))
            });
            g.bench_with_input(BenchmarkId::new("closure_sum", n), &xs, |b, xs| {
                b.iter(|| black_box(&kernel).sum_scalar(black_box(xs)))
            });
            let tier = expfam_kernels::simd::current();
            g.bench_with_input(
                BenchmarkId::new(format!("simd_{tier}_map"), n),
                &xs,
                |b, xs| b.iter(|| black_box(&kernel).map(black_box(xs), &mut out)),
            );
            g.bench_with_input(
                BenchmarkId::new(format!("simd_{tier}_sum"), n),
                &xs,
                |b, xs| b.iter(|| black_box(&kernel).sum(black_box(xs))),
            );
            if F::NAME == "f64" {
                let peer = Statrs::new(family, bench_params(family)).expect("valid");
                let xs64: Vec<f64> = xs.iter().map(|v| v.to_f64()).collect();
                let mut o = vec![0.0; n];
                g.bench_with_input(BenchmarkId::new("statrs_map", n), &xs64, |b, xs| {
                    b.iter(|| {
                        let d = black_box(&peer);
                        for (o, &x) in o.iter_mut().zip(black_box(xs)) {
                            *o = d.ln_pdf(x);
                        }
                    })
                });
            }
        }
        g.finish();
    }
}

fn rooflines(c: &mut Criterion) {
    let mut g = c.benchmark_group(format!("roofline/{}", roofline::best_tier()));
    for n in SIZES {
        g.throughput(Throughput::Elements(n as u64));
        let xs = inputs::<f64>("normal", n);
        let mut out = vec![0.0; n];
        g.bench_with_input(BenchmarkId::new("affine_map_f64", n), &xs, |b, xs| {
            b.iter(|| {
                roofline::affine_f64(black_box(1.5), black_box(0.25), black_box(xs), &mut out)
            })
        });
        g.bench_with_input(BenchmarkId::new("sum_f64", n), &xs, |b, xs| {
            b.iter(|| roofline::sum_f64(black_box(xs)))
        });
    }
    g.finish();
}

criterion_group!(benches, families::<f64>, families::<f32>, rooflines);
criterion_main!(benches);
