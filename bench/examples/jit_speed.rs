//! JIT map and sum throughput against the AOT tiers (ns per element, n = 4096 or `N`, the three timed
//! in alternation, on `expfam bench`'s parameters and inputs), every family, f64 then
//! f32: `cargo run --release -p expfam-bench --example jit_speed [FAMILY...]`.
//! `N=rows` sets the batch length; `UNROLL=k` sets the JIT's vectors per loop step; `STENCILS=0` compiles every kernel
//! with Cranelift instead of taking a stencil's code; `WIDE=0` turns wide bodies off
//! (Cranelift's 128-bit code for every kernel).
use expfam_bench::timing::best_ns_each;
use expfam_bench::{bench_dist, inputs};
use expfam_jit::Jit;
use expfam_kernels::simd::{self, Tier};
use expfam_kernels::{FAMILIES, Float};
use std::hint::black_box;
use std::time::Instant;

fn run<F: Float>(jit: &Jit, families: &[String], rows: usize) {
    for name in families {
        let d = bench_dist::<F>(name);
        let k = jit.compile(&d).unwrap();
        let xs: Vec<F> = inputs(name, rows);
        let mut out = [
            vec![F::ZERO; xs.len()],
            vec![F::ZERO; xs.len()],
            vec![F::ZERO; xs.len()],
        ];
        let kk = d.kernel();
        let [o1, o2, o3] = &mut out;
        let [tj, ts, tb] = best_ns_each(
            rows,
            [
                &mut || k.map(black_box(&xs), o1).unwrap(),
                &mut || kk.map_at(Tier::Sse2, black_box(&xs), o2).unwrap(),
                &mut || kk.map_at(simd::detected(), black_box(&xs), o3).unwrap(),
            ],
        );
        let [sj, ss, sb] = best_ns_each(
            rows,
            [
                &mut || {
                    black_box(k.sum(black_box(&xs)));
                },
                &mut || {
                    black_box(kk.sum_at(Tier::Sse2, black_box(&xs)));
                },
                &mut || {
                    black_box(kk.sum_at(simd::detected(), black_box(&xs)));
                },
            ],
        );
        println!(
            "{name:18} {} map jit {tj:.3} sse2 {ts:.3} best {tb:.3} jit/sse2 {:.2} jit/best {:.2} | \
             sum jit {sj:.3} sse2 {ss:.3} best {sb:.3} jit/sse2 {:.2}",
            F::NAME,
            tj / ts,
            tj / tb,
            sj / ss,
        );
    }
}

fn main() {
    // Bring the core up to speed first: the first kernel's timings take well under a
    // millisecond, short enough to catch a frequency ramp.
    let t = Instant::now();
    let mut spin = 0u64;
    while t.elapsed().as_millis() < 200 {
        spin = black_box(spin.wrapping_add(1));
    }
    let mut jit = Jit::new().unwrap();
    jit.set_stencils(std::env::var("STENCILS").as_deref() != Ok("0"));
    jit.set_wide(std::env::var("WIDE").as_deref() != Ok("0"));
    if let Ok(u) = std::env::var("UNROLL") {
        jit.set_unroll(Some(u.parse().expect("UNROLL is a number")));
    }
    let mut families: Vec<String> = std::env::args().skip(1).collect();
    if families.is_empty() {
        families = FAMILIES.iter().map(|s| s.to_string()).collect();
    }
    let rows = std::env::var("N").map_or(4096, |v| v.parse().expect("N is a number"));
    run::<f64>(&jit, &families, rows);
    run::<f32>(&jit, &families, rows);
}
