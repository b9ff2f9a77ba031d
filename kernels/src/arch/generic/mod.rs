//! The vector trait every tier implements, and the batch drivers written once over it.

use crate::Float;
use core::ops::{Add, Div, Mul, Neg, Sub};

pub mod x4;
pub use x4::X4;

/// A vector of `f64` lanes, as one tier of the CPU provides it.
///
/// Every method is `#[inline(always)]` in the implementations, so that the generic
/// algorithms compile into the caller's `#[target_feature]` context.
pub trait Vector:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// Number of lanes.
    const LANES: usize;
    /// Whether the drivers evaluate the four vectors of their unrolled step as one
    /// [`X4`], operation by operation (see [`x4`]), rather than one after the other:
    /// true on the tiers where that measured faster (AVX2, AVX-512; on SSE2, with
    /// sixteen registers, lognormal measured 0.9x to 1.2x between runs).
    const INTERLEAVE: bool = false;
    /// A per-lane boolean.
    type Mask: Copy;
    /// The lanes as an array.
    type Array: Copy + Default + AsRef<[f64]> + AsMut<[f64]>;

    /// All lanes `v`.
    fn splat(v: f64) -> Self;
    /// Loads `LANES` values.
    ///
    /// # Safety
    /// `p` must be valid for reading `LANES` consecutive `f64` (no alignment needed).
    unsafe fn load(p: *const f64) -> Self;
    /// Stores `LANES` values.
    ///
    /// # Safety
    /// `p` must be valid for writing `LANES` consecutive `f64` (no alignment needed).
    unsafe fn store(self, p: *mut f64);
    /// Loads `LANES` `f32` values, widened exactly.
    ///
    /// # Safety
    /// `p` must be valid for reading `LANES` consecutive `f32` (no alignment needed).
    unsafe fn load_f32(p: *const f32) -> Self;
    /// Stores the lanes rounded to `f32`.
    ///
    /// # Safety
    /// `p` must be valid for writing `LANES` consecutive `f32` (no alignment needed).
    unsafe fn store_f32(self, p: *mut f32);
    /// The lanes as an array.
    fn to_array(self) -> Self::Array;
    /// A vector from an array of lanes.
    fn from_array(a: Self::Array) -> Self;

    /// `self · b + c`, with one rounding where the tier has FMA.
    fn mul_add(self, b: Self, c: Self) -> Self;
    /// `|self|`.
    fn abs(self) -> Self;
    /// `√self`, correctly rounded (NaN below zero).
    fn sqrt(self) -> Self;
    /// Round to nearest, ties to even (|self| < 2^51).
    fn round(self) -> Self;
    /// Largest integer not greater than the lane (|self| < 2^51).
    fn floor(self) -> Self;

    /// `self < o` per lane (false for NaN).
    fn lt(self, o: Self) -> Self::Mask;
    /// `self <= o` per lane (false for NaN).
    fn le(self, o: Self) -> Self::Mask;
    /// `self == o` per lane (false for NaN).
    fn eq(self, o: Self) -> Self::Mask;
    /// Lane-wise and.
    fn and(a: Self::Mask, b: Self::Mask) -> Self::Mask;
    /// Lane-wise or.
    fn or(a: Self::Mask, b: Self::Mask) -> Self::Mask;
    /// Lane-wise not.
    fn not(a: Self::Mask) -> Self::Mask;
    /// `m ? a : b` per lane.
    fn select(m: Self::Mask, a: Self, b: Self) -> Self;
    /// True if any lane of `m` is set.
    fn any(m: Self::Mask) -> bool;
    /// The mask with no lane set.
    fn none_mask() -> Self::Mask;

    /// For lanes holding positive normal finite values: `(k, m)` with
    /// `self = 2^k · m`, `m ∈ [√½, √2)`, `k` an integer-valued `f64`.
    fn split_sqrt2(self) -> (Self, Self);
    /// `self · 2^n` for integer-valued `n ∈ [−1022, 1023]`.
    fn ldexp(self, n: Self) -> Self;
    /// The sum of the lanes.
    fn reduce_add(self) -> f64;

    /// Lanes that are not positive normal finite numbers (zero, negative, subnormal,
    /// infinite or NaN): the lanes outside `[f64::MIN_POSITIVE, f64::MAX]`.
    #[inline(always)]
    fn not_positive_normal(self) -> Self::Mask {
        Self::not(Self::and(
            Self::splat(f64::MIN_POSITIVE).le(self),
            self.le(Self::splat(f64::MAX)),
        ))
    }

    /// `self / d` for lanes with `1 <= d <= 4` and `|self| <= 4` (the quotients of the
    /// math functions), within about 2^-52 of it relative (two roundings and a
    /// truncation of 2^-56 on AVX-512): not always correctly rounded.
    /// Tiers whose divider is slow and that have a reciprocal estimate refine the
    /// estimate instead; the others divide.
    #[inline(always)]
    fn div_small(self, d: Self) -> Self {
        self / d
    }

    /// Whether [`ln_core`](crate::math::vector::ln_core) takes the table method of
    /// [`ln_table16`](crate::math::vector::ln_table16) (through
    /// [`ln_reduce16`](Self::ln_reduce16)) instead of the quotient method: set by tiers
    /// with FMA and a permute that reads a 16-entry table from registers (AVX-512).
    const LN_TABLE16: bool = false;

    /// For lanes holding positive normal finite values, the reduction of
    /// [`ln_table16`](crate::math::vector::ln_table16): `[t, m, invc, a]` with
    /// `self = 2^k · m`, `m` in the sixteenth `j` of `[45/64, 45/32)`, `t = 16k + j`, and
    /// the table's entries `j`. Lane by lane here; tiers that set
    /// [`LN_TABLE16`](Self::LN_TABLE16) do it in registers.
    #[inline(always)]
    fn ln_reduce16(self) -> [Self; 4] {
        crate::math::vector::ln_reduce16_lanes(self)
    }

    /// The four vectors unchanged, but computed before anything that uses them: a
    /// point the compiler cannot move work across, which keeps the four chains of an
    /// [`X4`] interleaved (see [`x4`]). The identity by default.
    #[inline(always)]
    fn fence4(v: [Self; 4]) -> [Self; 4] {
        v
    }

    /// Looks up `table[lane]` for integer-valued lanes in `0..table.len()` (`table` not
    /// empty). Other lanes (negative, too large, NaN) read some entry of the table.
    #[inline(always)]
    fn gather(table: &[f64], idx: Self) -> Self {
        debug_assert!(!table.is_empty());
        let last = table.len() - 1;
        let mut a = idx.to_array();
        for v in a.as_mut() {
            // A whole i in [0, 2^52) is the low bits of i + 2^52; any other lane comes
            // out as some integer, clamped into the table. (A saturating float to
            // integer cast is a compare-and-select sequence per lane.)
            let i = (*v + TWO52).to_bits().wrapping_sub(TWO52_BITS);
            *v = table[(i.min(last as u64)) as usize];
        }
        Self::from_array(a)
    }
}

