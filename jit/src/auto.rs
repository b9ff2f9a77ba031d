//! [`Evaluator::auto`]: the closure for single points, the best AOT SIMD tier for
//! batches, and JIT code for a hot kernel where it measures faster on this CPU.

use crate::{CompiledKernel, Jit};
use expfam_kernels::simd::{self, Tier};
use expfam_kernels::{Dist, DistKernel, Float, Kernel, LengthMismatch};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Which code evaluates a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The precomputed-constant closure, one point at a time.
    Closure,
    /// An ahead-of-time SIMD tier.
    Simd(Tier),
    /// Code compiled by Cranelift for this distribution.
    Jit,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backend::Closure => write!(f, "closure"),
            Backend::Simd(t) => write!(f, "simd:{}", t.name()),
            Backend::Jit => write!(f, "jit"),
        }
    }
}

/// Batches shorter than this go through the closure: nothing else pays off there.
const SMALL: usize = 8;
/// Elements evaluated in batches before the evaluator counts as hot and measures JIT
/// code against the AOT tier.
const HOT: u64 = 1 << 18;
/// Batches shorter than this never trigger the measurement (too short to time).
const MIN_MEASURE: usize = 256;
/// Points timed per candidate at the decision.
const SAMPLE: usize = 4096;

/// The choice for one operation, made once when hot.
enum Choice<F> {
    Aot,
    Jit(Arc<CompiledKernel<F>>),
}

/// An evaluator that picks its backend per call size and, once hot, between the AOT
/// tier and JIT code by measuring both on the caller's data.
///
/// ```
/// use expfam_jit::{Backend, Evaluator};
/// use expfam_kernels::Dist;
/// let ev = Evaluator::auto(Dist::from_name("gamma", &[3.0, 2.0f64]).unwrap());
/// assert_eq!(ev.backend_for(1), Backend::Closure);
/// let xs: Vec<f64> = (1..=1000).map(|i| i as f64 / 100.0).collect();
/// let mut out = vec![0.0; xs.len()];
/// for _ in 0..300 {
///     ev.map(&xs, &mut out).unwrap();
/// }
/// // Hot by now: the batch backend is whichever measured faster here.
/// assert!(matches!(ev.backend(), Backend::Jit | Backend::Simd(_)));
/// assert!((out[99] - ev.eval(1.0)).abs() < 1e-13);
/// ```
pub struct Evaluator<F: Float> {
    kernel: DistKernel<F>,
    dist: Dist<F>,
    tier: Tier,
    seen: AtomicU64,
    map: OnceLock<Choice<F>>,
    sum: OnceLock<Choice<F>>,
    compiled: OnceLock<Option<Arc<CompiledKernel<F>>>>,
}

impl<F: Float> fmt::Debug for Evaluator<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Evaluator")
            .field("dist", &self.dist)
            .field("backend", &self.backend())
            .finish()
    }
}

impl<F: Float> Evaluator<F> {
    /// An adaptive evaluator for `dist` at the process's current SIMD tier.
    pub fn auto(dist: Dist<F>) -> Self {
        Evaluator {
            kernel: dist.kernel(),
            dist,
            tier: simd::current(),
            seen: AtomicU64::new(0),
            map: OnceLock::new(),
            sum: OnceLock::new(),
            compiled: OnceLock::new(),
        }
    }

    /// The distribution.
    pub fn dist(&self) -> &Dist<F> {
        &self.dist
    }

    /// `ln p(x)` through the closure.
    #[inline]
    pub fn eval(&self, x: F) -> F {
        self.kernel.eval(x)
    }

    /// The backend a large `map` batch uses now.
    pub fn backend(&self) -> Backend {
        self.backend_for(usize::MAX)
    }

    /// The backend a `map` of `n` points uses now.
    pub fn backend_for(&self, n: usize) -> Backend {
        if n < SMALL {
            return Backend::Closure;
        }
        match self.map.get() {
            Some(Choice::Jit(_)) => Backend::Jit,
            _ => Backend::Simd(self.tier),
        }
    }

