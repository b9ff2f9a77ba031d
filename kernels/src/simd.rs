//! Choosing the SIMD tier: detected once and cached, or forced.
//!
//! With the `std` feature the tier is detected at run time on first use, unless the
//! environment variable `EXPFAM_TIER` (`scalar`, `sse2`, `avx2`, `avx512`, `neon`,
//! `portable`, `simd128`) names one. Without `std` it is chosen from the compile-time target
//! features. [`force`] overrides both, e.g. so tests can run every tier on one machine.
//!
//! ```
//! use expfam_kernels::simd::{self, Tier};
//! let t = simd::current();
//! assert!(t.is_available());
//! assert!(simd::force(Tier::Scalar).is_ok());
//! assert_eq!(simd::current(), Tier::Scalar);
//! simd::force(t).unwrap();
//! ```

use crate::arch::generic::VectorKernel;
use crate::{DistKernel, Float, LengthMismatch};
use core::fmt;
use core::sync::atomic::{AtomicU8, Ordering};

/// A SIMD tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tier {
    /// The precomputed-constant kernel, one point at a time.
    Scalar,
    /// x86_64 SSE2: two f64 lanes.
    Sse2,
    /// x86_64 AVX2 + FMA: four f64 lanes.
    Avx2,
    /// x86_64 AVX-512F/DQ: eight f64 lanes.
    Avx512,
    /// aarch64 NEON: two f64 lanes with fused multiply-add (`core::arch::aarch64`).
    Neon,
    /// `wide`, with the instructions fixed at compile time.
    Portable,
    /// wasm32 SIMD (`+simd128`, fixed at compile time): two f64 lanes
    /// (`core::arch::wasm32`).
    Simd128,
}

/// Every tier, in the order `EXPFAM_TIER` documents them.
pub const TIERS: [Tier; 7] = [
    Tier::Scalar,
    Tier::Sse2,
    Tier::Avx2,
    Tier::Avx512,
    Tier::Neon,
    Tier::Portable,
    Tier::Simd128,
];

impl Tier {
    /// The name used by `EXPFAM_TIER` and the bench output.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Scalar => "scalar",
            Tier::Sse2 => "sse2",
            Tier::Avx2 => "avx2",
            Tier::Avx512 => "avx512",
            Tier::Neon => "neon",
            Tier::Portable => "portable",
            Tier::Simd128 => "simd128",
        }
    }

    /// The `f64` lanes of the tier's vectors (`f32` batches are widened to `f64`).
    ///
    /// ```
    /// use expfam_kernels::simd::Tier;
    /// assert_eq!(Tier::Avx512.lanes(), 8);
    /// assert_eq!(Tier::Scalar.lanes(), 1);
    /// ```
    pub fn lanes(self) -> usize {
        match self {
            Tier::Scalar => 1,
            Tier::Sse2 | Tier::Neon | Tier::Simd128 => 2,
            Tier::Avx2 | Tier::Portable => 4,
            Tier::Avx512 => 8,
        }
    }

    /// The tier called `name`.
    pub fn from_name(name: &str) -> Option<Tier> {
        TIERS.into_iter().find(|t| t.name() == name)
    }

    /// True when this CPU (and build) can run the tier.
    pub fn is_available(self) -> bool {
        match self {
            Tier::Scalar => true,
            Tier::Portable => PORTABLE_BUILT,
            #[cfg(target_arch = "x86_64")]
            Tier::Sse2 => true,
            #[cfg(target_arch = "x86_64")]
            Tier::Avx2 => crate::arch::x86_64::Avx2Fma::is_available(),
            #[cfg(target_arch = "x86_64")]
            Tier::Avx512 => crate::arch::x86_64::Avx512::is_available(),
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Tier::Neon => true,
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Tier::Simd128 => true,
            _ => false,
        }
    }

    /// `is_available`, answered by the cached [`current`] tier when `self` is that tier
    /// (every tier `CURRENT` holds was checked when stored): the batch calls' check,
    /// which would otherwise test the CPU features (about 20 instructions) per call.
    ///
    /// The portable tier is ruled out first, at compile time, on targets without it:
    /// `CURRENT` never holds it there, but the compiler cannot know that, and without
    /// this test it kept every kernel's portable code in a thumbv7em firmware that never
    /// runs it (`.text` 116 872 bytes against 9 592 before this check existed).
    #[inline(always)]
    fn runnable(self) -> bool {
        (PORTABLE_BUILT || self != Tier::Portable)
            && (CURRENT.load(Ordering::Relaxed) == self.code() || self.is_available())
    }

    /// The tier's position in [`TIERS`] (its declaration order) plus one.
    #[inline(always)]
    fn code(self) -> u8 {
        self as u8 + 1
    }

    #[inline(always)]
    fn from_code(c: u8) -> Tier {
        // Codes come from `code`: always 1..=TIERS.len().
        TIERS
            .get(usize::from(c.wrapping_sub(1)))
            .copied()
            .unwrap_or(Tier::Scalar)
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// [`force`] was asked for a tier this CPU or build cannot run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierUnavailable(pub Tier);

impl fmt::Display for TierUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SIMD tier {} is not available on this CPU or build",
            self.0
        )
    }
}

