//! Templates: compiled code reused for new constants (copy and patch).
//!
//! A traced program's *shape* is everything about it but the values of its generic
//! constants (finite, normal, not a power of two: the values a parameter change
//! moves). Two programs of one shape lower to the same Cranelift IR with other
//! constants in the entry block, and Cranelift's code for them differs only in the
//! bytes of those constants. So the second kernel of a shape is compiled once more
//! with *sentinel* constants (distinctive bit patterns), and the code is accepted as a
//! template only if it equals the first kernel's code byte for byte once the first
//! kernel's constants are written where the sentinels are. Every later kernel of that
//! shape is then the template's bytes with its own constants written in: the
//! constants are still baked into the machine code, and a kernel costs a copy and a
//! few stores instead of Cranelift's passes. Constants that are not generic (0, ±1,
//! powers of two, infinities, NaN), which Cranelift may treat specially, are part of
//! the shape, as are the structure of the program, its tables and the batch loop's
//! unroll.
//!
//! Shapes whose code fails that comparison (a constant Cranelift folded, say) are
//! remembered as rejected and always compiled. A constant is found as its 8 bytes (a
//! constant-pool entry, an x86-64 immediate) or, on aarch64, where Cranelift builds
//! every 64-bit constant from 16-bit `movz`/`movk` pieces, as such a sequence; there a
//! value with a piece of all zeros or all ones takes fewer instructions, so it counts
//! as part of the shape (f32 parameters, whose f64 images end in zero bits, rarely make
//! templates on aarch64).

use crate::tape::{FxHashMap, Id, Op, Tape};
use cranelift_module::ModuleReloc;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Most shapes a cache holds (each holds one function's code, a few KiB to tens of
/// KiB); beyond it, new shapes are compiled every time.
pub(crate) const MAX_SHAPES: usize = 256;

/// Lookup tables read by generated code ([`Op::Gather`]), shared by every kernel of a
/// template (their addresses are in its code).
pub(crate) type Tables = Arc<[Box<[f64]>]>;

/// A compiled function: its bytes, alignment and relocations (module ids as laid out
/// by `Jit::link`).
#[derive(Clone)]
pub(crate) struct Func {
    pub(crate) bytes: Vec<u8>,
    pub(crate) align: u64,
    pub(crate) relocs: Vec<ModuleReloc>,
}

fn relocs_equal(a: &[ModuleReloc], b: &[ModuleReloc]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.offset == b.offset
                && a.kind == b.kind
                && a.addend == b.addend
                && format!("{:?}", a.name) == format!("{:?}", b.name)
        })
}

/// Whether a constant is a parameter of its shape rather than part of it. On aarch64,
/// where Cranelift builds 64-bit constants from 16-bit `movz`/`movk` pieces and skips
/// pieces that are all zeros (or uses `movn` for all ones), a value with such a piece
/// is built by a shorter sequence than a template's, so it is part of the shape too.
pub(crate) fn generic(bits: u64) -> bool {
    let v = f64::from_bits(bits);
    v.is_normal()
        && bits & ((1u64 << 52) - 1) != 0
        && (!cfg!(target_arch = "aarch64") || full_pieces(bits, 4))
}

/// The low `pieces` 16-bit pieces of `bits` are neither all zeros nor all ones.
fn full_pieces(bits: u64, pieces: u32) -> bool {
    (0..pieces).all(|i| !matches!(bits >> (16 * i) & 0xFFFF, 0 | 0xFFFF))
}

/// The shape of a program (the cache key).
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Shape {
    /// The tape, generic live constants zeroed and dead operations blanked.
    ops: Vec<Op>,
    /// The ids of the generic live constants, in tape order: the slots.
    slots: Vec<Id>,
    outputs: [Id; 4],
    speculative: bool,
    columns: usize,
    unroll: usize,
    f32: bool,
    /// Whether the loop runs in `f32` lanes, which depends on constants' values (see
    /// `codegen::narrow`).
    narrow: bool,
    /// The tables' contents (bits).
    tables: Vec<Vec<u64>>,
}

/// A program's shape and the values of its slots.
pub(crate) struct Instance {
    pub(crate) shape: Shape,
    /// The bits of each slot's constant, in slot order.
    pub(crate) values: Vec<u64>,
}