/// A kernel with a vector form: the family kernels implement it.
pub trait VectorKernel<F: Float>: crate::Kernel<F> {
    /// False when the parameters put the kernel on its reference path (degenerate or
    /// extreme parameters): the whole batch then goes through [`Kernel::eval`](crate::Kernel::eval).
    fn vectorizable(&self) -> bool {
        true
    }
    /// The log-density of every lane, and the mask of lanes whose value must instead
    /// come from the scalar path (special values, boundaries, rare ranges).
    fn eval_v<V: Vector>(&self, x: V) -> (V, V::Mask);

    /// False for a kernel whose vector form gains nothing from interleaving the four
    /// vectors of a step (a few operations), or loses by it (a branch on the lanes,
    /// taken by the whole [`X4`] when any of its lanes needs it).
    const INTERLEAVE: bool = true;

    /// [`eval_v`](VectorKernel::eval_v) of the four vectors of the drivers' unrolled
    /// step: as one [`X4`] where both the tier and the kernel interleave, otherwise
    /// one after the other.
    #[inline(always)]
    fn eval_v4<V: Vector>(&self, x: [V; 4]) -> [(V, V::Mask); 4] {
        if V::INTERLEAVE && Self::INTERLEAVE {
            return eval_x4(self, x);
        }
        // Spelled out: `array::map` is not `#[inline(always)]`, and out of line it is
        // compiled without the tier's target features.
        [
            self.eval_v(x[0]),
            self.eval_v(x[1]),
            self.eval_v(x[2]),
            self.eval_v(x[3]),
        ]
    }

