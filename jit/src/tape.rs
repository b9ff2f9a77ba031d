//! Tracing: the kernels' generic vector code (`VectorKernel::eval_v` and the vector
//! math of `expfam_kernels::math::vector`) run once on [`T`], a [`Vector`] whose
//! operations append to a tape instead of computing. The tape is then lowered to
//! Cranelift IR (`codegen.rs`). So the JIT evaluates exactly the algorithms of the AOT
//! tiers, with every parameter-derived constant folded into an immediate.
//!
//! The tape deduplicates identical operations and folds operations on constants (with
//! the scalar tier's arithmetic), so per-point code holds only per-point work.

use expfam_kernels::arch::generic::Vector;
use expfam_kernels::arch::scalar::F64x1;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A hash that takes one 64-bit word at a time: every integer a key writes is one
/// word (bytes are padded into words), for [`Words`].
pub(crate) trait Mix: Default {
    fn add(&mut self, word: u64);
    fn finish(&self) -> u64;
}

/// The [`Hasher`] of a [`Mix`].
#[derive(Default, Clone, Copy)]
pub(crate) struct Words<M>(pub(crate) M);

impl<M: Mix> Hasher for Words<M> {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0.add(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.0.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.0.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.0.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// A multiply-rotate hash (the Fx hash of rustc), for the tape's and the template
/// cache's maps: their keys are the JIT's own operations, not outside input, and SipHash
/// was most of the time of a compile that reuses a template (tracing pushes every
/// operation through the tape's map).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Mix for Fx {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with the [`Fx`] hash.
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<Words<Fx>>>;

/// Index of an operation on the tape.
pub(crate) type Id = u32;

/// One operation. Values are vectors of `f64` lanes; comparisons and mask operations
/// give per-lane masks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Op {
    /// Data column `c`, widened to `f64`.
    Input(u16),
    /// A constant (the bits of an `f64`).
    Const(u64),
    /// A constant mask (all lanes set or none).
    MaskConst(bool),
    Add(Id, Id),
    Sub(Id, Id),
    Mul(Id, Id),
    Div(Id, Id),
    Neg(Id),
    Abs(Id),
    Sqrt(Id),
    Round(Id),
    Floor(Id),
    /// `a · b + c`: one rounding where the ISA has FMA.
    Fma(Id, Id, Id),
    Lt(Id, Id),
    Le(Id, Id),
    Eq(Id, Id),
    And(Id, Id),
    Or(Id, Id),
    Not(Id),
    /// `mask ? a : b`.
    Select(Id, Id, Id),
    /// The exponent `k` of [`Vector::split_sqrt2`].
    SplitK(Id),
    /// The mantissa `m` of [`Vector::split_sqrt2`].
    SplitM(Id),
    /// `a · 2^n`.
    Ldexp(Id, Id),
    /// `tables[t][idx]`, the index clamped into the table.
    Gather(u16, Id),
    /// The compiled kernel's own table at `idx`, clamped into it: its
    /// [`OWN_ROWS`](crate::compiled::OWN_ROWS) values at `0, 1, …`, computed when it
    /// is compiled (see [`crate::compiled::Rows`]). Its contents are the kernel's, not
    /// the shape's: code reads it at the fallback context's address.
    Own(Id),
}

impl Op {
    /// The operands.
    pub(crate) fn args(&self) -> ([Id; 3], usize) {
        match *self {
            Op::Input(_) | Op::Const(_) | Op::MaskConst(_) => ([0; 3], 0),
            Op::Neg(a)
            | Op::Abs(a)
            | Op::Sqrt(a)
            | Op::Round(a)
            | Op::Floor(a)
            | Op::Not(a)
            | Op::SplitK(a)
            | Op::SplitM(a)
            | Op::Gather(_, a)
            | Op::Own(a) => ([a, 0, 0], 1),
            Op::Add(a, b)
            | Op::Sub(a, b)
            | Op::Mul(a, b)
            | Op::Div(a, b)
            | Op::Lt(a, b)
            | Op::Le(a, b)
            | Op::Eq(a, b)
            | Op::And(a, b)
            | Op::Or(a, b)
            | Op::Ldexp(a, b) => ([a, b, 0], 2),
            Op::Fma(a, b, c) | Op::Select(a, b, c) => ([a, b, c], 3),
        }
    }
}

/// A recorded computation.
#[derive(Debug, Default)]
pub(crate) struct Tape {
    /// The operations, in dependency order.
    pub(crate) ops: Vec<Op>,
    index: FxHashMap<Op, Id>,
    /// Lookup tables referenced by [`Op::Gather`], copied so the compiled code owns them.
    pub(crate) tables: Vec<Box<[f64]>>,
    table_keys: Vec<(usize, usize)>,
    /// Set when the traced code used an operation that cannot be recorded.
    pub(crate) unsupported: Option<&'static str>,
    /// While set, [`Vector::any`] of an unknown mask answers `false` and records the
    /// mask in `guards` (the speculative trace: see [`trace_speculative`]).
    speculating: bool,
    /// The masks the speculative trace assumed empty.
    guards: Vec<Id>,
}

impl Tape {
    /// A tape of `ops` alone (for lowering; nothing more can be pushed meaningfully).
    pub(crate) fn from_ops(ops: Vec<Op>) -> Tape {
        Tape {
            ops,
            ..Tape::default()
        }
    }

