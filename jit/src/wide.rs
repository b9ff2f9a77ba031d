//! Wide bodies: AVX-512 machine code, eight rows a vector, for programs of plain
//! arithmetic.
//!
//! Cranelift 0.135 lowers vectors of at most 128 bits on x86-64, so the bodies it
//! makes hold two `f64` rows a vector, where the AOT AVX-512 tier holds eight. For a
//! program with no special lanes (its mask is the constant "none") whose operations
//! are all `+ − × ÷`, negation, `|·|`, `sqrt` and FMA over one column, this module
//! writes the body itself: the same operations, in the same order and with the same
//! roundings as Cranelift's lowering in [`crate::codegen`] (squares split where the
//! [`Target`] splits them), so the results are bit for bit those of Cranelift's body
//! (any NaN for a NaN: `jit/tests/wide.rs`). Normal and Laplace are such programs, as
//! are user expressions that are polynomials or ratios of one column.
//!
//! The body has the signature of [`crate::codegen::body_signature`] in the System V
//! calling convention (`rdi` = column, `rsi` = out, `rdx` = n, `rcx` = start), and
//! the map and sum entry points call it as they call Cranelift's. Every constant is
//! broadcast once from a pool after the code; the loop runs two vectors (16 rows) a
//! step; the rows after it run eight at a time under a lane mask (`k1`). It touches
//! only registers the convention lets a callee clobber (`rax`, `r8`, `r9`, `k1`, the
//! vector registers) and no stack. It reads rows `start..n` of the column and writes
//! the same rows of `out`, nothing else: the rows before `out`'s first aligned vector
//! and after the last whole step go through masked loads and stores, whose masked-off
//! lanes neither fault nor write (the test's guard rows check the writes).

use crate::codegen::{Target, square};
use crate::tape::{Id, Op, Tape};
use crate::template::Func;
use cranelift_codegen::isa::CallConv;

/// Rows of `F` a 512-bit vector holds, as `f64` lanes.
const LANES: usize = 8;
/// Vectors per loop step.
const UNROLL: usize = 2;
/// Vector registers (`zmm0`–`zmm31`).
const REGISTERS: usize = 32;

// General registers, by encoding.
const RAX: u8 = 0;
const RCX: u8 = 1;
const RDX: u8 = 2;
const RSI: u8 = 6;
const RDI: u8 = 7;
const R8: u8 = 8;

/// Whether this host runs wide bodies: AVX-512 (F for the 512-bit operations, VL for
/// the 256-bit `f32` loads and stores of the tail) with the System V convention.
pub(crate) fn host_has_wide(t: &Target) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        t.call_conv == CallConv::SystemV
            && t.fma
            && std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vl")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = t;
        false
    }
}

/// The operand of an instruction's `r/m` field.
#[derive(Clone, Copy)]
enum Rm {
    /// A vector register (or, for the few general-register forms, a general one).
    Reg(u8),
    /// `[base + index·scale + disp]` (`scale` as its 2-bit code), always with a 32-bit
    /// displacement (which EVEX does not scale, as it scales 8-bit ones).
    Mem {
        base: u8,
        index: u8,
        scale: u8,
        disp: i32,
    },
    /// `[rip + disp]` to pool entry `k` (patched when the code is laid out).
    Pool(usize),
}

/// Machine code being written, with the pool references still to patch.
struct Asm {
    code: Vec<u8>,
    /// (offset of a 32-bit displacement, pool entry): the displacement is relative to
    /// the end of the instruction, which ends with it.
    pool_refs: Vec<(usize, usize)>,
    /// (offset of a 32-bit displacement, label).
    label_refs: Vec<(usize, usize)>,
    labels: Vec<Option<usize>>,
}

impl Asm {
    fn new() -> Self {
        Asm {
            code: Vec::with_capacity(512),
            pool_refs: Vec::new(),
            label_refs: Vec::new(),
            labels: Vec::new(),
        }
    }

    fn bytes(&mut self, b: &[u8]) {
        self.code.extend_from_slice(b);
    }