    /// [`accumulate_v`](VectorKernel::accumulate_v) of the four vectors of the
    /// drivers' unrolled step into their four accumulators, interleaved as in
    /// [`eval_v4`](VectorKernel::eval_v4).
    #[inline(always)]
    fn accumulate_v4<V: Vector>(&self, x: [V; 4], acc: [V; 4]) -> [(V, V::Mask); 4] {
        if V::INTERLEAVE && Self::INTERLEAVE {
            let (X4(v), m) = self.accumulate_v(X4(x), X4(acc));
            return [(v[0], m[0]), (v[1], m[1]), (v[2], m[2]), (v[3], m[3])];
        }
        [
            self.accumulate_v(x[0], acc[0]),
            self.accumulate_v(x[1], acc[1]),
            self.accumulate_v(x[2], acc[2]),
            self.accumulate_v(x[3], acc[3]),
        ]
    }

    /// Adds the log-density of every lane of `x` into `acc` (in whatever form the
    /// kernel's [`finish_sum`](VectorKernel::finish_sum) completes); with the mask of
    /// [`eval_v`](VectorKernel::eval_v). A kernel may move per-point constants out of
    /// the loop here: the normal kernel accumulates `−Σw²` and adds `n·c` at the end.
    #[inline(always)]
    fn accumulate_v<V: Vector>(&self, x: V, acc: V) -> (V, V::Mask) {
        let (v, m) = self.eval_v(x);
        (acc + v, m)
    }

    /// False when `total`, accumulated by [`accumulate_v`](VectorKernel::accumulate_v),
    /// may have overflowed where the sum of the log-densities does not (a kernel whose
    /// accumulated form is not the log-density itself): the driver then sums the batch
    /// again from [`eval_v`](VectorKernel::eval_v).
    #[inline(always)]
    fn accumulated_ok(&self, total: f64) -> bool {
        let _ = total;
        true
    }

    /// True for a kernel whose [`accumulate_v`](VectorKernel::accumulate_v) is a
    /// few operations ending in one on the accumulator: [`sum`] then runs two
    /// unrolled steps per iteration into eight accumulators, so that the chains
    /// through the accumulators, not the operations, no longer set the pace (the
    /// normal's fma has a latency of four cycles: four chains allow one vector per
    /// cycle, where the core can issue two fmas and two adds).
    const WIDE_SUM: bool = false;

    /// Completes a vector sum of `points` points accumulated by `accumulate_v`.
    #[inline(always)]
    fn finish_sum(&self, total: f64, points: usize) -> f64 {
        let _ = points;
        total
    }
}

/// [`VectorKernel::eval_v`] of four vectors as one [`X4`]: the body of
/// [`VectorKernel::eval_v4`] on interleaving tiers, for kernels that override it.
#[inline(always)]
pub fn eval_x4<F: Float, K: VectorKernel<F>, V: Vector>(k: &K, x: [V; 4]) -> [(V, V::Mask); 4] {
    let (X4(v), m) = k.eval_v(X4(x));
    [(v[0], m[0]), (v[1], m[1]), (v[2], m[2]), (v[3], m[3])]
}

/// The sufficient statistic of a family, lane by lane: what vectorises
/// [`ExpFam::wrt`](crate::ExpFam::wrt) batches (the base measure cancels there, so
/// nothing else is needed).
pub trait VectorStat<const D: usize> {
    /// `T(x)` per lane, and the mask of lanes that must take the scalar path (outside
    /// the support, special values, rare ranges).
    fn suff_stat_v<V: Vector>(&self, x: V) -> ([V; D], V::Mask);
}

/// Loads and stores of `F` lanes into `f64` vectors.
pub trait LaneIo: Copy + 'static {
    /// Loads `V::LANES` values.
    ///
    /// # Safety
    /// `p` valid for `V::LANES` reads.
    unsafe fn load_v<V: Vector>(p: *const Self) -> V;
    /// Stores `V::LANES` values.
    ///
    /// # Safety
    /// `p` valid for `V::LANES` writes.
    unsafe fn store_v<V: Vector>(v: V, p: *mut Self);
}

