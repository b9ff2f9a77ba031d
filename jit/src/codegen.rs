//! Lowering a [`Tape`] to one Cranelift function: a batch loop over F64X2 vectors
//! (F32X4 for the few `f32` programs exact in `f32`, see [`narrow`]),
//! unrolled so that several independent chains are in flight, every constant created
//! once in the entry block, and one "any special lane?" test per step whose rare
//! vectors go to the scalar fallback (a call through a baked address).
//!
//! ABI (the batch ABI of the crate): map `(src, out, n)`, sum `(src, n) -> F`, where
//! `src` is the data column (one column) or a pointer to the column pointers (models).

use crate::compiled::OWN_ROWS;
use crate::tape::{Id, Op, Tape};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    self, AbiParam, BlockArg, Endianness, InstBuilder, MemFlagsData, Signature, Value, types,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use expfam_kernels::arch::generic::{
    LDEXP_SHIFT, MANT_MASK, SQRT_HALF_BITS, SQRT2_OFFSET, TWO52, TWO52_BITS,
};

/// What the generated function computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `out[i] = f(row i)`.
    Map,
    /// `Σ f(row i)`, accumulated in `f64`.
    Sum,
}

/// The traced computation: per-row value and special-lane mask over `columns` inputs.
pub(crate) struct Program<'a> {
    pub(crate) tape: &'a Tape,
    pub(crate) value: Id,
    pub(crate) mask: Id,
    /// The speculative program (value, mask): right wherever its mask is clear, and
    /// cheaper; when present, the loop runs it and sends vectors with a set lane to
    /// the general program (`value`, `mask`), one vector at a time.
    pub(crate) fast: Option<(Id, Id)>,
    /// The loop runs in `f32` lanes (see [`narrow`]).
    pub(crate) narrow: bool,
    pub(crate) columns: usize,
}

/// Facts about the host ISA the lowering depends on.
#[derive(Clone, Copy)]
pub(crate) struct Target {
    pub(crate) pointer: ir::Type,
    pub(crate) call_conv: CallConv,
    /// The ISA has a fused multiply-add for F64X2.
    pub(crate) fma: bool,
    /// Squares (`±w·w + d`) are a multiply and an add, not an FMA (x86-64): on Zen 4
    /// a two-FMA chain per F64X2 vector (`fma(x, a, b)` then `fma(-z, z, c)`, the
    /// Normal kernel) streams at 0.224 ns/element against 0.161 with the square split
    /// (hand-written loops, n = 4096), though 256-bit FMAs show no such cost. Long
    /// FMA chains (polynomials) stay fused: split, they measured slower. Intel's cores
    /// run the fused form faster, so only AMD's split (see `host_splits_squares`),
    /// and every host without FMA.
    pub(crate) split_squares: bool,
    /// `floor`/`nearest` on F64X2 are single instructions (SSE4.1, NEON).
    pub(crate) native_round: bool,
    /// What `FunctionBuilder::finalize` needs to know of the target.
    pub(crate) frontend: cranelift_codegen::isa::TargetFrontendConfig,
}

/// Addresses baked into the code.
pub(crate) struct Baked<'a> {
    /// `unsafe extern "C" fn(ctx, src, out, start, count) -> f64`.
    pub(crate) fallback: usize,
    pub(crate) ctx: usize,
    /// The address and length of each of the tape's tables (owned by the compiled
    /// kernel).
    pub(crate) tables: &'a [(usize, usize)],
}

/// The signature of the fallback.
pub(crate) fn fallback_signature(t: &Target) -> Signature {
    let mut s = Signature::new(t.call_conv);
    for ty in [t.pointer, t.pointer, t.pointer, types::I64, types::I64] {
        s.params.push(AbiParam::new(ty));
    }
    s.returns.push(AbiParam::new(types::F64));
    s
}

/// The signature of a generated map or sum function.
pub(crate) fn signature(t: &Target, mode: Mode, f32: bool) -> Signature {
    let mut s = Signature::new(t.call_conv);
    s.params.push(AbiParam::new(t.pointer));
    if mode == Mode::Map {
        s.params.push(AbiParam::new(t.pointer));
    }
    s.params.push(AbiParam::new(t.pointer));
    if mode == Mode::Sum {
        s.returns
            .push(AbiParam::new(if f32 { types::F32 } else { types::F64 }));
    }
    s
}

const FV: ir::Type = types::F64X2;
const MV: ir::Type = types::I64X2;

fn little() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

fn data() -> MemFlagsData {
    // Data may be unaligned; the caller guarantees it is readable.
    MemFlagsData::new().with_notrap()
}

/// A lookup-table read ([`Op::Gather`]): the tables never change while code that reads
/// them exists and the index is clamped into the table, so the load is pure to
/// Cranelift. It is then placed next to the lane insert that uses it, instead of where
/// the tape has it, which kept both lanes in registers (spilled, under pressure) until
/// the vector was built.
fn table_read() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

fn args(vs: &[Value]) -> Vec<BlockArg> {
    vs.iter().map(|&v| BlockArg::Value(v)).collect()
}

/// Values created once in the entry block (the fixed bit patterns only when an
/// operation that needs them is live).
#[derive(Clone)]
struct Hoisted {
    consts: Vec<Option<Value>>,
    split: Option<Split>,
    ldexp_shift: Option<Value>,
    /// `2^52 + 2^51` and `1.0`, for rounding without SSE4.1.
    round: Option<(Value, Value)>,
    /// All bits but the sign, for `Abs` (Cranelift's `fabs` rebuilds it at every use).
    abs_mask: Option<Value>,
    tables: Vec<(Value, Value)>,
    /// The kernel's own table ([`Op::Own`]): its address (the fallback context's)
    /// and last index.
    own: Option<(Value, Value)>,
    /// `2^52` and its bits, for [`Op::Gather`]'s and [`Op::Own`]'s indices.
    two52: Option<(Value, Value)>,
}

impl Hoisted {
    /// Uses `new` for the constant `old`.
    fn replace(&mut self, old: Value, new: Value) {
        for v in self.consts.iter_mut().flatten().chain(&mut self.abs_mask) {
            if *v == old {
                *v = new;
            }
        }
    }
}

/// The constants of [`Op::SplitK`] and [`Op::SplitM`].
#[derive(Clone)]
struct Split {
    offset: Value,
    mant: Value,
    sqrt_half: Value,
    two52_bits: Value,
    k_bias: Value,
}

fn splat_f(b: &mut FunctionBuilder, v: f64) -> Value {
    let s = b.ins().f64const(v);
    b.ins().splat(FV, s)
}

fn splat_i(b: &mut FunctionBuilder, v: i64) -> Value {
    let s = b.ins().iconst(types::I64, v);
    b.ins().splat(MV, s)
}