    fn label(&mut self) -> usize {
        self.labels.push(None);
        self.labels.len() - 1
    }

    fn bind(&mut self, l: usize) {
        self.labels[l] = Some(self.code.len());
    }

    /// `modrm` (and SIB and displacement) for register field `reg` and operand `rm`.
    fn modrm(&mut self, reg: u8, rm: Rm) {
        let reg = (reg & 7) << 3;
        match rm {
            Rm::Reg(r) => self.code.push(0xC0 | reg | (r & 7)),
            Rm::Mem {
                base,
                index,
                scale,
                disp,
            } => {
                self.code.push(0x80 | reg | 4);
                self.code.push(scale << 6 | (index & 7) << 3 | (base & 7));
                self.bytes(&disp.to_le_bytes());
            }
            Rm::Pool(k) => {
                self.code.push(reg | 5);
                self.pool_refs.push((self.code.len(), k));
                self.bytes(&[0; 4]);
            }
        }
    }

    /// An EVEX instruction: opcode `op` in map `map` (1: `0F`, 2: `0F38`), prefix
    /// `pp` (0: none, 1: `66`, 2: `F3`, 3: `F2`), `W`, vector length `ll` (0: 128,
    /// 1: 256, 2: 512 bits), registers `reg` and `vvvv` (0 where unused), operand
    /// `rm`, and the write mask `k` (zeroing if `z`).
    #[allow(clippy::too_many_arguments)]
    fn evex(
        &mut self,
        map: u8,
        pp: u8,
        w: bool,
        ll: u8,
        op: u8,
        reg: u8,
        v: u8,
        rm: Rm,
        k: u8,
        z: bool,
    ) {
        // R̄ X̄ B̄ R̄' 0 0 m m: inverted register bits 3 and 4 of `reg`, and of `rm`
        // (X: bit 4 of a register operand, bit 3 of a memory operand's index).
        let (x, b) = match rm {
            Rm::Reg(r) => (r >> 4 & 1, r >> 3 & 1),
            Rm::Mem { base, index, .. } => (index >> 3 & 1, base >> 3 & 1),
            Rm::Pool(_) => (0, 0),
        };
        let p0 = (!reg >> 3 & 1) << 7 | (!x & 1) << 6 | (!b & 1) << 5 | (!reg >> 4 & 1) << 4 | map;
        let p1 = u8::from(w) << 7 | (!v & 0xF) << 3 | 1 << 2 | pp;
        let p2 = u8::from(z) << 7 | ll << 5 | (!v >> 4 & 1) << 3 | k;
        self.bytes(&[0x62, p0, p1, p2, op]);
        self.modrm(reg, rm);
    }

    /// A packed-double operation of the `66 0F` map at 512 bits: `reg = v op rm`.
    fn pd(&mut self, op: u8, reg: u8, v: u8, rm: Rm) {
        self.evex(1, 1, true, 2, op, reg, v, rm, 0, false);
    }

    /// `jcc rel32` (`cc` the condition's code: `0F 80+cc`), or `jmp` if `None`.
    fn jump(&mut self, cc: Option<u8>, target: usize) {
        match cc {
            Some(cc) => self.bytes(&[0x0F, 0x80 | cc]),
            None => self.bytes(&[0xE9]),
        }
        self.label_refs.push((self.code.len(), target));
        self.bytes(&[0; 4]);
    }

    /// A 64-bit register-to-register ALU operation `op r/m64, r64` (`01` add, `29`
    /// sub, `39` cmp, `89` mov): `rm = rm op reg`.
    fn alu(&mut self, op: u8, rm: u8, reg: u8) {
        let rex = 0x48 | (reg >> 3 & 1) << 2 | (rm >> 3 & 1);
        self.bytes(&[rex, op, 0xC0 | (reg & 7) << 3 | (rm & 7)]);
    }

