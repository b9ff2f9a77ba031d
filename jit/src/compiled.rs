//! Compiled code and its owner: the entry points, the scalar fallback they call for
//! rare lanes, and the tables they read, all freed together.

use cranelift_jit::JITModule;
use expfam_kernels::{Float, LengthMismatch};
use std::mem::ManuallyDrop;

/// Most data columns a model may have.
pub const MAX_COLUMNS: usize = 16;

/// The scalar evaluation of one row (its column values).
pub(crate) type RowFn<F> = Box<dyn Fn(&[F]) -> F + Send + Sync>;

/// How many values a kernel's own table holds (see [`Rows::table`]).
pub(crate) const OWN_ROWS: usize = 32;

/// The scalar path of a compiled kernel, used for special lanes and the last rows,
/// and the kernel's own table. Generated code holds its address (the fallback's
/// context) and reads the table there: it comes first, at offset 0.
#[repr(C)]
pub(crate) struct Rows<F> {
    /// The kernel's values at the whole numbers `0..OWN_ROWS`, as `f64`, for
    /// [`Op::Own`](crate::tape::Op::Own) (zeros where the code does not read it).
    pub(crate) table: [f64; OWN_ROWS],
    pub(crate) columns: usize,
    pub(crate) f: RowFn<F>,
}

/// The fallback the generated code calls: evaluates rows `start..start+count` with the
/// scalar path, stores them into `out` when it is not null, and returns their sum.
///
/// # Safety
/// `ctx` points to a live `Rows<F>`; `src` is the column (one column) or points to
/// `columns` column pointers; every column and `out` (if not null) are valid for rows
/// `start..start+count`.
pub(crate) unsafe extern "C" fn fallback<F: Float>(
    ctx: *const Rows<F>,
    src: *const u8,
    out: *mut F,
    start: u64,
    count: u64,
) -> f64 {
    // SAFETY: the generated code passes the address of the `Rows` its owner keeps alive.
    let rows = unsafe { &*ctx };
    let mut vals = [F::ZERO; MAX_COLUMNS];
    let mut sum = 0.0;
    for j in start as usize..(start + count) as usize {
        for (c, v) in vals[..rows.columns].iter_mut().enumerate() {
            // SAFETY: the caller guarantees the columns are valid for row j.
            *v = unsafe {
                let col = if rows.columns == 1 {
                    src as *const F
                } else {
                    *(src as *const *const F).add(c)
                };
                *col.add(j)
            };
        }
        let v = (rows.f)(&vals[..rows.columns]);
        if !out.is_null() {
            // SAFETY: the caller guarantees `out` is valid for row j.
            unsafe { *out.add(j) = v };
        }
        sum += v.to_f64();
    }
    sum
}

/// The machine code of one kernel: its module, freed on drop.
pub(crate) struct Code {
    module: ManuallyDrop<JITModule>,
}

impl Code {
    pub(crate) fn new(module: JITModule) -> Code {
        Code {
            module: ManuallyDrop::new(module),
        }
    }
    pub(crate) fn module_mut(&mut self) -> &mut JITModule {
        &mut self.module
    }
}

impl Drop for Code {
    fn drop(&mut self) {
        // SAFETY: `module` is taken exactly once, here, and never used again. The only
        // pointers into its memory are held by the owner being dropped, so nothing can
        // call into the code after it is freed.
        unsafe { ManuallyDrop::take(&mut self.module).free_memory() };
    }
}

// SAFETY: after `finalize_definitions` the module is never touched again except by
// `Drop` (which has `&mut`); the code it holds is immutable and the data it reads
// (`Rows`, tables) is `Send + Sync`, so sharing and sending the owner is sound.
unsafe impl Send for Code {}
// SAFETY: as above.
unsafe impl Sync for Code {}

/// The batch map entry point: `(src, out, n)`.
pub type MapFn<F> = unsafe extern "C" fn(*const F, *mut F, usize);
/// The batch sum entry point: `(src, n) -> Σ`.
pub type SumFn<F> = unsafe extern "C" fn(*const F, usize) -> F;
/// A model's map entry point: `(columns, out, n)`.
pub type ModelMapFn<F> = unsafe extern "C" fn(*const *const F, *mut F, usize);
/// A model's sum entry point: `(columns, n) -> Σ`.
pub type ModelSumFn<F> = unsafe extern "C" fn(*const *const F, usize) -> F;

/// How a kernel's machine code was produced.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeSource {
    /// Compiled by Cranelift for this kernel.
    Compiled,
    /// A template's code (compiled by Cranelift for an earlier kernel of the same
    /// shape, and checked against it) with this kernel's constants written in: see
    /// [`Jit::set_templates`](crate::Jit::set_templates).
    Template,
    /// A stencil's code (compiled by Cranelift ahead of time) with this kernel's
    /// constants written in: see [`Jit::set_stencils`](crate::Jit::set_stencils).
    Stencil,
    /// Written by this crate: eight rows a vector on AVX-512, for programs of plain
    /// arithmetic over one column (see [`Jit::set_wide`](crate::Jit::set_wide)).
    Wide,
}