/// The entry block's values for the `live` operations of `tape`. The constants of a
/// [`narrow`] program are F32X4 (masks I32X4): each is its `f64` constant narrowed
/// here, so that the code holds it as those 8 bytes, as it holds every other
/// constant (templates and stencils find constants as their 8 bytes). Such a program
/// uses none of the other values.
fn hoist(
    b: &mut FunctionBuilder,
    t: &Target,
    tape: &Tape,
    live: &[bool],
    baked: &Baked,
    narrow: bool,
) -> Hoisted {
    let mut consts = vec![None; tape.ops.len()];
    for (i, op) in tape.ops.iter().enumerate() {
        if !live[i] {
            continue;
        }
        consts[i] = match *op {
            Op::Const(bits) if narrow => {
                let d = b.ins().f64const(f64::from_bits(bits));
                let s = b.ins().fdemote(types::F32, d);
                Some(b.ins().splat(types::F32X4, s))
            }
            Op::MaskConst(m) if narrow => {
                let s = b.ins().iconst(types::I32, if m { -1 } else { 0 });
                Some(b.ins().splat(types::I32X4, s))
            }
            Op::Const(bits) => Some(splat_f(b, f64::from_bits(bits))),
            Op::MaskConst(m) => Some(splat_i(b, if m { -1 } else { 0 })),
            _ => None,
        };
    }
    let tables = baked
        .tables
        .iter()
        .map(|&(address, len)| {
            let base = b.ins().iconst(t.pointer, address as i64);
            let last = b.ins().iconst(types::I64, len.saturating_sub(1) as i64);
            (base, last)
        })
        .collect();
    let uses = |f: fn(&Op) -> bool| tape.ops.iter().zip(live).any(|(op, &l)| l && f(op));
    let split = uses(|op| matches!(op, Op::SplitK(_) | Op::SplitM(_))).then(|| Split {
        offset: splat_i(b, SQRT2_OFFSET as i64),
        mant: splat_i(b, MANT_MASK as i64),
        sqrt_half: splat_i(b, SQRT_HALF_BITS as i64),
        two52_bits: splat_i(b, TWO52_BITS as i64),
        k_bias: splat_f(b, TWO52 + 1023.0),
    });
    let ldexp_shift = uses(|op| matches!(op, Op::Ldexp(..))).then(|| splat_f(b, LDEXP_SHIFT));
    let round = (!t.native_round && uses(|op| matches!(op, Op::Round(_) | Op::Floor(_))))
        .then(|| (splat_f(b, 6_755_399_441_055_744.0), splat_f(b, 1.0)));
    let bits = |b: &mut FunctionBuilder, v: u64| {
        let m = splat_i(b, v as i64);
        b.ins().bitcast(FV, little(), m)
    };
    let abs_mask = uses(|op| matches!(op, Op::Abs(_))).then(|| bits(b, !(1u64 << 63)));
    let own = uses(|op| matches!(op, Op::Own(_))).then(|| {
        let base = b.ins().iconst(t.pointer, baked.ctx as i64);
        let last = b.ins().iconst(types::I64, OWN_ROWS as i64 - 1);
        (base, last)
    });
    let two52 = uses(|op| matches!(op, Op::Gather(..) | Op::Own(_)))
        .then(|| (splat_f(b, TWO52), splat_i(b, TWO52_BITS as i64)));
    Hoisted {
        consts,
        split,
        ldexp_shift,
        round,
        abs_mask,
        tables,
        own,
        two52,
    }
}

/// The values of a program's operations for one vector, as far as emitted (`None`:
/// not emitted): an emission in a dominating block can seed another's.
type Env = Vec<Option<Value>>;

/// Emits the program whose outputs are `outs` (value, mask) for one vector of inputs,
/// reusing the operations `v` already holds (values of a dominating block) and
/// recording the rest in it (the mask's operations too, for [`branch_special`]);
/// returns the value. The vectors are F64X2, or F32X4 for a [`narrow`] program (whose
/// operations read their types from their operands, and whose constants `h` holds
/// as F32X4).
#[allow(clippy::too_many_arguments)]
fn emit(
    b: &mut FunctionBuilder,
    t: &Target,
    p: &Program,
    outs: (Id, Id),
    live: &[bool],
    h: &Hoisted,
    inputs: &[Value],
    v: &mut Env,
) -> Value {
    let ops = &p.tape.ops;
    let round = |b: &mut FunctionBuilder, x: Value| {
        if t.native_round {
            b.ins().nearest(x)
        } else {
            let (magic, _) = h.round.expect("hoisted");
            let y = b.ins().fadd(x, magic);
            b.ins().fsub(y, magic)
        }
    };
    for i in 0..ops.len() {
        if !live[i] || v[i].is_some() {
            continue;
        }
        let g = |j: Id| v[j as usize].expect("operands precede their uses");
        let r = match ops[i] {
            Op::Const(_) | Op::MaskConst(_) => h.consts[i].expect("hoisted"),
            Op::Input(c) => inputs[c as usize],
            Op::Add(a, c) => b.ins().fadd(g(a), g(c)),
            Op::Sub(a, c) => b.ins().fsub(g(a), g(c)),
            Op::Mul(a, c) => b.ins().fmul(g(a), g(c)),
            Op::Div(a, c) => b.ins().fdiv(g(a), g(c)),
            // `fneg` (not an xor with a hoisted sign): Cranelift folds it into an FMA.
            Op::Neg(a) => b.ins().fneg(g(a)),
            Op::Abs(a) => b.ins().band(g(a), h.abs_mask.expect("hoisted")),
            Op::Sqrt(a) => b.ins().sqrt(g(a)),
            Op::Round(a) => round(b, g(a)),
            Op::Floor(a) => {
                if t.native_round {
                    b.ins().floor(g(a))
                } else {
                    let x = g(a);
                    let r = round(b, x);
                    let above = b.ins().fcmp(FloatCC::GreaterThan, r, x);
                    let one = b.ins().bitcast(MV, little(), h.round.expect("hoisted").1);
                    let d = b.ins().band(above, one);
                    let d = b.ins().bitcast(FV, little(), d);
                    b.ins().fsub(r, d)
                }
            }
            Op::Fma(a, c, d) if t.split_squares && square(ops, a, c).is_some() => {
                let (w, negated) = square(ops, a, c).expect("matched");
                let m = b.ins().fmul(g(w), g(w));
                if negated {
                    b.ins().fsub(g(d), m)
                } else {
                    b.ins().fadd(m, g(d))
                }
            }
            Op::Fma(a, c, d) => {
                if t.fma {
                    b.ins().fma(g(a), g(c), g(d))
                } else {
                    let m = b.ins().fmul(g(a), g(c));
                    b.ins().fadd(m, g(d))
                }
            }
            Op::Lt(a, c) => b.ins().fcmp(FloatCC::LessThan, g(a), g(c)),
            Op::Le(a, c) => b.ins().fcmp(FloatCC::LessThanOrEqual, g(a), g(c)),
            Op::Eq(a, c) => b.ins().fcmp(FloatCC::Equal, g(a), g(c)),
            Op::And(a, c) => b.ins().band(g(a), g(c)),
            Op::Or(a, c) => b.ins().bor(g(a), g(c)),
            Op::Not(a) => b.ins().bnot(g(a)),
            Op::Select(m, a, c) => {
                // F64X2, or F32X4 in a `narrow` program.
                let ty = b.func.dfg.value_type(g(a));
                let m = b.ins().bitcast(ty, little(), g(m));
                b.ins().bitselect(m, g(a), g(c))
            }
            Op::SplitK(a) => {
                let c = h.split.as_ref().expect("hoisted");
                let bits = b.ins().bitcast(MV, little(), g(a));
                let ix = b.ins().iadd(bits, c.offset);
                let e = b.ins().ushr_imm_u(ix, 52);
                let e = b.ins().bor(e, c.two52_bits);
                let e = b.ins().bitcast(FV, little(), e);
                b.ins().fsub(e, c.k_bias)
            }
            Op::SplitM(a) => {
                let c = h.split.as_ref().expect("hoisted");
                let bits = b.ins().bitcast(MV, little(), g(a));
                let ix = b.ins().iadd(bits, c.offset);
                let m = b.ins().band(ix, c.mant);
                let m = b.ins().iadd(m, c.sqrt_half);
                b.ins().bitcast(FV, little(), m)
            }
            Op::Ldexp(a, n) => {
                let s = b.ins().fadd(g(n), h.ldexp_shift.expect("hoisted"));
                let s = b.ins().bitcast(MV, little(), s);
                let s = b.ins().ishl_imm_u(s, 52);
                let s = b.ins().bitcast(FV, little(), s);
                b.ins().fmul(g(a), s)
            }
            Op::Gather(tab, idx) => read_table(b, t, h, h.tables[tab as usize], g(idx)),
            Op::Own(idx) => read_table(b, t, h, h.own.expect("hoisted"), g(idx)),
        };
        v[i] = Some(r);
    }
    v[outs.0 as usize].expect("live")
}

