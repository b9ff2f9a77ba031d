//! Differential checks shared by the kernels' and the JIT's differential tests: the
//! bound a backend must meet against the scalar path (`Dist::ln_pdf`) at each point,
//! and the checks of a `map` batch and a `sum` against the scalar values, which name
//! the backend and the seed on failure.

use crate::random::{Rng, params_of, random_dist, random_family, random_inputs};
use crate::{class, error};
use expfam_kernels::{Dist, Float};

/// One random case: a distribution, inputs for it and the scalar path's values there.
#[derive(Debug, Clone)]
pub struct Case<F: Float> {
    /// The seed that reproduces this case.
    pub seed: u64,
    /// A random valid distribution.
    pub dist: Dist<F>,
    /// Random inputs (bulk, tails, outside the support, special values).
    pub xs: Vec<F>,
    /// `dist.ln_pdf(x)` for each input: what every backend is checked against.
    pub want: Vec<F>,
}

/// The random cases of a differential test: `EXPFAM_DIFF_CASES` of them (`default`
/// otherwise), from `base` mixed with `EXPFAM_DIFF_SEED`, each with fewer than `max_n`
/// inputs.
pub fn random_cases<F: Float>(
    base: u64,
    default: u64,
    max_n: usize,
) -> impl Iterator<Item = Case<F>> {
    let base = base
        ^ std::env::var("EXPFAM_DIFF_SEED")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
    (0..cases(default)).map(move |case| {
        let seed = base ^ case.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let mut rng = Rng(seed);
        let family = random_family(&mut rng);
        let dist = random_dist::<F>(&mut rng, family);
        let n = rng.below(max_n);
        let xs = random_inputs(&mut rng, &dist, n);
        let want = xs.iter().map(|&x| dist.ln_pdf(x)).collect();
        Case {
            seed,
            dist,
            xs,
            want,
        }
    })
}