    fn constant(&self, id: Id) -> Option<f64> {
        match self.ops[id as usize] {
            Op::Const(b) => Some(f64::from_bits(b)),
            _ => None,
        }
    }

    fn mask_constant(&self, id: Id) -> Option<bool> {
        match self.ops[id as usize] {
            Op::MaskConst(b) => Some(b),
            _ => None,
        }
    }

    /// Folds `op` when its operands are constants (or when a constant mask decides
    /// it); `None` when it must be recorded.
    fn fold(&self, op: Op) -> Option<Op> {
        let c = |i: Id| self.constant(i).map(F64x1);
        let m = |i: Id| self.mask_constant(i);
        let num = |v: F64x1| Some(Op::Const(v.0.to_bits()));
        let same = |i: Id| Some(self.ops[i as usize]);
        match op {
            Op::Add(a, b) => num(c(a)? + c(b)?),
            Op::Sub(a, b) => num(c(a)? - c(b)?),
            Op::Mul(a, b) => num(c(a)? * c(b)?),
            Op::Div(a, b) => num(c(a)? / c(b)?),
            Op::Neg(a) => num(-c(a)?),
            Op::Abs(a) => num(c(a)?.abs()),
            Op::Sqrt(a) => num(F64x1(c(a)?.0.sqrt())),
            Op::Round(a) => num(c(a)?.round()),
            Op::Floor(a) => num(c(a)?.floor()),
            Op::Fma(a, b, d) => num(c(a)?.mul_add(c(b)?, c(d)?)),
            Op::Lt(a, b) => Some(Op::MaskConst(c(a)?.lt(c(b)?))),
            Op::Le(a, b) => Some(Op::MaskConst(c(a)?.le(c(b)?))),
            Op::Eq(a, b) => Some(Op::MaskConst(c(a)?.eq(c(b)?))),
            Op::And(a, b) => match (m(a), m(b)) {
                (Some(false), _) | (_, Some(false)) => Some(Op::MaskConst(false)),
                (Some(true), _) => same(b),
                (_, Some(true)) => same(a),
                _ => None,
            },
            Op::Or(a, b) => match (m(a), m(b)) {
                (Some(true), _) | (_, Some(true)) => Some(Op::MaskConst(true)),
                (Some(false), _) => same(b),
                (_, Some(false)) => same(a),
                _ => None,
            },
            Op::Not(a) => Some(Op::MaskConst(!m(a)?)),
            Op::Select(s, a, b) => match m(s)? {
                true => same(a),
                false => same(b),
            },
            Op::SplitK(a) => num(c(a)?.split_sqrt2().0),
            Op::SplitM(a) => num(c(a)?.split_sqrt2().1),
            Op::Ldexp(a, n) => num(c(a)?.ldexp(c(n)?)),
            Op::Gather(t, i) => num(F64x1::gather(&self.tables[t as usize], c(i)?)),
            Op::Input(_) | Op::Const(_) | Op::MaskConst(_) | Op::Own(_) => None,
        }
    }

    /// Appends `op` (folded and deduplicated) and returns its id.
    pub(crate) fn push(&mut self, op: Op) -> Id {
        let op = self.fold(op).unwrap_or(op);
        if let Some(&id) = self.index.get(&op) {
            return id;
        }
        let id = self.ops.len() as Id;
        self.ops.push(op);
        self.index.insert(op, id);
        id
    }

    fn table(&mut self, table: &[f64]) -> u16 {
        let key = (table.as_ptr() as usize, table.len());
        if let Some(i) = self.table_keys.iter().position(|&k| k == key) {
            return i as u16;
        }
        self.table_keys.push(key);
        self.tables.push(table.into());
        (self.tables.len() - 1) as u16
    }