/// The values at the whole numbers `x` of the table at `base` whose last index is
/// `last` (an index out of it is clamped into it): [`Op::Gather`], [`Op::Own`].
fn read_table(
    b: &mut FunctionBuilder,
    t: &Target,
    h: &Hoisted,
    (base, last): (Value, Value),
    x: Value,
) -> Value {
    // A whole index i in [0, 2^52) is the low bits of i + 2^52: the bits less those
    // of 2^52 are i. Any other lane (negative, NaN, huge) comes out as some integer,
    // which `umin` clamps into the table. (A float to integer conversion is a
    // branchy sequence per lane on x86-64.)
    let (two52, two52_bits) = h.two52.expect("hoisted");
    let biased = b.ins().fadd(x, two52);
    let bits = b.ins().bitcast(MV, little(), biased);
    let idx = b.ins().isub(bits, two52_bits);
    let mut lanes = [idx; 2];
    for (lane, out) in lanes.iter_mut().enumerate() {
        let k = b.ins().extractlane(idx, lane as u8);
        let k = b.ins().umin(k, last);
        let off = b.ins().ishl_imm_u(k, 3);
        let off = if t.pointer == types::I64 {
            off
        } else {
            b.ins().ireduce(t.pointer, off)
        };
        let addr = b.ins().iadd(base, off);
        *out = b.ins().load(types::F64, table_read(), addr, 0);
    }
    let vec = b.ins().scalar_to_vector(FV, lanes[0]);
    b.ins().insertlane(vec, lanes[1], 1)
}

/// Whether an `f32` program can run in `f32` lanes, four rows to an F32X4 vector,
/// with the same result as in `f64` lanes bit for bit: its value is `f32` data,
/// constants and selects among them, chosen by comparisons of `f32` data with
/// constants that are `f32` values (comparisons the widening, exact and monotonic,
/// does not change), and its mask is such comparisons joined by `and`, `or` and
/// `not`. A constant that is not an `f32` value may be an arm of the value's selects:
/// rounding the selected constant to `f32` is rounding the value. Bernoulli is such
/// a program (`x == 1 ? ln p : ln(1 − p)`, special unless `x` is 0 or 1): in `f64`
/// lanes each pair of its rows took a widening, a narrowing and two comparisons,
/// and its `f32` map ran at 1.00–1.09x of the SSE2 tier's time (0.56–0.61 ns a
/// row); in `f32` lanes it runs at 0.31–0.35x (0.18–0.21 ns; `jit_speed`, 1000 and
/// 4096 rows, alternated with the `f64`-lane build), 0.47x at 1e6 rows.
fn narrow_program(ops: &[Op], (value, mask): (Id, Id)) -> bool {
    // Per operation: an exact `f32` value, a value that may round, a mask.
    let mut exact = vec![false; ops.len()];
    let mut rounds = vec![false; ops.len()];
    let mut is_mask = vec![false; ops.len()];
    for (i, op) in ops.iter().enumerate() {
        let (e, m) = (|j: Id| exact[j as usize], |j: Id| is_mask[j as usize]);
        let r = |j: Id| rounds[j as usize];
        (exact[i], rounds[i], is_mask[i]) = match *op {
            Op::Input(_) => (true, true, false),
            Op::Const(bits) => {
                let v = f64::from_bits(bits);
                (v.is_nan() || f64::from(v as f32) == v, true, false)
            }
            Op::Select(c, a, d) if m(c) => (e(a) && e(d), r(a) && r(d), false),
            Op::Eq(a, c) | Op::Lt(a, c) | Op::Le(a, c) => (false, false, e(a) && e(c)),
            Op::And(a, c) | Op::Or(a, c) => (false, false, m(a) && m(c)),
            Op::Not(a) => (false, false, m(a)),
            Op::MaskConst(_) => (false, false, true),
            _ => (false, false, false),
        };
    }
    rounds[value as usize] && is_mask[mask as usize]
}

/// Whether [`build`] runs the loop of the program with `outputs` (value, mask and,
/// if speculative, the fast pair) in `f32` lanes (see [`narrow_program`]): an `f32`
/// program, not speculative, at an even unroll (a step of `unroll` F64X2 vectors is
/// half as many F32X4). Decided on the traced constants, before templates and
/// stencils put others in their place, and part of their shapes.
pub(crate) fn narrow(
    ops: &[Op],
    (value, mask, fast): (Id, Id, Option<(Id, Id)>),
    f32: bool,
    unroll: usize,
) -> bool {
    f32 && unroll.is_multiple_of(2) && fast.is_none() && narrow_program(ops, (value, mask))
}