/// The number of random cases: `EXPFAM_DIFF_CASES`, or `default`.
fn cases(default: u64) -> u64 {
    std::env::var("EXPFAM_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The bound of a backend against the scalar path. f32 kernels compute in f64 and round
/// once, so they agree with the scalar path to within one f32 rounding either side;
/// under `f32-native` the scalar path itself computes in f32.
pub fn bound<F: Float>() -> f64 {
    match F::NAME {
        "f64" => 1e-13,
        _ if cfg!(feature = "f32-native") => 5e-5,
        _ => 1e-6,
    }
}

/// The unit roundoff of the arithmetic a kernel computes in: f64, except f32 kernels
/// under `f32-native`.
pub fn eps<F: Float>() -> f64 {
    if F::NAME == "f32" && cfg!(feature = "f32-native") {
        f32::EPSILON as f64
    } else {
        f64::EPSILON
    }
}

/// The bound at one point. Weibull's kernel forms (x/λ)^k as e^{k ln(x/λ)}, whose
/// relative error grows with the exponent as |k ln(x/λ)|·ε (the exp's condition); the
/// scalar path uses `pow`. Near overflow (|k ln(x/λ)| → 709) that is 1.6e-13.
///
/// Every family adds terms such as ln σ, ln b or ln x that reach ±745 at extreme
/// magnitudes; rounded once each and cancelling to a small result, they leave an
/// absolute error of a few ε·|ln θ|, which two correct evaluations may differ by. So
/// the bound is 1e-13 plus 4ε·(Σ|ln θᵢ| + |ln |x||): a few 1e-16 for moderate
/// parameters, up to ~5e-13 where the logs reach 600.
pub fn bound_at<F: Float>(d: &Dist<F>, x: F) -> f64 {
    let logs: f64 = params_of(d)
        .into_iter()
        .chain([x.to_f64()])
        .map(|v| v.abs().ln().abs())
        .filter(|l| l.is_finite())
        .sum();
    let mut b = bound::<F>() + 4.0 * eps::<F>() * logs;
    if let Dist::Weibull(w) = d {
        let kl = w.k().to_f64() * (x.to_f64() / w.lambda().to_f64()).ln();
        if kl.is_finite() {
            b += 4.0 * eps::<F>() * kl.abs();
        }
    }
    if eps::<F>() > f64::EPSILON {
        // f32 arithmetic (`f32-native`): the terms of the log-density are each rounded
        // to ε₃₂ of their own size and cancel to the result.
        let w = d.ln_pdf(x).to_f64().abs().max(1.0);
        let t = term_scale(d, x.to_f64());
        if t.is_finite() {
            b += 4.0 * eps::<F>() * t / w;
        }
    }
    if let Dist::LogNormal(l) = d {
        // An ulp of ln x moves −z²/2 by ε|ln x|·|z|/σ: ill-conditioned for tiny σ.
        let (lx, s) = (x.to_f64().ln(), l.sigma().to_f64());
        let dz = 2.0 * eps::<F>() * lx.abs() * ((lx - l.mu().to_f64()) / s).abs() / s;
        let w = d.ln_pdf(x).to_f64().abs().max(1.0);
        if dz.is_finite() {
            b += dz / w;
        }
    }
    b
}

/// Σ of the magnitudes of the terms the log-density at `x` is the sum of (η·T(x), A and
/// log h, written out per family): what their roundings cancel against.
pub fn term_scale<F: Float>(d: &Dist<F>, x: f64) -> f64 {
    use expfam_kernels::math::{lbeta, lgamma};
    let p = params_of(d);
    let lx = x.abs().ln().abs();
    let l1x = (1.0 - x).abs().ln().abs();
    let lg = |v: f64| lgamma(v).abs();
    match d {
        Dist::Normal(_) | Dist::Laplace(_) => 0.0,
        Dist::LogNormal(_) => lx + p[1].ln().abs(),
        Dist::Exponential(_) => (p[0] * x).abs() + p[0].ln().abs(),
        Dist::Gamma(_) => {
            (p[0] - 1.0).abs() * lx + (p[1] * x).abs() + p[0] * p[1].ln().abs() + lg(p[0])
        }
        Dist::InverseGamma(_) => {
            (p[0] + 1.0) * lx + (p[1] / x).abs() + p[0] * p[1].ln().abs() + lg(p[0])
        }
        Dist::ChiSquared(_) => {
            (p[0] / 2.0 - 1.0).abs() * lx + x.abs() / 2.0 + lg(p[0] / 2.0) + p[0]
        }
        Dist::Beta(_) => {
            (p[0] - 1.0).abs() * lx + (p[1] - 1.0).abs() * l1x + lbeta(p[0], p[1]).abs()
        }
        Dist::Weibull(_) => {
            (p[0] - 1.0).abs() * lx + (x / p[1]).abs().powf(p[0]) + p[0] * p[1].ln().abs()
        }
        Dist::Poisson(_) => x.abs() * p[0].ln().abs() + p[0] + lg(x.abs() + 1.0),
        Dist::Binomial(_) | Dist::NegativeBinomial(_) | Dist::Geometric(_) | Dist::Bernoulli(_) => {
            let (n, q) = (p[0], p[p.len() - 1]);
            x.abs() * q.ln().abs().max((-q).ln_1p().abs())
                + n * q.ln().abs().max((-q).ln_1p().abs())
                + lg(x.abs() + 1.0)
                + lg(n.abs() + x.abs() + 1.0)
        }
        _ => 0.0,
    }
}

/// Checks `got` against the scalar values `want`, naming the backend and the seed.
pub fn check_map<F: Float>(what: &str, seed: u64, d: &Dist<F>, xs: &[F], want: &[F], got: &[F]) {
    for ((&x, &w), &g) in xs.iter().zip(want).zip(got) {
        let (w, g) = (w.to_f64(), g.to_f64());
        // A value within a rounding of overflow may land on either side of it.
        let near = |v: f64| v.abs() > 0.5 * crate::random::max_of::<F>();
        let at_overflow = g.signum() == w.signum()
            && ((w.is_finite() && near(w) && g.is_infinite())
                || (g.is_finite() && near(g) && w.is_infinite()));
        match error(g, w) {
            _ if at_overflow => {}
            Some(e) if e <= bound_at(d, x) => {}
            e => panic!(
                "seed {seed}: {what} {} {d:?} at x = {:e}: got {g:e}, scalar {w:e} (error {e:?})",
                F::NAME,
                x.to_f64()
            ),
        }
    }
}

/// The sum of a batch against the scalar terms: the class follows from the terms (NaN
/// if any term is NaN or both infinities occur), and a finite sum is within the bound of
/// Σ max(1, |term|). Sums whose terms reach the overflow range are checked by class only
/// where the order of addition cannot change it. An f32 sum accumulates in f64, so a
/// term that overflows f32 but not f64 may count as either: the class of the f64 terms
/// is accepted too.
pub fn check_sum<F: Float>(what: &str, seed: u64, d: &Dist<F>, xs: &[F], want: &[F], got: F) {
    let terms: Vec<f64> = want.iter().map(|w| w.to_f64()).collect();
    let got = got.to_f64();
    let Some(expect) = sum_class(&terms) else {
        let scale: f64 = terms.iter().map(|t| t.abs().max(1.0)).sum();
        if scale > crate::random::max_of::<F>() / 4.0 {
            return; // the order of the adds decides whether it overflows
        }
        let exact: f64 = terms.iter().sum();
        // Each term within its own bound, plus the rounding of n adds.
        let tol: f64 = xs
            .iter()
            .zip(&terms)
            .map(|(&x, t)| bound_at(d, x) * t.abs().max(1.0))
            .sum::<f64>()
            + terms.len() as f64 * f64::EPSILON * scale;
        assert!(
            (got - exact).abs() <= tol,
            "seed {seed}: {what} sum {} {d:?}: got {got:e}, scalar terms sum to {exact:e}",
            F::NAME
        );
        return;
    };
    let finite_scale: f64 = terms
        .iter()
        .filter(|t| t.is_finite())
        .map(|t| t.abs())
        .sum();
    if got.is_nan() && expect.is_infinite() && finite_scale > crate::random::max_of::<F>() / 4.0 {
        return; // finite partial sums may overflow to the other infinity first
    }
    if F::NAME == "f32" && class(got) != class(expect) {
        let wide = Dist::<f64>::from_name(d.family(), &params_of(d)).expect("valid in f64");
        let wide_terms: Vec<f64> = xs.iter().map(|&x| wide.ln_pdf(x.to_f64())).collect();
        if sum_class(&wide_terms).is_some_and(|e| class(e) == class(got)) {
            return;
        }
    }
    assert_eq!(
        class(got),
        class(expect),
        "seed {seed}: {what} sum {} {d:?}: got {got:e}, expected {expect:e} (terms {terms:?})",
        F::NAME
    );
}

/// The non-finite value a sum of these terms must be, or `None` when all are finite.
pub fn sum_class(terms: &[f64]) -> Option<f64> {
    let nan = terms.iter().any(|t| t.is_nan());
    let pinf = terms.contains(&f64::INFINITY);
    let ninf = terms.contains(&f64::NEG_INFINITY);
    if nan || (pinf && ninf) {
        Some(f64::NAN)
    } else if pinf {
        Some(f64::INFINITY)
    } else if ninf {
        Some(f64::NEG_INFINITY)
    } else {
        None
    }
}
