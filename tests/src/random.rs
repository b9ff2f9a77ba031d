//! A seeded generator of random distributions and inputs for the differential tests:
//! parameters from moderate to extreme magnitudes, inputs around the bulk of each
//! distribution, far in its tails, at the edges of its support, and the special values
//! (±0, subnormals, ±MAX, ±∞, NaN). Seeded and deterministic, so a failure names the
//! seed that reproduces it on any machine (and under qemu or WASI).

use expfam_kernels::{Dist, FAMILIES, Float};

/// SplitMix64: small, fast, and good enough to draw test cases.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
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
    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }
    /// Uniform index below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }
    /// A standard normal draw (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.uniform();
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (core::f64::consts::TAU * v).cos()
    }
    /// `10^e` with `e` uniform in [lo, hi).
    pub fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        10f64.powf(self.range(lo, hi))
    }
    /// A positive magnitude: mostly moderate (1e-3..1e3), sometimes anywhere in the
    /// normal range of `F`, sometimes a subnormal-adjacent or huge edge.
    pub fn magnitude<F: Float>(&mut self) -> f64 {
        let max_e = max_of::<F>().log10().floor();
        let min_e = F::MIN_POSITIVE.to_f64().log10().ceil();
        match self.below(10) {
            0..=5 => self.log_uniform(-3.0, 3.0),
            6 | 7 => self.log_uniform(min_e, max_e),
            8 => self.log_uniform(-12.0, 12.0),
            _ => *pick(
                self,
                &[
                    F::MIN_POSITIVE.to_f64(),
                    max_of::<F>(),
                    1.0,
                    F::EPSILON.to_f64(),
                ],
            ),
        }
    }
    /// A positive magnitude capped at `cap`.
    pub fn shape_up_to<F: Float>(&mut self, cap: f64) -> f64 {
        loop {
            let v = self.magnitude::<F>();
            if v <= cap {
                return v;
            }
        }
    }
    /// A signed location: 0 or a magnitude of either sign.
    pub fn location<F: Float>(&mut self) -> f64 {
        if self.chance(0.1) {
            return 0.0;
        }
        let m = self.magnitude::<F>();
        if self.chance(0.5) { -m } else { m }
    }
    /// A probability in [0, 1], with the end points and values near them.
    pub fn probability(&mut self) -> f64 {
        match self.below(10) {
            0 => 0.0,
            1 => 1.0,
            2 => self.log_uniform(-300.0, -1.0),
            3 => 1.0 - self.log_uniform(-16.0, -1.0),
            _ => self.uniform(),
        }
    }
    /// A whole count: small mostly, up to 2^53 sometimes.
    pub fn count(&mut self) -> f64 {
        match self.below(8) {
            0 => 0.0,
            1..=4 => self.below(60) as f64,
            5 | 6 => self.log_uniform(0.0, 9.0).round(),
            _ => self.log_uniform(9.0, 15.9).round(),
        }
    }
}

/// The largest finite value of `F`, as f64.
pub fn max_of<F: Float>() -> f64 {
    if F::NAME == "f32" {
        f32::MAX as f64
    } else {
        f64::MAX
    }
}

fn pick<'a, T>(rng: &mut Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.below(xs.len())]
}

/// The special values every backend must classify like the scalar path.
pub fn specials<F: Float>() -> [f64; 14] {
    let tiny = F::MIN_POSITIVE.to_f64();
    [
        0.0,
        -0.0,
        1.0,
        -1.0,
        tiny,
        tiny / 4.0, // subnormal in F
        -tiny,
        max_of::<F>(),
        -max_of::<F>(),
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        0.5,
        F::EPSILON.to_f64(),
    ]
}

/// Random parameters for `family` in the design's order, valid for `F` (rounded to `F`
/// exactly as callers would pass them). Draws until the constructor accepts; the
/// rejections along the way are themselves checked by the caller's constructor tests.
pub fn random_dist<F: Float>(rng: &mut Rng, family: &str) -> Dist<F> {
    loop {
        let p: Vec<f64> = match family {
            "normal" | "lognormal" | "laplace" => {
                vec![rng.location::<F>(), rng.magnitude::<F>()]
            }
            "exponential" | "chi_squared" => vec![rng.magnitude::<F>()],
            "gamma" | "inverse_gamma" => vec![rng.magnitude::<F>(), rng.magnitude::<F>()],
            // Beyond 1e15 the beta's reference path (Loader's binomial form, or the
            // direct form where that would overflow) loses digits: 4.8e-7 was measured
            // at β = f64::MAX (README, Accuracy).
            "beta" => vec![rng.shape_up_to::<F>(1e15), rng.shape_up_to::<F>(1e15)],
            // The kernel scales x by a rounded 1/λ, an error of ~k·(x/λ)^k·ε in the
            // log-density (README, Accuracy; 1.6e-13 was measured at k = 28.7): shapes up
            // to 10 keep it under 1e-13.
            "weibull" => vec![rng.log_uniform(-3.0, 1.0), rng.magnitude::<F>()],
            "poisson" => vec![if rng.chance(0.1) {
                0.0
            } else {
                rng.magnitude::<F>()
            }],
            "bernoulli" | "geometric" => vec![rng.probability()],
            "binomial" => vec![rng.count(), rng.probability()],
            "negative_binomial" => vec![rng.magnitude::<F>(), rng.probability()],
            other => panic!("no generator for family {other}"),
        };
        let ps: Vec<F> = p.iter().map(|&v| F::from_f64(v)).collect();
        if let Ok(d) = Dist::<F>::from_name(family, &ps) {
            return d;
        }
    }
}

