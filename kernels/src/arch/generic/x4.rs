//! [`X4`]: the four vectors of the drivers' unrolled step as one [`Vector`], so that a
//! kernel's code for them comes out interleaved, operation by operation.
//!
//! Why: a logarithm or an exponential is a dependency chain of some thirty operations
//! of three to five cycles each, longer than the out-of-order window can cover when the
//! four chains of a step come one after the other in program order (as the compiler
//! emits four calls of a kernel's `eval_v`): the core then waits on one chain at a
//! time. Issued side by side, the four chains fill the pipes. Measured on a Zen 4
//! EPYC (AVX-512), four chains of 24 dependent FMAs per step: 1.18 ns/element one after
//! the other, 0.80 interleaved.
//!
//! The compiler, left alone, schedules the interleaved operations back into one chain
//! after another where registers run short (no two `vrcp14pd` of a lognormal step were
//! adjacent). So each arithmetic operation of an `X4` ends in [`Vector::fence4`], an
//! empty `asm!` that takes the four results in registers on AVX2 and AVX-512: the
//! compiler cannot move work of one chain past it. The fence alone (against `X4`
//! without it): lognormal 0.76, Weibull 0.92 on AVX-512.
//!
//! Maps at 4096 points, the kernels' `eval_v4` (interleaved) against four `eval_v`
//! calls, alternated in one process on a Zen 4 EPYC (one run; the README has the
//! range over several): AVX-512 lognormal 0.89, gamma 0.97, beta 0.96, inverse gamma
//! 0.95, poisson 0.91, binomial 0.88; AVX2 lognormal 0.90, gamma 0.91, Weibull 0.93,
//! beta 0.92, inverse gamma 0.85, chi-squared 0.79. Sums likewise (AVX-512 gamma 0.80,
//! lognormal 0.86). Kernels of a few operations, and the negative binomial (whose
//! branch on the lanes the whole `X4` takes when one lane needs it: 1.3–1.7x slower),
//! opt out by [`VectorKernel::INTERLEAVE`](super::VectorKernel::INTERLEAVE).

use super::Vector;
use core::marker::PhantomData;
use core::ops::{Add, Div, Mul, Neg, Sub};

/// Four vectors of a tier, every operation applied to each in turn.
#[derive(Clone, Copy)]
pub struct X4<V>(pub [V; 4]);

/// The lanes of an [`X4`]: those of its four vectors, one after the other (at most
/// 4 · 8 of them).
#[derive(Clone, Copy)]
pub struct X4Array<V>([f64; 32], PhantomData<V>);

impl<V> Default for X4Array<V> {
    #[inline(always)]
    fn default() -> Self {
        X4Array([0.0; 32], PhantomData)
    }
}

impl<V: Vector> X4Array<V> {
    /// The lanes in use; checked at compile time to fit the array.
    const LEN: usize = {
        assert!(4 * V::LANES <= 32, "X4 holds vectors of up to 8 lanes");
        4 * V::LANES
    };
}

impl<V: Vector> AsRef<[f64]> for X4Array<V> {
    #[inline(always)]
    fn as_ref(&self) -> &[f64] {
        &self.0[..Self::LEN]
    }
}

impl<V: Vector> AsMut<[f64]> for X4Array<V> {
    #[inline(always)]
    fn as_mut(&mut self) -> &mut [f64] {
        &mut self.0[..Self::LEN]
    }
}

/// `X4([f(a[0]), …, f(a[3])])`, spelled out: `array::map` is not `#[inline(always)]`,
/// and out of line it would be compiled without the tier's target features.
macro_rules! each {
    (|$($a:ident),+| $e:expr) => {
        [each!(@ 0, $($a),+; $e), each!(@ 1, $($a),+; $e),
         each!(@ 2, $($a),+; $e), each!(@ 3, $($a),+; $e)]
    };
    (@ $i:tt, $($a:ident),+; $e:expr) => {{
        $(let $a = $a[$i];)+
        $e
    }};
}

macro_rules! binary {
    ($($trait:ident $method:ident),*) => {$(
        impl<V: Vector> $trait for X4<V> {
            type Output = Self;
            #[inline(always)]
            fn $method(self, o: Self) -> Self {
                let (a, b) = (self.0, o.0);
                X4(V::fence4(each!(|a, b| a.$method(b))))
            }
        }
    )*};
}
binary!(Add add, Sub sub, Mul mul, Div div);

impl<V: Vector> Neg for X4<V> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        let a = self.0;
        X4(each!(|a| -a))
    }
}

impl<V: Vector> Vector for X4<V> {
    const LANES: usize = 4 * V::LANES;
    type Mask = [V::Mask; 4];
    type Array = X4Array<V>;