impl Instance {
    /// The shape of the program whose outputs are `outputs` (value, mask and, if
    /// speculative, the fast value and mask), its live constants whose bits pass
    /// `slot` ([`generic`] for templates) taken out as slots.
    pub(crate) fn of(
        tape: &Tape,
        outputs: (Id, Id, Option<(Id, Id)>),
        columns: usize,
        unroll: usize,
        f32: bool,
        tables: &[Box<[f64]>],
        slot: fn(u64) -> bool,
    ) -> Instance {
        let (value, mask, fast) = outputs;
        let (fv, fm) = fast.unwrap_or((value, mask));
        let live = tape.live(&[value, mask, fv, fm]);
        let mut ops = tape.ops.clone();
        let mut slots = Vec::new();
        let mut values = Vec::new();
        for (i, op) in ops.iter_mut().enumerate() {
            if !live[i] {
                // Dead work (parameter arithmetic folded while tracing) is not code.
                *op = Op::MaskConst(false);
            } else if let Op::Const(bits) = *op
                && slot(bits)
            {
                slots.push(i as Id);
                values.push(bits);
                *op = Op::Const(0);
            }
        }
        let shape = Shape {
            ops,
            slots,
            outputs: [value, mask, fv, fm],
            speculative: fast.is_some(),
            columns,
            unroll,
            f32,
            narrow: crate::codegen::narrow(&tape.ops, outputs, f32, unroll),
            tables: tables
                .iter()
                .map(|t| t.iter().map(|v| v.to_bits()).collect())
                .collect(),
        };
        Instance { shape, values }
    }

    /// The tape with `sentinel(j)` in place of slot `j`'s constant.
    pub(crate) fn sentinel_tape(&self, tape: &Tape, sentinel: impl Fn(usize) -> u64) -> Tape {
        let mut ops = tape.ops.clone();
        for (j, &id) in self.shape.slots.iter().enumerate() {
            ops[id as usize] = Op::Const(sentinel(j));
        }
        Tape::from_ops(ops)
    }
}