    /// Which operations the outputs depend on.
    pub(crate) fn live(&self, outputs: &[Id]) -> Vec<bool> {
        let mut live = vec![false; self.ops.len()];
        for &o in outputs {
            live[o as usize] = true;
        }
        for i in (0..self.ops.len()).rev() {
            if live[i] {
                let (args, n) = self.ops[i].args();
                for &a in &args[..n] {
                    live[a as usize] = true;
                }
            }
        }
        live
    }
}

thread_local! {
    static TAPE: RefCell<Option<Tape>> = const { RefCell::new(None) };
}

/// Runs `f` with a fresh tape active on this thread and returns its result and the tape.
pub(crate) fn trace<R>(f: impl FnOnce() -> R) -> (R, Tape) {
    let previous = TAPE.with_borrow_mut(|t| t.replace(Tape::default()));
    let r = f();
    let tape = TAPE
        .with_borrow_mut(|t| std::mem::replace(t, previous))
        .unwrap_or_default();
    (r, tape)
}

/// A traced program: its value and its special-lane mask.
pub(crate) type Traced = Option<(T, T)>;

/// Traces `f` twice on one fresh tape. The first trace is the general program: every
/// data-dependent `any` answers `true`, so both sides of a shortcut are recorded and
/// the kernel's `select`s pick per lane. The second trace assumes every such `any` is
/// `false` (the shortcut taken) and returns that program with the assumed-empty masks
/// added to its special mask: its value is right wherever its mask is clear. The
/// second is `None` when the kernel has no data-dependent shortcut (it would be the
/// same program).
pub(crate) fn trace_speculative(f: impl Fn() -> Traced) -> (Traced, Traced, Tape) {
    let (r, tape) = trace(|| {
        let full = f();
        with_tape(|t| t.speculating = true);
        let fast = f();
        let guards = with_tape(|t| {
            t.speculating = false;
            std::mem::take(&mut t.guards)
        })
        .unwrap_or_default();
        let fast = match fast {
            Some((v, mut m)) if !guards.is_empty() => {
                for g in guards {
                    m = push(Op::Or(m.0, g));
                }
                Some((v, m))
            }
            _ => None,
        };
        (full, fast)
    });
    (r.0, r.1, tape)
}

fn with_tape<R>(f: impl FnOnce(&mut Tape) -> R) -> Option<R> {
    TAPE.with_borrow_mut(|t| t.as_mut().map(f))
}

fn push(op: Op) -> T {
    T(with_tape(|t| t.push(op)).unwrap_or(0))
}

fn unsupported(what: &'static str) {
    with_tape(|t| t.unsupported = Some(what));
}

/// A traced vector: an id on the active tape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct T(pub(crate) Id);

impl T {
    /// Data column `c`.
    pub(crate) fn input(c: u16) -> T {
        push(Op::Input(c))
    }

    /// The compiled kernel's own table at the whole numbers `idx` (see [`Op::Own`]).
    pub(crate) fn own(idx: T) -> T {
        push(Op::Own(idx.0))
    }
}

macro_rules! binop {
    ($tr:ident, $f:ident, $op:ident) => {
        impl $tr for T {
            type Output = T;
            #[inline]
            fn $f(self, o: T) -> T {
                push(Op::$op(self.0, o.0))
            }
        }
    };
}
binop!(Add, add, Add);
binop!(Sub, sub, Sub);
binop!(Mul, mul, Mul);
binop!(Div, div, Div);

impl Neg for T {
    type Output = T;
    fn neg(self) -> T {
        push(Op::Neg(self.0))
    }
}

impl Vector for T {
    /// The JIT's vectors are 128 bits (F64X2): all Cranelift lowers on x86_64.
    const LANES: usize = 2;
    type Mask = T;
    type Array = [f64; 2];