impl LaneIo for f64 {
    #[inline(always)]
    unsafe fn load_v<V: Vector>(p: *const f64) -> V {
        // SAFETY: forwarded from the caller.
        unsafe { V::load(p) }
    }
    #[inline(always)]
    unsafe fn store_v<V: Vector>(v: V, p: *mut f64) {
        // SAFETY: forwarded from the caller.
        unsafe { v.store(p) }
    }
}

impl LaneIo for f32 {
    #[inline(always)]
    unsafe fn load_v<V: Vector>(p: *const f32) -> V {
        // SAFETY: forwarded from the caller.
        unsafe { V::load_f32(p) }
    }
    #[inline(always)]
    unsafe fn store_v<V: Vector>(v: V, p: *mut f32) {
        // SAFETY: forwarded from the caller.
        unsafe { v.store_f32(p) }
    }
}

/// The four vectors starting at `xs[i]`.
///
/// # Safety
/// `i + 4 · V::LANES <= xs.len()`.
#[inline(always)]
unsafe fn load4<V: Vector, F: Float>(xs: &[F], i: usize) -> [V; 4] {
    let (p, l) = (xs.as_ptr(), V::LANES);
    // SAFETY: the caller guarantees the four vectors lie inside `xs`.
    unsafe {
        [
            F::load_v::<V>(p.add(i)),
            F::load_v::<V>(p.add(i + l)),
            F::load_v::<V>(p.add(i + 2 * l)),
            F::load_v::<V>(p.add(i + 3 * l)),
        ]
    }
}

/// `out[i] = k(xs[i])` with vectors of `V`, four vectors per step (independent
/// chains for the out-of-order core); the tail and vectors with special lanes go
/// through the scalar kernel. Lengths must be equal (checked by the caller).
#[inline(always)]
pub fn map<V: Vector, F: Float, K: VectorKernel<F>>(k: &K, xs: &[F], out: &mut [F]) {
    map_with::<V, F, K, false>(k, xs, out)
}

/// [`map`] (`ADD = false`), or `out[i] += k(xs[i])` (`ADD = true`: one term of a sum
/// of log-densities, added in `f64` and rounded once to `F` on the vector path).
#[inline(always)]
pub fn map_with<V: Vector, F: Float, K: VectorKernel<F>, const ADD: bool>(
    k: &K,
    xs: &[F],
    out: &mut [F],
) {
    debug_assert_eq!(xs.len(), out.len());
    let n = xs.len().min(out.len());
    let put = |o: &mut F, v: f64| {
        *o = if ADD {
            F::from_f64(o.to_f64() + v)
        } else {
            F::from_f64(v)
        }
    };
    let scalar = |out: &mut [F], xs: &[F]| {
        for (o, &x) in out.iter_mut().zip(xs) {
            put(o, k.eval(x).to_f64());
        }
    };
    if !k.vectorizable() {
        scalar(&mut out[..n], &xs[..n]);
        return;
    }
    let l = V::LANES;
    let store = |out: &mut [F], i: usize, v: V| {
        let o = out.as_mut_ptr();
        // SAFETY: the callers pass `i + LANES <= n <= out.len()`.
        unsafe {
            let v = if ADD { F::load_v::<V>(o.add(i)) + v } else { v };
            F::store_v(v, o.add(i));
        }
    };
    let mut i = 0;
    while i + 4 * l <= n {
        // SAFETY: i + 4·LANES <= n <= the length of both slices.
        let x = unsafe { load4::<V, F>(xs, i) };
        let r = k.eval_v4(x);
        let special = V::or(V::or(r[0].1, r[1].1), V::or(r[2].1, r[3].1));
        if V::any(special) {
            scalar(&mut out[i..i + 4 * l], &xs[i..i + 4 * l]);
        } else {
            for (j, (v, _)) in r.into_iter().enumerate() {
                store(out, i + j * l, v);
            }
        }
        i += 4 * l;
    }
    while i + l <= n {
        // SAFETY: i + LANES <= n.
        let x = unsafe { F::load_v::<V>(xs.as_ptr().add(i)) };
        let (v, s) = k.eval_v(x);
        if V::any(s) {
            scalar(&mut out[i..i + l], &xs[i..i + l]);
        } else {
            store(out, i, v);
        }
        i += l;
    }
    match partial::<V, F, K>(k, &xs[i..n]) {
        Some(a) => {
            for (o, v) in out[i..n].iter_mut().zip(a.as_ref()) {
                put(o, *v);
            }
        }
        None => scalar(&mut out[i..n], &xs[i..n]),
    }
}

