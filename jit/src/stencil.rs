//! Stencils: templates made ahead of time, so that a family's first kernel needs no
//! Cranelift pass (copy and patch).
//!
//! A run-time template (`template.rs`) costs its shape two Cranelift compiles first.
//! Stencils are Cranelift's code for each family's kernels, compiled ahead of time (by
//! the test `stencils_are_current`) at two x86-64 feature levels and shipped in
//! `stencils/x86_64.bin`, with the entry points every kernel links. Each is
//! compiled twice, with two sets of distinctive placeholder constants and addresses,
//! and kept only if the first compile's code with the second set's values written in
//! is byte for byte the second compile's code: the code then holds each value only as
//! those 8 bytes, where it was found, and computes the same operations whatever the
//! values. So every live constant of finite value is a slot here (not only the generic
//! ones a run-time template takes, which must match code compiled for the first
//! kernel's own values): 0, 1 or a power of two written into a stencil is correct,
//! just not folded as Cranelift might have folded it. The shape still depends on
//! values where tracing does: equal constants share one operation, and a kernel may
//! choose its algorithm by its parameters.
//!
//! The addresses a body holds (the fallback's context, the fallback, each table) are
//! slots too, after the constants. Stencils are found by a stable 128-bit hash of the
//! shape; a host runs the stencils of the richest level whose CPU features it has,
//! with the same calling convention. The test `stencils_are_current` remakes the file
//! and fails when it is stale (`EXPFAM_BLESS_STENCILS=1` rewrites it).

use crate::tape::{Mix, Words};
use crate::template::{Func, Shape};
use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::isa::TargetIsa;
use cranelift_module::{ModuleReloc, ModuleRelocTarget};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::OnceLock;

/// Whether a constant is a stencil slot: any finite value but +0, which Cranelift
/// makes with `xorps` where any other comes from memory (see the module's docs).
pub(crate) fn slot(bits: u64) -> bool {
    bits != 0 && f64::from_bits(bits).is_finite()
}

/// The stencils, if this build has them.
#[cfg(target_arch = "x86_64")]
static FILE: &[u8] = include_bytes!("../stencils/x86_64.bin");
#[cfg(not(target_arch = "x86_64"))]
static FILE: &[u8] = &[];

/// The file's first bytes (its format's name and version).
const MAGIC: &[u8; 8] = b"EXPFST01";

/// One feature level's stencils.
pub(crate) struct Level {
    /// Cranelift's preset (`x86-64-v3`, …).
    pub(crate) name: &'static str,
    call_conv: &'static str,
    /// The ISA flags the code was compiled with.
    flags: Vec<&'static str>,
    /// The entry points (map, sum) for `f64`, then for `f32`.
    stubs: [[Func; 2]; 2],
    stencils: HashMap<u128, Stencil<'static>>,
}

impl Level {
    /// The stencil of `shape`, if there is one.
    pub(crate) fn get(&self, shape: &Shape) -> Option<&Stencil<'static>> {
        self.stencils.get(&key(shape))
    }

    /// The entry points (map, sum) for `f32` or `f64`: the same for every kernel, and
    /// made ahead of time too.
    pub(crate) fn stubs(&self, f32: bool) -> &[Func; 2] {
        &self.stubs[usize::from(f32)]
    }
}

/// The relocation kinds a stub may hold (the file stores the index).
const RELOCS: [Reloc; 4] = [
    Reloc::X86CallPCRel4,
    Reloc::X86PCRel4,
    Reloc::X86CallPLTRel4,
    Reloc::Abs8,
];

/// One shape's code.
pub(crate) struct Stencil<'a> {
    code: &'a [u8],
    align: u64,
    /// How many constants, then how many addresses, it takes.
    values: usize,
    addresses: usize,
    /// (offset, slot) pairs, each two little-endian `u32`s: 8 bytes of the code to
    /// write slot's value at (constants first, then addresses).
    patches: &'a [u8],
}

impl Stencil<'_> {
    /// The code with `values` (the constants of the shape's slots, in order) and
    /// `addresses` (context, fallback, tables) written in; `None` if their counts are
    /// not the stencil's.
    pub(crate) fn instantiate(&self, values: &[u64], addresses: &[u64]) -> Option<Func> {
        if values.len() != self.values || addresses.len() != self.addresses {
            return None;
        }
        let mut bytes = self.code.to_vec();
        for p in self.patches.chunks_exact(8) {
            let at = u32::from_le_bytes(p[..4].try_into().expect("4 bytes")) as usize;
            let slot = u32::from_le_bytes(p[4..].try_into().expect("4 bytes")) as usize;
            let v = values
                .get(slot)
                .or_else(|| addresses.get(slot - values.len()))?;
            bytes.get_mut(at..at + 8)?.copy_from_slice(&v.to_le_bytes());
        }
        Some(Func {
            bytes,
            align: self.align,
            relocs: Vec::new(),
        })
    }
}