/// Two finalized functions (map, sum) and everything they point to.
pub(crate) struct Owned<F> {
    pub(crate) map: *const u8,
    pub(crate) sum: *const u8,
    pub(crate) source: CodeSource,
    /// The body's machine code as linked (for tests that compare code).
    #[cfg(test)]
    pub(crate) body: Vec<u8>,
    /// The fallback context's address, baked into the body.
    #[cfg(test)]
    pub(crate) ctx: usize,
    // Owners only: the code, and what it points to (kept alive with it).
    pub(crate) _code: Code,
    pub(crate) _rows: Box<Rows<F>>,
    pub(crate) _tables: crate::template::Tables,
}

// SAFETY: the function pointers point into `code`, immutable machine code; `rows` is
// `Send + Sync` (its closure is) and the tables are plain data.
unsafe impl<F: Send> Send for Owned<F> {}
// SAFETY: as above; nothing is mutated after construction.
unsafe impl<F: Sync> Sync for Owned<F> {}

/// A kernel compiled to machine code for one distribution or expression.
///
/// Entry points take a whole batch per call. The code, its fallback context and its
/// tables live as long as this value; it is `Send + Sync`, so threads may share it.
///
/// ```
/// use expfam_jit::Jit;
/// use expfam_kernels::Dist;
/// let jit = Jit::new().unwrap();
/// let k = jit.compile(&Dist::from_name("normal", &[0.0, 1.0f64]).unwrap()).unwrap();
/// let xs = [0.0, 1.0, 2.0];
/// let mut out = [0.0; 3];
/// k.map(&xs, &mut out).unwrap();
/// assert!((out[1] - (-0.5 - 0.5 * (2.0 * std::f64::consts::PI).ln())).abs() < 1e-15);
/// assert!((k.sum(&xs) - out.iter().sum::<f64>()).abs() < 1e-14);
/// ```
pub struct CompiledKernel<F> {
    owned: Owned<F>,
}

impl<F: Float> CompiledKernel<F> {
    pub(crate) fn new(owned: Owned<F>) -> Self {
        CompiledKernel { owned }
    }

    #[cfg(test)]
    pub(crate) fn owned(&self) -> &Owned<F> {
        &self.owned
    }

    /// `out[i] = ln p(xs[i])`, one call into the compiled code.
    pub fn map(&self, xs: &[F], out: &mut [F]) -> Result<(), LengthMismatch> {
        if xs.len() != out.len() {
            return Err(LengthMismatch {
                input: xs.len(),
                output: out.len(),
            });
        }
        // SAFETY: the code reads `xs.len()` values from `xs` and writes as many to `out`;
        // it and everything it references live as long as `self`.
        unsafe { (self.raw_map())(xs.as_ptr(), out.as_mut_ptr(), xs.len()) };
        Ok(())
    }

    /// `Σ ln p(xs[i])` (accumulated in `f64`), one call, no stores.
    pub fn sum(&self, xs: &[F]) -> F {
        // SAFETY: the code reads `xs.len()` values from `xs`.
        unsafe { (self.raw_sum())(xs.as_ptr(), xs.len()) }
    }

    /// `ln p(x)` for one point (through the batch entry point).
    pub fn eval(&self, x: F) -> F {
        let mut out = [F::ZERO];
        // SAFETY: one value in, one out.
        unsafe { (self.raw_map())(&x, out.as_mut_ptr(), 1) };
        out[0]
    }

    /// Whether the code was compiled for this kernel or instantiated from a stencil or
    /// a template.
    ///
    /// ```
    /// use expfam_jit::{CodeSource, Jit};
    /// use expfam_kernels::Dist;
    /// let mut jit = Jit::new().unwrap();
    /// jit.set_stencils(false);
    /// let first = jit.compile(&Dist::from_name("gamma", &[2.5, 1.5f64]).unwrap()).unwrap();
    /// assert_eq!(first.source(), CodeSource::Compiled);
    /// ```
    pub fn source(&self) -> CodeSource {
        self.owned.source
    }

    /// The raw map entry point, for callers that want the C ABI.
    ///
    /// # Safety
    /// The pointer must not be called after `self` is dropped; each call must pass `n`
    /// readable values and `n` writable slots.
    pub unsafe fn raw_map(&self) -> MapFn<F> {
        // SAFETY: `map` is the address of a finalized function with this signature
        // (built by `codegen::build` in `Mode::Map` for one column).
        unsafe { std::mem::transmute::<*const u8, MapFn<F>>(self.owned.map) }
    }

    /// The raw sum entry point.
    ///
    /// # Safety
    /// As for [`raw_map`](Self::raw_map): not after `self` is dropped, `n` readable values.
    pub unsafe fn raw_sum(&self) -> SumFn<F> {
        // SAFETY: as in `raw_map`, for `Mode::Sum`.
        unsafe { std::mem::transmute::<*const u8, SumFn<F>>(self.owned.sum) }
    }
}

impl<F> std::fmt::Debug for CompiledKernel<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledKernel").finish_non_exhaustive()
    }
}