impl core::error::Error for TierUnavailable {}

/// Whether this build has the portable tier: `wide` is SIMD only where the target has
/// vector units it knows; elsewhere (e.g. thumbv7em) it would emulate `f64` lanes with
/// scalar, even soft-float, code.
const PORTABLE_BUILT: bool = cfg!(any(
    target_arch = "x86_64",
    target_arch = "x86",
    target_arch = "aarch64",
    target_feature = "simd128"
));

/// 0: not chosen yet; otherwise `Tier::code`.
static CURRENT: AtomicU8 = AtomicU8::new(0);

/// The best tier this CPU and build can run.
pub fn detected() -> Tier {
    if Tier::Avx512.is_available() {
        Tier::Avx512
    } else if Tier::Avx2.is_available() {
        Tier::Avx2
    } else if Tier::Sse2.is_available() {
        Tier::Sse2
    } else if Tier::Neon.is_available() {
        Tier::Neon
    } else if Tier::Simd128.is_available() {
        Tier::Simd128
    } else {
        Tier::Scalar
    }
}

/// What `EXPFAM_TIER` asks for, if set (`Err` with its text when it names no tier or
/// one this CPU cannot run; the detected tier is used then).
#[cfg(feature = "std")]
pub fn requested() -> Option<Result<Tier, std::string::String>> {
    let v = std::env::var("EXPFAM_TIER").ok()?;
    Some(match Tier::from_name(v.trim()) {
        Some(t) if t.is_available() => Ok(t),
        _ => Err(v),
    })
}

/// The tier batch calls use: forced, else requested by `EXPFAM_TIER` (with `std`),
/// else [`detected`]. Chosen on first use, then cached.
///
/// The cached case is inlined into every batch call (out of line it was 17 of the 170
/// instructions of a 16-point map, by callgrind); the first call chooses out of line.
#[inline]
pub fn current() -> Tier {
    let c = CURRENT.load(Ordering::Relaxed);
    if c != 0 {
        return Tier::from_code(c);
    }
    choose()
}

/// Chooses the tier on the first call of [`current`] and caches it.
#[cold]
#[inline(never)]
fn choose() -> Tier {
    #[cfg(feature = "std")]
    let t = match requested() {
        Some(Ok(t)) => t,
        _ => detected(),
    };
    #[cfg(not(feature = "std"))]
    let t = detected();
    CURRENT.store(t.code(), Ordering::Relaxed);
    t
}

/// Makes every later batch call use `tier`.
pub fn force(tier: Tier) -> Result<(), TierUnavailable> {
    if !tier.is_available() {
        return Err(TierUnavailable(tier));
    }
    CURRENT.store(tier.code(), Ordering::Relaxed);
    Ok(())
}

