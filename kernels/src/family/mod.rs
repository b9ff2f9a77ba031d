//! The exponential-family core: one family per file, the [`ExpFam`] trait, batch
//! [`Kernel`]s, relative densities ([`Wrt`]) and sufficient statistics ([`SuffStats`]).
//!
//! `log p(x | η) = η·T(x) − A(η) + log h(x)`.

mod bernoulli;
mod beta;
mod binomial;
mod chi_squared;
mod exponential;
mod gamma;
mod geometric;
mod inverse_gamma;
mod laplace;
mod lognormal;
mod negative_binomial;
mod normal;
mod poisson;
mod weibull;

pub use bernoulli::{Bernoulli, BernoulliKernel};
pub use beta::{Beta, BetaKernel};
pub use binomial::{Binomial, BinomialKernel};
pub use chi_squared::ChiSquared;
pub use exponential::{Exponential, ExponentialKernel};
pub use gamma::{Gamma, GammaKernel};
pub use geometric::{Geometric, GeometricKernel};
pub use inverse_gamma::{InverseGamma, InverseGammaKernel};
pub use laplace::{Laplace, LaplaceKernel};
pub use lognormal::{LogNormal, LogNormalKernel};
pub use negative_binomial::{NegativeBinomial, NegativeBinomialKernel};
pub use normal::{Normal, NormalKernel};
pub use poisson::{Poisson, PoissonKernel};
pub use weibull::{Weibull, WeibullKernel};

use crate::{Float, LengthMismatch};

/// A log-density evaluator that holds only constants: the "precomputed-constant
/// closure". `eval` is one inlined expression per point; `map` and `sum` run it over a
/// slice (the SIMD issue replaces their insides with vector code).
///
/// ```
/// use expfam_kernels::{ExpFam, Kernel, Normal};
/// let k = Normal::new(1.0, 2.0f64).unwrap().kernel();
/// let xs = [0.0, 1.0, 2.0];
/// let mut out = [0.0; 3];
/// k.map(&xs, &mut out).unwrap();
/// assert_eq!(out[1], k.eval(1.0));
/// assert!((k.sum(&xs) - out.iter().sum::<f64>()).abs() < 1e-14);
/// ```
pub trait Kernel<F: Float>: Copy + Send + Sync {
    /// The log-density at `x`. The family kernels evaluate their vector form at one
    /// lane (the code of the batch tiers, without their dispatch), and
    /// [`Kernel::eval_scalar`] where that lane is special (outside the support, NaN, a
    /// range the vector form leaves to the scalar one) or the kernel has no vector form.
    fn eval(&self, x: F) -> F;

    /// The log-density at `x` by the kernel's scalar formula alone (no vector form):
    /// the path [`Kernel::eval`] takes for special points. The same bound against the
    /// reference; for the families with transcendental functions, slower than `eval`
    /// (library calls instead of inline polynomials and tables).
    ///
    /// ```
    /// use expfam_kernels::{ExpFam, Gamma, Kernel};
    /// let k = Gamma::new(3.0, 2.0f64).unwrap().kernel();
    /// assert!((k.eval_scalar(1.5) - k.eval(1.5)).abs() < 1e-13);
    /// assert_eq!(k.eval_scalar(-1.0), f64::NEG_INFINITY);
    /// ```
    fn eval_scalar(&self, x: F) -> F {
        self.eval(x)
    }

    /// Writes `eval(xs[i])` to `out[i]`; the slices must have equal lengths. The family
    /// kernels run this at the current SIMD tier ([`crate::simd`]).
    fn map(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        self.map_scalar(xs, out)
    }