/// Loads the `vectors` vectors from byte offset `byte` of column `col`, widened to
/// F64X2. `f32` columns are read four values (16 bytes) at a time, the high pair moved
/// down by a shuffle: one load and one shuffle per two vectors, where a 64-bit load per
/// vector needs a shuffle (or a zeroing) of its own to fill an F32X4. An odd last
/// vector is a 64-bit load, so nothing past the step's rows is read, unless `wide`
/// says that 16 bytes from there are in the column: then it is a 16-byte load whose
/// low pair is converted.
fn load_vectors(
    b: &mut FunctionBuilder,
    col: Value,
    byte: Value,
    vectors: usize,
    f32: bool,
    wide: bool,
) -> Vec<Value> {
    let addr = b.ins().iadd(col, byte);
    if !f32 {
        return (0..vectors)
            .map(|k| b.ins().load(FV, data(), addr, 16 * k as i32))
            .collect();
    }
    let mut out = Vec::with_capacity(vectors);
    let mut k = 0;
    while k < vectors {
        let at = 8 * k as i32;
        if k + 1 < vectors {
            let four = b.ins().load(types::F32X4, data(), addr, at);
            // Lanes 2 and 3 of `four` into lanes 0 and 1 (`pshufd $0xee`).
            let bytes = b.ins().bitcast(types::I8X16, little(), four);
            let mask = b.func.dfg.immediates.push(ir::ConstantData::from(
                [8u8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15].as_ref(),
            ));
            let high = b.ins().shuffle(bytes, bytes, mask);
            let high = b.ins().bitcast(types::F32X4, little(), high);
            out.push(b.ins().fvpromote_low(four));
            out.push(b.ins().fvpromote_low(high));
            k += 2;
        } else if wide {
            let four = b.ins().load(types::F32X4, data(), addr, at);
            out.push(b.ins().fvpromote_low(four));
            k += 1;
        } else {
            let raw = b.ins().load(types::F64, data(), addr, at);
            let v = b.ins().splat(FV, raw);
            let v = b.ins().bitcast(types::F32X4, little(), v);
            out.push(b.ins().fvpromote_low(v));
            k += 1;
        }
    }
    out
}

fn store(b: &mut FunctionBuilder, v: Value, out: Value, byte: Value, lane_offset: i32, f32: bool) {
    let addr = b.ins().iadd(out, byte);
    store_at(b, v, addr, lane_offset, f32);
}

/// Stores the vector `v` at `addr`, `lane_offset` lanes on (as `F`).
fn store_at(b: &mut FunctionBuilder, v: Value, addr: Value, lane_offset: i32, f32: bool) {
    if f32 {
        // The two f32 as the low f64 lane: a `movsd` store (lane 0 of an I64X2 was a
        // `pextrq`, two micro-ops).
        let d = b.ins().fvdemote(v);
        let d = b.ins().bitcast(FV, little(), d);
        let lo = b.ins().extractlane(d, 0);
        b.ins().store(data(), lo, addr, lane_offset * 4);
    } else {
        b.ins().store(data(), v, addr, lane_offset * 8);
    }
}

/// One vector of rows at offset `byte` of each column: the two rows there or, where
/// `two` is false, the one row left, in both lanes (alike, so that the special-lane
/// test sees only that row).
fn load_rows(
    b: &mut FunctionBuilder,
    cols: &[Value],
    byte: Value,
    f32: bool,
    two: Value,
) -> Vec<Value> {
    let (pair, one, join) = (b.create_block(), b.create_block(), b.create_block());
    for _ in cols {
        b.append_block_param(join, FV);
    }
    b.ins().brif(two, pair, &[], one, &[]);

    b.switch_to_block(pair);
    let loaded: Vec<BlockArg> = cols
        .iter()
        .map(|&c| BlockArg::Value(load_vectors(b, c, byte, 1, f32, false)[0]))
        .collect();
    b.ins().jump(join, &loaded);

    b.switch_to_block(one);
    let loaded: Vec<BlockArg> = cols
        .iter()
        .map(|&c| {
            let addr = b.ins().iadd(c, byte);
            let x = load_row(b, addr, f32);
            BlockArg::Value(b.ins().splat(FV, x))
        })
        .collect();
    b.ins().jump(join, &loaded);

    b.switch_to_block(join);
    b.block_params(join).to_vec()
}

/// The row at `addr` (an `F`), as an `f64`.
fn load_row(b: &mut FunctionBuilder, addr: Value, f32: bool) -> Value {
    if f32 {
        let x = b.ins().load(types::F32, data(), addr, 0);
        b.ins().fpromote(types::F64, x)
    } else {
        b.ins().load(types::F64, data(), addr, 0)
    }
}

/// Stores the vector `v` of rows loaded by [`load_rows`] at offset `byte` of `out`,
/// then jumps to `next` with `next_args`. Both lanes go to `out` where `two` is set;
/// otherwise the vector goes to `lone` (16 bytes) and lane 0 is copied from there.
/// One store either way: it is where Cranelift computes `v` (used only inside two
/// arms, it would be computed in each, as it was).
#[allow(clippy::too_many_arguments)]
fn store_rows(
    b: &mut FunctionBuilder,
    v: Value,
    out: Value,
    byte: Value,
    f32: bool,
    two: Value,
    lone: Value,
    next: ir::Block,
    next_args: &[BlockArg],
) {
    let addr = b.ins().iadd(out, byte);
    let dst = b.ins().select(two, addr, lone);
    store_at(b, v, dst, 0, f32);
    let copy = b.create_block();
    b.ins().brif(two, next, next_args, copy, &[]);
    b.switch_to_block(copy);
    let x = b
        .ins()
        .load(if f32 { types::F32 } else { types::F64 }, data(), lone, 0);
    b.ins().store(data(), x, addr, 0);
    b.ins().jump(next, next_args);
}

/// The rows of a one-vector step from row `i` of `n` (`i < n`): whether there are two
/// (the flag of [`load_rows`]), how many (2 or 1), and the row after them.
fn rows_left(b: &mut FunctionBuilder, i: Value, n: Value) -> (Value, Value, Value) {
    let two_end = b.ins().iadd_imm_s(i, 2);
    let two = b.ins().icmp(IntCC::UnsignedLessThanOrEqual, two_end, n);
    let (c1, c2) = (b.ins().iconst(types::I64, 1), b.ins().iconst(types::I64, 2));
    let count = b.ins().select(two, c2, c1);
    (two, count, b.ins().iadd(i, count))
}

/// Rows per call of the body from the sum entry point (see [`build_entry`]).
pub(crate) const SUM_CHUNK: u32 = 512;

/// The signature of the shared body: `(src, out, n, start)`: rows `start..n` of `src`
/// into the same rows of `out`.
pub(crate) fn body_signature(t: &Target) -> Signature {
    let mut s = Signature::new(t.call_conv);
    for _ in 0..4 {
        s.params.push(AbiParam::new(t.pointer));
    }
    s
}