    /// The backend a large `sum` uses now.
    pub fn sum_backend(&self) -> Backend {
        match self.sum.get() {
            Some(Choice::Jit(_)) => Backend::Jit,
            _ => Backend::Simd(self.tier),
        }
    }

    /// `out[i] = ln p(xs[i])`.
    pub fn map(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        if xs.len() != out.len() {
            return Err(LengthMismatch {
                input: xs.len(),
                output: out.len(),
            });
        }
        if xs.len() < SMALL {
            for (o, &x) in out.iter_mut().zip(xs) {
                *o = self.kernel.eval(x);
            }
            return Ok(());
        }
        let choice = match self.map.get() {
            Some(c) => c,
            None if self.hot(xs.len()) => self.map.get_or_init(|| {
                self.decide(
                    xs,
                    |k, xs, out| {
                        let _ = k.map(xs, out);
                    },
                    |xs, out| {
                        let _ = self.kernel.map_at(self.tier, xs, out);
                    },
                )
            }),
            None => return self.kernel.map_at(self.tier, xs, out),
        };
        match choice {
            Choice::Jit(k) => k.map(xs, out),
            Choice::Aot => self.kernel.map_at(self.tier, xs, out),
        }
    }

    /// `Σ ln p(xs[i])`.
    pub fn sum(&self, xs: &[F]) -> F {
        if xs.len() < SMALL {
            return self.kernel.sum_scalar(xs);
        }
        let choice = match self.sum.get() {
            Some(c) => c,
            None if self.hot(xs.len()) => self.sum.get_or_init(|| {
                let sink = |v: F, out: &mut [F]| out[0] = v;
                self.decide(
                    xs,
                    |k, xs, out| sink(k.sum(xs), out),
                    |xs, out| sink(self.kernel.sum_at(self.tier, xs), out),
                )
            }),
            None => return self.kernel.sum_at(self.tier, xs),
        };
        match choice {
            Choice::Jit(k) => k.sum(xs),
            Choice::Aot => self.kernel.sum_at(self.tier, xs),
        }
    }

    /// Counts `n` batch points; true when the evaluator is hot and the batch long
    /// enough to measure on.
    fn hot(&self, n: usize) -> bool {
        let before = self.seen.fetch_add(n as u64, Ordering::Relaxed);
        before + n as u64 >= HOT && n >= MIN_MEASURE
    }

    /// Compiles (once) and times JIT against AOT on a sample of the caller's data;
    /// keeps the JIT only if it is at least 5% faster.
    fn decide(
        &self,
        xs: &[F],
        jit: impl Fn(&CompiledKernel<F>, &[F], &mut [F]),
        aot: impl Fn(&[F], &mut [F]),
    ) -> Choice<F> {
        let compiled = self.compiled.get_or_init(|| {
            Jit::new()
                .and_then(|j| j.compile(&self.dist))
                .ok()
                .map(Arc::new)
        });
        let Some(k) = compiled else {
            return Choice::Aot;
        };
        let sample = &xs[..xs.len().min(SAMPLE)];
        let time = |f: &dyn Fn(&mut [F])| {
            let mut best = f64::INFINITY;
            let mut out = vec![F::ZERO; sample.len()];
            for _ in 0..5 {
                let t = Instant::now();
                f(&mut out);
                best = best.min(t.elapsed().as_secs_f64());
            }
            best
        };
        let mut t_jit = f64::INFINITY;
        let mut t_aot = f64::INFINITY;
        // Interleaved rounds, so a burst of noise hits both.
        for _ in 0..3 {
            t_aot = t_aot.min(time(&|o| aot(sample, o)));
            t_jit = t_jit.min(time(&|o| jit(k, sample, o)));
        }
        if t_jit < 0.95 * t_aot {
            Choice::Jit(Arc::clone(k))
        } else {
            Choice::Aot
        }
    }
}
