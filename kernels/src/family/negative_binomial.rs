//! NegativeBinomial(r, p): `ln Γ(k+r) − ln k! − ln Γ(r) + r ln p + k ln(1−p)`.

use super::{ExpFam, Kernel, SuffStats};
use crate::arch::generic::{Vector, VectorKernel};
use crate::error::{positive, probability};
#[allow(unused_imports)]
use crate::math::vector as vm;
use crate::math::{LN_2PI, bd0, dbinom_raw, is_whole, lgamma, ln_factorial, stirlerr};
use crate::{Float, ParamError};

/// The negative binomial distribution of the number of failures k before the r-th
/// success, with `r` > 0 (real) and success probability `p` (0 < p <= 1).
/// Support: k = 0, 1, 2, … An exponential family for fixed `r`.
///
/// η = ln(1 − p), T(k) = k, A = −r ln p, log h = ln Γ(k + r) − ln k! − ln Γ(r).
///
/// The reference path is `ln(r/(r+k)) + dbinom_raw(r, k+r, p, 1−p)` (Loader).
///
/// ```
/// use expfam_kernels::{ExpFam, NegativeBinomial};
/// let d = NegativeBinomial::new(1.0, 0.5f64).unwrap(); // geometric
/// assert!((d.ln_pmf(2) - 0.125f64.ln()).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NegativeBinomial<F> {
    r: F,
    p: F,
}

impl<F: Float> NegativeBinomial<F> {
    /// Validates `r` (finite, > 0) and `p` (in (0, 1]).
    pub fn new(r: F, p: F) -> Result<Self, ParamError> {
        Ok(NegativeBinomial {
            r: positive("r", r)?,
            p: probability("p", p, true)?,
        })
    }
    /// The number of successes r.
    pub fn r(&self) -> F {
        self.r
    }
    /// The success probability.
    pub fn p(&self) -> F {
        self.p
    }
    /// The log-probability of `k` failures before the r-th success.
    pub fn ln_pmf(&self, k: u64) -> F {
        F::from_f64(ln_pmf_f64(self.r.to_f64(), self.p.to_f64(), k as f64))
    }
}

fn ln_pmf_f64(r: f64, p: f64, x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if !(x >= 0.0 && is_whole(x)) {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return if x == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if x == 0.0 {
        return r * p.ln_();
    }
    // The saddle-point form with k itself (not (k + r) − r, which carries the rounding
    // of k + r: 3e-13 lost at r ~ 1e9).
    let m = x + r;
    let (ln_m, q) = (m.ln_(), 1.0 - p);
    let v = r.ln_() - ln_m - stirlerr(r) - 0.5 * (LN_2PI + r.ln_()) + stirlerr(m)
        - stirlerr(x)
        - bd0(r, m * p)
        - bd0(x, m * q)
        - 0.5 * (x.ln_() - ln_m);
    if v.is_nan() {
        // r + k overflowed (r near f64::MAX).
        return (r / (r + x)).ln_() + dbinom_raw(r, x + r, p, q);
    }
    v
}

impl<F: Float> ExpFam<F, 1> for NegativeBinomial<F> {
    type Kernel = NegativeBinomialKernel<F>;

    fn natural(&self) -> [F; 1] {
        [F::from_f64((-self.p.to_f64()).ln_1p_())]
    }
    fn suff_stat(&self, x: F) -> [F; 1] {
        [x]
    }
    fn log_partition(&self) -> F {
        F::from_f64(-self.r.to_f64() * self.p.to_f64().ln_())
    }
    fn log_base(&self, x: F) -> F {
        let r = self.r.to_f64();
        super::log_base_where(x, self.in_support(x), |k| {
            lgamma(k + r) - ln_factorial(k) - lgamma(r)
        })
    }
    fn in_support(&self, x: F) -> bool {
        x >= F::ZERO && is_whole(x)
    }
    fn ln_pdf(&self, x: F) -> F {
        F::from_f64(ln_pmf_f64(self.r.to_f64(), self.p.to_f64(), x.to_f64()))
    }
    fn kernel(&self) -> NegativeBinomialKernel<F> {
        let (r, p) = (self.r.to_f64(), self.p.to_f64());
        NegativeBinomialKernel {
            dist: *self,
            r: self.r.to_calc(),
            p: self.p.to_calc(),
            q: F::Calc::from_f64(1.0 - p),
            ln_r: F::Calc::from_f64(r.ln_()),
            ln_q: F::Calc::from_f64((-p).ln_1p_()),
            at_zero: F::Calc::from_f64(r * p.ln_()),
            c_direct: F::Calc::from_f64(r * p.ln_() - lgamma(r)),
            c_saddle: F::Calc::from_f64(-stirlerr(r) - 0.5 * (LN_2PI + r.ln_())),
            // p = 1, or (f32-native) a shape or a subnormal p that f32 cannot carry.
            degenerate: p == 1.0
                || r > super::calc_shape_limit::<F>()
                || (F::Calc::NAME == "f32" && p < f32::MIN_POSITIVE as f64),
        }
    }
    fn fixed(&self) -> F {
        self.r
    }
    fn log_likelihood(&self, s: &SuffStats<F, 1>) -> F {
        super::mean_form_log_likelihood(self, s, |sum_k, n| {
            let (r, p) = (self.r.to_f64(), self.p.to_f64());
            super::xlogy(sum_k, (-p).ln_1p_()) + n * r * p.ln_()
        })
    }
}

/// Precomputed-constant kernel of [`NegativeBinomial`]: with `m = k + r`, the
/// saddle-point form `ln r − ln m + stirlerr(m) − stirlerr(r) − stirlerr(k)
/// − bd0(r, mp) − bd0(k, mq) − ½ ln(2π r k / m)`, accurate for every r and k
/// (the raw `ln Γ(k+r) − ln k!` cancels catastrophically for large k).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NegativeBinomialKernel<F: Float> {
    dist: NegativeBinomial<F>,
    r: F::Calc,
    p: F::Calc,
    q: F::Calc,
    ln_r: F::Calc,
    ln_q: F::Calc,
    at_zero: F::Calc,
    c_direct: F::Calc,
    c_saddle: F::Calc,
    degenerate: bool,
}

