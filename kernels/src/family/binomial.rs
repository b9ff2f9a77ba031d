//! Binomial(n, p): `ln C(n,k) + k ln p + (n−k) ln(1−p)`, k = 0..=n.

use super::poisson::CountMode;
use super::{ExpFam, Kernel, SuffStats};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::{finite, probability};
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::math::{LN_2PI, bd0, dbinom_raw, is_whole, ln_factorial, stirlerr};
use crate::{Float, ParamError};

/// Trial counts above this use the saddle-point kernel form.
const SADDLE_TRIALS: f64 = 30.0;

/// The binomial distribution with `n` trials (a whole number >= 0) and success
/// probability `p` (0 <= p <= 1). Support: k = 0..=n. An exponential family for fixed
/// `n` (reported by [`ExpFam::fixed`]).
///
/// η = ln(p/(1−p)), T(k) = k, A = −n ln(1 − p), log h = ln C(n, k).
///
/// The reference path is Loader's `dbinom_raw` (saddle-point terms `stirlerr` and `bd0`).
///
/// ```
/// use expfam_kernels::{Binomial, ExpFam};
/// let d = Binomial::new(4.0, 0.5f64).unwrap();
/// assert!((d.ln_pmf(2) - (6.0f64 / 16.0).ln()).abs() < 1e-15);
/// assert!(Binomial::new(2.5, 0.5f64).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Binomial<F> {
    n: F,
    p: F,
}

impl<F: Float> Binomial<F> {
    /// Validates `n` (a whole number >= 0, exactly representable) and `p` (in [0, 1]).
    pub fn new(n: F, p: F) -> Result<Self, ParamError> {
        let n = finite("n", n)?;
        if !(n >= F::ZERO) {
            return Err(ParamError::OutOfRange {
                param: "n",
                value: n.to_f64(),
                requirement: "must be >= 0",
            });
        }
        if !is_whole(n) || n > F::MAX_EXACT_INT {
            return Err(ParamError::NotInteger {
                param: "n",
                value: n.to_f64(),
            });
        }
        Ok(Binomial {
            n,
            p: probability("p", p, false)?,
        })
    }
    /// The number of trials.
    pub fn n(&self) -> F {
        self.n
    }
    /// The success probability.
    pub fn p(&self) -> F {
        self.p
    }
    /// The log-probability of `k` successes.
    pub fn ln_pmf(&self, k: u64) -> F {
        F::from_f64(ln_pmf_f64(self.n.to_f64(), self.p.to_f64(), k as f64))
    }
}

fn ln_pmf_f64(n: f64, p: f64, x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if !(x >= 0.0 && x <= n && is_whole(x)) {
        return f64::NEG_INFINITY;
    }
    dbinom_raw(x, n, p, 1.0 - p)
}

impl<F: Float> ExpFam<F, 1> for Binomial<F> {
    type Kernel = BinomialKernel<F>;

    fn natural(&self) -> [F; 1] {
        let p = self.p.to_f64();
        [F::from_f64(p.ln_() - (-p).ln_1p_())]
    }
    fn suff_stat(&self, x: F) -> [F; 1] {
        [x]
    }
    fn log_partition(&self) -> F {
        F::from_f64(-self.n.to_f64() * (-self.p.to_f64()).ln_1p_())
    }
    fn log_base(&self, x: F) -> F {
        let n = self.n.to_f64();
        super::log_base_where(x, self.in_support(x), |k| {
            ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k)
        })
    }
    fn in_support(&self, x: F) -> bool {
        x >= F::ZERO && x <= self.n && is_whole(x)
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(ln_pmf_f64(self.n.to_f64(), self.p.to_f64(), x.to_f64()))
    }
    fn kernel(&self) -> BinomialKernel<F> {
        let (n, p) = (self.n.to_f64(), self.p.to_f64());
        let q = 1.0 - p;
        let mode = if p == 0.0 || p == 1.0 || n == 0.0 {
            CountMode::Reference
        } else if n > SADDLE_TRIALS {
            CountMode::Saddle
        } else {
            CountMode::Direct
        };
        BinomialKernel {
            dist: *self,
            n: self.n.to_calc(),
            np: F::Calc::from_f64(n * p),
            nq: F::Calc::from_f64(n * q),
            ln_p: F::Calc::from_f64(p.ln_()),
            ln_q: F::Calc::from_f64((-p).ln_1p_()),
            ln_fact_n: F::Calc::from_f64(ln_factorial(n)),
            c_saddle: F::Calc::from_f64(stirlerr(n) - 0.5 * (LN_2PI - n.ln_())),
            at_zero: F::Calc::from_f64(dbinom_raw(0.0, n, p, q)),
            at_n: F::Calc::from_f64(dbinom_raw(n, n, p, q)),
            mode,
        }
    }
    fn fixed(&self) -> F {
        self.n
    }
    fn log_likelihood(&self, s: &SuffStats<F, 1>) -> F {
        super::mean_form_log_likelihood(self, s, |sum_k, count| {
            let (n, p) = (self.n.to_f64(), self.p.to_f64());
            super::xlogy(sum_k, p.ln_()) + super::xlogy(count * n - sum_k, (-p).ln_1p_())
        })
    }
}