/// Builds an entry point (`mode`'s signature) that calls the body. A map calls it
/// once. A sum calls it on chunks of [`SUM_CHUNK`] rows into a buffer on its stack,
/// then adds the buffer up (in `f64`, eight vectors of accumulators): the body holds
/// the program once, and Cranelift compiles it once, where a sum loop of its own in
/// the body was a second copy of every step.
pub(crate) fn build_entry(
    func: &mut ir::Function,
    fbc: &mut FunctionBuilderContext,
    t: &Target,
    mode: Mode,
    f32: bool,
    body: ir::FuncRef,
) {
    // Eight accumulators: at four, the adds' latency bounded the pass over the
    // buffer (`STENCILS=0 jit_speed`, n = 4096, three alternated runs: normal `f64`
    // sum 0.397–0.399 against 0.286–0.293 ns at eight, exponential 0.50–0.52 against
    // 0.39–0.41, bernoulli `f32` 0.44–0.46 against 0.37–0.38; gamma within noise).
    const ACCS: usize = 8;
    func.signature = signature(t, mode, f32);
    let mut b = FunctionBuilder::new(func, fbc);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let p = b.block_params(entry).to_vec();
    let zero = b.ins().iconst(t.pointer, 0);
    if mode == Mode::Map {
        b.ins().call(body, &[p[0], p[1], p[2], zero]);
        b.ins().return_(&[]);
        b.seal_all_blocks();
        b.finalize(t.frontend);
        return;
    }
    let (src, n) = (p[0], p[1]);
    let size: u32 = if f32 { 4 } else { 8 };
    let shift = i64::from(size.trailing_zeros());
    let slot = b.create_sized_stack_slot(ir::StackSlotData::new(
        ir::StackSlotKind::ExplicitSlot,
        SUM_CHUNK * size,
        4,
    ));
    let buf = b.ins().stack_addr(t.pointer, slot, 0);
    let zero_f = b.ins().f64const(0.0);
    let zero_v = b.ins().splat(FV, zero_f);
    // chunk(start, total): the rows from `start`, `total` the sum of the rows before;
    // red(j, accs): the buffer from its row `j`, ACCS vectors a step; tail(j, acc): the
    // rows after the last step, a pair at a time into the first accumulator, then a
    // last row; fold(acc): the accumulators added into `total`. The accumulators start
    // at zero each chunk and end in `total`, so only `total` is live across the call
    // of the body, which clobbers every vector register: accumulators live across it
    // stayed in stack slots through the whole pass, seven loads and eight stores a
    // step. `STENCILS=0 jit_speed`, 4096 rows, the new build then the old: normal
    // `f64` sum 0.338 against 0.490 ns a row, exponential 0.421 against 0.591,
    // bernoulli `f32` 0.377 against 0.442.
    let (chunk, red, tail, fold) = (
        b.create_block(),
        b.create_block(),
        b.create_block(),
        b.create_block(),
    );
    b.append_block_param(chunk, t.pointer);
    b.append_block_param(chunk, FV);
    b.append_block_param(red, t.pointer);
    for _ in 0..ACCS {
        b.append_block_param(red, FV);
    }
    b.append_block_param(tail, t.pointer);
    b.append_block_param(tail, FV);
    b.append_block_param(fold, FV);
    let (call, step, pair, last, row) = (
        b.create_block(),
        b.create_block(),
        b.create_block(),
        b.create_block(),
        b.create_block(),
    );
    let done = b.create_block();
    b.append_block_param(done, FV);
    b.ins().jump(chunk, &args(&[zero, zero_v]));

    b.switch_to_block(chunk);
    let c = b.block_params(chunk).to_vec();
    let (start, total) = (c[0], c[1]);
    let more = b.ins().icmp(IntCC::UnsignedLessThan, start, n);
    b.ins().brif(more, call, &[], done, &args(&[total]));

    b.switch_to_block(call);
    let end = b.ins().iadd_imm_s(start, i64::from(SUM_CHUNK));
    let end = b.ins().umin(end, n);
    // `out` such that row `start` lands at the buffer's start.
    let back = b.ins().ishl_imm_u(start, shift);
    let out = b.ins().isub(buf, back);
    b.ins().call(body, &[src, out, end, start]);
    let len = b.ins().isub(end, start);
    let mut red_init = vec![zero];
    red_init.extend([zero_v; ACCS]);
    b.ins().jump(red, &args(&red_init));

    b.switch_to_block(red);
    let r = b.block_params(red).to_vec();
    let j_next = b.ins().iadd_imm_s(r[0], 2 * ACCS as i64);
    let fits = b.ins().icmp(IntCC::UnsignedLessThanOrEqual, j_next, len);
    b.ins().brif(fits, step, &[], tail, &args(&[r[0], r[1]]));

    b.switch_to_block(step);
    let byte = b.ins().ishl_imm_u(r[0], shift);
    let vs = load_vectors(&mut b, buf, byte, ACCS, f32, false);
    let mut next = vec![j_next];
    for (k, v) in vs.into_iter().enumerate() {
        next.push(b.ins().fadd(r[1 + k], v));
    }
    b.ins().jump(red, &args(&next));

    b.switch_to_block(tail);
    let tp = b.block_params(tail).to_vec();
    let j2 = b.ins().iadd_imm_s(tp[0], 2);
    let two = b.ins().icmp(IntCC::UnsignedLessThanOrEqual, j2, len);
    b.ins().brif(two, pair, &[], last, &[]);

    b.switch_to_block(pair);
    let byte = b.ins().ishl_imm_u(tp[0], shift);
    let v = load_vectors(&mut b, buf, byte, 1, f32, false)[0];
    let acc = b.ins().fadd(tp[1], v);
    b.ins().jump(tail, &args(&[j2, acc]));

    b.switch_to_block(last);
    let one = b.ins().icmp(IntCC::UnsignedLessThan, tp[0], len);
    b.ins().brif(one, row, &[], fold, &args(&[tp[1]]));

    b.switch_to_block(row);
    let byte = b.ins().ishl_imm_u(tp[0], shift);
    let addr = b.ins().iadd(buf, byte);
    let x = load_row(&mut b, addr, f32);
    // The other lane is zero.
    let x = b.ins().scalar_to_vector(FV, x);
    let acc = b.ins().fadd(tp[1], x);
    b.ins().jump(fold, &args(&[acc]));

    b.switch_to_block(fold);
    // The accumulators added pairwise, then into the total.
    let mut accs = vec![b.block_params(fold)[0]];
    accs.extend_from_slice(&r[2..]);
    while accs.len() > 1 {
        accs = accs.chunks(2).map(|p| b.ins().fadd(p[0], p[1])).collect();
    }
    let total = b.ins().fadd(total, accs[0]);
    b.ins().jump(chunk, &args(&[end, total]));

    b.switch_to_block(done);
    let a = b.block_params(done)[0];
    let l0 = b.ins().extractlane(a, 0);
    let l1 = b.ins().extractlane(a, 1);
    let r = b.ins().fadd(l0, l1);
    let r = if f32 {
        b.ins().fdemote(types::F32, r)
    } else {
        r
    };
    b.ins().return_(&[r]);
    b.seal_all_blocks();
    b.finalize(t.frontend);
}