    /// Lays out the code, the pool (8-byte aligned) after it, and patches every
    /// reference.
    fn finish(mut self, pool: &[u64]) -> Vec<u8> {
        for &(at, l) in &self.label_refs {
            let target = self.labels[l].expect("every label is bound");
            let rel = target as i64 - (at as i64 + 4);
            self.code[at..at + 4].copy_from_slice(&(rel as i32).to_le_bytes());
        }
        while !self.code.len().is_multiple_of(8) {
            self.code.push(0xCC);
        }
        let base = self.code.len();
        for &(at, k) in &self.pool_refs {
            let rel = (base + 8 * k) as i64 - (at as i64 + 4);
            self.code[at..at + 4].copy_from_slice(&(rel as i32).to_le_bytes());
        }
        for v in pool {
            self.code.extend_from_slice(&v.to_le_bytes());
        }
        self.code
    }
}

/// `f64` batches of at least this many rows (32 KiB a column) run the loop that
/// prefetches (see [`PREFETCH_BYTES`]).
const PREFETCH_ROWS: i32 = 4096;
/// How far ahead the streaming loop prefetches each column: 256 `f64` rows. On a Xeon
/// with AVX-512 (`jit_speed`, alternated runs, f64 maps), normal and laplace at 1e6
/// rows took 0.98–1.06x the SSE2 tier's time without it, 0.89–0.97x with it (2048
/// bytes; 4096: 0.92–0.95x); prefetching `xs` alone or `out` alone did not help.
/// At 4096 rows: 0.214–0.229 → 0.167–0.229 ns a row. At 1000 rows it cost 10%
/// (0.086–0.093 → 0.095–0.102 ns), hence [`PREFETCH_ROWS`]. `f32` maps did not move
/// at any length, so they do not prefetch.
const PREFETCH_BYTES: i32 = 2048;

// Condition codes (`0F 80+cc`).
const CC_B: u8 = 0x2;
const CC_AE: u8 = 0x3;
const CC_E: u8 = 0x4;
const CC_BE: u8 = 0x6;
const CC_A: u8 = 0x7;

/// The operations `value` depends on, in tape order, if the program can run wide:
/// every one plain arithmetic over column 0 (see the module documentation).
fn plan(ops: &[Op], value: Id) -> Option<Vec<bool>> {
    let mut live = vec![false; ops.len()];
    live[value as usize] = true;
    for i in (0..ops.len()).rev() {
        if !live[i] {
            continue;
        }
        match ops[i] {
            Op::Input(0) | Op::Const(_) => {}
            Op::Add(..)
            | Op::Sub(..)
            | Op::Mul(..)
            | Op::Div(..)
            | Op::Neg(_)
            | Op::Abs(_)
            | Op::Sqrt(_)
            | Op::Fma(..) => {}
            _ => return None,
        }
        let (args, n) = ops[i].args();
        for &a in &args[..n] {
            live[a as usize] = true;
        }
    }
    Some(live)
}

