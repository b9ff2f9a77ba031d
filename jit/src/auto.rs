//! [`Evaluator::auto`]: the closure for single points, the best AOT SIMD tier for
//! batches, and JIT code for a hot kernel where it measures faster on this CPU.

use crate::compiled::OWN_ROWS;
use crate::{CompiledKernel, Jit};
use expfam_kernels::simd::{self, Tier};
use expfam_kernels::{Dist, DistKernel, Float, Kernel, LengthMismatch};
use std::fmt;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
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
/// Batch points (of either size class) evaluated before an operation of a class counts as
/// hot and measures JIT code against the AOT tier.
const HOT: u64 = 1 << 18;
/// Batch points after a measurement that favoured the JIT before the second one.
const RECHECK: u64 = 4 * HOT;
/// Batches at least this long form the large size class, shorter ones (from [`SMALL`])
/// the small class: each class settles its own backend, for the two rank differently (at
/// 16 points the JIT's call costs less than the AOT path's, and normal's map runs 0.37
/// against 0.56 ns/element; at 4096 the AVX-512 tier is ahead). Counting a batch (a
/// locked add, about 4 ns) happens only until the class is settled.
const LARGE: usize = 256;
/// Points of the caller's batch timed at the decision.
const SAMPLE: usize = 4096;
/// Batches at least this long are timed whole, up to [`SAMPLE_CAP`] points, instead of
/// on a repeated [`SAMPLE`]: a map's input and output (from 4 MiB for f64) are then
/// larger than the L2, the map runs at the speed of the memory system, and there the
/// two backends rank differently (the JIT's 16-byte stores beat AVX-512's on normal,
/// exponential and laplace maps of 1e6 points, by a few percent). A sample shorter
/// than the batch would sit in a cache level the batch does not fit in.
const SAMPLE_LARGE: usize = 1 << 18;
/// Most points of a large batch timed at the decision (16 MiB of f64 input).
const SAMPLE_CAP: usize = 1 << 21;
/// Interleaved timing rounds per side on a large sample.
const ROUNDS_LARGE: usize = 5;
/// Points evaluated per timing (the sample, repeated).
const TIMED: usize = 16_384;
/// Interleaved timing rounds per side at the decision.
const ROUNDS: usize = 9;
/// The JIT is chosen when its best time is below this fraction of the AOT tier's. Two
/// measurements [`RECHECK`] points apart must agree, which is the guard against noise;
/// the margin only keeps a tie on the AOT tier. (At 5% the JIT's lead on 1e6-point
/// maps of the cheap families, 3–8% in a scratch timing of normal, laplace, bernoulli
/// and exponential, mostly went unused.)
const MARGIN: f64 = 0.98;

/// The size class of a batch of `n >= SMALL` points: 0 small, 1 large (see [`LARGE`]).
fn class(n: usize) -> usize {
    usize::from(n >= LARGE)
}

/// The choice for one operation, made once when hot.
enum Choice<F> {
    Aot,
    Jit(Arc<CompiledKernel<F>>),
}

/// The state of one operation (`map` or `sum`) of an [`Evaluator`].
struct Op<F> {
    /// The choice, once settled.
    choice: OnceLock<Choice<F>>,
    /// The count of batch points at which to measure next.
    due: AtomicU64,
    /// Measurements so far that favoured the JIT.
    jit_votes: AtomicU8,
}