/// Adds `k` at the rows `i..i + 4·LANES` of `xs` into `acc` (one unrolled step of
/// [`map_terms`]): the vector form, or the scalar kernel for a step with a special
/// lane or a kernel on its reference path.
///
/// Inlined into the tier's entry point in optimised builds. Out of line where debug
/// assertions are on: unoptimised, the entry point with every family's step inlined
/// took a stack frame of 1.6 MB (portable tier) to 3.2 MB (AVX-512), past a test
/// thread's 2 MiB and wasm's 1 MiB stack. (An optimised build with debug assertions
/// keeps the steps out of line too, without the tier's features: right, but slow.)
///
/// # Safety
/// `i + 4 · V::LANES <= xs.len()`.
#[cfg_attr(debug_assertions, inline(never))]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) unsafe fn add_step<V: Vector, F: Float, K: VectorKernel<F>>(
    k: &K,
    xs: &[F],
    i: usize,
    acc: &mut [V; 4],
) {
    let l = V::LANES;
    debug_assert!(i + 4 * l <= xs.len());
    if k.vectorizable() {
        // SAFETY: i + 4·LANES <= xs.len() (the caller's contract).
        let x = unsafe { load4::<V, F>(xs, i) };
        let r = k.eval_v4(x);
        if !V::any(V::or(V::or(r[0].1, r[1].1), V::or(r[2].1, r[3].1))) {
            *acc = [
                acc[0] + r[0].0,
                acc[1] + r[1].0,
                acc[2] + r[2].0,
                acc[3] + r[3].0,
            ];
            return;
        }
    }
    for (j, a) in acc.iter_mut().enumerate() {
        let mut lanes = V::splat(0.0).to_array();
        for (v, &x) in lanes
            .as_mut()
            .iter_mut()
            .zip(&xs[i + j * l..i + (j + 1) * l])
        {
            *v = k.eval(x).to_f64();
        }
        *a = *a + V::from_array(lanes);
    }
}

/// `out[i] = Σ_t k_t(x_t[i])` over the terms `(k_t, x_t)` (with `add`, `out[i] +=`),
/// every term of a step of `4·LANES` rows in turn: each column is read, and the output
/// written, as one steady stream, which the hardware prefetchers keep ahead of the
/// arithmetic. (A family term per pass over a block of rows streams one column at a
/// time, in bursts.) Each row is summed in `f64` in the terms' order and rounded once
/// to `F`.
///
/// # Panics
/// If a column has fewer than `out.len()` rows (checked once, before any row).
#[inline(always)]
pub fn map_terms<V: Vector, F: Float>(
    terms: &[(crate::DistKernel<F>, &[F])],
    out: &mut [F],
    add: bool,
) {
    let n = out.len();
    assert!(
        terms.iter().all(|(_, xs)| xs.len() >= n),
        "a column is shorter than the output"
    );
    let l = V::LANES;
    let mut i = 0;
    while i + 4 * l <= n {
        let mut acc = if add {
            // SAFETY: i + 4·LANES <= n = out.len().
            unsafe { load4::<V, F>(out, i) }
        } else {
            [V::splat(0.0); 4]
        };
        for (k, xs) in terms {
            // SAFETY: i + 4·LANES <= n <= xs.len() (asserted above).
            unsafe { k.add_step(xs, i, &mut acc) };
        }
        let o = out.as_mut_ptr();
        // SAFETY: i + 4·LANES <= n = out.len().
        unsafe {
            F::store_v(acc[0], o.add(i));
            F::store_v(acc[1], o.add(i + l));
            F::store_v(acc[2], o.add(i + 2 * l));
            F::store_v(acc[3], o.add(i + 3 * l));
        }
        i += 4 * l;
    }
    map_terms_rows(terms, out, i, add);
}