    /// Adds `eval(xs[i])` to `out[i]` (in `f64`, rounded once to `F`); the slices must
    /// have equal lengths. One term of a sum of log-densities (a model with several
    /// data columns) accumulates in one pass, without a buffer per term. The family
    /// kernels run this at the current SIMD tier ([`crate::simd`]).
    ///
    /// ```
    /// use expfam_kernels::{ExpFam, Kernel, Normal};
    /// let k = Normal::new(1.0, 2.0f64).unwrap().kernel();
    /// let mut out = [10.0; 3];
    /// k.map_add(&[0.0, 1.0, 2.0], &mut out).unwrap();
    /// assert!((out[1] - (10.0 + k.eval(1.0))).abs() < 1e-14);
    /// ```
    fn map_add(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        if xs.len() != out.len() {
            return Err(LengthMismatch {
                input: xs.len(),
                output: out.len(),
            });
        }
        crate::simd::add_scalar(self, xs, out);
        Ok(())
    }

    /// `Σ eval(xs[i])`, the log-likelihood of the sample, without storing the terms. The
    /// family kernels run this at the current SIMD tier ([`crate::simd`]).
    fn sum(&self, xs: &[F]) -> F {
        self.sum_scalar(xs)
    }

    /// [`Kernel::map`] one point at a time with [`Kernel::eval`] (the scalar tier).
    fn map_scalar(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        if xs.len() != out.len() {
            return Err(LengthMismatch {
                input: xs.len(),
                output: out.len(),
            });
        }
        for (o, &x) in out.iter_mut().zip(xs) {
            *o = self.eval(x);
        }
        Ok(())
    }

    /// [`Kernel::sum`] one point at a time; four independent accumulators keep the adds
    /// from serialising. They hold the computation type (f64 for f32 data unless
    /// `f32-native`), as the vector tiers do, so an f32 sum neither loses digits nor
    /// overflows in its partial sums.
    fn sum_scalar(&self, xs: &[F]) -> F {
        let mut acc = [F::Calc::ZERO; 4];
        let mut chunks = xs.chunks_exact(4);
        for ch in &mut chunks {
            acc[0] += self.eval(ch[0]).to_calc();
            acc[1] += self.eval(ch[1]).to_calc();
            acc[2] += self.eval(ch[2]).to_calc();
            acc[3] += self.eval(ch[3]).to_calc();
        }
        for &x in chunks.remainder() {
            acc[0] += self.eval(x).to_calc();
        }
        F::from_calc((acc[0] + acc[1]) + (acc[2] + acc[3]))
    }
}