/// A random family name.
pub fn random_family(rng: &mut Rng) -> &'static str {
    FAMILIES[rng.below(FAMILIES.len())]
}

/// `n` random inputs for `d`: values in the bulk (found from the scalar path: points
/// where the density is finite), far in the tails, just outside the support, whole and
/// fractional counts, and the special values.
pub fn random_inputs<F: Float>(rng: &mut Rng, d: &Dist<F>, n: usize) -> Vec<F> {
    let sp = specials::<F>();
    let discrete = matches!(
        d.family(),
        "poisson" | "bernoulli" | "binomial" | "geometric" | "negative_binomial"
    );
    // A centre and spread: from the parameters where they are a location and scale,
    // otherwise from a few probes of the support.
    let params = params_of(d);
    let (centre, spread) = match d.family() {
        "normal" | "laplace" => (params[0], params[1]),
        "lognormal" => (params[0].exp().min(1e300), params[0].exp().min(1e300)),
        "exponential" => (1.0 / params[0], 1.0 / params[0]),
        "gamma" => (params[0] / params[1], params[0].sqrt() / params[1]),
        "inverse_gamma" => (params[1] / (params[0] + 1.0), params[1] / (params[0] + 1.0)),
        "chi_squared" => (params[0], (2.0 * params[0]).sqrt()),
        "beta" => {
            let m = params[0] / (params[0] + params[1]);
            (m, (m * (1.0 - m) / (params[0] + params[1] + 1.0)).sqrt())
        }
        "weibull" => (params[1], params[1] / params[0].max(1e-300)),
        "poisson" => (params[0], params[0].sqrt()),
        "bernoulli" => (0.5, 0.5),
        "binomial" => (
            params[0] * params[1],
            (params[0] * params[1] * (1.0 - params[1])).sqrt(),
        ),
        "geometric" => (1.0 / params[0], 1.0 / params[0]),
        "negative_binomial" => {
            let m = params[0] * (1.0 - params[1]) / params[1].max(1e-300);
            (m, m.sqrt())
        }
        _ => (0.0, 1.0),
    };
    (0..n)
        .map(|_| {
            let v = match rng.below(10) {
                0..=4 => centre + spread * rng.normal() * *pick(rng, &[1.0, 3.0, 30.0]),
                5 => centre * rng.range(0.0, 2.0),
                6 => rng.location::<F>(),
                7 => *pick(rng, &sp),
                8 => f64::from_bits(rng.next_u64()),
                _ => centre + spread * rng.range(-1.0, 1.0) * 1e-6,
            };
            let v = if discrete && rng.chance(0.8) {
                v.round()
            } else {
                v
            };
            F::from_f64(v)
        })
        .collect()
}

/// The parameters of `d`, read back through its `Debug` form's numbers is fragile, so
/// each family is asked for them directly.
pub fn params_of<F: Float>(d: &Dist<F>) -> Vec<f64> {
    use expfam_kernels::Dist as D;
    match d {
        D::Normal(x) => vec![x.mu().to_f64(), x.sigma().to_f64()],
        D::LogNormal(x) => vec![x.mu().to_f64(), x.sigma().to_f64()],
        D::Exponential(x) => vec![x.rate().to_f64()],
        D::Gamma(x) => vec![x.shape().to_f64(), x.rate().to_f64()],
        D::InverseGamma(x) => vec![x.shape().to_f64(), x.scale().to_f64()],
        D::ChiSquared(x) => vec![x.k().to_f64()],
        D::Beta(x) => vec![x.alpha().to_f64(), x.beta().to_f64()],
        D::Laplace(x) => vec![x.mu().to_f64(), x.b().to_f64()],
        D::Weibull(x) => vec![x.k().to_f64(), x.lambda().to_f64()],
        D::Poisson(x) => vec![x.lambda().to_f64()],
        D::Bernoulli(x) => vec![x.p().to_f64()],
        D::Binomial(x) => vec![x.n().to_f64(), x.p().to_f64()],
        D::Geometric(x) => vec![x.p().to_f64()],
        D::NegativeBinomial(x) => vec![x.r().to_f64(), x.p().to_f64()],
        _ => Vec::new(),
    }
}
