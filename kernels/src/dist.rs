//! [`Dist`]: any of the 14 families, chosen at run time by name (as the CLI does).

use crate::family::*;
use crate::{Float, LengthMismatch, ParamError};
use core::fmt;

/// Why [`Dist::from_name`] failed.
///
/// ```
/// use expfam_kernels::{Dist, DistError};
/// assert!(matches!(Dist::<f64>::from_name("nope", &[]), Err(DistError::UnknownFamily)));
/// assert!(matches!(
///     Dist::<f64>::from_name("normal", &[0.0]),
///     Err(DistError::WrongParamCount { expected: 2, got: 1, .. })
/// ));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DistError {
    /// The family name is not one of [`FAMILIES`](crate::FAMILIES).
    UnknownFamily,
    /// The number of parameters does not match the family.
    WrongParamCount {
        /// The parameter names the family takes, in order.
        params: &'static [&'static str],
        /// How many it takes.
        expected: usize,
        /// How many were given.
        got: usize,
    },
    /// A parameter value is invalid.
    Param(ParamError),
}

impl fmt::Display for DistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DistError::UnknownFamily => write!(f, "unknown family"),
            DistError::WrongParamCount {
                params,
                expected,
                got,
            } => {
                write!(f, "expected {expected} parameter(s) (")?;
                for (i, p) in params.iter().enumerate() {
                    if i > 0 {
                        write!(f, " ")?;
                    }
                    write!(f, "{p}")?;
                }
                write!(f, "), got {got}")
            }
            DistError::Param(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for DistError {}

impl From<ParamError> for DistError {
    fn from(e: ParamError) -> Self {
        DistError::Param(e)
    }
}

/// A computation generic over the concrete kernel of a [`DistKernel`]: see
/// [`DistKernel::visit`].
///
/// ```
/// use expfam_kernels::{arch::generic::VectorKernel, Dist, KernelVisitor};
/// struct Vectorizable;
/// impl KernelVisitor<f64> for Vectorizable {
///     type Output = bool;
///     fn visit<K: VectorKernel<f64>>(self, k: &K) -> bool {
///         k.vectorizable()
///     }
/// }
/// let d = Dist::from_name("normal", &[0.0, 1.0]).unwrap();
/// assert!(d.kernel().visit(Vectorizable));
/// ```
pub trait KernelVisitor<F: Float> {
    /// What the visit returns.
    type Output;
    /// Runs on the concrete kernel.
    fn visit<K: crate::arch::generic::VectorKernel<F>>(self, k: &K) -> Self::Output;
}

macro_rules! dists {
    ($( $name:literal => $variant:ident ( $($p:ident),* ) : $kernel:ty ),* $(,)?) => {
        /// One distribution of any family, chosen at run time.
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[non_exhaustive]
        pub enum Dist<F> {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant($variant<F>),
            )*
        }

        /// The kernel of a [`Dist`].
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[non_exhaustive]
        pub enum DistKernel<F: Float> {
            $(
                #[doc = concat!("Kernel of `", $name, "`")]
                $variant($kernel),
            )*
        }

        impl<F: Float> Dist<F> {
            /// The parameter names of `family`, in order, or `None` for an unknown name.
            ///
            /// ```
            /// assert_eq!(expfam_kernels::Dist::<f64>::param_names("beta"), Some(&["alpha", "beta"][..]));
            /// ```
            pub fn param_names(family: &str) -> Option<&'static [&'static str]> {
                match family {
                    $( $name => Some(&[$(stringify!($p)),*]), )*
                    _ => None,
                }
            }

            /// Builds the distribution `family` from its parameters in the design's order.
            ///
            /// ```
            /// use expfam_kernels::{Dist, ExpFam, Gamma};
            /// let d = Dist::from_name("gamma", &[2.0, 3.0f64]).unwrap();
            /// assert_eq!(d.ln_pdf(1.0), Gamma::new(2.0, 3.0).unwrap().ln_pdf(1.0));
            /// ```
            pub fn from_name(family: &str, params: &[F]) -> Result<Self, DistError> {
                match family {
                    $( $name => {
                        const NAMES: &[&str] = &[$(stringify!($p)),*];
                        let [$($p),*] = params else {
                            return Err(DistError::WrongParamCount {
                                params: NAMES,
                                expected: NAMES.len(),
                                got: params.len(),
                            });
                        };
                        Ok(Dist::$variant($variant::new($(*$p),*)?))
                    } )*
                    _ => Err(DistError::UnknownFamily),
                }
            }

            /// The family name.
            pub fn family(&self) -> &'static str {
                match self { $( Dist::$variant(_) => $name, )* }
            }

            /// The reference log-density ([`ExpFam::ln_pdf`]).
            pub fn ln_pdf(&self, x: F) -> F {
                match self { $( Dist::$variant(d) => d.ln_pdf(x), )* }
            }

            /// True when `x` is in the support.
            pub fn in_support(&self, x: F) -> bool {
                match self { $( Dist::$variant(d) => d.in_support(x), )* }
            }

            /// The precomputed-constant kernel.
            pub fn kernel(&self) -> DistKernel<F> {
                match self { $( Dist::$variant(d) => DistKernel::$variant(d.kernel()), )* }
            }

            /// `Σ ln_pdf` through [`ExpFam::log_likelihood`] on freshly gathered
            /// sufficient statistics (a check of the O(1) path).
            pub fn log_likelihood_via_stats(&self, xs: &[F]) -> F {
                match self { $( Dist::$variant(d) => d.log_likelihood(&d.suff_stats(xs)), )* }
            }

            /// [`ExpFam::wrt`] as a batch at an explicit SIMD tier, or `None` when the
            /// families differ.
            pub fn wrt_map_at(
                &self,
                other: &Self,
                tier: crate::simd::Tier,
                xs: &[F],
                out: &mut [F],
            ) -> Option<Result<(), LengthMismatch>> {
                match (self, other) {
                    $( (Dist::$variant(a), Dist::$variant(b)) => Some(crate::simd::map_at(tier, &a.wrt(b), xs, out)), )*
                    _ => None,
                }
            }

            /// The relative log-density `ln p_self(x) − ln p_other(x)` through
            /// [`ExpFam::wrt`], or `None` when the families differ.
            pub fn wrt_eval(&self, other: &Self, x: F) -> Option<F> {
                match (self, other) {
                    $( (Dist::$variant(a), Dist::$variant(b)) => Some(a.wrt(b).eval(x)), )*
                    _ => None,
                }
            }
        }

        impl<F: Float> DistKernel<F> {
            /// [`Kernel::map`] at an explicit SIMD tier (the scalar loop if the tier is
            /// unavailable), without touching the process-wide choice.
            pub fn map_at(&self, tier: crate::simd::Tier, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
                match self { $( DistKernel::$variant(k) => crate::simd::map_at(tier, k, xs, out), )* }
            }
            /// [`Kernel::map_add`] at an explicit SIMD tier.
            pub fn map_add_at(&self, tier: crate::simd::Tier, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
                match self { $( DistKernel::$variant(k) => crate::simd::map_add_at(tier, k, xs, out), )* }
            }
            /// [`Kernel::sum`] at an explicit SIMD tier.
            pub fn sum_at(&self, tier: crate::simd::Tier, xs: &[F]) -> F {
                match self { $( DistKernel::$variant(k) => crate::simd::sum_at(tier, k, xs), )* }
            }
            /// Adds this kernel at rows `i..i + 4·V::LANES` of `xs` into `acc` (a step of
            /// [`map_terms`](crate::arch::generic::map_terms)).
            ///
            /// # Safety
            /// `i + 4 · V::LANES <= xs.len()`.
            #[inline(always)]
            pub(crate) unsafe fn add_step<V: crate::arch::generic::Vector>(&self, xs: &[F], i: usize, acc: &mut [V; 4]) {
                // SAFETY: the caller's contract, passed on.
                match self { $( DistKernel::$variant(k) => unsafe { crate::arch::generic::add_step(k, xs, i, acc) }, )* }
            }
            /// Calls `v` with the concrete kernel inside (how code generators such as
            /// `expfam-jit` reach each family's vector form).
            pub fn visit<V: KernelVisitor<F>>(&self, v: V) -> V::Output {
                match self { $( DistKernel::$variant(k) => v.visit(k), )* }
            }
        }

        impl<F: Float> Kernel<F> for DistKernel<F> {
            #[inline]
            fn eval(&self, x: F) -> F {
                match self { $( DistKernel::$variant(k) => k.eval(x), )* }
            }
            #[inline]
            fn eval_scalar(&self, x: F) -> F {
                match self { $( DistKernel::$variant(k) => k.eval_scalar(x), )* }
            }
            fn map(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
                // Dispatch once per batch, not once per point.
                match self { $( DistKernel::$variant(k) => k.map(xs, out), )* }
            }
            fn map_add(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
                match self { $( DistKernel::$variant(k) => k.map_add(xs, out), )* }
            }
            fn sum(&self, xs: &[F]) -> F {
                match self { $( DistKernel::$variant(k) => k.sum(xs), )* }
            }
            fn map_scalar(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
                match self { $( DistKernel::$variant(k) => k.map_scalar(xs, out), )* }
            }
            fn sum_scalar(&self, xs: &[F]) -> F {
                match self { $( DistKernel::$variant(k) => k.sum_scalar(xs), )* }
            }
        }
    };
}

dists! {
    "normal" => Normal(mu, sigma): NormalKernel<F>,
    "lognormal" => LogNormal(mu, sigma): LogNormalKernel<F>,
    "exponential" => Exponential(rate): ExponentialKernel<F>,
    "gamma" => Gamma(shape, rate): GammaKernel<F>,
    "inverse_gamma" => InverseGamma(shape, scale): InverseGammaKernel<F>,
    "chi_squared" => ChiSquared(k): GammaKernel<F>,
    "beta" => Beta(alpha, beta): BetaKernel<F>,
    "laplace" => Laplace(mu, b): LaplaceKernel<F>,
    "weibull" => Weibull(k, lambda): WeibullKernel<F>,
    "poisson" => Poisson(lambda): PoissonKernel<F>,
    "bernoulli" => Bernoulli(p): BernoulliKernel<F>,
    "binomial" => Binomial(n, p): BinomialKernel<F>,
    "geometric" => Geometric(p): GeometricKernel<F>,
    "negative_binomial" => NegativeBinomial(r, p): NegativeBinomialKernel<F>,
}