/// The wide body of the program (`value`, `mask`, `fast`) over `columns` columns,
/// or `None` where it cannot run wide (see the module documentation; the caller
/// checks the host with [`host_has_wide`]).
pub(crate) fn body(
    t: &Target,
    tape: &Tape,
    (value, mask, fast): (Id, Id, Option<(Id, Id)>),
    columns: usize,
    f32: bool,
) -> Option<Func> {
    let ops = &tape.ops;
    if columns != 1 || fast.is_some() || ops[mask as usize] != Op::MaskConst(false) {
        return None;
    }
    let live = plan(ops, value)?;
    if matches!(ops[value as usize], Op::Const(_)) {
        // A constant program: Cranelift's body stores the constant; so would this one,
        // but there is nothing for eight lanes to win.
        return None;
    }

    // The pool: the live constants, then the masks `|·|` and negation need.
    let mut pool: Vec<u64> = Vec::new();
    let pool_of = |v: u64, pool: &mut Vec<u64>| match pool.iter().position(|&p| p == v) {
        Some(k) => k,
        None => {
            pool.push(v);
            pool.len() - 1
        }
    };
    let mut const_pool = vec![usize::MAX; ops.len()];
    for (i, op) in ops.iter().enumerate() {
        if let (true, Op::Const(bits)) = (live[i], *op) {
            const_pool[i] = pool_of(bits, &mut pool);
        }
    }
    let uses = |f: fn(&Op) -> bool| ops.iter().zip(&live).any(|(op, &l)| l && f(op));
    let abs_mask = uses(|op| matches!(op, Op::Abs(_))).then(|| pool_of(!(1u64 << 63), &mut pool));
    let sign = uses(|op| matches!(op, Op::Neg(_))).then(|| pool_of(1u64 << 63, &mut pool));

    // Registers: the pool's entries first, then each vector's values, a register
    // freed after its last use (never the destination of the operation that reads
    // it last: an FMA's destination is written before its operands are read).
    let fixed = pool.len();
    let inputs: Vec<usize> = (0..ops.len())
        .filter(|&i| live[i] && ops[i] == Op::Input(0))
        .collect();
    if fixed + UNROLL > REGISTERS || inputs.len() != 1 {
        return None;
    }
    let input = inputs[0];
    let mut last_use = vec![0usize; ops.len()];
    for (i, op) in ops.iter().enumerate() {
        if live[i] {
            let (args, n) = op.args();
            for &a in &args[..n] {
                last_use[a as usize] = i;
            }
        }
    }
    last_use[value as usize] = usize::MAX;
    let mut free: Vec<u8> = (fixed..REGISTERS).rev().map(|r| r as u8).collect();
    // reg[u][i]: the register of operation `i` in vector `u`.
    let mut reg = vec![vec![u8::MAX; ops.len()]; UNROLL];
    // The column's registers first: each step loads it before any operation runs.
    for regs in reg.iter_mut() {
        regs[input] = free.pop()?;
    }
    let mut schedule = Vec::new();
    for i in 0..ops.len() {
        if !live[i] {
            continue;
        }
        for regs in reg.iter_mut() {
            regs[i] = match ops[i] {
                Op::Const(_) => const_pool[i] as u8,
                Op::Input(_) => regs[i],
                _ => free.pop()?,
            };
        }
        schedule.push(i);
        let (args, n) = ops[i].args();
        for &a in &args[..n] {
            let a = a as usize;
            if last_use[a] == i && !matches!(ops[a], Op::Const(_)) {
                for regs in &reg {
                    // Each operand once, however often this operation reads it.
                    if !free.contains(&regs[a]) {
                        free.push(regs[a]);
                    }
                }
            }
        }
    }
    let vectors = |n: usize| &reg[..n];

    let mut a = Asm::new();
    let (main, tail, done) = (a.label(), a.label(), a.label());
    for (k, _) in pool.iter().enumerate() {
        // vbroadcastsd zmm_k, [rip + pool_k]
        a.evex(2, 1, true, 2, 0x19, k as u8, 0, Rm::Pool(k), 0, false);
    }
    // lea r9, [rip + masks]: the tail's lane masks, after the constants.
    let masks = pool.len();
    a.bytes(&[0x4C, 0x8D, 0x0D]);
    a.pool_refs.push((a.code.len(), masks));
    a.bytes(&[0; 4]);

    let scale = if f32 { 2 } else { 3 };
    let size = if f32 { 4 } else { 8 };
    let at = |base: u8, u: usize| Rm::Mem {
        base,
        index: RCX,
        scale,
        disp: (u * LANES * size) as i32,
    };
    // One step of `n` vectors; `k` the lane mask (0: none).
    let step = |a: &mut Asm, n: usize, k: u8| {
        for (u, regs) in vectors(n).iter().enumerate() {
            let x = regs[input];
            if f32 {
                if k == 0 {
                    // vcvtps2pd zmm_x, [rdi + rcx·4 + 32u]
                    a.evex(1, 0, false, 2, 0x5A, x, 0, at(RDI, u), 0, false);
                } else {
                    // vmovups ymm_x{k}{z}, [..]; vcvtps2pd zmm_x, ymm_x
                    a.evex(1, 0, false, 1, 0x10, x, 0, at(RDI, u), k, true);
                    a.evex(1, 0, false, 2, 0x5A, x, 0, Rm::Reg(x), 0, false);
                }
            } else {
                // vmovupd zmm_x{k}{z}, [rdi + rcx·8 + 64u]
                a.evex(1, 1, true, 2, 0x10, x, 0, at(RDI, u), k, k != 0);
            }
        }
        for &i in &schedule {
            for regs in vectors(n) {
                let d = regs[i];
                let g = |j: Id| Rm::Reg(regs[j as usize]);
                let r = |j: Id| regs[j as usize];
                match ops[i] {
                    Op::Input(_) | Op::Const(_) => {}
                    Op::Add(x, y) => a.pd(0x58, d, r(x), g(y)),
                    Op::Sub(x, y) => a.pd(0x5C, d, r(x), g(y)),
                    Op::Mul(x, y) => a.pd(0x59, d, r(x), g(y)),
                    Op::Div(x, y) => a.pd(0x5E, d, r(x), g(y)),
                    Op::Sqrt(x) => a.pd(0x51, d, 0, g(x)),
                    // vpxorq / vpandq with the sign / magnitude mask.
                    Op::Neg(x) => a.pd(0xEF, d, r(x), Rm::Reg(sign.expect("pooled") as u8)),
                    Op::Abs(x) => a.pd(0xDB, d, r(x), Rm::Reg(abs_mask.expect("pooled") as u8)),
                    Op::Fma(x, y, c) if t.split_squares && square(ops, x, y).is_some() => {
                        let (w, negated) = square(ops, x, y).expect("matched");
                        // d = w·w, then d = c − d or d + c.
                        a.pd(0x59, d, r(w), g(w));
                        if negated {
                            a.pd(0x5C, d, r(c), Rm::Reg(d));
                        } else {
                            a.pd(0x58, d, d, g(c));
                        }
                    }
                    Op::Fma(x, y, c) => {
                        // vmovapd d, c; vfmadd231pd d, x, y
                        a.pd(0x28, d, 0, g(c));
                        a.evex(2, 1, true, 2, 0xB8, d, r(x), g(y), 0, false);
                    }
                    _ => unreachable!("planned"),
                }
            }
        }
        for (u, regs) in vectors(n).iter().enumerate() {
            let y = regs[value as usize];
            if f32 {
                // vcvtpd2ps ymm_y, zmm_y; vmovups [rsi + rcx·4 + 32u]{k}, ymm_y
                a.evex(1, 1, true, 2, 0x5A, y, 0, Rm::Reg(y), 0, false);
                a.evex(1, 0, false, 1, 0x11, y, 0, at(RSI, u), k, false);
            } else {
                // vmovupd [rsi + rcx·8 + 64u]{k}, zmm_y
                a.evex(1, 1, true, 2, 0x11, y, 0, at(RSI, u), k, false);
            }
        }
    };

    // `dst = n − start` (flags as of that subtraction).
    let rows_left = |a: &mut Asm, dst: u8| {
        a.alu(0x89, dst, RDX); // mov dst, rdx
        a.alu(0x29, dst, RCX); // sub dst, rcx
    };
    // The `rax` rows from `start` (1 to 8) under their lane mask, then `start += rax`.
    let masked_step = |a: &mut Asm| {
        // kmovw k1, [r9 + rax·2]
        a.bytes(&[0xC4, 0xC1, 0x78, 0x90, 0x8C, 0x41, 0, 0, 0, 0]);
        step(a, 1, 1);
        a.alu(0x01, RCX, RAX); // add rcx, rax
    };
    // While start + 16 <= n, a step of two vectors (prefetching both columns
    // `PREFETCH_BYTES` ahead, `out` for writing, if `prefetch`); then to `tail`.
    let whole_steps = |a: &mut Asm, prefetch: bool| {
        let top = a.label();
        a.bind(top);
        a.bytes(&[0x48, 0x8D, 0x81]); // lea rax, [rcx + 16]
        a.bytes(&((UNROLL * LANES) as i32).to_le_bytes());
        a.alu(0x39, RAX, RDX); // cmp rax, rdx
        a.jump(Some(CC_A), tail);
        for line in 0..if prefetch {
            UNROLL * LANES * size / 64
        } else {
            0
        } {
            let d = PREFETCH_BYTES + 64 * line as i32;
            // prefetcht0 [rdi + rcx·s + d]; prefetchw [rsi + rcx·s + d]
            a.bytes(&[0x0F, 0x18, 0x8C, scale << 6 | 0x0F]);
            a.bytes(&d.to_le_bytes());
            a.bytes(&[0x0F, 0x0D, 0x8C, scale << 6 | 0x0E]);
            a.bytes(&d.to_le_bytes());
        }
        step(a, UNROLL, 0);
        a.alu(0x89, RCX, RAX); // mov rcx, rax
        a.jump(None, top);
    };

    // head: the rows before `out` is aligned to a vector's store (64 bytes, 32 for
    // `f32`), under their mask. Unaligned, every store and load of a step spans two
    // cache lines: `jit_speed normal` (f64, alternated runs) took 0.167–0.187 ns a row
    // at 1000 rows, 0.237–0.238 at 4096 and 0.683–0.705 at 1e6 unaligned, against
    // 0.137–0.156, 0.212–0.220 and 0.619–0.634 aligned (`f32`: no change beyond noise).
    a.bytes(&[0x48, 0x8D, 0x04, scale << 6 | 0x0E]); // lea rax, [rsi + rcx·s]
    a.bytes(&[0x48, 0xF7, 0xD8]); // neg rax
    a.bytes(&[0x83, 0xE0, (LANES * size - 1) as u8]); // and eax, 63 (f32: 31)
    a.bytes(&[0xC1, 0xE8, scale]); // shr eax, log2 s
    a.jump(Some(CC_E), main);
    rows_left(&mut a, R8);
    a.jump(Some(CC_BE), main); // none left (or start > n)
    a.alu(0x39, RAX, R8); // cmp rax, r8
    a.bytes(&[0x49, 0x0F, 0x47, 0xC0]); // cmova rax, r8
    masked_step(&mut a);

    // main: the whole steps. `f64` batches of at least `PREFETCH_ROWS` rows take the
    // loop that prefetches.
    a.bind(main);
    if !f32 {
        let plain = a.label();
        rows_left(&mut a, RAX);
        a.bytes(&[0x48, 0x3D]); // cmp rax, imm32
        a.bytes(&PREFETCH_ROWS.to_le_bytes());
        a.jump(Some(CC_B), plain);
        whole_steps(&mut a, true);
        a.bind(plain);
    }
    whole_steps(&mut a, false);

    // tail: while start < n, up to eight rows under the mask of their lanes.
    a.bind(tail);
    a.alu(0x39, RCX, RDX); // cmp rcx, rdx
    a.jump(Some(CC_AE), done);
    rows_left(&mut a, RAX);
    a.bytes(&[0x48, 0x83, 0xF8, LANES as u8]); // cmp rax, 8
    let fits = a.label();
    a.jump(Some(CC_BE), fits);
    a.bytes(&[0xB8, LANES as u8, 0, 0, 0]); // mov eax, 8
    a.bind(fits);
    masked_step(&mut a);
    a.jump(None, tail);

    a.bind(done);
    a.bytes(&[0xC5, 0xF8, 0x77, 0xC3]); // vzeroupper; ret

    // The lane masks (16 bits each, rows 0..=8), four to a pool entry.
    let lane_masks: Vec<u16> = (0..=LANES).map(|r| ((1u32 << r) - 1) as u16).collect();
    for chunk in lane_masks.chunks(4) {
        let mut e = [0u8; 8];
        for (j, m) in chunk.iter().enumerate() {
            e[2 * j..2 * j + 2].copy_from_slice(&m.to_le_bytes());
        }
        pool.push(u64::from_le_bytes(e));
    }
    Some(Func {
        bytes: a.finish(&pool),
        align: 64,
        relocs: Vec::new(),
    })
}