/// An exponential family with `D` natural parameters, in the form
/// `log p(x | η) = η·T(x) − A(η) + log h(x)`.
///
/// Families with a parameter held fixed (Laplace `mu`, Weibull `k`, binomial `n`,
/// negative binomial `r`) are exponential families for that fixed value; it is reported
/// by [`ExpFam::fixed`] and recorded in [`SuffStats`].
///
/// ```
/// use expfam_kernels::{ExpFam, Normal};
/// let d = Normal::new(0.5, 2.0f64).unwrap();
/// let x = 1.25;
/// let eta = d.natural();
/// let t = d.suff_stat(x);
/// let form = eta[0] * t[0] + eta[1] * t[1] - d.log_partition() + d.log_base(x);
/// assert!((form - d.ln_pdf(x)).abs() < 1e-15);
/// ```
pub trait ExpFam<F: Float, const D: usize>:
    Copy + Send + Sync + crate::arch::generic::VectorStat<D>
{
    /// The precomputed-constant kernel type of this family.
    type Kernel: Kernel<F>;

    /// Natural parameters η.
    fn natural(&self) -> [F; D];
    /// Sufficient statistic T(x) (meaningful inside the support).
    fn suff_stat(&self, x: F) -> [F; D];
    /// Log-partition A(η).
    fn log_partition(&self) -> F;
    /// Log base measure log h(x) (−∞ outside the support).
    fn log_base(&self, x: F) -> F;
    /// True when `x` is in the support (for discrete families: a whole number in range).
    fn in_support(&self, x: F) -> bool;
    /// The accurate reference log-density: stable formulations, evaluated in `f64` and
    /// rounded once for `f32`. −∞ outside the support, NaN for NaN.
    fn ln_pdf(&self, x: F) -> F;
    /// The precomputed-constant kernel.
    fn kernel(&self) -> Self::Kernel;
    /// The value of the parameter held fixed in the exponential-family view, or 0 when
    /// the family has none.
    fn fixed(&self) -> F {
        F::ZERO
    }

    /// The kernel as a plain closure.
    ///
    /// ```
    /// use expfam_kernels::{ExpFam, Exponential};
    /// let f = Exponential::new(2.0f64).unwrap().closure();
    /// assert!((f(0.0) - 2f64.ln()).abs() < 1e-15);
    /// ```
    fn closure(&self) -> impl Fn(F) -> F + Copy + Send + Sync + use<Self, F, D> {
        let k = self.kernel();
        move |x| k.eval(x)
    }

    /// `log p_self(x) − log p_other(x) = (η_self − η_other)·T(x) − (A_self − A_other)`:
    /// the base measure cancels, and so does its cost. Both must share the fixed
    /// parameter (else the kernel returns NaN); outside the support it returns NaN
    /// (the ratio 0/0).
    ///
    /// ```
    /// use expfam_kernels::{ExpFam, Kernel, Poisson};
    /// let a = Poisson::new(3.0f64).unwrap();
    /// let b = Poisson::new(5.0f64).unwrap();
    /// let r = a.wrt(&b);
    /// assert!((r.eval(4.0) - (a.ln_pdf(4.0) - b.ln_pdf(4.0))).abs() < 1e-14);
    /// ```
    fn wrt(&self, other: &Self) -> Wrt<Self, F, D> {
        let ea = self.natural();
        let eb = other.natural();
        let mut d_eta = [F::ZERO; D];
        for i in 0..D {
            d_eta[i] = ea[i] - eb[i];
        }
        let mismatch = self.fixed() != other.fixed();
        Wrt {
            dist: *self,
            d_eta,
            d_a: if mismatch {
                F::NAN
            } else {
                self.log_partition() - other.log_partition()
            },
        }
    }

    /// Sufficient statistics of a sample, for [`ExpFam::log_likelihood`].
    fn suff_stats(&self, xs: &[F]) -> SuffStats<F, D> {
        let mut s = SuffStats::new(self);
        s.accumulate(self, xs);
        s
    }

    /// The log-likelihood of the sample summarised by `stats`, in O(1):
    /// `η·ΣT − n A + Σ log h`. −∞ if a point was outside the support, NaN if a point was
    /// NaN or the statistics were gathered for another fixed parameter.
    ///
    /// ```
    /// use expfam_kernels::{ExpFam, Kernel, Gamma};
    /// let xs = [0.5, 1.5, 2.0, 4.0];
    /// let stats = Gamma::new(1.0, 1.0f64).unwrap().suff_stats(&xs);
    /// let d = Gamma::new(2.5, 0.75f64).unwrap();
    /// assert!((d.log_likelihood(&stats) - d.kernel().sum(&xs)).abs() < 1e-13);
    /// ```
    fn log_likelihood(&self, stats: &SuffStats<F, D>) -> F {
        if stats.nan_seen || stats.fixed != self.fixed() {
            return F::NAN;
        }
        if stats.outside > 0 {
            return F::NEG_INFINITY;
        }
        if stats.n == 0 {
            return F::ZERO;
        }
        let eta = self.natural();
        let mut acc = stats.sum_log_h.value();
        for (e, t) in eta.iter().zip(stats.sum_t.iter()) {
            // η_i = 0 removes T_i from the density even where T_i is infinite.
            let t = t.value();
            if *e != F::ZERO && t != F::ZERO {
                acc += *e * t;
            }
        }
        acc - F::from_f64(stats.n as f64) * self.log_partition()
    }

    /// Batch log-density through the kernel; see [`Kernel::map`].
    fn map(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        self.kernel().map(xs, out)
    }

    /// Log-likelihood of a sample through the kernel; see [`Kernel::sum`].
    fn sum(&self, xs: &[F]) -> F {
        self.kernel().sum(xs)
    }
}

/// The relative log-density of two members of one family; see [`ExpFam::wrt`].
#[derive(Debug, Clone, Copy)]
pub struct Wrt<E, F, const D: usize> {
    dist: E,
    d_eta: [F; D],
    d_a: F,
}

