//! Every backend against the mpmath reference vectors, per family, at its bound:
//! scalar `ln_pdf` 1e-14, closure / kernel / batch 1e-13 (f64); 1e-6 for f32; and the
//! same value class (finite, +∞, −∞, NaN) as the reference everywhere.

use expfam_conformance::{Row, of_family, reference_f32, reference_f64, worst};
use expfam_kernels::{Dist, ExpFam, Float, Kernel};
use rstest::rstest;

#[derive(Debug, Clone, Copy)]
enum Backend {
    Scalar,
    Closure,
    Map,
    Sum,
}

fn eval<F: Float>(backend: Backend, d: &Dist<F>, x: F) -> F {
    match backend {
        Backend::Scalar => d.ln_pdf(x),
        Backend::Closure => closure_of(d)(x),
        Backend::Map => {
            // A batch with the point in the middle, so the tail handling is exercised.
            let xs = [F::ONE, x, F::HALF];
            let mut out = [F::ZERO; 3];
            d.kernel().map(&xs, &mut out).expect("equal lengths");
            out[1]
        }
        Backend::Sum => d.kernel().sum(&[x]),
    }
}

/// The closure of the concrete family type, as a user holds it.
fn closure_of<F: Float>(d: &Dist<F>) -> Box<dyn Fn(F) -> F> {
    match *d {
        Dist::Normal(x) => Box::new(x.closure()),
        Dist::LogNormal(x) => Box::new(x.closure()),
        Dist::Exponential(x) => Box::new(x.closure()),
        Dist::Gamma(x) => Box::new(x.closure()),
        Dist::InverseGamma(x) => Box::new(x.closure()),
        Dist::ChiSquared(x) => Box::new(x.closure()),
        Dist::Beta(x) => Box::new(x.closure()),
        Dist::Laplace(x) => Box::new(x.closure()),
        Dist::Weibull(x) => Box::new(x.closure()),
        Dist::Poisson(x) => Box::new(x.closure()),
        Dist::Bernoulli(x) => Box::new(x.closure()),
        Dist::Binomial(x) => Box::new(x.closure()),
        Dist::Geometric(x) => Box::new(x.closure()),
        Dist::NegativeBinomial(x) => Box::new(x.closure()),
        _ => unreachable!("every family is listed"),
    }
}

fn check<F: Float>(rows: &[Row], family: &str, backend: Backend, bound: f64) {
    let rows = of_family(rows, family);
    assert!(
        rows.len() >= 40,
        "{family}: only {} reference rows",
        rows.len()
    );
    match worst::<F>(&rows, |d, x| eval(backend, d, x)) {
        Ok((e, at)) => assert!(
            e <= bound,
            "{family} {backend:?} {}: worst error {e:.3e} > {bound:e} at {at:?}",
            F::NAME
        ),
        Err((row, got)) => panic!(
            "{family} {backend:?} {}: class mismatch at {row:?}: got {got}",
            F::NAME
        ),
    }
}

#[rstest]
fn reference(
    #[values(
        "normal",
        "lognormal",
        "exponential",
        "gamma",
        "inverse_gamma",
        "chi_squared",
        "beta",
        "laplace",
        "weibull",
        "poisson",
        "bernoulli",
        "binomial",
        "geometric",
        "negative_binomial"
    )]
    family: &str,
    #[values(Backend::Scalar, Backend::Closure, Backend::Map, Backend::Sum)] backend: Backend,
    #[values("f64", "f32")] width: &str,
) {
    if width == "f64" {
        let bound = match backend {
            Backend::Scalar => 1e-14,
            _ => 1e-13,
        };
        check::<f64>(&reference_f64(), family, backend, bound);
    } else {
        // f32 kernels compute in f32 under `f32-native`: their bound is the f32
        // cancellation measured on this reference set (see README), not one rounding.
        let bound = if cfg!(feature = "f32-native") && !matches!(backend, Backend::Scalar) {
            5e-5
        } else {
            1e-6
        };
        check::<f32>(&reference_f32(), family, backend, bound);
    }
}

#[test]
fn reference_set_is_large_and_covers_every_class() {
    let rows = reference_f64();
    assert!(rows.len() >= 3000, "{} rows", rows.len());
    for fam in expfam_kernels::FAMILIES {
        let rs = of_family(&rows, fam);
        assert!(rs.iter().any(|r| r.expected.is_nan()), "{fam}: no NaN row");
        assert!(
            rs.iter().any(|r| r.expected == f64::NEG_INFINITY),
            "{fam}: no out-of-support row"
        );
        // Bernoulli has only two points of support per parameter value.
        let min = if fam == "bernoulli" { 8 } else { 30 };
        assert!(
            rs.iter().filter(|r| r.expected.is_finite()).count() >= min,
            "{fam}: too few finite rows"
        );
    }
}

#[test]
fn ln_pmf_matches_ln_pdf_on_counts() {
    for row in reference_f64() {
        let whole = row.x >= 0.0 && row.x.fract() == 0.0 && row.x < 1e15;
        if !whole {
            continue;
        }
        let k = row.x as u64;
        let d = Dist::<f64>::from_name(&row.family, &row.params).unwrap();
        let via_pmf = match d {
            Dist::Poisson(p) => p.ln_pmf(k),
            Dist::Bernoulli(p) => p.ln_pmf(k),
            Dist::Binomial(p) => p.ln_pmf(k),
            Dist::Geometric(p) => p.ln_pmf(k),
            Dist::NegativeBinomial(p) => p.ln_pmf(k),
            _ => continue,
        };
        let e = expfam_conformance::error(via_pmf, row.expected)
            .unwrap_or_else(|| panic!("class mismatch {row:?}: {via_pmf}"));
        assert!(e <= 1e-14, "{row:?}: ln_pmf {via_pmf} error {e:e}");
    }
}
