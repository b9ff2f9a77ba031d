//! [`Model`]: a sum of terms over several data columns, fused into one pass.

use crate::compiled::{MAX_COLUMNS, ModelMapFn, ModelSumFn, Owned};
use crate::expr::Expr;
use expfam_kernels::{Dist, DistKernel, Float, Kernel, simd};
use std::fmt;

/// Why a model cannot be compiled or evaluated on the given columns.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum ModelError {
    /// The model has no terms.
    Empty,
    /// More terms than [`MAX_COLUMNS`].
    TooManyColumns {
        /// Terms in the model.
        got: usize,
    },
    /// The number of data columns differs from the number of terms.
    ColumnCount {
        /// Terms in the model.
        expected: usize,
        /// Columns given.
        got: usize,
    },
    /// A column's length differs from the output's (or the first column's).
    ColumnLength {
        /// Which column.
        column: usize,
        /// Its length.
        len: usize,
        /// The length required.
        expected: usize,
    },
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::Empty => write!(f, "the model has no terms"),
            ModelError::TooManyColumns { got } => {
                write!(f, "{got} terms: at most {MAX_COLUMNS} are supported")
            }
            ModelError::ColumnCount { expected, got } => {
                write!(f, "expected {expected} data column(s), got {got}")
            }
            ModelError::ColumnLength {
                column,
                len,
                expected,
            } => write!(f, "column {column} has {len} rows, expected {expected}"),
        }
    }
}

impl std::error::Error for ModelError {}

/// One term of a model.
#[derive(Clone, Debug)]
pub(crate) enum Term<F> {
    Dist(Dist<F>),
    Expr(Expr),
}

/// A sum of terms, term `i` evaluated on data column `i`:
/// `row value = Σ_i term_i(column_i[row])`. Compiled by
/// [`Jit::compile_model`](crate::Jit::compile_model) into one pass over all columns.
///
/// ```
/// use expfam_jit::{Expr, Jit, Model};
/// use expfam_kernels::Dist;
/// let m = Model::new()
///     .dist(Dist::from_name("normal", &[0.0, 1.0f64]).unwrap())
///     .dist(Dist::from_name("gamma", &[2.0, 1.0]).unwrap())
///     .expr(-(Expr::x() * 0.5));
/// let k = Jit::new().unwrap().compile_model(&m).unwrap();
/// let (a, b, c) = ([0.5, 1.0], [1.0, 2.0], [2.0, 4.0]);
/// let mut out = [0.0; 2];
/// k.map(&[&a, &b, &c], &mut out).unwrap();
/// assert!((out[0] - m.eval_row(&[0.5, 1.0, 2.0]).unwrap()).abs() < 1e-14);
/// ```
#[derive(Clone, Debug)]
pub struct Model<F> {
    pub(crate) terms: Vec<Term<F>>,
}

impl<F: Float> Default for Model<F> {
    fn default() -> Self {
        Model::new()
    }
}

impl<F: Float> Model<F> {
    /// A model with no terms.
    pub fn new() -> Self {
        Model { terms: Vec::new() }
    }
    /// Adds a family term on the next column.
    pub fn dist(mut self, d: Dist<F>) -> Self {
        self.terms.push(Term::Dist(d));
        self
    }
    /// Adds an expression term (parameters bound) on the next column.
    pub fn expr(mut self, e: Expr) -> Self {
        self.terms.push(Term::Expr(e));
        self
    }
    /// Number of terms (and of data columns).
    pub fn len(&self) -> usize {
        self.terms.len()
    }
    /// True without terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Checks the terms; returns the row evaluator of the scalar path.
    pub(crate) fn row_fn(
        &self,
    ) -> Result<impl Fn(&[F]) -> F + Send + Sync + 'static, crate::JitError> {
        if self.terms.is_empty() {
            return Err(ModelError::Empty.into());
        }
        if self.terms.len() > MAX_COLUMNS {
            return Err(ModelError::TooManyColumns {
                got: self.terms.len(),
            }
            .into());
        }
        enum Eval<F: Float> {
            K(expfam_kernels::DistKernel<F>),
            E(Expr),
        }
        let mut evals = Vec::with_capacity(self.terms.len());
        for t in &self.terms {
            evals.push(match t {
                Term::Dist(d) => Eval::K(d.kernel()),
                Term::Expr(e) => {
                    e.check()?;
                    Eval::E(e.fold())
                }
            });
        }
        Ok(move |row: &[F]| {
            let mut s = 0.0f64;
            for (e, &x) in evals.iter().zip(row) {
                s += match e {
                    Eval::K(k) => k.eval(x).to_f64(),
                    Eval::E(e) => F::from_f64(e.eval_checked(x.to_f64())).to_f64(),
                };
            }
            F::from_f64(s)
        })
    }

    /// The scalar value of one row (the reference the compiled model is tested against).
    pub fn eval_row(&self, row: &[F]) -> Result<F, crate::JitError> {
        if row.len() != self.terms.len() {
            return Err(ModelError::ColumnCount {
                expected: self.terms.len(),
                got: row.len(),
            }
            .into());
        }
        Ok((self.row_fn()?)(row))
    }
}

/// How a [`CompiledModel`] runs its one pass over the rows.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelPlan {
    /// Every term inline in one JIT loop (Cranelift's 128-bit vectors).
    Fused,
    /// The family terms at the dispatched AOT SIMD tier (wider than the JIT's vectors),
    /// every term of a step of rows in turn
    /// ([`simd::map_terms_at`]), so that each
    /// column is read as a steady stream. With expression terms, the rows go in blocks
    /// that stay in L1: per block, one JIT loop writes the expression terms and the
    /// family terms add into the block. Each column is read once and the output
    /// written once, as in [`ModelPlan::Fused`].
    Blocked,
}

