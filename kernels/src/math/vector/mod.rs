//! Vector special functions, written once over [`crate::arch::generic::Vector`]
//! and instantiated per tier. Each file states its method and its error bound, measured
//! against mpmath by `tests/tests/conformance/vector_math.rs`.
//!
//! The `*_core` functions compute valid lanes only and leave invalid lanes unspecified.
//! Callers test "any special lane?" once per vector and send such vectors to the
//! scalar path, so special cases cost nothing in the common case. The plain functions
//! ([`ln`], [`exp`], [`ln_1p`], [`lgamma`]) do that test themselves and use `libm` for the rare
//! vectors.

mod counts;
mod exp;
mod lgamma;
mod lgamma_table;
mod ln;
mod ln1pmx;
mod log1p;

pub use counts::{bd0, lgamma_pos, ln_factorial_small, stirlerr_int, stirling_series};
pub use exp::{exp, exp_core, exp_special};
pub use lgamma::{lgamma, lgamma_core, lgamma_special};
pub(crate) use ln::table16;
pub use ln::{ln, ln_core, ln_core_dw, ln_minus_core, ln_reduce16_lanes, ln_special, ln_table16};
pub use ln1pmx::{ln_ratio_m1, ln1pmx_core};
pub use log1p::{ln_1p, ln_1p_core, ln_1p_special};

use crate::arch::generic::Vector;

/// Applies `f` lane by lane: the scalar fallback of the plain functions.
#[inline(always)]
fn per_lane<V: Vector>(x: V, f: impl Fn(f64) -> f64) -> V {
    let mut a = x.to_array();
    for v in a.as_mut() {
        *v = f(*v);
    }
    V::from_array(a)
}