impl<F> Op<F> {
    fn new() -> Self {
        Op {
            choice: OnceLock::new(),
            due: AtomicU64::new(HOT),
            jit_votes: AtomicU8::new(0),
        }
    }
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
    /// The kernel's values at the counts `0..OWN_ROWS`, where its compiled code reads
    /// them from a table of its own (see `own_table` in the crate root): single points
    /// and short batches read them too.
    table: Option<Box<[F; OWN_ROWS]>>,
    dist: Dist<F>,
    tier: Tier,
    seen: AtomicU64,
    /// `map` for the small and the large size class (see [`LARGE`]).
    map: [Op<F>; 2],
    /// `sum` for the small and the large size class.
    sum: [Op<F>; 2],
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
            table: crate::own_table(&dist).map(|t| Box::new(t.map(F::from_f64))),
            dist,
            tier: simd::current(),
            seen: AtomicU64::new(0),
            map: [Op::new(), Op::new()],
            sum: [Op::new(), Op::new()],
            compiled: OnceLock::new(),
        }
    }

    /// `map` on the AOT tier: through [`Kernel::map`], the SIMD backend's own entry,
    /// while the process's tier is still this evaluator's.
    #[inline(always)]
    fn aot_map(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        if simd::current() == self.tier {
            self.kernel.map(xs, out)
        } else {
            self.aot_map_at(xs, out)
        }
    }

    /// `map` at this evaluator's tier once the process's tier is another.
    #[cold]
    #[inline(never)]
    fn aot_map_at(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        self.kernel.map_at(self.tier, xs, out)
    }

    /// `sum` on the AOT tier (as [`aot_map`](Self::aot_map)).
    #[inline(always)]
    fn aot_sum(&self, xs: &[F]) -> F {
        if simd::current() == self.tier {
            self.kernel.sum(xs)
        } else {
            self.aot_sum_at(xs)
        }
    }

    /// `sum` at this evaluator's tier once the process's tier is another.
    #[cold]
    #[inline(never)]
    fn aot_sum_at(&self, xs: &[F]) -> F {
        self.kernel.sum_at(self.tier, xs)
    }

    /// The distribution.
    pub fn dist(&self) -> &Dist<F> {
        &self.dist
    }

    /// `ln p(x)` through the closure (or, at a count its table holds, the table).
    #[inline]
    pub fn eval(&self, x: F) -> F {
        if let Some(t) = &self.table {
            // Whole numbers in `0..OWN_ROWS` (and -0) convert and back to themselves;
            // NaN (to 0), fractions, negatives and larger values do not, or leave the
            // range.
            let v = x.to_f64();
            let k = v as i32;
            if (k as u32 as usize) < OWN_ROWS && f64::from(k) == v {
                return t[k as usize];
            }
        }
        self.kernel.eval(x)
    }

    /// [`eval`](Self::eval) over a short batch.
    fn map_short(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        if self.table.is_none() {
            return self.kernel.map_scalar(xs, out);
        }
        if xs.len() != out.len() {
            return Err(LengthMismatch {
                input: xs.len(),
                output: out.len(),
            });
        }
        for (&x, o) in xs.iter().zip(out) {
            *o = self.eval(x);
        }
        Ok(())
    }

    /// The sum of [`eval`](Self::eval) over a short batch (added as the kernel's
    /// [`sum_scalar`](Kernel::sum_scalar) adds).
    fn sum_short(&self, xs: &[F]) -> F {
        if self.table.is_none() {
            return self.kernel.sum_scalar(xs);
        }
        let sum = xs
            .iter()
            .fold(F::Calc::ZERO, |s, &x| s + self.eval(x).to_calc());
        F::from_calc(sum)
    }

    /// The backend a large `map` batch uses now.
    pub fn backend(&self) -> Backend {
        self.backend_for(usize::MAX)
    }

    /// The backend a `map` of `n` points uses now.
    pub fn backend_for(&self, n: usize) -> Backend {
        self.op_backend(&self.map, n)
    }

    /// The backend a large `sum` uses now.
    pub fn sum_backend(&self) -> Backend {
        self.sum_backend_for(usize::MAX)
    }

    /// The backend a `sum` of `n` points uses now.
    pub fn sum_backend_for(&self, n: usize) -> Backend {
        self.op_backend(&self.sum, n)
    }

    fn op_backend(&self, op: &[Op<F>; 2], n: usize) -> Backend {
        if n < SMALL {
            return Backend::Closure;
        }
        match op[class(n)].choice.get() {
            Some(Choice::Jit(_)) => Backend::Jit,
            _ => Backend::Simd(self.tier),
        }
    }

    /// `out[i] = ln p(xs[i])`. One point is the closure's [`eval`](Self::eval), fewer
    /// than 8 the closure's batch loop; longer batches go to the backend settled for
    /// their size class.
    #[inline(always)]
    pub fn map(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        if let ([x], [o]) = (xs, &mut *out) {
            // One point: the closure's `eval` in the caller, no batch loop to set up.
            // Kept apart from the batch paths below so that it inlines alone: with
            // them, `map` stayed a call of its own in `expfam`, whose prologue (five
            // registers saved) a single point paid before reaching `eval`.
            *o = self.eval(*x);
            return Ok(());
        }
        self.map_batch(xs, out)
    }

    /// [`map`](Self::map) of any length but one. A settled batch reaches its backend
    /// through this alone, with the tier check of [`aot_map`](Self::aot_map); short
    /// batches, mismatched lengths and unsettled operations go out of line
    /// ([`map_other`](Self::map_other)). With all of them here, the function kept a
    /// 472-byte frame and the AOT path a call of its own (six registers saved in each):
    /// auto's 16-point gamma map took 1.21-1.25x the time of [`Kernel::map`] on the
    /// tier it runs, 1.08-1.10x since (`cargo run --release -p expfam-bench --example
    /// auto_overhead -- 16 gamma`, six output offsets).
    #[inline]
    fn map_batch(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        if xs.len() >= SMALL && xs.len() == out.len() {
            match self.map[class(xs.len())].choice.get() {
                Some(Choice::Jit(k)) => return k.map(xs, out),
                Some(Choice::Aot) => return self.aot_map(xs, out),
                None => {}
            }
        }
        self.map_other(xs, out)
    }

    /// [`map_batch`](Self::map_batch)'s other cases: fewer than [`SMALL`] points, lengths
    /// that differ, a backend not settled yet.
    #[inline(never)]
    fn map_other(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        if xs.len() < SMALL {
            // The closure's own batch loop (one dispatch on the family, not one per point).
            return self.map_short(xs, out);
        }
        if xs.len() != out.len() {
            return Err(LengthMismatch {
                input: xs.len(),
                output: out.len(),
            });
        }
        let op = &self.map[class(xs.len())];
        match op.choice.get() {
            Some(Choice::Jit(k)) => k.map(xs, out),
            Some(Choice::Aot) => self.aot_map(xs, out),
            None => self.map_unsettled(op, xs, out),
        }
    }

    /// `map` before its backend is settled: counts, and measures once hot.
    #[cold]
    #[inline(never)]
    fn map_unsettled(&self, op: &Op<F>, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        let settled = self.hot(op, xs.len()).then(|| {
            self.settle(
                op,
                xs,
                out,
                |k, xs, out| {
                    let _ = k.map(xs, out);
                },
                |xs, out| {
                    let _ = self.aot_map(xs, out);
                },
            )
        });
        match settled.flatten() {
            Some(Choice::Jit(k)) => k.map(xs, out),
            _ => self.aot_map(xs, out),
        }
    }

    /// `Σ ln p(xs[i])`. One point is the closure's [`eval`](Self::eval), fewer than 8
    /// the closure's batch loop; longer batches go to the backend settled for their
    /// size class.
    #[inline]
    pub fn sum(&self, xs: &[F]) -> F {
        if let [x] = xs {
            return self.eval(*x);
        }
        if xs.len() >= SMALL {
            // A settled batch, as in `map_batch`.
            match self.sum[class(xs.len())].choice.get() {
                Some(Choice::Jit(k)) => return k.sum(xs),
                Some(Choice::Aot) => return self.aot_sum(xs),
                None => {}
            }
        }
        self.sum_other(xs)
    }

    /// [`sum`](Self::sum)'s other cases: fewer than [`SMALL`] points (but one), a
    /// backend not settled yet.
    #[inline(never)]
    fn sum_other(&self, xs: &[F]) -> F {
        if xs.len() < SMALL {
            return self.sum_short(xs);
        }
        let op = &self.sum[class(xs.len())];
        match op.choice.get() {
            Some(Choice::Jit(k)) => k.sum(xs),
            Some(Choice::Aot) => self.aot_sum(xs),
            None => self.sum_unsettled(op, xs),
        }
    }

    /// `sum` before its backend is settled: counts, and measures once hot.
    #[cold]
    #[inline(never)]
    fn sum_unsettled(&self, op: &Op<F>, xs: &[F]) -> F {
        let sink = |v: F, out: &mut [F]| out[0] = v;
        let settled = self.hot(op, xs.len()).then(|| {
            self.settle(
                op,
                xs,
                &mut [F::ZERO],
                |k, xs, out| sink(k.sum(xs), out),
                |xs, out| sink(self.aot_sum(xs), out),
            )
        });
        match settled.flatten() {
            Some(Choice::Jit(k)) => k.sum(xs),
            _ => self.aot_sum(xs),
        }
    }

    /// Counts the `n` points of a batch; true when `op` is due for a measurement.
    fn hot(&self, op: &Op<F>, n: usize) -> bool {
        let seen = self.seen.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        seen >= op.due.load(Ordering::Relaxed)
    }

    /// Measures, and settles `op` on the AOT tier at once, or on JIT code when a second
    /// measurement, [`RECHECK`] points later, agrees: a choice is permanent, so one burst
    /// of noise on this shared machine must not be able to make it. `None` while the
    /// second measurement is pending.
    fn settle<'a>(
        &'a self,
        op: &'a Op<F>,
        xs: &[F],
        out: &mut [F],
        jit: impl Fn(&CompiledKernel<F>, &[F], &mut [F]),
        aot: impl Fn(&[F], &mut [F]),
    ) -> Option<&'a Choice<F>> {
        match self.decide(xs, out, jit, aot) {
            Choice::Aot => Some(op.choice.get_or_init(|| Choice::Aot)),
            Choice::Jit(k) => {
                if op.jit_votes.fetch_add(1, Ordering::Relaxed) >= 1 {
                    Some(op.choice.get_or_init(|| Choice::Jit(k)))
                } else {
                    let seen = self.seen.load(Ordering::Relaxed);
                    op.due.store(seen + RECHECK, Ordering::Relaxed);
                    None
                }
            }
        }
    }

    /// Compiles (once) and times JIT against AOT on a sample of the caller's data,
    /// writing to the start of `out` (the caller's output for a map: where the input and
    /// output sit relative to each other changes a map's speed, by 4K aliasing for one,
    /// and differently for the two backends); favours the JIT only if it is faster by
    /// [`MARGIN`].
    fn decide(
        &self,
        xs: &[F],
        out: &mut [F],
        jit: impl Fn(&CompiledKernel<F>, &[F], &mut [F]),
        aot: impl Fn(&[F], &mut [F]),
    ) -> Choice<F> {
        let compiled = self.compiled.get_or_init(|| {
            // One JIT for every evaluator of the process, so that they share its
            // templates: an evaluator per parameter value compiles in microseconds.
            static SHARED: OnceLock<Option<Jit>> = OnceLock::new();
            SHARED
                .get_or_init(|| Jit::new().ok())
                .as_ref()
                .and_then(|j| j.compile(&self.dist).ok())
                .map(Arc::new)
        });
        let Some(k) = compiled else {
            return Choice::Aot;
        };
        let (sample, rounds) = if xs.len() >= SAMPLE_LARGE {
            (&xs[..xs.len().min(SAMPLE_CAP)], ROUNDS_LARGE)
        } else {
            (&xs[..xs.len().min(SAMPLE)], ROUNDS)
        };
        // Each timing covers about TIMED points (the sample repeated), so that a short
        // sample is not at the mercy of the timer's resolution.
        let reps = TIMED.div_ceil(sample.len()).max(1);
        let len = sample.len().min(out.len());
        let out = &mut out[..len];
        let mut time = |f: &dyn Fn(&mut [F])| {
            let t = Instant::now();
            for _ in 0..reps {
                f(out);
            }
            t.elapsed().as_secs_f64()
        };
        let mut t_jit = f64::INFINITY;
        let mut t_aot = f64::INFINITY;
        // Many short interleaved rounds, the best of each side: for a wrong choice, a
        // burst of noise would have to hit every round of one side and none of the other.
        for _ in 0..rounds {
            t_aot = t_aot.min(time(&|o| aot(sample, o)));
            t_jit = t_jit.min(time(&|o| jit(k, sample, o)));
        }
        if t_jit < MARGIN * t_aot {
            Choice::Jit(Arc::clone(k))
        } else {
            Choice::Aot
        }
    }
}