impl<E: ExpFam<F, D>, F: Float, const D: usize> Kernel<F> for Wrt<E, F, D> {
    crate::simd::vector_batch!();

    #[inline(always)]
    fn eval_scalar(&self, x: F) -> F {
        if !self.dist.in_support(x) {
            return F::NAN;
        }
        let t = self.dist.suff_stat(x);
        let mut acc = -self.d_a;
        for (&e, &ti) in self.d_eta.iter().zip(t.iter()) {
            // A zero weight removes the statistic even where it is infinite.
            if e != F::ZERO && ti != F::ZERO {
                acc += e * ti;
            }
        }
        acc
    }
}

/// A compensated (Neumaier) running sum, so that long samples do not lose digits.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CompensatedSum<F> {
    sum: F,
    comp: F,
}

impl<F: Float> CompensatedSum<F> {
    /// Adds `v`.
    #[inline]
    pub fn add(&mut self, v: F) {
        let t = self.sum + v;
        if !t.is_finite_() {
            self.sum = t;
            return;
        }
        if self.sum.abs_() >= v.abs_() {
            self.comp += (self.sum - t) + v;
        } else {
            self.comp += (v - t) + self.sum;
        }
        self.sum = t;
    }

    /// The sum so far.
    #[inline]
    pub fn value(&self) -> F {
        if self.sum.is_finite_() {
            self.sum + self.comp
        } else {
            self.sum
        }
    }
}

/// Sufficient statistics of a sample: `n`, `ΣT(x)`, `Σ log h(x)` (compensated sums),
/// and what was seen outside the support. Gather them once, then evaluate the
/// log-likelihood of any parameter value in O(1) with [`ExpFam::log_likelihood`].
///
/// ```
/// use expfam_kernels::{ExpFam, Normal, SuffStats};
/// let base = Normal::new(0.0, 1.0f64).unwrap();
/// let mut s = SuffStats::new(&base);
/// s.accumulate(&base, &[0.1, -0.3]);
/// s.accumulate(&base, &[2.0]);
/// assert_eq!(s.len(), 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SuffStats<F, const D: usize> {
    n: u64,
    sum_t: [CompensatedSum<F>; D],
    sum_log_h: CompensatedSum<F>,
    outside: u64,
    nan_seen: bool,
    fixed: F,
}

impl<F: Float, const D: usize> SuffStats<F, D> {
    /// Empty statistics for the family (and fixed parameter) of `dist`.
    pub fn new<E: ExpFam<F, D>>(dist: &E) -> Self {
        SuffStats {
            n: 0,
            sum_t: [CompensatedSum::default(); D],
            sum_log_h: CompensatedSum::default(),
            outside: 0,
            nan_seen: false,
            fixed: dist.fixed(),
        }
    }

    /// Adds the points `xs`. `dist` supplies T and h; it must have the same fixed
    /// parameter as the statistics (else they are marked invalid: NaN likelihoods).
    pub fn accumulate<E: ExpFam<F, D>>(&mut self, dist: &E, xs: &[F]) {
        if dist.fixed() != self.fixed {
            self.nan_seen = true;
        }
        for &x in xs {
            self.n += 1;
            if x.is_nan_() {
                self.nan_seen = true;
                continue;
            }
            if !dist.in_support(x) {
                self.outside += 1;
                continue;
            }
            let t = dist.suff_stat(x);
            for (acc, ti) in self.sum_t.iter_mut().zip(t.iter()) {
                acc.add(*ti);
            }
            self.sum_log_h.add(dist.log_base(x));
        }
    }

    /// Number of points accumulated.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// True when no point has been accumulated.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// `Σ T(x)` over the points in the support.
    pub fn sum_t(&self) -> [F; D] {
        let mut out = [F::ZERO; D];
        for (o, s) in out.iter_mut().zip(self.sum_t.iter()) {
            *o = s.value();
        }
        out
    }

    /// `Σ log h(x)` over the points in the support.
    pub fn sum_log_base(&self) -> F {
        self.sum_log_h.value()
    }
}

