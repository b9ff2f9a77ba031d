//! Typed errors of the constructors and of slice-length checks.

use core::fmt;

/// Why a distribution could not be constructed from the given parameters.
///
/// Every variant names the offending parameter (as written in the family table of the
/// design, e.g. `"sigma"`) and carries the value received, widened to `f64`.
///
/// ```
/// use expfam_kernels::{Normal, ParamError};
/// let err = Normal::new(0.0, -1.0f64).unwrap_err();
/// assert!(matches!(err, ParamError::OutOfRange { param: "sigma", .. }));
/// assert_eq!(err.to_string(), "parameter sigma = -1 is out of range: must be > 0");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamError {
    /// The parameter is NaN or infinite.
    NotFinite {
        /// Parameter name.
        param: &'static str,
        /// Value received.
        value: f64,
    },
    /// The parameter is finite but outside its valid range.
    OutOfRange {
        /// Parameter name.
        param: &'static str,
        /// Value received.
        value: f64,
        /// The valid range, e.g. `"must be > 0"`.
        requirement: &'static str,
    },
    /// The parameter must be a whole number (binomial `n`).
    NotInteger {
        /// Parameter name.
        param: &'static str,
        /// Value received.
        value: f64,
    },
}

impl ParamError {
    /// The name of the parameter the error is about.
    pub fn param(&self) -> &'static str {
        match *self {
            ParamError::NotFinite { param, .. }
            | ParamError::OutOfRange { param, .. }
            | ParamError::NotInteger { param, .. } => param,
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ParamError::NotFinite { param, value } => {
                write!(f, "parameter {param} = {value} is not finite")
            }
            ParamError::OutOfRange {
                param,
                value,
                requirement,
            } => write!(
                f,
                "parameter {param} = {value} is out of range: {requirement}"
            ),
            ParamError::NotInteger { param, value } => {
                write!(f, "parameter {param} = {value} is not a whole number")
            }
        }
    }
}

impl core::error::Error for ParamError {}

/// A batch call received an output slice whose length differs from its input's.
///
/// ```
/// use expfam_kernels::{ExpFam, Kernel, Normal};
/// let k = Normal::new(0.0, 1.0f64).unwrap().kernel();
/// let mut out = [0.0; 2];
/// assert!(k.map(&[1.0, 2.0, 3.0], &mut out).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthMismatch {
    /// Length of the input slice.
    pub input: usize,
    /// Length of the output slice.
    pub output: usize,
}

impl fmt::Display for LengthMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "output slice has length {} but input has length {}",
            self.output, self.input
        )
    }
}

impl core::error::Error for LengthMismatch {}

/// Checks that `v` is finite.
pub(crate) fn finite<F: crate::Float>(param: &'static str, v: F) -> Result<F, ParamError> {
    if v.is_finite_() {
        Ok(v)
    } else {
        Err(ParamError::NotFinite {
            param,
            value: v.to_f64(),
        })
    }
}

/// Checks that `v` is finite and `> 0`.
pub(crate) fn positive<F: crate::Float>(param: &'static str, v: F) -> Result<F, ParamError> {
    let v = finite(param, v)?;
    if v > F::ZERO {
        Ok(v)
    } else {
        Err(ParamError::OutOfRange {
            param,
            value: v.to_f64(),
            requirement: "must be > 0",
        })
    }
}

/// Checks that `v` is a probability in `[lo, 1]` (`lo` is 0, or excluded when `open_zero`).
pub(crate) fn probability<F: crate::Float>(
    param: &'static str,
    v: F,
    open_zero: bool,
) -> Result<F, ParamError> {
    let v = finite(param, v)?;
    let ok = if open_zero {
        v > F::ZERO && v <= F::ONE
    } else {
        v >= F::ZERO && v <= F::ONE
    };
    if ok {
        Ok(v)
    } else {
        Err(ParamError::OutOfRange {
            param,
            value: v.to_f64(),
            requirement: if open_zero {
                "must be in (0, 1]"
            } else {
                "must be in [0, 1]"
            },
        })
    }
}
