//! ChiSquared(k): Gamma(k/2, rate 1/2).

use super::gamma::gamma_ln_pdf_f64;
use super::{ExpFam, Gamma, GammaKernel};
use crate::error::positive;
use crate::{Float, ParamError};

/// The chi-squared distribution with `k` degrees of freedom (real, finite, > 0): the
/// gamma distribution with shape k/2 and rate 1/2. Support: x > 0 (limits at 0 as gamma).
///
/// η = (k/2 − 1, −½), T(x) = (ln x, x), A = ln Γ(k/2) + (k/2) ln 2, log h = 0.
///
/// ```
/// use expfam_kernels::{ChiSquared, ExpFam};
/// let d = ChiSquared::new(2.0f64).unwrap();
/// assert!((d.ln_pdf(2.0) - (-1.0 - 2f64.ln())).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChiSquared<F> {
    k: F,
    gamma: Gamma<F>,
}

impl<F: Float> ChiSquared<F> {
    /// Validates `k` (finite, > 0).
    pub fn new(k: F) -> Result<Self, ParamError> {
        let k = positive("k", k)?;
        Ok(ChiSquared {
            k,
            gamma: Gamma::new_validated(F::from_f64(k.to_f64() * 0.5), F::HALF),
        })
    }
    /// The degrees of freedom.
    pub fn k(&self) -> F {
        self.k
    }
}

impl<F: Float> ExpFam<F, 2> for ChiSquared<F> {
    type Kernel = GammaKernel<F>;

    fn natural(&self) -> [F; 2] {
        self.gamma.natural()
    }
    fn suff_stat(&self, x: F) -> [F; 2] {
        self.gamma.suff_stat(x)
    }
    fn log_partition(&self) -> F {
        self.gamma.log_partition()
    }
    fn log_base(&self, x: F) -> F {
        self.gamma.log_base(x)
    }
    fn in_support(&self, x: F) -> bool {
        self.gamma.in_support(x)
    }
    fn ln_pdf(&self, x: F) -> F {
        // k/2 is exact in f64 for any f32 or f64 k.
        F::from_f64(gamma_ln_pdf_f64(self.k.to_f64() * 0.5, 0.5, x.to_f64()))
    }
    fn kernel(&self) -> GammaKernel<F> {
        self.gamma.kernel()
    }
}

impl<F: Float> crate::arch::generic::VectorStat<2> for ChiSquared<F> {
    #[inline(always)]
    fn suff_stat_v<V: crate::arch::generic::Vector>(&self, x: V) -> ([V; 2], V::Mask) {
        self.gamma.suff_stat_v(x)
    }
}