/// Builds the body (see [`body_signature`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn build(
    func: &mut ir::Function,
    fbc: &mut FunctionBuilderContext,
    t: &Target,
    p: &Program,
    f32: bool,
    baked: &Baked,
    unroll: usize,
) {
    func.signature = body_signature(t);
    let mut b = FunctionBuilder::new(func, fbc);
    let shift = if f32 { 2 } else { 3 };
    let general = (p.value, p.mask);
    let hot = p.fast.unwrap_or(general);
    let live = p.tape.live(&[hot.0, hot.1]);
    let live_general = p.tape.live(&[p.value, p.mask]);
    let any_live: Vec<bool> = live.iter().zip(&live_general).map(|(a, c)| a | c).collect();

    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let params = b.block_params(entry).to_vec();
    let (src, out, n, start) = (params[0], params[1], params[2], params[3]);
    let n = if t.pointer == types::I64 {
        n
    } else {
        b.ins().uextend(types::I64, n)
    };
    // Where a vector holding one last row is stored (see `store_rows`).
    let lone = b.create_sized_stack_slot(ir::StackSlotData::new(
        ir::StackSlotKind::ExplicitSlot,
        16,
        4,
    ));
    let lone = b.ins().stack_addr(t.pointer, lone, 0);
    let cols: Vec<Value> = if p.columns == 1 {
        vec![src]
    } else {
        let w = t.pointer.bytes() as i32;
        (0..p.columns)
            .map(|c| {
                b.ins()
                    .load(t.pointer, MemFlagsData::trusted(), src, c as i32 * w)
            })
            .collect()
    };
    // The loop of a `narrow` program runs it in `f32` lanes, half as many vectors a
    // step; the rows after the loop run in `f64` lanes, as every other program's.
    let narrow = p.narrow;
    let mut h = hoist(&mut b, t, p.tape, &any_live, baked, narrow);
    // A few constants stay in registers through the loop: each is stored here, once
    // a call, which makes Cranelift compute it here (it places a constant where it is
    // used, so in the loop: exponential's f32 step loaded three and zeroed one, per
    // eight vectors, in Cranelift's disassembly). Many would not fit: those are left
    // to the loop.
    let pinned: Vec<Value> = h
        .consts
        .iter()
        .flatten()
        .chain(&h.abs_mask)
        .copied()
        .collect();
    // The loop's header, whose parameters are the row index and those constants. They
    // come in from the entry and go round the loop as they are, but after a call of
    // the fallback they are loaded again from `slot`: a call clobbers every vector
    // register, and a constant live across one stayed on the stack through the whole
    // loop, loaded at each use (bernoulli's `f32` step loaded 0.0 and 1.0 sixteen
    // times). `jit_speed` at 4096 rows, three alternated runs each: lognormal `f32`
    // 2.42–2.55 against 2.32–2.34 ns now, gamma `f32` 2.30–2.53 against 2.23–2.30,
    // geometric `f32` 0.68 against 0.65–0.66; the others within the rounds' noise.
    let hdr = b.create_block();
    b.append_block_param(hdr, types::I64);
    let mut kept = Vec::new();
    if pinned.len() <= PINNED {
        let slot = b.create_sized_stack_slot(ir::StackSlotData::new(
            ir::StackSlotKind::ExplicitSlot,
            16 * pinned.len() as u32,
            4,
        ));
        for (k, &c) in pinned.iter().enumerate() {
            b.ins().stack_store(t.pointer, c, slot, 16 * k as i32);
            let param = b.append_block_param(hdr, b.func.dfg.value_type(c));
            kept.push(Kept {
                entry: c,
                param,
                slot,
                offset: 16 * k as i32,
            });
            h.replace(c, param);
        }
    }
    // The header's arguments for the next row `i`: the constants as they are in the
    // loop (`again`) or loaded again after a call.
    let to_hdr = |b: &mut FunctionBuilder, i: Value, again: bool| -> Vec<BlockArg> {
        let mut a = vec![BlockArg::Value(i)];
        for c in &kept {
            let v = if again { c.param } else { c.reload(b, t) };
            a.push(BlockArg::Value(v));
        }
        a
    };
    let fb_sig = b.import_signature(fallback_signature(t));
    let start = if t.pointer == types::I64 {
        start
    } else {
        b.ins().uextend(types::I64, start)
    };
    // Loop state, the parameter of every loop block: the row index.
    let state = |b: &mut FunctionBuilder, blk: ir::Block| {
        b.append_block_param(blk, types::I64);
    };

    let to_ptr = |b: &mut FunctionBuilder, v: Value| {
        if t.pointer == types::I64 {
            v
        } else {
            b.ins().ireduce(t.pointer, v)
        }
    };
    // Calls the fallback for `count` rows from `i` (it stores them into `out`).
    let fallback = |b: &mut FunctionBuilder, i: Value, count: Value| {
        let ctx = b.ins().iconst(t.pointer, baked.ctx as i64);
        let callee = b.ins().iconst(t.pointer, baked.fallback as i64);
        b.ins()
            .call_indirect(fb_sig, callee, &[ctx, src, out, i, count]);
    };

    // An `f32` step of one vector reads 16 bytes (see `load_vectors`), so it runs while
    // four rows are left, and the two or three rows after it go to the fallback: a
    // 64-bit load took a shuffle more per step, on the conversion's port. Negative
    // binomial `f32`, `jit_speed` in four alternated runs: 1.00–1.03x of the SSE2
    // tier at 1000 rows against 1.01–1.04x with the 64-bit load, 1.01–1.02x against
    // 1.01–1.03x at 4096.
    let wide = f32 && unroll == 1;

    // One step: `vectors` vectors of `program` (outputs, liveness) from row `i`. A set
    // lane in any of their masks branches to `slow`; otherwise they are stored and the
    // step jumps to `next.0` with `next.1`.
    // With `seed` (the values of an emission of the same vectors in a dominating
    // block) nothing is loaded and nothing computed there is computed again. Returns
    // each vector's values.
    let step = |b: &mut FunctionBuilder,
                program: ((Id, Id), &[bool]),
                vectors: usize,
                i: Value,
                next: (ir::Block, &[BlockArg]),
                slow: ir::Block,
                seed: Option<Vec<Env>>|
     -> Vec<Env> {
        let (outs, live) = program;
        let fast = b.create_block();
        let byte = b.ins().ishl_imm_u(i, shift);
        let byte = to_ptr(b, byte);
        let mut vals = Vec::with_capacity(vectors);
        let (loaded, mut envs): (Vec<Vec<Value>>, Vec<Env>) = match seed {
            Some(envs) => (vec![Vec::new(); vectors], envs),
            None => {
                let cols: Vec<Vec<Value>> = cols
                    .iter()
                    .map(|&c| {
                        if narrow {
                            let addr = b.ins().iadd(c, byte);
                            (0..vectors)
                                .map(|k| b.ins().load(types::F32X4, data(), addr, 16 * k as i32))
                                .collect()
                        } else {
                            load_vectors(b, c, byte, vectors, f32, wide)
                        }
                    })
                    .collect();
                let per_vector = (0..vectors)
                    .map(|k| cols.iter().map(|col| col[k]).collect())
                    .collect();
                (per_vector, vec![vec![None; p.tape.ops.len()]; vectors])
            }
        };
        for (inputs, env) in loaded.iter().zip(envs.iter_mut()) {
            vals.push(emit(b, t, p, outs, live, &h, inputs, env));
        }
        let tested: Vec<&Env> = envs.iter().collect();
        branch_special(b, &p.tape.ops, outs.1, &tested, slow, (fast, &[]));

        b.switch_to_block(fast);
        for (k, &v) in vals.iter().enumerate() {
            if narrow {
                let addr = b.ins().iadd(out, byte);
                b.ins().store(data(), v, addr, 16 * k as i32);
            } else {
                store(b, v, out, byte, 2 * k as i32, f32);
            }
        }
        b.ins().jump(next.0, next.1);
        envs
    };

    // The loop, `unroll` vectors per step; the remaining rows (fewer than 2·unroll) go
    // through the tail after the loop. (At one vector a step, the loop once took a last
    // odd row too, which cost each step a test of its row count and a branch around
    // the loads and the stores: negative binomial f32, `jit_speed` alternated, 8.07
    // against 8.29–8.45 ns without it.)
    let tail = b.create_block();
    state(&mut b, tail);
    let mut entry_args = args(&[start]);
    entry_args.extend(kept.iter().map(|c| BlockArg::Value(c.entry)));
    b.ins().jump(hdr, &entry_args);
    {
        let u = unroll;
        let body = b.create_block();
        let slow = b.create_block();

        b.switch_to_block(hdr);
        let st = b.block_params(hdr).to_vec();
        let i = st[0];
        // The rows of this step: `count` of them, up to `end`.
        let end = b.ins().iadd_imm_s(i, 2 * u as i64);
        let count = b.ins().iconst(types::I64, 2 * u as i64);
        let reach = if wide { b.ins().iadd_imm_s(i, 4) } else { end };
        let fits = b.ins().icmp(IntCC::UnsignedLessThanOrEqual, reach, n);
        b.ins().brif(fits, body, &[], tail, &args(&st[..1]));

        b.switch_to_block(body);
        if f32 && u > 1 {
            touch_ahead(&mut b, &cols, i, n, to_ptr);
        }
        let again = to_hdr(&mut b, end, true);
        let vectors = if narrow { u / 2 } else { u };
        let envs = step(&mut b, (hot, &live), vectors, i, (hdr, &again), slow, None);

        b.switch_to_block(slow);
        if p.fast.is_none() {
            fallback(&mut b, i, count);
            let reload = to_hdr(&mut b, end, false);
            b.ins().jump(hdr, &reload);
        } else if u == 1 {
            // The general program on the same vector, reusing what the speculative one
            // computed (its shortcut is the general program's common path); special
            // lanes go to the fallback.
            let vslow = b.create_block();
            let program = (general, &live_general[..]);
            step(&mut b, program, 1, i, (hdr, &again), vslow, Some(envs));
            b.switch_to_block(vslow);
            fallback(&mut b, i, count);
            let reload = to_hdr(&mut b, end, false);
            b.ins().jump(hdr, &reload);
        } else {
            // One vector at a time from row `j`: the speculative program, then for a
            // vector with a set lane the general one (reusing what the first
            // computed), then the fallback. A step that one vector sent here takes the
            // others on the speculative program still. Negative binomial, 4096 rows
            // of which one in ten is past its own table: 22.5–23.2 ns a row when
            // every vector of such a step went to the general program (1.7x the SSE2
            // tier's time), 6.5–6.9 with this (0.5x); one in a hundred, 3.1 and 1.4
            // ns (`STENCILS=0 own_table_tail`, alternated).
            let vhdr = b.create_block();
            let vbody = b.create_block();
            let vslow = b.create_block();
            state(&mut b, vhdr);
            b.ins().jump(vhdr, &args(&st[..1]));

            b.switch_to_block(vhdr);
            let vs = b.block_params(vhdr).to_vec();
            let more = b.ins().icmp(IntCC::UnsignedLessThan, vs[0], end);
            let exit = b.create_block();
            b.ins().brif(more, vbody, &[], exit, &[]);
            b.switch_to_block(exit);
            let reload = to_hdr(&mut b, end, false);
            b.ins().jump(hdr, &reload);

            b.switch_to_block(vbody);
            let next_j = b.ins().iadd_imm_s(vs[0], 2);
            let next = args(&[next_j]);
            let vgeneral = b.create_block();
            let envs = step(
                &mut b,
                (hot, &live),
                1,
                vs[0],
                (vhdr, &next),
                vgeneral,
                None,
            );
            b.switch_to_block(vgeneral);
            let program = (general, &live_general[..]);
            step(&mut b, program, 1, vs[0], (vhdr, &next), vslow, Some(envs));

            b.switch_to_block(vslow);
            let count = b.ins().iconst(types::I64, 2);
            fallback(&mut b, vs[0], count);
            b.ins().jump(vhdr, &args(&[next_j]));
        }
    }

    // The rows after the last whole step (fewer than 2·unroll): one vector at a time,
    // a last odd row splatted, so that a short batch, a single point above all, stays
    // in this code. (Sent to the fallback, as they once were, the rows cost more than
    // the call: a single point of normal took 21 ns against the SSE2 tier's 13.)
    let done = b.create_block();
    b.switch_to_block(tail);
    let st = b.block_params(tail).to_vec();
    // The tail calls the fallback in its loop too: it takes its constants from `slot`
    // rather than keep the header's live through it.
    let h = if narrow {
        hoist(&mut b, t, p.tape, &any_live, baked, false)
    } else {
        let mut h = h.clone();
        for c in &kept {
            let v = c.reload(&mut b, t);
            h.replace(c.param, v);
        }
        h
    };
    if unroll == 1 {
        // At one vector a step (the speculative kernels, whose scalar path costs about
        // what a vector step does) the rows left (one, or up to three in `f32`) go to
        // the fallback: a tail holding both programs once more made negative
        // binomial's body 1.8x as slow to compile (`STENCILS=0 TEMPLATES=0
        // compile_loop`: median 2642 against 1472 µs), for no gain in `jit_speed` at
        // 1001 rows.
        let one = b.create_block();
        let left = b.ins().icmp(IntCC::UnsignedLessThan, st[0], n);
        b.ins().brif(left, one, &[], done, &[]);
        b.switch_to_block(one);
        let count = b.ins().isub(n, st[0]);
        fallback(&mut b, st[0], count);
        b.ins().jump(done, &[]);
    } else {
        let thdr = b.create_block();
        state(&mut b, thdr);
        b.ins().jump(thdr, &args(&st[..1]));

        b.switch_to_block(thdr);
        let ts = b.block_params(thdr).to_vec();
        let i = ts[0];
        let more = b.create_block();
        let left = b.ins().icmp(IntCC::UnsignedLessThan, i, n);
        b.ins().brif(left, more, &[], done, &[]);

        b.switch_to_block(more);
        let byte = b.ins().ishl_imm_u(i, shift);
        let byte = to_ptr(&mut b, byte);
        let (two, count, next) = rows_left(&mut b, i, n);
        let inputs = load_rows(&mut b, &cols, byte, f32, two);

        // As in the loops: the speculative program first, then the general one
        // (reusing what the first computed) for a vector with a set lane, the
        // fallback after that.
        let tfast = b.create_block();
        b.append_block_param(tfast, FV);
        let mut env = vec![None; p.tape.ops.len()];
        let mut v = emit(&mut b, t, p, hot, &live, &h, &inputs, &mut env);
        if p.fast.is_some() {
            let general_blk = b.create_block();
            let fast = [BlockArg::Value(v)];
            branch_special(
                &mut b,
                &p.tape.ops,
                hot.1,
                &[&env],
                general_blk,
                (tfast, &fast),
            );
            b.switch_to_block(general_blk);
            v = emit(&mut b, t, p, general, &live_general, &h, &inputs, &mut env);
        }
        // (With a mask that is never set, `tslow` is unreachable, as the loop's `slow`
        // is; Cranelift drops both.)
        let tslow = b.create_block();
        let fast = [BlockArg::Value(v)];
        branch_special(
            &mut b,
            &p.tape.ops,
            general.1,
            &[&env],
            tslow,
            (tfast, &fast),
        );
        b.switch_to_block(tslow);
        fallback(&mut b, i, count);
        b.ins().jump(thdr, &args(&[next]));

        b.switch_to_block(tfast);
        let v = b.block_params(tfast)[0];
        store_rows(&mut b, v, out, byte, f32, two, lone, thdr, &args(&[next]));
    }

    b.switch_to_block(done);
    b.ins().return_(&[]);
    b.seal_all_blocks();
    b.finalize(t.frontend);
}