/// The rows from `start` of [`map_terms`], one at a time in the scalar kernels.
#[inline(always)]
pub(crate) fn map_terms_rows<F: Float>(
    terms: &[(crate::DistKernel<F>, &[F])],
    out: &mut [F],
    start: usize,
    add: bool,
) {
    for (r, o) in out.iter_mut().enumerate().skip(start) {
        let mut s = if add { o.to_f64() } else { 0.0 };
        for (k, xs) in terms {
            s += crate::Kernel::eval(k, xs[r]).to_f64();
        }
        *o = F::from_f64(s);
    }
}

/// `acc[j] + r[j]` with the masks of `r` (the sum of one unrolled step).
#[inline(always)]
pub fn added<V: Vector>(r: [(V, V::Mask); 4], acc: [V; 4]) -> [(V, V::Mask); 4] {
    [
        (acc[0] + r[0].0, r[0].1),
        (acc[1] + r[1].0, r[1].1),
        (acc[2] + r[2].0, r[2].1),
        (acc[3] + r[3].0, r[3].1),
    ]
}

/// Fewest trailing points evaluated as one padded vector: a lone point costs less in
/// the scalar kernel than a whole vector (a batch of one is a single call).
const PARTIAL_MIN: usize = 2;

/// The last `xs.len() < LANES` points as one vector, padded with copies of the first
/// point (so a padding lane is special only when a real one is): the lane values, of
/// which the first `xs.len()` are the points'. `None` when a lane is special or there
/// are fewer than [`PARTIAL_MIN`] points: the caller evaluates those in the scalar
/// kernel.
#[inline(always)]
fn partial<V: Vector, F: Float, K: VectorKernel<F>>(k: &K, xs: &[F]) -> Option<V::Array> {
    if xs.len() < PARTIAL_MIN {
        return None;
    }
    let mut a = V::splat(xs[0].to_f64()).to_array();
    for (l, x) in a.as_mut().iter_mut().zip(xs) {
        *l = x.to_f64();
    }
    let (v, s) = k.eval_v(V::from_array(a));
    (!V::any(s)).then(|| v.to_array())
}

/// `Σ k(xs[i])` with four vector accumulators (in `f64` for every `F`), no stores.
#[inline(always)]
pub fn sum<V: Vector, F: Float, K: VectorKernel<F>>(k: &K, xs: &[F]) -> F {
    if !k.vectorizable() {
        let mut acc = 0.0f64;
        for &x in xs {
            acc += k.eval(x).to_f64();
        }
        return F::from_f64(acc);
    }
    let (total, points, tail) = sum_pass::<V, F, K, true>(k, xs);
    if k.accumulated_ok(total) {
        return F::from_f64(k.finish_sum(total, points) + tail);
    }
    let (total, _, tail) = sum_pass::<V, F, K, false>(k, xs);
    F::from_f64(total + tail)
}

/// `Σ k.eval(x)` over `xs` in the scalar kernel (the points of a step with a special
/// lane).
fn scalar_sum<F: Float, K: VectorKernel<F>>(k: &K, xs: &[F]) -> f64 {
    let mut s = 0.0;
    for &x in xs {
        s += k.eval(x).to_f64();
    }
    s
}

/// One unrolled step of [`sum_pass`] at `i` into `acc`, counted in `points`; when a
/// lane is special, `acc` is untouched and the step's points go into `tail` through
/// the scalar kernel. A function, not a closure: a closure called from two places
/// may be left out of line, and out of line it lacks the tier's target features.
#[inline(always)]
fn sum_block<V: Vector, F: Float, K: VectorKernel<F>, const ACCUMULATE: bool>(
    k: &K,
    xs: &[F],
    i: usize,
    acc: &mut [V; 4],
    points: &mut usize,
    tail: &mut f64,
) {
    debug_assert!(i + 4 * V::LANES <= xs.len());
    // SAFETY: the callers pass i + 4·LANES <= xs.len().
    let x = unsafe { load4::<V, F>(xs, i) };
    let r = if ACCUMULATE {
        k.accumulate_v4(x, *acc)
    } else {
        added(k.eval_v4(x), *acc)
    };
    if V::any(V::or(V::or(r[0].1, r[1].1), V::or(r[2].1, r[3].1))) {
        *tail += scalar_sum(k, &xs[i..i + 4 * V::LANES]);
    } else {
        *acc = [r[0].0, r[1].0, r[2].0, r[3].0];
        *points += 4 * V::LANES;
    }
}