impl<F: Float> Kernel<F> for NegativeBinomialKernel<F> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        if !(x > F::ZERO && x <= F::MAX_EXACT_INT && x.floor_() == x) || self.degenerate {
            if x == F::ZERO && !self.degenerate {
                return F::from_calc(self.at_zero);
            }
            return self.dist.ln_pdf(x);
        }
        let xf = x;
        let x = x.to_calc();
        let m = x + self.r;
        let ln_m = m.ln_();
        let v = self.ln_r - ln_m + self.c_saddle + stirlerr(m)
            - stirlerr(x)
            - bd0(self.r, m * self.p)
            - bd0(x, m * self.q)
            - F::Calc::HALF * (x.ln_() - ln_m);
        if v.is_nan_() {
            // r + k overflowed (r near f64::MAX): the reference path copes.
            return self.dist.ln_pdf(xf);
        }
        F::from_calc(v)
    }
}

impl<F: Float> VectorKernel<F> for NegativeBinomialKernel<F> {
    // The saddle-point branch is taken for all four vectors when any lane of them
    // needs it: 1.3-1.7x slower interleaved (AVX2, AVX-512) at the bench's inputs.
    const INTERLEAVE: bool = false;

    fn vectorizable(&self) -> bool {
        !self.degenerate
    }
    #[inline(always)]
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask) {
        let zero = V::splat(0.0);
        let r = V::splat(self.r.to_f64());
        let m = x + r;
        // Small k + r: the raw form, exact enough there (|terms| < 30).
        let direct_lane = V::lt(m, V::splat(16.0));
        let direct = vm::lgamma_pos(m) - vm::ln_factorial_small(V::select(direct_lane, x, zero))
            + x.mul_add(
                V::splat(self.ln_q.to_f64()),
                V::splat(self.c_direct.to_f64()),
            );
        let v = if V::any(V::not(direct_lane)) {
            let ln_m = vm::ln_core(m);
            let saddle = V::splat(self.ln_r.to_f64()) - ln_m
                + V::splat(self.c_saddle.to_f64())
                + vm::stirling_series(V::select(direct_lane, V::splat(16.0), m))
                - vm::stirlerr_int(x)
                - vm::bd0(r, m * V::splat(self.p.to_f64()))
                - vm::bd0(x, m * V::splat(self.q.to_f64()))
                - V::splat(0.5) * (vm::ln_core(x) - ln_m);
            V::select(direct_lane, direct, saddle)
        } else {
            direct
        };
        (
            V::select(V::eq(x, zero), V::splat(self.at_zero.to_f64()), v),
            crate::family::poisson::count_special(x),
        )
    }
}

impl<F: Float> crate::arch::generic::VectorStat<1> for NegativeBinomial<F> {
    #[inline(always)]
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; 1], V::Mask) {
        ([x], crate::family::poisson::count_special(x))
    }
}
