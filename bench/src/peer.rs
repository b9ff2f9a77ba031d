//! statrs as a benchmark and test peer, mapped onto expfam's parameterisations.

use statrs::distribution::{
    Bernoulli, Beta, Binomial, ChiSquared, Continuous, Discrete, Exp, Gamma, Geometric,
    InverseGamma, Laplace, LogNormal, NegativeBinomial, Normal, Poisson, Weibull,
};

/// One statrs distribution, parameterised as the expfam family of the same name.
#[derive(Debug, Clone)]
pub enum Statrs {
    /// A continuous distribution.
    Continuous(ContinuousPeer),
    /// A discrete distribution; `shift` is added to the count (statrs' geometric counts
    /// trials, expfam's failures).
    Discrete(DiscretePeer, u64),
}

/// The continuous statrs distributions.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub enum ContinuousPeer {
    Normal(Normal),
    LogNormal(LogNormal),
    Exp(Exp),
    Gamma(Gamma),
    InverseGamma(InverseGamma),
    ChiSquared(ChiSquared),
    Beta(Beta),
    Laplace(Laplace),
    Weibull(Weibull),
}

/// The discrete statrs distributions.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub enum DiscretePeer {
    Poisson(Poisson),
    Bernoulli(Bernoulli),
    Binomial(Binomial),
    Geometric(Geometric),
    NegativeBinomial(NegativeBinomial),
}

impl Statrs {
    /// The statrs distribution for `family` with expfam parameters `p`; `None` if statrs
    /// rejects them.
    pub fn new(family: &str, p: &[f64]) -> Option<Self> {
        use ContinuousPeer as C;
        use DiscretePeer as D;
        Some(match family {
            "normal" => Statrs::Continuous(C::Normal(Normal::new(p[0], p[1]).ok()?)),
            "lognormal" => Statrs::Continuous(C::LogNormal(LogNormal::new(p[0], p[1]).ok()?)),
            "exponential" => Statrs::Continuous(C::Exp(Exp::new(p[0]).ok()?)),
            "gamma" => Statrs::Continuous(C::Gamma(Gamma::new(p[0], p[1]).ok()?)),
            // statrs calls the scale of the inverse gamma its "rate".
            "inverse_gamma" => {
                Statrs::Continuous(C::InverseGamma(InverseGamma::new(p[0], p[1]).ok()?))
            }
            "chi_squared" => Statrs::Continuous(C::ChiSquared(ChiSquared::new(p[0]).ok()?)),
            "beta" => Statrs::Continuous(C::Beta(Beta::new(p[0], p[1]).ok()?)),
            "laplace" => Statrs::Continuous(C::Laplace(Laplace::new(p[0], p[1]).ok()?)),
            "weibull" => Statrs::Continuous(C::Weibull(Weibull::new(p[0], p[1]).ok()?)),
            "poisson" => Statrs::Discrete(D::Poisson(Poisson::new(p[0]).ok()?), 0),
            "bernoulli" => Statrs::Discrete(D::Bernoulli(Bernoulli::new(p[0]).ok()?), 0),
            "binomial" => Statrs::Discrete(D::Binomial(Binomial::new(p[1], p[0] as u64).ok()?), 0),
            "geometric" => Statrs::Discrete(D::Geometric(Geometric::new(p[0]).ok()?), 1),
            "negative_binomial" => Statrs::Discrete(
                D::NegativeBinomial(NegativeBinomial::new(p[0], p[1]).ok()?),
                0,
            ),
            _ => return None,
        })
    }

    /// statrs' `ln_pdf` (continuous) or `ln_pmf` (discrete, for whole x >= 0; −∞ else).
    #[inline]
    pub fn ln_pdf(&self, x: f64) -> f64 {
        match self {
            Statrs::Continuous(c) => match c {
                ContinuousPeer::Normal(d) => d.ln_pdf(x),
                ContinuousPeer::LogNormal(d) => d.ln_pdf(x),
                ContinuousPeer::Exp(d) => d.ln_pdf(x),
                ContinuousPeer::Gamma(d) => d.ln_pdf(x),
                ContinuousPeer::InverseGamma(d) => d.ln_pdf(x),
                ContinuousPeer::ChiSquared(d) => d.ln_pdf(x),
                ContinuousPeer::Beta(d) => d.ln_pdf(x),
                ContinuousPeer::Laplace(d) => d.ln_pdf(x),
                ContinuousPeer::Weibull(d) => d.ln_pdf(x),
            },
            Statrs::Discrete(d, shift) => {
                if !(x >= 0.0 && x.fract() == 0.0) {
                    return f64::NEG_INFINITY;
                }
                let k = x as u64 + shift;
                match d {
                    DiscretePeer::Poisson(d) => d.ln_pmf(k),
                    DiscretePeer::Bernoulli(d) => d.ln_pmf(k),
                    DiscretePeer::Binomial(d) => d.ln_pmf(k),
                    DiscretePeer::Geometric(d) => d.ln_pmf(k),
                    DiscretePeer::NegativeBinomial(d) => d.ln_pmf(k),
                }
            }
        }
    }
}