/// How far ahead of a step [`touch_ahead`] reads: 256 `f32` rows, 1 KiB.
const TOUCH_ROWS: i64 = 256;

/// Reads one byte of each column [`TOUCH_ROWS`] rows ahead of row `i` (at most the
/// last row, `n − 1`, so never outside the data), the software prefetch that CLIF
/// lacks: a plain load, which may trap, so Cranelift keeps it though nothing uses
/// it. Only the loops of unrolled `f32` kernels do this, where a step reads 32 or
/// 64 bytes a column and does little with them. At 1e6 rows (4 MB a column, beyond
/// L2) their rate was bound by how many lines the out-of-order window held in
/// flight: `N=1000000 STENCILS=0 jit_speed`, without and with the read, had
/// exponential `f32` at 1.34x and 0.96x of the SSE2 tier's time, bernoulli 1.17x and
/// 1.02x, normal 1.07x and 0.95x; at 1000 and 4096 rows the times did not move
/// beyond the rounds' noise. Read 128 rows ahead it helped less (exponential 0.98x);
/// read 512 ahead, as much. The `f64` maps at 1e6 are bound by bandwidth (0.6 ns a
/// row in both): reads 64 or 128 rows ahead changed none of them, so they do not
/// read ahead; nor do kernels at one vector a step (negative binomial), bound by
/// their arithmetic.
fn touch_ahead(
    b: &mut FunctionBuilder,
    cols: &[Value],
    i: Value,
    n: Value,
    to_ptr: impl Fn(&mut FunctionBuilder, Value) -> Value,
) {
    let ahead = b.ins().iadd_imm_s(i, TOUCH_ROWS);
    let last = b.ins().iadd_imm_s(n, -1);
    let row = b.ins().umin(ahead, last);
    let byte = b.ins().ishl_imm_u(row, 2);
    let byte = to_ptr(b, byte);
    for &c in cols {
        let addr = b.ins().iadd(c, byte);
        b.ins().load(types::I8, MemFlagsData::new(), addr, 0);
    }
}