/// Rows per block of [`ModelPlan::Blocked`] when it has expression terms: a block of
/// each column and of the output (2 KiB each in `f64`) stay in L1. Measured with
/// `expfam-bench`'s `examples/model_plans` when the family terms ran a pass each per
/// block (three terms, 10^6 rows, Zen 4): 256 rows 2.05–2.25 ns/row, 128 2.29–2.34,
/// 512 2.24–2.47, 1024 2.55–2.64, 2048 2.66–2.84; prefetching the next blocks (to L2)
/// was slower.
const BLOCK: usize = 256;

/// A [`Model`] compiled into one pass over its columns (see [`ModelPlan`]).
pub struct CompiledModel<F: Float> {
    /// The JIT code over the columns in `jit_columns` (all of them for `Fused`).
    pub(crate) jit: Option<Owned<F>>,
    pub(crate) jit_columns: Vec<usize>,
    /// The family terms run at the AOT tier (`Blocked` only), with their columns.
    pub(crate) aot: Vec<(usize, DistKernel<F>)>,
    pub(crate) columns: usize,
    pub(crate) plan: ModelPlan,
}

impl<F: Float> fmt::Debug for CompiledModel<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompiledModel")
            .field("columns", &self.columns)
            .field("plan", &self.plan)
            .finish_non_exhaustive()
    }
}

impl<F: Float> CompiledModel<F> {
    /// How this model runs.
    pub fn plan(&self) -> ModelPlan {
        self.plan
    }

    fn check(&self, cols: &[&[F]], rows: usize) -> Result<(), ModelError> {
        if cols.len() != self.columns {
            return Err(ModelError::ColumnCount {
                expected: self.columns,
                got: cols.len(),
            });
        }
        for (i, c) in cols.iter().enumerate() {
            if c.len() != rows {
                return Err(ModelError::ColumnLength {
                    column: i,
                    len: c.len(),
                    expected: rows,
                });
            }
        }
        Ok(())
    }

    /// The JIT code's source argument for rows `start..`: the column itself when the
    /// code reads one column, else (in `ptrs`) the array of column pointers.
    fn source(
        &self,
        cols: &[&[F]],
        start: usize,
        ptrs: &mut [*const F; MAX_COLUMNS],
    ) -> *const *const F {
        for (p, &c) in ptrs.iter_mut().zip(&self.jit_columns) {
            *p = cols[c][start..].as_ptr();
        }
        if self.jit_columns.len() == 1 {
            ptrs[0] as *const *const F
        } else {
            ptrs.as_ptr()
        }
    }

    /// The family terms over rows `start..start + len` of their columns, in `terms`.
    fn aot_terms<'a>(
        &self,
        cols: &[&'a [F]],
        start: usize,
        len: usize,
        terms: &mut Vec<(DistKernel<F>, &'a [F])>,
    ) {
        terms.clear();
        terms.extend(
            self.aot
                .iter()
                .map(|(c, k)| (*k, &cols[*c][start..start + len])),
        );
    }

    /// `out[r] = Σ_i term_i(cols[i][r])` in one pass.
    pub fn map(&self, cols: &[&[F]], out: &mut [F]) -> Result<(), ModelError> {
        self.check(cols, out.len())?;
        let tier = expfam_kernels::simd::current();
        // The family terms, reused per block: no allocation after the first.
        let mut terms = Vec::with_capacity(self.aot.len());
        let Some(jit) = &self.jit else {
            // Family terms only: one pass over all the rows, every term per step.
            self.aot_terms(cols, 0, out.len(), &mut terms);
            simd::map_terms_at(tier, &terms, out).expect("every column has the output's length");
            return Ok(());
        };
        let mut ptrs = [std::ptr::null(); MAX_COLUMNS];
        // The fused loop takes all the rows at once.
        let rows_per_block = match self.plan {
            ModelPlan::Fused => out.len().max(1),
            ModelPlan::Blocked => BLOCK,
        };
        let mut start = 0;
        for block in out.chunks_mut(rows_per_block) {
            let len = block.len();
            let src = self.source(cols, start, &mut ptrs);
            // SAFETY: each JIT column holds at least `start + len` rows (checked), so
            // `len` rows from `start`; `block` has `len` slots; the code lives as long
            // as `self`.
            unsafe {
                let f = std::mem::transmute::<*const u8, ModelMapFn<F>>(jit.map);
                f(src, block.as_mut_ptr(), len);
            }
            if !self.aot.is_empty() {
                self.aot_terms(cols, start, len, &mut terms);
                simd::map_terms_add_at(tier, &terms, block)
                    .expect("the block and the column slices have one length");
            }
            start += len;
        }
        Ok(())
    }

    /// `Σ_r Σ_i term_i(cols[i][r])` in one pass, no stores.
    pub fn sum(&self, cols: &[&[F]]) -> Result<F, ModelError> {
        let rows = cols.first().map_or(0, |c| c.len());
        self.check(cols, rows)?;
        let mut total = 0.0f64;
        if let Some(jit) = &self.jit {
            let mut ptrs = [std::ptr::null(); MAX_COLUMNS];
            let src = self.source(cols, 0, &mut ptrs);
            // SAFETY: as in `map`, for the sum entry point.
            total += unsafe {
                let f = std::mem::transmute::<*const u8, ModelSumFn<F>>(jit.sum);
                f(src, rows)
            }
            .to_f64();
        }
        // A sum stores nothing, so each family term runs over its whole column.
        for (c, k) in &self.aot {
            total += k.sum(cols[*c]).to_f64();
        }
        Ok(F::from_f64(total))
    }
}
