//! Instruction counts per call under `valgrind --tool=callgrind`: one family's map over
//! the bench's inputs, `reps` times, through the dispatched tier (`EXPFAM_TIER` picks
//! it) or the JIT:
//! `cargo run --release -p expfam-bench --example small_batch -- normal 16 100000 [jit]`.
use expfam_bench::{bench_dist, inputs};
use expfam_kernels::Kernel;
use std::hint::black_box;

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let parsed = (|| {
        let family = a
            .first()
            .filter(|f| expfam_kernels::FAMILIES.contains(&f.as_str()))?;
        Some((family, a.get(1)?.parse().ok()?, a.get(2)?.parse().ok()?))
    })();
    let Some((family, n, reps)) = parsed else {
        eprintln!("usage: small_batch FAMILY N REPS [jit]");
        std::process::exit(2);
    };
    let d = bench_dist::<f64>(family);
    let k = d.kernel();
    let xs: Vec<f64> = inputs(family, n);
    let mut out = vec![0.0; n];
    if a.get(3).map(String::as_str) == Some("jit") {
        let jit = expfam_jit::Jit::new().unwrap();
        let c = jit.compile(&d).unwrap();
        for _ in 0..reps {
            c.map(black_box(&xs), black_box(&mut out)).unwrap();
        }
    } else {
        for _ in 0..reps {
            black_box(&k)
                .map(black_box(&xs), black_box(&mut out))
                .unwrap();
        }
    }
    black_box(&out);
}