/// The levels of [`FILE`], read on first use (none if it is malformed: the JIT then
/// compiles everything, and `stencils_are_current` fails).
fn levels() -> &'static [Level] {
    static LEVELS: OnceLock<Vec<Level>> = OnceLock::new();
    LEVELS.get_or_init(|| parse(FILE).unwrap_or_default())
}

/// The flag, among a level's ISA flags, of stencils made with squares fused (see
/// `Target::split_squares`): a host whose JIT fuses them runs those.
pub(crate) const FUSED_SQUARES: &str = "fused_squares";

/// The flags a level is made with or matched against: those `isa` has, and
/// [`FUSED_SQUARES`] if its JIT fuses squares.
fn flags(isa: &dyn TargetIsa, split_squares: bool) -> Vec<&'static str> {
    let mut has: Vec<&str> = isa
        .isa_flags()
        .iter()
        .filter(|v| v.as_bool() == Some(true))
        .map(|v| v.name)
        .collect();
    if !split_squares {
        has.push(FUSED_SQUARES);
    }
    has
}

/// The level for `isa` (whose JIT splits squares or not): the one with the most flags,
/// all of which `isa` has, and its calling convention.
pub(crate) fn for_isa(isa: &dyn TargetIsa, split_squares: bool) -> Option<&'static Level> {
    if isa.triple().architecture.to_string() != "x86_64" {
        return None;
    }
    let call_conv = format!("{:?}", isa.default_call_conv());
    let has = flags(isa, split_squares);
    levels()
        .iter()
        .filter(|l| l.call_conv == call_conv && l.flags.iter().all(|f| has.contains(f)))
        .max_by_key(|l| l.flags.len())
}

/// A stable 128-bit hash (two multiply-rotate lanes), for [`key`].
#[derive(Default)]
struct Stable {
    a: u64,
    b: u64,
}

impl Mix for Stable {
    fn add(&mut self, w: u64) {
        self.a = (self.a ^ w)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
        self.b = (self.b.rotate_left(17) ^ w).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    }
    fn finish(&self) -> u64 {
        self.a
    }
}

/// The key a shape's stencil is stored under.
fn key(shape: &Shape) -> u128 {
    let mut h = Words(Stable::default());
    shape.hash(&mut h);
    let Stable { a, b } = h.0;
    let hi = crate::template::mix(a ^ b.rotate_left(32));
    let lo = crate::template::mix(b ^ hi);
    u128::from(hi) << 64 | u128::from(lo)
}

/// Reads [`FILE`]'s format: the magic, a `u32` count of levels, and per level:
/// - its name, calling convention and flags (strings: a `u16` length and UTF-8);
/// - the four stubs (map and sum, `f64` then `f32`), each its alignment, length, code
///   and a count of relocations, each of these its offset, kind (an index into
///   [`RELOCS`]), addend (`i64`), namespace and index;
/// - a `u32` count of stencils and per stencil: key (`u128`), constants, addresses,
///   alignment, code length, the code, a count of patches and the patches.
///
/// Counts and unnamed fields are `u32`, all little endian.
fn parse(file: &'static [u8]) -> Option<Vec<Level>> {
    let mut r = Reader { file, at: 0 };
    if r.bytes(8)? != MAGIC {
        return None;
    }
    let mut levels = Vec::new();
    for _ in 0..r.u32()? {
        let name = r.str()?;
        let call_conv = r.str()?;
        let flags = (0..r.u32()?).map(|_| r.str()).collect::<Option<_>>()?;
        let mut stub = || -> Option<Func> {
            let align = u64::from(r.u32()?);
            let len = r.u32()? as usize;
            let bytes = r.bytes(len)?.to_vec();
            let relocs = (0..r.u32()?)
                .map(|_| {
                    Some(ModuleReloc {
                        offset: r.u32()?,
                        kind: *RELOCS.get(r.u32()? as usize)?,
                        addend: i64::from_le_bytes(r.bytes(8)?.try_into().ok()?),
                        name: ModuleRelocTarget::User {
                            namespace: r.u32()?,
                            index: r.u32()?,
                        },
                    })
                })
                .collect::<Option<_>>()?;
            Some(Func {
                bytes,
                align,
                relocs,
            })
        };
        let stubs = [[stub()?, stub()?], [stub()?, stub()?]];
        let mut stencils = HashMap::new();
        for _ in 0..r.u32()? {
            let key = u128::from_le_bytes(r.bytes(16)?.try_into().ok()?);
            let values = r.u32()? as usize;
            let addresses = r.u32()? as usize;
            let align = u64::from(r.u32()?);
            let len = r.u32()? as usize;
            let code = r.bytes(len)?;
            let patches = r.u32()? as usize;
            let patches = r.bytes(8 * patches)?;
            stencils.insert(
                key,
                Stencil {
                    code,
                    align,
                    values,
                    addresses,
                    patches,
                },
            );
        }
        levels.push(Level {
            name,
            call_conv,
            flags,
            stubs,
            stencils,
        });
    }
    (r.at == file.len()).then_some(levels)
}

