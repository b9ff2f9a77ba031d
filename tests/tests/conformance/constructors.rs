//! Constructors reject every invalid parameter with a typed error naming it, and never
//! panic on any bit pattern.

use expfam_kernels::{
    Bernoulli, Beta, Binomial, ChiSquared, Dist, DistError, Exponential, Gamma, Geometric,
    InverseGamma, Laplace, LogNormal, NegativeBinomial, Normal, ParamError, Poisson, Weibull,
};
use rstest::rstest;

const NONFINITE: [f64; 3] = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];

fn assert_not_finite(r: Result<impl core::fmt::Debug, ParamError>, param: &str) {
    match r {
        Err(ParamError::NotFinite { param: p, .. }) => assert_eq!(p, param),
        other => panic!("expected NotFinite({param}), got {other:?}"),
    }
}

fn assert_range(r: Result<impl core::fmt::Debug, ParamError>, param: &str) {
    match r {
        Err(ParamError::OutOfRange { param: p, .. }) => assert_eq!(p, param),
        other => panic!("expected OutOfRange({param}), got {other:?}"),
    }
}

#[rstest]
fn non_finite_parameters_are_rejected(#[values(0, 1, 2)] i: usize) {
    let v = NONFINITE[i];
    assert_not_finite(Normal::new(v, 1.0), "mu");
    assert_not_finite(Normal::new(0.0, v), "sigma");
    assert_not_finite(LogNormal::new(v, 1.0), "mu");
    assert_not_finite(LogNormal::new(0.0, v), "sigma");
    assert_not_finite(Exponential::new(v), "rate");
    assert_not_finite(Gamma::new(v, 1.0), "shape");
    assert_not_finite(Gamma::new(1.0, v), "rate");
    assert_not_finite(InverseGamma::new(v, 1.0), "shape");
    assert_not_finite(InverseGamma::new(1.0, v), "scale");
    assert_not_finite(ChiSquared::new(v), "k");
    assert_not_finite(Beta::new(v, 1.0), "alpha");
    assert_not_finite(Beta::new(1.0, v), "beta");
    assert_not_finite(Laplace::new(v, 1.0), "mu");
    assert_not_finite(Laplace::new(0.0, v), "b");
    assert_not_finite(Weibull::new(v, 1.0), "k");
    assert_not_finite(Weibull::new(1.0, v), "lambda");
    assert_not_finite(Poisson::new(v), "lambda");
    assert_not_finite(Bernoulli::new(v), "p");
    assert_not_finite(Binomial::new(v, 0.5), "n");
    assert_not_finite(Binomial::new(3.0, v), "p");
    assert_not_finite(Geometric::new(v), "p");
    assert_not_finite(NegativeBinomial::new(v, 0.5), "r");
    assert_not_finite(NegativeBinomial::new(1.0, v), "p");
}

#[rstest]
#[case(0.0)]
#[case(-0.0)]
#[case(-1.0)]
#[case(-1e-300)]
fn non_positive_scales_and_shapes_are_rejected(#[case] v: f64) {
    assert_range(Normal::new(0.0, v), "sigma");
    assert_range(LogNormal::new(0.0, v), "sigma");
    assert_range(Exponential::new(v), "rate");
    assert_range(Gamma::new(v, 1.0), "shape");
    assert_range(Gamma::new(1.0, v), "rate");
    assert_range(InverseGamma::new(v, 1.0), "shape");
    assert_range(InverseGamma::new(1.0, v), "scale");
    assert_range(ChiSquared::new(v), "k");
    assert_range(Beta::new(v, 1.0), "alpha");
    assert_range(Beta::new(1.0, v), "beta");
    assert_range(Laplace::new(0.0, v), "b");
    assert_range(Weibull::new(v, 1.0), "k");
    assert_range(Weibull::new(1.0, v), "lambda");
    assert_range(NegativeBinomial::new(v, 0.5), "r");
    assert_range(Geometric::new(v), "p");
    assert_range(NegativeBinomial::new(1.0, v), "p");
}