/// Ends the current block with the special-lane test of the vectors whose values are
/// `envs`, for the mask operation `mask`: to `slow` when a lane of one of them is set,
/// else to `fast` (block and arguments). A mask `Not(y)` (most kernels': "not a plain
/// point") is tested as "not every lane y": one `vall_true` of the vectors' `y` joined
/// by `and`, where testing the mask takes a `not` (an xor with all ones) per vector
/// (`jit_speed`, alternated: negative binomial f64 7.59–7.77 against 7.91–7.96 ns, the
/// other families within the rounds' noise).
fn branch_special(
    b: &mut FunctionBuilder,
    ops: &[Op],
    mask: Id,
    envs: &[&Env],
    slow: ir::Block,
    fast: (ir::Block, &[BlockArg]),
) {
    let join = |b: &mut FunctionBuilder, id: Id, and: bool| {
        let mut vs = envs.iter().map(|e| e[id as usize].expect("emitted"));
        let first = vs.next().expect("a vector");
        vs.fold(first, |acc, v| {
            if and {
                b.ins().band(acc, v)
            } else {
                b.ins().bor(acc, v)
            }
        })
    };
    match ops[mask as usize] {
        Op::MaskConst(false) => {
            b.ins().jump(fast.0, fast.1);
        }
        Op::Not(y) => {
            let all = join(b, y, true);
            let flag = b.ins().vall_true(all);
            b.ins().brif(flag, fast.0, fast.1, slow, &[]);
        }
        _ => {
            let any = join(b, mask, false);
            let flag = b.ins().vany_true(any);
            b.ins().brif(flag, slow, &[], fast.0, fast.1);
        }
    }
}

/// A constant [`build`] keeps in a register through its loop: its value in the entry
/// block, the loop header's parameter that carries it, and where it is stored.
struct Kept {
    entry: Value,
    param: Value,
    slot: ir::StackSlot,
    offset: i32,
}

impl Kept {
    /// The constant loaded again from its slot (after a call).
    fn reload(&self, b: &mut FunctionBuilder, t: &Target) -> Value {
        let ty = b.func.dfg.value_type(self.entry);
        b.ins().stack_load(t.pointer, ty, self.slot, self.offset)
    }
}

/// The most constants [`build`] keeps in registers through its loop.
const PINNED: usize = 6;

/// `Fma(a, c, _)` is `±w·w`: returns `w` and whether it is negated (see
/// [`Target::split_squares`]).
pub(crate) fn square(ops: &[Op], a: Id, c: Id) -> Option<(Id, bool)> {
    if a == c {
        Some((a, false))
    } else if ops[a as usize] == Op::Neg(c) {
        Some((c, true))
    } else if ops[c as usize] == Op::Neg(a) {
        Some((a, true))
    } else {
        None
    }
}
