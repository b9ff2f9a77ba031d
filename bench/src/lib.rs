//! The harness behind the `expfam` tool and the criterion benches: benchmark inputs,
//! the statrs peer, the rooflines and the timing loop.

pub mod cli;
pub mod peer;
pub mod roofline;
pub mod timing;

use expfam_kernels::{Dist, Float};

/// The parameter set each family is benchmarked with (inside the usual range, so every
/// backend takes its main path).
pub fn bench_params(family: &str) -> &'static [f64] {
    match family {
        "normal" => &[0.0, 1.0],
        "lognormal" => &[0.0, 1.0],
        "exponential" => &[1.5],
        "gamma" => &[2.5, 1.5],
        "inverse_gamma" => &[3.0, 2.0],
        "chi_squared" => &[4.0],
        "beta" => &[2.0, 5.0],
        "laplace" => &[0.0, 1.0],
        "weibull" => &[1.5, 2.0],
        "poisson" => &[4.5],
        "bernoulli" => &[0.3],
        "binomial" => &[20.0, 0.3],
        "geometric" => &[0.3],
        "negative_binomial" => &[3.5, 0.4],
        _ => &[],
    }
}

/// The benchmark parameters of `family` moved by a relative `k`·10⁻⁴ (a sampler's
/// proposal; a binomial's n stays put): for timing compiles with new constants.
pub fn moved_params(family: &str, k: usize) -> Vec<f64> {
    let fixed = usize::from(family == "binomial");
    bench_params(family)
        .iter()
        .enumerate()
        .map(|(j, &p)| {
            if j < fixed {
                p
            } else {
                p * (1.0 + k as f64 * 1e-4)
            }
        })
        .collect()
}

/// A reproducible generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// `n` benchmark inputs for `family` from a fixed seed: points spread over the bulk of
/// the distribution (whole numbers for discrete families), all inside the support.
pub fn inputs<F: Float>(family: &str, n: usize) -> Vec<F> {
    let mut rng = SplitMix(0x000E_4FA1);
    let p = bench_params(family);
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        // A cheap bell shape: the mean of three uniforms, centred, in (−1.5, 1.5).
        let z = (rng.uniform() + rng.uniform() + rng.uniform()) - 1.5;
        let x = match family {
            "normal" | "laplace" => p[0] + 2.0 * p[1] * z,
            "lognormal" => (p[0] + p[1] * 2.0 * z).exp(),
            "exponential" => -(1.0 - rng.uniform()).ln() / p[0],
            "gamma" => (p[0] / p[1] + p[0].sqrt() / p[1] * 2.0 * z).max(0.01),
            "inverse_gamma" => (p[1] / (p[0] - 1.0) * (1.0 + 0.6 * z)).max(0.01),
            "chi_squared" => (p[0] + (2.0 * p[0]).sqrt() * 2.0 * z).max(0.01),
            "beta" => (0.28 + 0.3 * z).clamp(0.001, 0.999),
            "weibull" => (p[1] * (1.0 + 0.6 * z)).max(0.01),
            "poisson" => (p[0] + p[0].sqrt() * 2.0 * z).round().max(0.0),
            "bernoulli" => (rng.uniform() < p[0]) as u8 as f64,
            "binomial" => (p[0] * p[1] + 4.0 * z).round().clamp(0.0, p[0]),
            "geometric" => (-(1.0 - rng.uniform()).ln() / -(1.0 - p[0]).ln()).floor(),
            "negative_binomial" => (5.25 + 6.0 * z).round().max(0.0),
            _ => 0.0,
        };
        v.push(F::from_f64(x));
    }
    v
}

/// The distribution of `family` with its benchmark parameters.
pub fn bench_dist<F: Float>(family: &str) -> Dist<F> {
    let ps: Vec<F> = bench_params(family)
        .iter()
        .map(|&v| F::from_f64(v))
        .collect();
    Dist::from_name(family, &ps).expect("benchmark parameters are valid")
}

/// `out[i] = t[0][i] + t[1][i] + t[2][i]` over the shortest of the four: the adding pass
/// of the model's AOT baseline (three `map`s into `t`, then this), in `expfam bench`
/// and `examples/model_plans`. Zipped, so the loop has no bounds checks and vectorizes:
/// indexed (`t[0][i]`), it ran at 2.0–2.7 ns/row against 1.4–1.5 over 1e6 rows (Zen 3),
/// and flattered the plans.
///
/// ```
/// let t = vec![vec![1.0, 2.0], vec![10.0, 20.0], vec![100.0, 200.0]];
/// let mut out = [0.0; 2];
/// expfam_bench::add3(&mut out, &t);
/// assert_eq!(out, [111.0, 222.0]);
/// ```
///
/// # Panics
/// If `t` has fewer than three columns.
pub fn add3(out: &mut [f64], t: &[Vec<f64>]) {
    for (((o, a), b), c) in out.iter_mut().zip(&t[0]).zip(&t[1]).zip(&t[2]) {
        *o = a + b + c;
    }
}