/// Precomputed-constant kernel of [`Binomial`]: for n <= 30
/// `ln n! − ln k! − ln (n−k)! + k ln p + (n−k) ln(1−p)` (table factorials); above, the
/// saddle-point form `stirlerr(n) − stirlerr(k) − stirlerr(n−k) − bd0(k, np)
/// − bd0(n−k, nq) − ½ ln(2πk(n−k)/n)`; the end points are precomputed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinomialKernel<F: Float> {
    dist: Binomial<F>,
    n: F::Calc,
    np: F::Calc,
    nq: F::Calc,
    ln_p: F::Calc,
    ln_q: F::Calc,
    ln_fact_n: F::Calc,
    c_saddle: F::Calc,
    at_zero: F::Calc,
    at_n: F::Calc,
    mode: CountMode,
}

impl<F: Float> Kernel<F> for BinomialKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        let xf = x;
        let x = x.to_calc();
        if !(x >= F::Calc::ZERO && x <= self.n && x.floor_() == x)
            || self.mode == CountMode::Reference
        {
            return self.dist.ln_pdf(xf);
        }
        if x == F::Calc::ZERO {
            return F::from_calc(self.at_zero);
        }
        if x == self.n {
            return F::from_calc(self.at_n);
        }
        let nmx = self.n - x;
        F::from_calc(match self.mode {
            CountMode::Direct => {
                self.ln_fact_n - ln_factorial(x) - ln_factorial(nmx)
                    + x * self.ln_p
                    + nmx * self.ln_q
            }
            _ => {
                self.c_saddle
                    - stirlerr(x)
                    - stirlerr(nmx)
                    - bd0(x, self.np)
                    - bd0(nmx, self.nq)
                    - F::Calc::HALF * (x.ln_() + nmx.ln_())
            }
        })
    }
}

impl<F: Float> VectorKernel<F> for BinomialKernel<F> {
    fn vectorizable(&self) -> bool {
        self.mode != CountMode::Reference
    }
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let zero = V::splat(0.0);
        let n = V::splat(self.n.to_f64());
        let ok = V::and(V::and(V::le(zero, x), V::le(x, n)), V::eq(x.floor(), x));
        let nmx = n - x;
        if self.mode == CountMode::Direct {
            let v = V::splat(self.ln_fact_n.to_f64())
                - vm::ln_factorial_small(x)
                - vm::ln_factorial_small(nmx)
                + x.mul_add(
                    V::splat(self.ln_p.to_f64()),
                    nmx * V::splat(self.ln_q.to_f64()),
                );
            return (v, V::not(ok));
        }
        let v = V::splat(self.c_saddle.to_f64())
            - vm::stirlerr_int(x)
            - vm::stirlerr_int(nmx)
            - vm::bd0(x, V::splat(self.np.to_f64()))
            - vm::bd0(nmx, V::splat(self.nq.to_f64()))
            - V::splat(0.5) * (vm::ln_core(x) + vm::ln_core(nmx));
        let v = V::select(V::eq(x, n), V::splat(self.at_n.to_f64()), v);
        (
            V::select(V::eq(x, zero), V::splat(self.at_zero.to_f64()), v),
            V::not(ok),
        )
    }
}

impl<F: Float> crate::arch::generic::VectorStat<1> for Binomial<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 1], V::Mask) {
        let n = V::splat(self.n.to_f64());
        let ok = V::and(
            V::and(V::le(V::splat(0.0), x), V::le(x, n)),
            V::eq(x.floor(), x),
        );
        ([x], V::not(ok))
    }
}
