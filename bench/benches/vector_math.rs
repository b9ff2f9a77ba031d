//! Vector ln and exp against `wide` 1.7's `f64x4::ln`/`exp` built for the same features,
//! and libm's scalar functions; plus expfam's dispatched tiers.
//!
//! Same features for both sides: run with the flags of the tier to compare, e.g.
//! `RUSTFLAGS="-C target-cpu=native" cargo bench -p expfam-bench --bench vector_math`
//! (the `portable` rows are expfam's algorithm on `wide::f64x4`, the `wide` rows are
//! wide's own functions, both compiled with those flags).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use expfam_kernels::arch::generic::Vector;
use expfam_kernels::math::vector;
use std::hint::black_box;

const N: usize = 4096;

fn inputs() -> Vec<f64> {
    let mut rng = expfam_bench::SplitMix(7);
    (0..N)
        .map(|_| (rng.uniform() * 40.0 - 20.0).exp())
        .collect()
}

#[inline(always)]
fn apply<V: Vector>(f: impl Fn(V) -> V, xs: &[f64], out: &mut [f64]) {
    for (x, o) in xs
        .chunks_exact(V::LANES)
        .zip(out.chunks_exact_mut(V::LANES))
    {
        // SAFETY: both chunks hold exactly LANES values.
        unsafe { f(V::load(x.as_ptr())).store(o.as_mut_ptr()) }
    }
}

/// The `ln` map at the x86_64 tiers, each compiled with its tier's features. (A
/// closure handed to a token's `run` is not: unless the whole build has the features,
/// its vector operations stay out of line, and the AVX2 `ln` measured 60 against 1.5
/// ns per element that way on a Zen 3.)
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::apply;
    use expfam_kernels::arch::x86_64::{avx2, avx512};
    use expfam_kernels::math::vector;

    /// `out[i] = ln xs[i]` at the AVX2 tier.
    #[target_feature(enable = "avx2,fma")]
    pub fn ln_avx2(xs: &[f64], out: &mut [f64]) {
        apply::<avx2::F64x4>(vector::ln_core, xs, out)
    }

    /// `out[i] = ln xs[i]` at the AVX-512 tier.
    #[target_feature(enable = "avx512f,avx512dq")]
    pub fn ln_avx512(xs: &[f64], out: &mut [f64]) {
        apply::<avx512::F64x8>(vector::ln_core, xs, out)
    }
}

fn bench(c: &mut Criterion) {
    let xs = inputs();
    let ys: Vec<f64> = xs.iter().map(|x| x.ln() * 0.5).collect();
    let mut out = vec![0.0; N];
    let mut g = c.benchmark_group("vector_math");
    g.throughput(Throughput::Elements(N as u64));
    type P = expfam_kernels::arch::portable::F64x4;
    g.bench_function(BenchmarkId::new("ln", "expfam_portable"), |b| {
        b.iter(|| apply::<P>(vector::ln_core, black_box(&xs), &mut out))
    });
    g.bench_function(BenchmarkId::new("ln", "wide_f64x4"), |b| {
        b.iter(|| {
            for (x, o) in black_box(&xs).chunks_exact(4).zip(out.chunks_exact_mut(4)) {
                let v = wide::f64x4::new([x[0], x[1], x[2], x[3]]).ln();
                o.copy_from_slice(&v.to_array());
            }
        })
    });
    g.bench_function(BenchmarkId::new("ln", "libm_scalar"), |b| {
        b.iter(|| {
            for (x, o) in black_box(&xs).iter().zip(out.iter_mut()) {
                *o = libm::log(*x);
            }
        })
    });
    g.bench_function(BenchmarkId::new("exp", "expfam_portable"), |b| {
        b.iter(|| apply::<P>(vector::exp_core, black_box(&ys), &mut out))
    });
    g.bench_function(BenchmarkId::new("exp", "wide_f64x4"), |b| {
        b.iter(|| {
            for (x, o) in black_box(&ys).chunks_exact(4).zip(out.chunks_exact_mut(4)) {
                let v = wide::f64x4::new([x[0], x[1], x[2], x[3]]).exp();
                o.copy_from_slice(&v.to_array());
            }
        })
    });
    #[cfg(target_arch = "x86_64")]
    {
        use expfam_kernels::arch::x86_64::{Avx2Fma, Avx512};
        if Avx2Fma::new().is_some() {
            g.bench_function(BenchmarkId::new("ln", "expfam_avx2"), |b| {
                // SAFETY: `Avx2Fma::new()` returned a token: the CPU has AVX2 and FMA.
                b.iter(|| unsafe { x86::ln_avx2(black_box(&xs), &mut out) })
            });
        }
        if Avx512::new().is_some() {
            g.bench_function(BenchmarkId::new("ln", "expfam_avx512"), |b| {
                // SAFETY: `Avx512::new()` returned a token: the CPU has AVX-512F and DQ.
                b.iter(|| unsafe { x86::ln_avx512(black_box(&xs), &mut out) })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
