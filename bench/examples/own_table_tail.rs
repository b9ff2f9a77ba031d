//! Negative binomial (the bench's r = 3.5, p = 0.4) maps over counts of which a share
//! lies past the JIT kernel's own table (0..32): the JIT against the SSE2 tier and
//! the best tier, timed in alternation, f64, 4096 rows (or `N`). The rows past the
//! table are 40 + (i mod 50), spread evenly; the others are the bench's inputs.
//! `cargo run --release -p expfam-bench --example own_table_tail [SHARE...]`
//! (shares in percent; 0, 1, 10 and 50 by default). `STENCILS=0` compiles the kernel
//! with Cranelift instead of taking a stencil's code.
use expfam_bench::timing::best_ns_each;
use expfam_bench::{bench_dist, inputs};
use expfam_jit::Jit;
use expfam_kernels::simd::{self, Tier};
use std::hint::black_box;

fn main() {
    let rows = std::env::var("N").map_or(4096, |v| v.parse().expect("N is a number"));
    let mut shares: Vec<f64> = std::env::args()
        .skip(1)
        .map(|s| s.parse().expect("a share in percent"))
        .collect();
    if shares.is_empty() {
        shares = vec![0.0, 1.0, 10.0, 50.0];
    }
    let mut jit = Jit::new().unwrap();
    jit.set_stencils(std::env::var("STENCILS").as_deref() != Ok("0"));
    let d = bench_dist::<f64>("negative_binomial");
    let (k, kk) = (jit.compile(&d).unwrap(), d.kernel());
    for share in shares {
        let mut xs: Vec<f64> = inputs("negative_binomial", rows);
        let past = (rows as f64 * share / 100.0).round() as usize;
        for j in 0..past {
            let i = j * rows / past.max(1);
            xs[i] = 40.0 + (i % 50) as f64;
        }
        let mut out = [vec![0.0; rows], vec![0.0; rows], vec![0.0; rows]];
        let [o1, o2, o3] = &mut out;
        let [tj, ts, tb] = best_ns_each(
            rows,
            [
                &mut || k.map(black_box(&xs), o1).unwrap(),
                &mut || kk.map_at(Tier::Sse2, black_box(&xs), o2).unwrap(),
                &mut || kk.map_at(simd::detected(), black_box(&xs), o3).unwrap(),
            ],
        );
        println!(
            "{share:5.1}% past the table: map jit {tj:.3} sse2 {ts:.3} best {tb:.3} ns, \
             jit/sse2 {:.2}",
            tj / ts
        );
    }
}