/// SplitMix64's output function: distinct, patternless 64-bit values.
pub(crate) fn mix(i: u64) -> u64 {
    let mut z = i
        .wrapping_add(0x9E37_79B9_7F4A_7C15)
        .wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The sentinel of slot `j`: a generic constant (±[1, 2), random mantissa, every
/// 16-bit piece mixed).
pub(crate) fn sentinel(j: usize) -> u64 {
    (0u64..)
        .map(|attempt| {
            let m = mix(j as u64 ^ 0x6578_7066_616D_0001 ^ attempt << 40);
            (m & 0x800F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000
        })
        .find(|&bits| full_pieces(bits, 4))
        .expect("a random value soon has no uniform piece")
}

/// The sentinel of the fallback context, the slot after the constants: a 47-bit
/// address, as the context's heap address is, so it is materialised the same way
/// (on aarch64, three `movz`/`movk` pieces).
pub(crate) fn ctx_sentinel() -> u64 {
    (0u64..)
        .map(|attempt| {
            let m = mix(0x6578_7066_616D_0002 ^ attempt << 40);
            (m & 0x0000_3FFF_FFFF_FFF8) | 0x0000_4000_0000_0000
        })
        .find(|&bits| full_pieces(bits, 3))
        .expect("a random value soon has no uniform piece")
}

/// Where a slot's value is written in a template's code.
#[derive(Clone, Copy, Debug)]
enum Patch {
    /// The 8 bytes at this offset: a constant-pool entry or a 64-bit immediate.
    Bytes(usize),
    /// The 16-bit immediate of the aarch64 `movz`/`movk` at this offset, which sets
    /// bits `16·hw ..` of the value.
    Piece { at: usize, hw: u32 },
}

/// aarch64 `movz`/`movk` (64-bit forms): opcode bits, and the mask that selects them.
const MOVZ_X: u32 = 0xD280_0000;
const MOVK_X: u32 = 0xF280_0000;
const MOV_WIDE_MASK: u32 = 0xFF80_0000;

/// Sets the immediate of the `movz`/`movk` at `at` to piece `hw` of `value`.
fn write_piece(code: &mut [u8], at: usize, hw: u32, value: u64) {
    let word = u32::from_le_bytes(code[at..at + 4].try_into().expect("4 bytes"));
    let piece = (value >> (16 * hw) & 0xFFFF) as u32;
    let word = word & !(0xFFFF << 5) | piece << 5;
    code[at..at + 4].copy_from_slice(&word.to_le_bytes());
}

/// Where the keys of `want` occur in `code` as 8 little-endian bytes, scanning from
/// the start (occurrences do not overlap): (offset, the key's value). Only words that
/// pass `maybe` are looked up.
pub(crate) fn word_sites<T: Copy>(
    code: &[u8],
    want: &HashMap<u64, T>,
    maybe: impl Fn(u64) -> bool,
) -> Vec<(usize, T)> {
    let mut sites = Vec::new();
    let mut at = 0;
    while at + 8 <= code.len() {
        let word = u64::from_le_bytes(code[at..at + 8].try_into().expect("8 bytes"));
        if let Some(&t) = maybe(word).then(|| want.get(&word)).flatten() {
            sites.push((at, t));
            at += 8;
        } else {
            at += 1;
        }
    }
    sites
}

/// The 64-bit constants built by `movz` and the `movk`s that follow it into the same
/// register: each value with its instructions (offset, piece).
fn mov_wide_constants(code: &[u8]) -> Vec<(u64, Vec<(usize, u32)>)> {
    let word = |at: usize| u32::from_le_bytes(code[at..at + 4].try_into().expect("4 bytes"));
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= code.len() {
        let w = word(at);
        if w & MOV_WIDE_MASK != MOVZ_X {
            at += 4;
            continue;
        }
        let rd = w & 31;
        let mut value = 0u64;
        let mut pieces = Vec::new();
        let mut next = at;
        while next + 4 <= code.len() {
            let k = word(next);
            let first = next == at;
            if !(first || (k & MOV_WIDE_MASK == MOVK_X && k & 31 == rd)) {
                break;
            }
            let hw = k >> 21 & 3;
            let shift = 16 * hw;
            value = value & !(0xFFFF << shift) | u64::from(k >> 5 & 0xFFFF) << shift;
            pieces.push((next, hw));
            next += 4;
        }
        out.push((value, pieces));
        at = next;
    }
    out
}

/// Code for every program of one shape: its bytes with the slots to write.
pub(crate) struct Template {
    pub(crate) body: Func,
    /// (where, slot): the last slot is the fallback context.
    patches: Vec<(Patch, usize)>,
    /// Per slot, the bits its every occurrence can hold (a `movz`/`movk` sequence
    /// without the pieces that were zero in the sentinel cannot set them).
    writable: Vec<u64>,
    pub(crate) tables: Tables,
}

impl Template {
    /// The body with `values` (the context address last) written in; `None` when a
    /// value has bits its place in the code cannot hold (the caller compiles instead).
    pub(crate) fn instantiate(&self, values: &[u64]) -> Option<Vec<u8>> {
        if values.iter().zip(&self.writable).any(|(v, w)| v & !w != 0) {
            return None;
        }
        let mut bytes = self.body.bytes.clone();
        for &(patch, slot) in &self.patches {
            match patch {
                Patch::Bytes(at) => {
                    bytes[at..at + 8].copy_from_slice(&values[slot].to_le_bytes());
                }
                Patch::Piece { at, hw } => write_piece(&mut bytes, at, hw, values[slot]),
            }
        }
        Some(bytes)
    }

    /// Finds the sentinels in `sentinel_code` and accepts it if the `first` kernel's
    /// code is exactly it with the first kernel's values (`first_values`, context
    /// last) in their places, and every parameter slot was found.
    fn verify(sentinel_code: Func, first: &Candidate, tables: Tables) -> Option<Template> {
        let slots = first.values.len();
        let code = &sentinel_code.bytes;
        if code.len() != first.code.bytes.len()
            || sentinel_code.align != first.code.align
            || !relocs_equal(&sentinel_code.relocs, &first.code.relocs)
        {
            return None;
        }
        let want: HashMap<u64, usize> = (0..slots - 1)
            .map(|j| (sentinel(j), j))
            .chain([(ctx_sentinel(), slots - 1)])
            .collect();
        if want.len() != slots {
            return None;
        }
        let mut patches = Vec::new();
        let mut writable = vec![u64::MAX; slots];
        let mut found = vec![false; slots];
        // Every sentinel has exponent field 0x3FF or its top 17 bits 0, bit 46 set.
        let maybe = |word: u64| word >> 52 & 0x7FF == 0x3FF || word >> 46 == 1;
        for (at, slot) in word_sites(code, &want, maybe) {
            patches.push((Patch::Bytes(at), slot));
            found[slot] = true;
        }
        if cfg!(target_arch = "aarch64") {
            for (value, pieces) in mov_wide_constants(code) {
                if let Some(&slot) = want.get(&value) {
                    found[slot] = true;
                    writable[slot] &= pieces.iter().fold(0, |m, &(_, hw)| m | 0xFFFF << (16 * hw));
                    patches.extend(
                        pieces
                            .iter()
                            .map(|&(at, hw)| (Patch::Piece { at, hw }, slot)),
                    );
                }
            }
        }
        let template = Template {
            body: sentinel_code,
            patches,
            writable,
            tables,
        };
        // Every parameter must be found; the context address is absent from code
        // that never calls the fallback (a program without special lanes).
        (found[..slots - 1].iter().all(|&f| f)
            && template.instantiate(&first.values).as_ref() == Some(&first.code.bytes))
        .then_some(template)
    }
}

/// The first kernel of a shape, kept to check the template against.
pub(crate) struct Candidate {
    code: Func,
    /// Its slot values, its context address last.
    values: Vec<u64>,
    pub(crate) tables: Tables,
}

enum Entry {
    Candidate(Arc<Candidate>),
    Template(Arc<Template>),
    Rejected,
}

/// What the cache knows of a shape.
pub(crate) enum Lookup {
    /// Never seen (or not cacheable): compile, then [`Templates::first`].
    New,
    /// Seen once: compile with sentinels, then [`Templates::second`].
    Second(Arc<Candidate>),
    /// Instantiate this.
    Template(Arc<Template>),
    /// Compile.
    Rejected,
}

/// The template cache of a [`crate::Jit`] (shared by its clones).
#[derive(Default)]
pub(crate) struct Templates {
    map: Mutex<FxHashMap<Shape, Entry>>,
}

impl Templates {
    fn map(&self) -> std::sync::MutexGuard<'_, FxHashMap<Shape, Entry>> {
        // A panic while holding the lock cannot leave the map inconsistent (each
        // update is one insert), so a poisoned lock is still usable.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn lookup(&self, shape: &Shape) -> Lookup {
        match self.map().get(shape) {
            None => Lookup::New,
            Some(Entry::Candidate(c)) => Lookup::Second(Arc::clone(c)),
            Some(Entry::Template(t)) => Lookup::Template(Arc::clone(t)),
            Some(Entry::Rejected) => Lookup::Rejected,
        }
    }

    /// Records the first kernel of `shape` (compiled with `tables`, `values` and the
    /// context address `ctx`).
    pub(crate) fn first(
        &self,
        shape: Shape,
        code: &Func,
        values: &[u64],
        ctx: u64,
        tables: &Tables,
    ) {
        let mut map = self.map();
        if map.len() < MAX_SHAPES {
            let values = values.iter().copied().chain([ctx]).collect();
            map.entry(shape).or_insert_with(|| {
                Entry::Candidate(Arc::new(Candidate {
                    code: code.clone(),
                    values,
                    tables: Arc::clone(tables),
                }))
            });
        }
    }

    /// Checks the sentinel compile of `shape` against its first kernel; the template,
    /// if accepted (otherwise the shape is rejected from now on).
    pub(crate) fn second(
        &self,
        shape: Shape,
        sentinel_code: Func,
        first: &Candidate,
    ) -> Option<Arc<Template>> {
        let template =
            Template::verify(sentinel_code, first, Arc::clone(&first.tables)).map(Arc::new);
        let entry = match &template {
            Some(t) => Entry::Template(Arc::clone(t)),
            None => Entry::Rejected,
        };
        self.map().insert(shape, entry);
        template
    }

    /// How many shapes have a template.
    pub(crate) fn count(&self) -> usize {
        self.map()
            .values()
            .filter(|e| matches!(e, Entry::Template(_)))
            .count()
    }

    pub(crate) fn clear(&self) {
        self.map().clear();
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn sentinels_are_generic_and_distinct() {
        let s: Vec<u64> = (0..10_000).map(sentinel).collect();
        assert!(s.iter().all(|&b| generic(b)));
        let mut sorted = s.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), s.len());
        assert!(!s.contains(&ctx_sentinel()));
        assert!(ctx_sentinel() > u64::from(u32::MAX) && ctx_sentinel() < 1 << 47);
    }

    #[test]
    fn special_constants_are_part_of_the_shape() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            2.0,
            f64::INFINITY,
            f64::NAN,
            1e-310,
        ] {
            assert!(!generic(f64::to_bits(v)), "{v}");
        }
        for v in [-0.7, 1e300, core::f64::consts::LN_2] {
            assert!(generic(f64::to_bits(v)), "{v}");
        }
        // 3.0 has zero low pieces: built by one `movz` on aarch64.
        assert_eq!(generic(3f64.to_bits()), !cfg!(target_arch = "aarch64"));
    }

    /// The body of `a` with each of its addresses (its fallback context's and its
    /// tables') replaced by `b`'s: as 8 bytes, or (aarch64) as `movz`/`movk` pieces.
    /// Equal to `b`'s body when the two are the same code for their own addresses.
    pub(crate) fn with_addresses_of<F>(
        a: &crate::compiled::Owned<F>,
        b: &crate::compiled::Owned<F>,
    ) -> Vec<u8> {
        let addresses = |o: &crate::compiled::Owned<F>| -> Vec<u64> {
            let tables = o._tables.iter().map(|t| t.as_ptr() as u64);
            [o.ctx as u64].into_iter().chain(tables).collect()
        };
        let moves: HashMap<u64, u64> = addresses(a).into_iter().zip(addresses(b)).collect();
        let mut code = a.body.clone();
        for (at, to) in word_sites(&a.body, &moves, |_| true) {
            code[at..at + 8].copy_from_slice(&to.to_le_bytes());
        }
        if cfg!(target_arch = "aarch64") {
            for (value, pieces) in mov_wide_constants(&a.body) {
                if let Some(&to) = moves.get(&value) {
                    for (at, hw) in pieces {
                        write_piece(&mut code, at, hw, to);
                    }
                }
            }
        }
        code
    }

    /// Parameters of one shape for every family (moderate, generic values).
    fn params(family: &str, i: usize) -> Vec<f64> {
        let t = 1.0 + 0.0371 * i as f64;
        match family {
            "binomial" => vec![20.0, 0.3 * t],
            "bernoulli" | "geometric" => vec![0.3 * t],
            "negative_binomial" => vec![3.5 * t, 0.4 * t],
            "exponential" | "chi_squared" | "poisson" => vec![3.3 * t],
            _ => vec![0.7 * t, 1.3 * t],
        }
    }

    /// The same code as Cranelift's: a template's kernel and a kernel compiled for the
    /// same parameters by a `Jit` without templates have the same machine code, but
    /// for the addresses of their own fallback context and tables (whole 64-bit
    /// immediates where templates are made).
    fn template_code_is_cranelifts<F: expfam_kernels::Float>() {
        use crate::{CodeSource, Jit};
        use expfam_kernels::{Dist, FAMILIES};
        let mut with = Jit::new().unwrap();
        with.set_stencils(false).set_wide(false);
        let mut without = Jit::new().unwrap();
        without
            .set_templates(false)
            .set_stencils(false)
            .set_wide(false);
        for family in FAMILIES {
            for i in 0..4 {
                let ps: Vec<F> = params(family, i).iter().map(|&p| F::from_f64(p)).collect();
                let d = Dist::from_name(family, &ps).unwrap();
                let (a, b) = (with.compile(&d).unwrap(), without.compile(&d).unwrap());
                assert_eq!(b.source(), CodeSource::Compiled);
                // Every shape of these parameters gets a template on x86-64. On
                // aarch64 a constant with a uniform 16-bit piece is part of the shape
                // (see `generic`), so parameters that move can change it.
                if i == 0 {
                    assert_eq!(a.source(), CodeSource::Compiled, "{family} {i}");
                } else if cfg!(target_arch = "x86_64") {
                    assert_eq!(a.source(), CodeSource::Template, "{family} {i}");
                }
                if a.source() != CodeSource::Template {
                    continue;
                }
                let code = with_addresses_of(a.owned(), b.owned());
                assert!(
                    code == b.owned().body,
                    "{family} {i} {}: code differs",
                    F::NAME
                );
            }
        }
    }

    #[test]
    fn template_code_is_cranelifts_f64() {
        template_code_is_cranelifts::<f64>();
    }

    #[test]
    fn template_code_is_cranelifts_f32() {
        template_code_is_cranelifts::<f32>();
    }
}