/// `x · l`, with `0 · l = 0` even for infinite `l` (a term with no weight is absent).
#[inline]
/// `log h(x)` under the conventions every family shares: NaN for NaN, −∞ outside the
/// support, and `inside(x)` (evaluated in `f64`, rounded once) within it.
pub(crate) fn log_base_where<F: Float>(
    x: F,
    in_support: bool,
    inside: impl FnOnce(f64) -> f64,
) -> F {
    if x.is_nan_() {
        x
    } else if in_support {
        F::from_f64(inside(x.to_f64()))
    } else {
        F::NEG_INFINITY
    }
}

pub(crate) fn xlogy(x: f64, l: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x * l }
}

/// The log-likelihood of a one-parameter count family from its statistics, through the
/// mean-parameter form `f(Σk, n) + Σ log h`, which stays finite at the boundary
/// parameters (p = 0 or 1, λ = 0) where η or A is infinite.
pub(crate) fn mean_form_log_likelihood<E: ExpFam<F, 1>, F: Float>(
    dist: &E,
    s: &SuffStats<F, 1>,
    f: impl FnOnce(f64, f64) -> f64,
) -> F {
    if s.nan_seen || s.fixed != dist.fixed() {
        return F::NAN;
    }
    if s.outside > 0 {
        return F::NEG_INFINITY;
    }
    if s.n == 0 {
        return F::ZERO;
    }
    let sum_k = s.sum_t[0].value().to_f64();
    F::from_f64(f(sum_k, s.n as f64) + s.sum_log_h.value().to_f64())
}

impl<E: ExpFam<F, D>, F: Float, const D: usize> crate::arch::generic::VectorKernel<F>
    for Wrt<E, F, D>
{
    fn vectorizable(&self) -> bool {
        self.d_a.is_finite_() && self.d_eta.iter().all(|e| e.is_finite_())
    }
    #[inline(always)]
    fn eval_v<V: crate::arch::generic::Vector>(&self, x: V) -> (V, V::Mask) {
        let (t, special) = self.dist.suff_stat_v(x);
        let mut acc = V::splat(-self.d_a.to_f64());
        for (e, ti) in self.d_eta.iter().zip(t) {
            // A zero weight removes the statistic (parameter-level, not per lane).
            if *e != F::ZERO {
                acc = ti.mul_add(V::splat(e.to_f64()), acc);
            }
        }
        (acc, special)
    }
}

/// `(x − μ)·r`, computed as `(x/2 − μ/2)·(2r)` when the plain difference overflows
/// (both finite, of opposite sign near the limit), so a location family with a huge
/// scale still gets its finite density. One predictable branch; halving is exact there.
#[inline(always)]
pub(crate) fn centred_mul<C: Float>(x: C, mu: C, r: C) -> C {
    let d = x - mu;
    if d.is_finite_() || !x.is_finite_() {
        d * r
    } else {
        (x * C::HALF - mu * C::HALF) * (r + r)
    }
}

/// `(x − μ)/s`, with the overflow-safe difference of [`centred_mul`].
#[inline(always)]
pub(crate) fn centred_div<C: Float>(x: C, mu: C, s: C) -> C {
    let d = x - mu;
    if d.is_finite_() || !x.is_finite_() {
        d / s
    } else {
        (x * C::HALF - mu * C::HALF) / (s * C::HALF)
    }
}

/// The largest shape a kernel evaluates in its computation type. Under `f32-native` the
/// closures compute in f32, whose rounding of `y = b·x` moves a density of shape `a` by
/// about `√a·ε₃₂` in the bulk (and by `a·ε₃₂²` at the mode): beyond 2^12 that nears
/// the f32-native bound of 5e-5, so such kernels take the (f64) reference path. Unlimited when
/// the computation type is f64.
#[inline]
pub(crate) fn calc_shape_limit<F: Float>() -> f64 {
    if F::Calc::NAME == "f32" {
        4096.0
    } else {
        f64::INFINITY
    }
}