struct Reader {
    file: &'static [u8],
    at: usize,
}

impl Reader {
    fn bytes(&mut self, n: usize) -> Option<&'static [u8]> {
        let b = self.file.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(b)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.bytes(4)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<&'static str> {
        let n = u16::from_le_bytes(self.bytes(2)?.try_into().ok()?);
        std::str::from_utf8(self.bytes(usize::from(n))?).ok()
    }
}

/// Making the stencils (tests only: `stencils_are_current`).
#[cfg(all(test, target_arch = "x86_64"))]
pub(crate) mod make {
    use super::*;
    use crate::codegen::Baked;
    use crate::template::{Instance, mix};
    use crate::{Jit, JitError, is_f32, trace_dist};
    use cranelift_codegen::settings::Configurable;
    use expfam_kernels::{Dist, FAMILIES, Float};

    /// The x86-64 levels stencils are made for: Cranelift's preset, and the flags
    /// `cranelift-native` sets on every CPU of the level that the preset leaves out
    /// (without `has_avx`, Cranelift's `fma` is a call to libm). No `x86-64-v4`: its
    /// code (with `has_avx512f`) was byte for byte `-v3`'s, Cranelift lowering these
    /// 128-bit kernels without AVX-512, so AVX-512 hosts run `-v3`'s. `-v3` comes
    /// twice: with squares split (AMD's hosts) and fused ([`FUSED_SQUARES`], the
    /// others'); without FMA (`-v2`) they are split on every host.
    pub(crate) const LEVELS: [(&str, &[&str]); 3] = [
        ("x86-64-v2", &[]),
        ("x86-64-v3", &["has_avx"]),
        ("x86-64-v3", &["has_avx", FUSED_SQUARES]),
    ];

    /// The parameter sets each family's stencils are made for: those of `expfam bench`
    /// (whose special values, 0 and 1 above all, make shapes of their own), ones of no
    /// special value, and for the location-scale families each of the standard ones.
    pub(crate) fn params(family: &str) -> Vec<Vec<f64>> {
        let sets: &[&[f64]] = match family {
            "normal" | "laplace" | "lognormal" => {
                &[&[0.0, 1.0], &[0.3, 1.7], &[0.0, 1.7], &[0.3, 1.0]]
            }
            "exponential" => &[&[1.5], &[0.7]],
            "gamma" => &[&[2.5, 1.5], &[2.7, 1.3]],
            "inverse_gamma" => &[&[3.0, 2.0], &[3.3, 2.2]],
            "chi_squared" => &[&[4.0], &[4.7]],
            "beta" => &[&[2.0, 5.0], &[2.3, 5.3]],
            "weibull" => &[&[1.5, 2.0], &[1.7, 2.3]],
            "poisson" => &[&[4.5], &[4.7]],
            "bernoulli" | "geometric" => &[&[0.3], &[0.37]],
            "binomial" => &[&[20.0, 0.3], &[20.0, 0.37]],
            "negative_binomial" => &[&[3.5, 0.4], &[3.7, 0.43]],
            _ => &[],
        };
        sets.iter().map(|s| s.to_vec()).collect()
    }