/// `match tier`: evaluates `$call` with `$t` bound to the tier's token where the tier
/// runs here (its features checked by [`Tier::runnable`], or part of the target's
/// baseline), else `$fallback`. The one place the batch calls dispatch on a tier.
macro_rules! at_tier {
    ($tier:expr, $t:ident => $call:expr, _ => $fallback:expr) => {
        match $tier {
            #[cfg(target_arch = "x86_64")]
            Tier::Avx512 if $tier.runnable() => {
                // SAFETY: runnable() checked the CPU features.
                let $t = unsafe { crate::arch::x86_64::Avx512::new_unchecked() };
                $call
            }
            #[cfg(target_arch = "x86_64")]
            Tier::Avx2 if $tier.runnable() => {
                // SAFETY: runnable() checked the CPU features.
                let $t = unsafe { crate::arch::x86_64::Avx2Fma::new_unchecked() };
                $call
            }
            #[cfg(target_arch = "x86_64")]
            Tier::Sse2 => {
                let $t = crate::arch::x86_64::Sse2::new().expect("x86_64 baseline");
                $call
            }
            #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
            Tier::Neon => {
                let $t = crate::arch::aarch64::Neon::new().expect("aarch64 baseline");
                $call
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Tier::Simd128 => {
                let $t = crate::arch::wasm32::Simd128::new().expect("enabled at compile time");
                $call
            }
            Tier::Portable if $tier.runnable() => {
                let $t = crate::arch::portable::Portable::new().expect("always");
                $call
            }
            _ => $fallback,
        }
    };
}

/// `k` at one point: its vector form at one lane ([`F64x1`](crate::arch::scalar::F64x1),
/// inline, no tier dispatch), or [`Kernel::eval_scalar`](crate::Kernel::eval_scalar)
/// when that lane is special, the kernel has no vector form, or the kernel computes in
/// `f32` (`f32-native`: an f64 lane would be soft-float on an FPU of single precision).
///
/// One lane of the vector form is the fast single point: inline polynomials and
/// tables where the scalar formulas call `libm` (negative binomial 48.6 against 23.0
/// ns per single point on an Emerald Rapids Xeon, lognormal 16.9 against 11.8).
#[inline(always)]
pub fn point<F: Float, K: VectorKernel<F>>(k: &K, x: F) -> F {
    use crate::arch::{generic::Vector, scalar::F64x1};
    if core::mem::size_of::<F::Calc>() == 8 && k.vectorizable() {
        let xd = if core::mem::size_of::<F>() == 4 {
            // `x` is an f32 (the round trip folds away): widened without a false
            // dependency on a stale register.
            crate::arch::widen_f32(x.to_f64() as f32)
        } else {
            x.to_f64()
        };
        let (v, special) = k.eval_v(F64x1(xd));
        if !F64x1::any(special) {
            return F::from_f64(v.0);
        }
    }
    k.eval_scalar(x)
}

/// Below this many points a batch goes straight to the scalar kernel: no vector would
/// fill, and the dispatch would cost more than it saves.
const SMALL_BATCH: usize = 4;

/// `out[i] = k(xs[i])` at `tier` (which must be available; else the scalar loop).
pub fn map_at<F: Float, K: VectorKernel<F>>(
    tier: Tier,
    k: &K,
    xs: &[F],
    out: &mut [F],
) -> Result<(), LengthMismatch> {
    map_with_at::<F, K, false>(tier, k, xs, out)
}

/// `out[i] += k(xs[i])` at `tier` (which must be available; else the scalar loop): one
/// term of a sum of log-densities added into `out` in the same pass (in `f64`, rounded
/// once on the vector path).
///
/// ```
/// use expfam_kernels::{ExpFam, Kernel, Normal, simd};
/// let k = Normal::new(0.0, 1.0f64).unwrap().kernel();
/// let xs = [0.5; 9];
/// let mut out = [1.0; 9];
/// simd::map_add_at(simd::current(), &k, &xs, &mut out).unwrap();
/// assert!((out[8] - (1.0 + k.eval(0.5))).abs() < 1e-15);
/// ```
pub fn map_add_at<F: Float, K: VectorKernel<F>>(
    tier: Tier,
    k: &K,
    xs: &[F],
    out: &mut [F],
) -> Result<(), LengthMismatch> {
    map_with_at::<F, K, true>(tier, k, xs, out)
}

fn map_with_at<F: Float, K: VectorKernel<F>, const ADD: bool>(
    tier: Tier,
    k: &K,
    xs: &[F],
    out: &mut [F],
) -> Result<(), LengthMismatch> {
    if xs.len() != out.len() {
        return Err(LengthMismatch {
            input: xs.len(),
            output: out.len(),
        });
    }
    let scalar = |out: &mut [F]| {
        if ADD {
            add_scalar(k, xs, out);
        } else {
            for (o, &x) in out.iter_mut().zip(xs) {
                *o = k.eval(x);
            }
        }
    };
    if xs.len() < SMALL_BATCH {
        scalar(out);
        return Ok(());
    }
    at_tier!(tier, t => t.map_with::<F, K, ADD>(k, xs, out), _ => scalar(out));
    Ok(())
}

/// `out[i] = Σ_t k_t(x_t[i])` over the terms `(k_t, x_t)` at `tier` (which must be
/// available; else the scalar loop): the log-density of a row of a model whose terms
/// are families over columns of their own. Every term of a step of rows runs in turn,
/// so the columns are read, and `out` written, as steady streams in one pass; each row
/// is summed in `f64` and rounded once. A column whose length is not `out.len()` is a
/// [`LengthMismatch`] (`input` is its length).
///
/// ```
/// use expfam_kernels::{Dist, Kernel, simd};
/// let normal = Dist::from_name("normal", &[0.0, 1.0f64]).unwrap().kernel();
/// let poisson = Dist::from_name("poisson", &[3.0]).unwrap().kernel();
/// let (x, counts) = ([0.5; 9], [2.0; 9]);
/// let mut out = [0.0; 9];
/// simd::map_terms_at(simd::current(), &[(normal, &x[..]), (poisson, &counts[..])], &mut out).unwrap();
/// assert!((out[8] - (normal.eval(0.5) + poisson.eval(2.0))).abs() < 1e-14);
/// ```
pub fn map_terms_at<F: Float>(
    tier: Tier,
    terms: &[(DistKernel<F>, &[F])],
    out: &mut [F],
) -> Result<(), LengthMismatch> {
    map_terms_with(tier, terms, out, false)
}

/// [`map_terms_at`] added into `out`: `out[i] += Σ_t k_t(x_t[i])` (in `f64`, rounded
/// once).
///
/// ```
/// use expfam_kernels::{Dist, Kernel, simd};
/// let gamma = Dist::from_name("gamma", &[2.0, 1.0f64]).unwrap().kernel();
/// let xs = [1.5; 5];
/// let mut out = [10.0; 5];
/// simd::map_terms_add_at(simd::current(), &[(gamma, &xs[..])], &mut out).unwrap();
/// assert!((out[4] - (10.0 + gamma.eval(1.5))).abs() < 1e-14);
/// ```
pub fn map_terms_add_at<F: Float>(
    tier: Tier,
    terms: &[(DistKernel<F>, &[F])],
    out: &mut [F],
) -> Result<(), LengthMismatch> {
    map_terms_with(tier, terms, out, true)
}

fn map_terms_with<F: Float>(
    tier: Tier,
    terms: &[(DistKernel<F>, &[F])],
    out: &mut [F],
    add: bool,
) -> Result<(), LengthMismatch> {
    if let Some((_, xs)) = terms.iter().find(|(_, xs)| xs.len() != out.len()) {
        return Err(LengthMismatch {
            input: xs.len(),
            output: out.len(),
        });
    }
    let scalar = |out: &mut [F]| crate::arch::generic::map_terms_rows(terms, out, 0, add);
    if out.len() < SMALL_BATCH {
        scalar(out);
        return Ok(());
    }
    at_tier!(tier, t => t.map_terms(terms, out, add), _ => scalar(out));
    Ok(())
}

/// `out[i] += k.eval(xs[i])` one point at a time (in `f64`, rounded once to `F`); the
/// lengths are equal (checked by the caller).
pub(crate) fn add_scalar<F: Float, K: crate::Kernel<F>>(k: &K, xs: &[F], out: &mut [F]) {
    for (o, &x) in out.iter_mut().zip(xs) {
        *o = F::from_f64(o.to_f64() + k.eval(x).to_f64());
    }
}

/// `Σ k(xs[i])` at `tier` (which must be available; else the scalar loop).
pub fn sum_at<F: Float, K: VectorKernel<F>>(tier: Tier, k: &K, xs: &[F]) -> F {
    if xs.len() < SMALL_BATCH {
        return k.sum_scalar(xs);
    }
    at_tier!(tier, t => t.sum(k, xs), _ => k.sum_scalar(xs))
}

/// Implements `Kernel::eval` through `point`, and `Kernel::map`, `Kernel::map_add` and
/// `Kernel::sum` through the current tier.
macro_rules! vector_batch {
    () => {
        #[inline(always)]
        fn eval(&self, x: F) -> F {
            crate::simd::point(self, x)
        }
        fn map(&self, xs: &[F], out: &mut [F]) -> Result<(), crate::LengthMismatch> {
            crate::simd::map_at(crate::simd::current(), self, xs, out)
        }
        fn map_add(&self, xs: &[F], out: &mut [F]) -> Result<(), crate::LengthMismatch> {
            crate::simd::map_add_at(crate::simd::current(), self, xs, out)
        }
        fn sum(&self, xs: &[F]) -> F {
            crate::simd::sum_at(crate::simd::current(), self, xs)
        }
    };
}
pub(crate) use vector_batch;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_positions_in_tiers() {
        for (i, t) in TIERS.into_iter().enumerate() {
            assert_eq!(t.code() as usize, i + 1);
            assert_eq!(Tier::from_code(t.code()), t);
        }
    }

    #[test]
    fn the_current_tier_is_runnable_and_an_unavailable_one_is_not() {
        assert!(current().runnable());
        for t in TIERS {
            assert_eq!(t.runnable(), t.is_available() || t == current());
            if !t.is_available() {
                assert!(!t.runnable());
            }
        }
    }
}