    #[inline(always)]
    fn splat(v: f64) -> Self {
        X4([V::splat(v); 4])
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        // SAFETY: the caller guarantees 4 · V::LANES readable f64 at p.
        unsafe {
            X4([
                V::load(p),
                V::load(p.add(V::LANES)),
                V::load(p.add(2 * V::LANES)),
                V::load(p.add(3 * V::LANES)),
            ])
        }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        // SAFETY: the caller guarantees 4 · V::LANES writable f64 at p.
        unsafe {
            for (j, v) in self.0.into_iter().enumerate() {
                v.store(p.add(j * V::LANES));
            }
        }
    }
    #[inline(always)]
    unsafe fn load_f32(p: *const f32) -> Self {
        // SAFETY: the caller guarantees 4 · V::LANES readable f32 at p.
        unsafe {
            X4([
                V::load_f32(p),
                V::load_f32(p.add(V::LANES)),
                V::load_f32(p.add(2 * V::LANES)),
                V::load_f32(p.add(3 * V::LANES)),
            ])
        }
    }
    #[inline(always)]
    unsafe fn store_f32(self, p: *mut f32) {
        // SAFETY: the caller guarantees 4 · V::LANES writable f32 at p.
        unsafe {
            for (j, v) in self.0.into_iter().enumerate() {
                v.store_f32(p.add(j * V::LANES));
            }
        }
    }
    #[inline(always)]
    fn to_array(self) -> X4Array<V> {
        let mut a = X4Array::default();
        for (chunk, v) in a.as_mut().chunks_exact_mut(V::LANES).zip(self.0) {
            chunk.copy_from_slice(v.to_array().as_ref());
        }
        a
    }
    #[inline(always)]
    fn from_array(a: X4Array<V>) -> Self {
        let mut v = [V::splat(0.0); 4];
        for (v, chunk) in v.iter_mut().zip(a.as_ref().chunks_exact(V::LANES)) {
            let mut lanes = V::Array::default();
            lanes.as_mut().copy_from_slice(chunk);
            *v = V::from_array(lanes);
        }
        X4(v)
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        let (a, b, c) = (self.0, b.0, c.0);
        X4(V::fence4(each!(|a, b, c| a.mul_add(b, c))))
    }
    #[inline(always)]
    fn abs(self) -> Self {
        let a = self.0;
        X4(each!(|a| a.abs()))
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        let a = self.0;
        X4(each!(|a| a.sqrt()))
    }
    #[inline(always)]
    fn round(self) -> Self {
        let a = self.0;
        X4(each!(|a| a.round()))
    }
    #[inline(always)]
    fn floor(self) -> Self {
        let a = self.0;
        X4(each!(|a| a.floor()))
    }
    #[inline(always)]
    fn lt(self, o: Self) -> Self::Mask {
        let (a, b) = (self.0, o.0);
        each!(|a, b| a.lt(b))
    }
    #[inline(always)]
    fn le(self, o: Self) -> Self::Mask {
        let (a, b) = (self.0, o.0);
        each!(|a, b| a.le(b))
    }
    #[inline(always)]
    fn eq(self, o: Self) -> Self::Mask {
        let (a, b) = (self.0, o.0);
        each!(|a, b| a.eq(b))
    }
    #[inline(always)]
    fn and(a: Self::Mask, b: Self::Mask) -> Self::Mask {
        each!(|a, b| V::and(a, b))
    }
    #[inline(always)]
    fn or(a: Self::Mask, b: Self::Mask) -> Self::Mask {
        each!(|a, b| V::or(a, b))
    }
    #[inline(always)]
    fn not(a: Self::Mask) -> Self::Mask {
        each!(|a| V::not(a))
    }
    #[inline(always)]
    fn select(m: Self::Mask, a: Self, b: Self) -> Self {
        let (a, b) = (a.0, b.0);
        X4(each!(|m, a, b| V::select(m, a, b)))
    }
    #[inline(always)]
    fn any(m: Self::Mask) -> bool {
        V::any(V::or(V::or(m[0], m[1]), V::or(m[2], m[3])))
    }
    #[inline(always)]
    fn none_mask() -> Self::Mask {
        [V::none_mask(); 4]
    }
    #[inline(always)]
    fn split_sqrt2(self) -> (Self, Self) {
        let a = self.0;
        let [p0, p1, p2, p3] = each!(|a| a.split_sqrt2());
        (X4([p0.0, p1.0, p2.0, p3.0]), X4([p0.1, p1.1, p2.1, p3.1]))
    }
    #[inline(always)]
    fn ldexp(self, n: Self) -> Self {
        let (a, n) = (self.0, n.0);
        X4(each!(|a, n| a.ldexp(n)))
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        let [a, b, c, d] = self.0;
        ((a + b) + (c + d)).reduce_add()
    }
    #[inline(always)]
    fn not_positive_normal(self) -> Self::Mask {
        let a = self.0;
        each!(|a| a.not_positive_normal())
    }
    const LN_TABLE16: bool = V::LN_TABLE16;
    #[inline(always)]
    fn ln_reduce16(self) -> [Self; 4] {
        let a = self.0;
        let [p0, p1, p2, p3] = each!(|a| a.ln_reduce16());
        // Spelled out, like `each!`: a closure could be compiled out of line.
        [
            X4(V::fence4([p0[0], p1[0], p2[0], p3[0]])),
            X4(V::fence4([p0[1], p1[1], p2[1], p3[1]])),
            X4(V::fence4([p0[2], p1[2], p2[2], p3[2]])),
            X4(V::fence4([p0[3], p1[3], p2[3], p3[3]])),
        ]
    }
    #[inline(always)]
    fn div_small(self, d: Self) -> Self {
        let (a, d) = (self.0, d.0);
        X4(each!(|a, d| a.div_small(d)))
    }
    #[inline(always)]
    fn gather(table: &[f64], idx: Self) -> Self {
        let i = idx.0;
        X4(each!(|i| V::gather(table, i)))
    }
}
