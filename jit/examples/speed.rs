//! JIT map throughput against the AOT tiers (ns per element, n = 4096).
use expfam_jit::Jit;
use expfam_kernels::Dist;
use expfam_kernels::simd::{self, Tier};
use std::hint::black_box;
use std::time::Instant;

fn time(mut f: impl FnMut()) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..30 {
        let t = Instant::now();
        for _ in 0..20 {
            f();
        }
        best = best.min(t.elapsed().as_secs_f64() / 20.0);
    }
    best * 1e9 / 4096.0
}

fn main() {
    let jit = Jit::new().unwrap();
    let cases: &[(&str, &[f64])] = &[
        ("normal", &[0.5, 2.0]),
        ("lognormal", &[0.5, 0.7]),
        ("gamma", &[2.5, 1.5]),
        ("beta", &[2.0, 3.0]),
        ("weibull", &[1.5, 2.0]),
        ("poisson", &[4.0]),
        ("binomial", &[20.0, 0.3]),
        ("negative_binomial", &[3.5, 0.4]),
    ];
    for (name, p) in cases {
        let d = Dist::from_name(name, p).unwrap();
        let k = jit.compile(&d).unwrap();
        let counts = matches!(*name, "poisson" | "binomial" | "negative_binomial");
        let xs: Vec<f64> = (0..4096)
            .map(|i| {
                if counts {
                    (i % 15) as f64
                } else {
                    0.05 + (i as f64) * 0.9 / 4096.0
                }
            })
            .collect();
        let mut out = vec![0.0; xs.len()];
        let kk = d.kernel();
        let tj = time(|| k.map(black_box(&xs), &mut out).unwrap());
        let ts = time(|| kk.map_at(Tier::Sse2, black_box(&xs), &mut out).unwrap());
        let tb = time(|| {
            kk.map_at(simd::detected(), black_box(&xs), &mut out)
                .unwrap()
        });
        println!(
            "{name:18} jit {tj:.3} sse2 {ts:.3} best {tb:.3}  jit/sse2 {:.2} jit/best {:.2}",
            tj / ts,
            tj / tb
        );
    }
}