    fn splat(v: f64) -> T {
        push(Op::Const(v.to_bits()))
    }
    unsafe fn load(_: *const f64) -> T {
        unsupported("load");
        T(0)
    }
    unsafe fn store(self, _: *mut f64) {
        unsupported("store");
    }
    unsafe fn load_f32(_: *const f32) -> T {
        unsupported("load_f32");
        T(0)
    }
    unsafe fn store_f32(self, _: *mut f32) {
        unsupported("store_f32");
    }
    fn to_array(self) -> [f64; 2] {
        unsupported("to_array");
        [0.0; 2]
    }
    fn from_array(_: [f64; 2]) -> T {
        unsupported("from_array");
        T(0)
    }
    fn mul_add(self, b: T, c: T) -> T {
        push(Op::Fma(self.0, b.0, c.0))
    }
    fn abs(self) -> T {
        push(Op::Abs(self.0))
    }
    fn sqrt(self) -> T {
        push(Op::Sqrt(self.0))
    }
    fn round(self) -> T {
        push(Op::Round(self.0))
    }
    fn floor(self) -> T {
        push(Op::Floor(self.0))
    }
    fn lt(self, o: T) -> T {
        push(Op::Lt(self.0, o.0))
    }
    fn le(self, o: T) -> T {
        push(Op::Le(self.0, o.0))
    }
    fn eq(self, o: T) -> T {
        push(Op::Eq(self.0, o.0))
    }
    fn and(a: T, b: T) -> T {
        push(Op::And(a.0, b.0))
    }
    fn or(a: T, b: T) -> T {
        push(Op::Or(a.0, b.0))
    }
    fn not(a: T) -> T {
        push(Op::Not(a.0))
    }
    fn select(m: T, a: T, b: T) -> T {
        push(Op::Select(m.0, a.0, b.0))
    }
    /// Unknown while tracing: `true` records both sides of a data-dependent shortcut
    /// (the kernels only use `any` to skip work whose result a `select` discards);
    /// `false` in the speculative trace, which records the mask as a guard.
    fn any(m: T) -> bool {
        with_tape(|t| match t.mask_constant(m.0) {
            Some(b) => b,
            None if t.speculating => {
                t.guards.push(m.0);
                false
            }
            None => true,
        })
        .unwrap_or(true)
    }
    fn none_mask() -> T {
        push(Op::MaskConst(false))
    }
    fn split_sqrt2(self) -> (T, T) {
        (push(Op::SplitK(self.0)), push(Op::SplitM(self.0)))
    }
    fn ldexp(self, n: T) -> T {
        push(Op::Ldexp(self.0, n.0))
    }
    fn reduce_add(self) -> f64 {
        unsupported("reduce_add");
        0.0
    }
    fn gather(table: &[f64], idx: T) -> T {
        match with_tape(|t| t.table(table)) {
            Some(t) => push(Op::Gather(t, idx.0)),
            None => T(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_fold_and_duplicates_merge() {
        let ((a, b, m, lt), tape) = trace(|| {
            let x = T::input(0);
            let a = x * (T::splat(2.0) * T::splat(3.0));
            let b = x * T::splat(6.0);
            let lt = T::lt(x, T::splat(0.0));
            (a, b, T::or(T::none_mask(), lt), lt)
        });
        assert_eq!(a, b);
        assert_eq!(m, lt);
        // x, 6 and the product: the factors 2 and 3 are dead.
        assert_eq!(tape.live(&[a.0]).iter().filter(|&&l| l).count(), 3);
        assert!(tape.ops.contains(&Op::Const(6f64.to_bits())));
    }

    #[test]
    fn the_speculative_trace_assumes_shortcuts_and_guards_them() {
        let f = || {
            let x = T::input(0);
            let big = T::lt(T::splat(10.0), x);
            let cheap = x * T::splat(2.0);
            let v = if T::any(big) {
                T::select(big, x.sqrt(), cheap)
            } else {
                cheap
            };
            Some((v, T::none_mask()))
        };
        let (full, fast, tape) = trace_speculative(f);
        let ((fv, fm), (sv, sm)) = (full.unwrap(), fast.unwrap());
        // The general program selects; the speculative one is the shortcut, with the
        // tested mask as its special mask.
        assert!(matches!(tape.ops[fv.0 as usize], Op::Select(..)));
        assert_eq!(tape.ops[fm.0 as usize], Op::MaskConst(false));
        assert!(matches!(tape.ops[sv.0 as usize], Op::Mul(..)));
        assert!(matches!(tape.ops[sm.0 as usize], Op::Lt(..)));
        // Without a data-dependent `any` there is no second program.
        let (_, fast, _) = trace_speculative(|| Some((T::input(0), T::none_mask())));
        assert!(fast.is_none());
    }

    #[test]
    fn untraceable_operations_are_reported() {
        let (_, tape) = trace(|| T::input(0).reduce_add());
        assert_eq!(tape.unsupported, Some("reduce_add"));
    }
}
