//! The fused-model comparison in one process, in alternating rounds (the machine is
//! shared, so compare within a round): normal + gamma + poisson over three columns of
//! `n` rows (default 1 000 000), as three AOT maps plus an adding pass, and as a
//! compiled model in each plan; the compute floor, each term over one L1-resident
//! block; and the memory floor, the same columns read and the output written with
//! nothing computed but their sum. A one-pass plan cannot beat the larger of the two
//! floors, nor, where compute and memory traffic do not overlap, their sum.
//! `cargo run --release -p expfam-bench --example model_plans -- 1000000`
use expfam_bench::add3;
use expfam_jit::{Jit, Model, ModelPlan};
use expfam_kernels::{Dist, Kernel};
use std::hint::black_box;
use std::time::Instant;

fn best_ns_per_row(n: usize, mut f: impl FnMut()) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..7 {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
    }
    best * 1e9 / n as f64
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(1_000_000, |s| s.parse().expect("n is a number"));
    let dists = [
        Dist::from_name("normal", &[0.5, 2.0f64]).unwrap(),
        Dist::from_name("gamma", &[2.5, 1.5]).unwrap(),
        Dist::from_name("poisson", &[4.0]).unwrap(),
    ];
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let cols: Vec<Vec<f64>> = vec![
        (0..n).map(|_| next() * 8.0 - 4.0).collect(),
        (0..n).map(|_| next() * 6.0 + 0.01).collect(),
        (0..n).map(|_| (next() * 12.0).floor()).collect(),
    ];
    let refs: Vec<&[f64]> = cols.iter().map(|c| c.as_slice()).collect();
    let model = dists.iter().fold(Model::new(), |m, d| m.dist(*d));
    let jit = Jit::new().unwrap();
    let blocked = jit.compile_model_as(&model, ModelPlan::Blocked).unwrap();
    let fused = jit.compile_model_as(&model, ModelPlan::Fused).unwrap();
    let kernels: Vec<_> = dists.iter().map(|d| d.kernel()).collect();
    let mut tmp = vec![vec![0.0; n]; 3];
    let mut out = vec![0.0; n];
    for round in 0..3 {
        let aot = best_ns_per_row(n, || {
            for ((k, c), t) in kernels.iter().zip(&refs).zip(tmp.iter_mut()) {
                k.map(black_box(c), t).unwrap();
            }
            add3(&mut out, &tmp);
            black_box(&mut out);
        });
        let b = best_ns_per_row(n, || blocked.map(black_box(&refs), &mut out).unwrap());
        let f = best_ns_per_row(n, || fused.map(black_box(&refs), &mut out).unwrap());
        // The compute floor: each term over one L1-resident block, repeated.
        let mut terms = [0.0; 3];
        for (t, (k, c)) in terms.iter_mut().zip(kernels.iter().zip(&refs)) {
            let m = 512.min(n);
            *t = best_ns_per_row(m * 200, || {
                for _ in 0..200 {
                    k.map(black_box(&c[..m]), &mut tmp[0][..m]).unwrap();
                }
            });
        }
        // The memory floor: the same columns read and the output written, one add each.
        let mem = best_ns_per_row(n, || {
            add3(&mut out, black_box(&cols));
            black_box(&mut out);
        });
        println!("round {round}: memory floor (3 columns read, output written) {mem:.3} ns/row");
        println!(
            "round {round}: terms in L1 {:.3} + {:.3} + {:.3} = {:.3} ns/row",
            terms[0],
            terms[1],
            terms[2],
            terms.iter().sum::<f64>()
        );
        println!(
            "round {round}: aot 3 maps + add {aot:.3} ns/row, blocked {b:.3} ({:.2}x), fused {f:.3} ({:.2}x)",
            aot / b,
            aot / f
        );
    }
}