#[rstest]
#[case(-0.1)]
#[case(1.0000000000000002)]
#[case(2.0)]
#[case(-1e-300)]
fn probabilities_outside_unit_interval_are_rejected(#[case] p: f64) {
    assert_range(Bernoulli::new(p), "p");
    assert_range(Binomial::new(3.0, p), "p");
    assert_range(Geometric::new(p), "p");
    assert_range(NegativeBinomial::new(1.0, p), "p");
}

#[test]
fn boundary_values_that_are_valid_are_accepted() {
    assert!(Poisson::new(0.0).is_ok());
    assert!(Bernoulli::new(0.0).is_ok() && Bernoulli::new(1.0).is_ok());
    assert!(Binomial::new(0.0, 0.0).is_ok() && Binomial::new(5.0, 1.0).is_ok());
    assert!(Geometric::new(1.0).is_ok());
    assert!(NegativeBinomial::new(0.5, 1.0).is_ok());
    assert!(Normal::new(-1e308, 1e-308).is_ok());
    assert!(Normal::new(0.0f32, f32::MIN_POSITIVE).is_ok());
}

#[test]
fn poisson_negative_rate_and_binomial_bad_n() {
    assert_range(Poisson::new(-1.0), "lambda");
    assert_range(Binomial::new(-1.0, 0.5), "n");
    match Binomial::new(2.5, 0.5) {
        Err(ParamError::NotInteger { param: "n", .. }) => {}
        other => panic!("expected NotInteger(n), got {other:?}"),
    }
    match Binomial::new(1e300, 0.5) {
        Err(ParamError::NotInteger { param: "n", .. }) => {}
        other => panic!("n beyond 2^53 must be rejected, got {other:?}"),
    }
}

#[test]
fn dist_from_name_errors() {
    assert_eq!(
        Dist::<f64>::from_name("gaussian", &[0.0, 1.0]),
        Err(DistError::UnknownFamily)
    );
    let e = Dist::<f64>::from_name("gamma", &[1.0]).unwrap_err();
    assert_eq!(e.to_string(), "expected 2 parameter(s) (shape rate), got 1");
    let e = Dist::<f64>::from_name("beta", &[1.0, -2.0]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "parameter beta = -2 is out of range: must be > 0"
    );
}

/// A small seeded generator (SplitMix64): reproducible, no dependency.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[test]
fn constructors_and_kernels_never_panic_on_any_bit_pattern() {
    use expfam_kernels::{ExpFam, Kernel};
    let seed = std::env::var("EXPFAM_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED);
    let mut rng = SplitMix(seed);
    let specials = [
        0.0,
        -0.0,
        1.0,
        0.5,
        f64::MIN_POSITIVE,
        5e-324,
        f64::MAX,
        f64::NAN,
        f64::INFINITY,
    ];
    for i in 0..200_000 {
        let mut draw = || {
            if i % 3 == 0 {
                specials[(rng.next() % specials.len() as u64) as usize]
            } else {
                f64::from_bits(rng.next())
            }
        };
        let (a, b, x) = (draw(), draw(), draw());
        for fam in expfam_kernels::FAMILIES {
            let n = Dist::<f64>::param_names(fam).unwrap().len();
            let ps = [a, b];
            if let Ok(d) = Dist::<f64>::from_name(fam, &ps[..n]) {
                let r = d.ln_pdf(x);
                let k = d.kernel().eval(x);
                assert_eq!(
                    expfam_conformance::class(r),
                    expfam_conformance::class(k),
                    "{fam} {ps:?} x={x}: scalar {r} kernel {k}"
                );
                if x.is_nan() {
                    assert!(r.is_nan());
                }
                if let Dist::Normal(nd) = d {
                    let _ = nd.natural();
                }
            }
            let psf = [a as f32, b as f32];
            if let Ok(d) = Dist::<f32>::from_name(fam, &psf[..n]) {
                let _ = d.ln_pdf(x as f32);
                let _ = d.kernel().eval(x as f32);
            }
        }
    }
}