/// One pass of [`sum`]: the reduced vector accumulators, the number of points they
/// hold and the scalar sum of the rest. `ACCUMULATE` selects
/// [`VectorKernel::accumulate_v`] (else `acc + eval_v`).
#[inline(always)]
fn sum_pass<V: Vector, F: Float, K: VectorKernel<F>, const ACCUMULATE: bool>(
    k: &K,
    xs: &[F],
) -> (f64, usize, f64) {
    let n = xs.len();
    let l = V::LANES;
    let step = |x: V, acc: V| {
        if ACCUMULATE {
            k.accumulate_v(x, acc)
        } else {
            let (v, m) = k.eval_v(x);
            (acc + v, m)
        }
    };
    let mut acc = [V::splat(0.0); 4];
    // The second set of accumulators of [`VectorKernel::WIDE_SUM`] kernels.
    let mut acc2 = [V::splat(0.0); 4];
    let mut vector_points = 0usize;
    let mut tail = 0.0f64;
    let mut i = 0;
    while K::WIDE_SUM && i + 8 * l <= n {
        sum_block::<V, F, K, ACCUMULATE>(k, xs, i, &mut acc, &mut vector_points, &mut tail);
        i += 4 * l;
        sum_block::<V, F, K, ACCUMULATE>(k, xs, i, &mut acc2, &mut vector_points, &mut tail);
        i += 4 * l;
    }
    while i + 4 * l <= n {
        sum_block::<V, F, K, ACCUMULATE>(k, xs, i, &mut acc, &mut vector_points, &mut tail);
        i += 4 * l;
    }
    while i + l <= n {
        // SAFETY: i + LANES <= n.
        let x = unsafe { F::load_v::<V>(xs.as_ptr().add(i)) };
        let (a, s) = step(x, acc[0]);
        if V::any(s) {
            tail += scalar_sum(k, &xs[i..i + l]);
        } else {
            acc[0] = a;
            vector_points += l;
        }
        i += l;
    }
    // Evaluated, not accumulated: padding lanes must not enter the accumulators.
    match partial::<V, F, K>(k, &xs[i..]) {
        Some(a) => tail += a.as_ref()[..n - i].iter().sum::<f64>(),
        None => tail += scalar_sum(k, &xs[i..]),
    }
    let total = (((acc[0] + acc2[0]) + (acc[1] + acc2[1]))
        + ((acc[2] + acc2[2]) + (acc[3] + acc2[3])))
        .reduce_add();
    (total, vector_points, tail)
}

/// `2^52 + 1023`: adding it to an integer-valued `n ∈ [−1023, 1024]` leaves `n + 1023` in
/// the low mantissa bits, which `<< 52` turns into the exponent field of `2^n`.
pub const LDEXP_SHIFT: f64 = 4_503_599_627_371_519.0;
/// Added to the bits of `x` so that the exponent field rounds at `√½` rather than 1
/// (`(0x3ff00000 − 0x3fe6a09e) << 32`).
pub const SQRT2_OFFSET: u64 = 0x0009_5f62_0000_0000;
/// The mantissa field.
pub const MANT_MASK: u64 = 0x000f_ffff_ffff_ffff;
/// The bits of `√½` truncated to its high word: the bottom of the mantissa range.
pub const SQRT_HALF_BITS: u64 = 0x3fe6_a09e_0000_0000;
/// `2^52` as bits: `k | TWO52_BITS` reinterpreted is `2^52 + k` for `0 <= k < 2^52`.
pub const TWO52_BITS: u64 = 0x4330_0000_0000_0000;
/// `2^52`.
pub const TWO52: f64 = 4_503_599_627_370_496.0;