    /// The placeholder of constant slot `j` in set `set` (1 or 2): ±[1, 2) with a
    /// random mantissa.
    fn value(set: u64, j: usize) -> u64 {
        (mix(j as u64 ^ set << 48 ^ 0x5354_454E) & 0x800F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000
    }

    /// The placeholder of address slot `j` in set `set`: 8-aligned, below 2^47.
    fn address(set: u64, j: usize) -> u64 {
        (mix(j as u64 ^ set << 48 ^ 0x4144_4452) & 0x0000_3FFF_FFFF_FFF8) | 0x0000_4000_0000_0000
    }

    /// A `Jit` for `level`'s x86-64 (Linux's calling convention).
    fn jit(level: &str, extra: &[&str]) -> Result<Jit, JitError> {
        let fused = extra.contains(&FUSED_SQUARES);
        let mut jit = Jit::for_target(
            || {
                let mut b = cranelift_codegen::isa::lookup_by_name("x86_64-unknown-linux-gnu")
                    .map_err(|_| JitError::UnsupportedHost("x86_64 not built into Cranelift"))?;
                b.enable(level).map_err(JitError::Settings)?;
                for flag in extra.iter().filter(|&&f| f != FUSED_SQUARES) {
                    b.enable(flag).map_err(JitError::Settings)?;
                }
                Ok(b)
            },
            !fused,
        )?;
        jit.set_stencils(false);
        Ok(jit)
    }

    /// A made stencil, as the file stores it (the patches encoded as in [`Stencil`]).
    struct Made {
        values: usize,
        addresses: usize,
        align: u64,
        code: Vec<u8>,
        patches: Vec<u8>,
    }

    /// The stencil of `dist`'s kernel on `jit`: its key and code, or why not.
    fn make<F: Float>(jit: &Jit, dist: &Dist<F>) -> Result<(u128, Made), String> {
        let (traced, fast, tape) = trace_dist(dist, crate::own_table(dist).is_some());
        let p = jit
            .prepare(tape, traced, fast, 1)
            .map_err(|e| e.to_string())?;
        let f32 = is_f32::<F>();
        let inst = Instance::of(&p.tape, p.outputs, 1, p.unroll, f32, &p.tables, slot);
        let (values, addresses) = (inst.values.len(), 2 + p.tables.len());
        let set = |s: u64| -> Vec<u64> {
            (0..values)
                .map(|j| value(s, j))
                .chain((0..addresses).map(|j| address(s, j)))
                .collect()
        };
        let compile = |set: &[u64]| {
            let tape = inst.sentinel_tape(&p.tape, |j| set[j]);
            let tables: Vec<(usize, usize)> = p
                .tables
                .iter()
                .zip(&set[values + 2..])
                .map(|(t, &a)| (a as usize, t.len()))
                .collect();
            let baked = Baked {
                ctx: set[values] as usize,
                fallback: set[values + 1] as usize,
                tables: &tables,
            };
            jit.compile_body(&p, &tape, f32, &baked)
                .map_err(|e| e.to_string())
        };
        let (s1, s2) = (set(1), set(2));
        let (c1, c2) = (compile(&s1)?, compile(&s2)?);
        if !c1.relocs.is_empty() {
            return Err("relocations".into());
        }
        let slots: HashMap<u64, u32> = s1.iter().enumerate().map(|(j, &v)| (v, j as u32)).collect();
        let mut patches = Vec::new();
        let mut found = vec![false; s1.len()];
        for (at, j) in crate::template::word_sites(&c1.bytes, &slots, |_| true) {
            patches.extend((at as u32).to_le_bytes().into_iter().chain(j.to_le_bytes()));
            found[j as usize] = true;
        }
        if let Some(j) = found[..values].iter().position(|&f| !f) {
            return Err(format!("constant slot {j} not found"));
        }
        let made = Made {
            values,
            addresses,
            align: c1.align,
            code: c1.bytes,
            patches,
        };
        let stencil = Stencil {
            code: &made.code,
            align: made.align,
            values,
            addresses,
            patches: &made.patches,
        };
        let again = stencil.instantiate(&s2[..values], &s2[values..]);
        if again.map(|f| f.bytes) != Some(c2.bytes) || c2.align != c1.align {
            return Err("the code is not its constants' bytes alone".into());
        }
        Ok((key(&inst.shape), made))
    }

    /// The file: every level's stencils for every family, `f64` and `f32`, and each
    /// parameter set of [`params`]; with what could not be made, as messages.
    pub(crate) fn file() -> (Vec<u8>, Vec<String>) {
        let mut out = MAGIC.to_vec();
        let mut failed = Vec::new();
        let put_str = |out: &mut Vec<u8>, s: &str| {
            out.extend((s.len() as u16).to_le_bytes());
            out.extend(s.as_bytes());
        };
        out.extend((LEVELS.len() as u32).to_le_bytes());
        for (level, extra) in LEVELS {
            let jit = jit(level, extra).expect("an x86-64 level");
            put_str(&mut out, level);
            put_str(&mut out, &format!("{:?}", jit.isa.default_call_conv()));
            let flags = super::flags(&*jit.isa, jit.target.split_squares);
            out.extend((flags.len() as u32).to_le_bytes());
            for f in &flags {
                put_str(&mut out, f);
            }
            for f32 in [false, true] {
                for stub in jit.stubs(f32).expect("stubs compile") {
                    for v in [stub.align as usize, stub.bytes.len()] {
                        out.extend((v as u32).to_le_bytes());
                    }
                    out.extend(&stub.bytes);
                    out.extend((stub.relocs.len() as u32).to_le_bytes());
                    for r in &stub.relocs {
                        let kind = RELOCS.iter().position(|&k| k == r.kind);
                        let ModuleRelocTarget::User { namespace, index } = r.name else {
                            panic!("a stub's relocation to {:?}", r.name);
                        };
                        out.extend(r.offset.to_le_bytes());
                        out.extend((kind.expect("a known relocation") as u32).to_le_bytes());
                        out.extend(r.addend.to_le_bytes());
                        out.extend(namespace.to_le_bytes());
                        out.extend(index.to_le_bytes());
                    }
                }
            }
            let mut made: Vec<(u128, Made)> = Vec::new();
            for family in FAMILIES {
                for ps in params(family) {
                    let f64s = Dist::from_name(family, &ps).expect("valid");
                    let f32s: Vec<f32> = ps.iter().map(|&v| v as f32).collect();
                    let f32s = Dist::from_name(family, &f32s).expect("valid");
                    for r in [make(&jit, &f64s), make(&jit, &f32s)] {
                        match r {
                            Ok((k, m)) if !made.iter().any(|(k2, _)| *k2 == k) => made.push((k, m)),
                            Ok(_) => {}
                            Err(e) => failed.push(format!("{level} {family} {ps:?}: {e}")),
                        }
                    }
                }
            }
            out.extend((made.len() as u32).to_le_bytes());
            for (k, m) in made {
                out.extend(k.to_le_bytes());
                for v in [m.values, m.addresses, m.align as usize, m.code.len()] {
                    out.extend((v as u32).to_le_bytes());
                }
                out.extend(&m.code);
                out.extend((m.patches.len() as u32 / 8).to_le_bytes());
                out.extend(&m.patches);
            }
        }
        (out, failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped stencils are what this crate's code generator makes now.
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn stencils_are_current() {
        let (file, failed) = make::file();
        assert!(failed.is_empty(), "stencils not made: {failed:#?}");
        if file != FILE {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/stencils/x86_64.bin");
            if std::env::var_os("EXPFAM_BLESS_STENCILS").is_some() {
                std::fs::write(path, &file).expect("writes the stencils");
                return;
            } else {
                panic!(
                    "{path} is stale: remake it with \
                     `EXPFAM_BLESS_STENCILS=1 cargo test -p expfam-jit stencils_are_current`"
                );
            }
        }
        assert_eq!(parse(FILE).map(|l| l.len()), Some(make::LEVELS.len()));
    }

    /// A stencil's kernel is Cranelift's code for this host, but for its addresses
    /// (the context's and the tables'), for each family's parameters of no special
    /// value (special ones, such as 1, Cranelift may fold; a stencil takes them as
    /// data). Checked on hosts that run the `x86-64-v3` stencils: Cranelift makes
    /// the same code for these kernels with AVX-512 (see `make::LEVELS`).
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn stencil_code_is_cranelifts() {
        use crate::{CodeSource, Jit};
        use expfam_kernels::{Dist, FAMILIES, Float};
        fn check<F: Float>() {
            let mut with = Jit::new().unwrap();
            if with.stencil_level() != Some("x86-64-v3") {
                return;
            }
            with.set_wide(false);
            let mut without = with.clone();
            without.set_templates(false).set_stencils(false);
            for family in FAMILIES {
                let ps: Vec<F> = make::params(family)[1]
                    .iter()
                    .map(|&p| F::from_f64(p))
                    .collect();
                let d = Dist::from_name(family, &ps).unwrap();
                let (a, b) = (with.compile(&d).unwrap(), without.compile(&d).unwrap());
                assert_eq!(a.source(), CodeSource::Stencil, "{family}");
                let code = crate::template::tests::with_addresses_of(a.owned(), b.owned());
                assert!(code == b.owned().body, "{family} {}: code differs", F::NAME);
            }
        }
        check::<f64>();
        check::<f32>();
    }

    /// A damaged file is no stencils (the JIT compiles everything), never a panic or
    /// code read out of bounds.
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn a_damaged_file_is_no_stencils() {
        for end in [0, 7, 8, 12, 100, FILE.len() / 2, FILE.len() - 1] {
            assert!(parse(&FILE[..end]).is_none(), "cut at {end}");
        }
        let longer: &'static [u8] = [FILE, &[0]].concat().leak();
        assert!(parse(longer).is_none());
    }
}
