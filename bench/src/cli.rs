//! Parsing of the `expfam eval` command line and of the x values on stdin, kept apart
//! from the tool's evaluation, benchmarking and JIT so the `fuzz/` crate can include
//! this file alone (it depends on `expfam_kernels` and `std` only).
//!
//! Every failure is a [`Usage`]: one line for stderr, exit status 2 — never a panic.
//!
//! ```
//! use expfam_bench::cli::{parse_dist, parse_eval_args, parse_xs, Backend};
//! let args: Vec<String> = ["normal", "0", "2", "--backend=simd"].map(String::from).into();
//! let a = parse_eval_args(&args).unwrap();
//! assert_eq!(a.backend, Backend::Simd);
//! let d = parse_dist::<f64>(&a.family, &a.params).unwrap();
//! assert_eq!(parse_xs::<f64>("1.5 -2\n3").unwrap(), [1.5, -2.0, 3.0]);
//! assert!(parse_dist::<f64>("normal", &["0".into(), "-1".into()]).is_err());
//! assert!(parse_xs::<f64>("1 x").is_err());
//! # let _ = d;
//! ```

use expfam_kernels::{Dist, DistError, FAMILIES, Float};

/// The tool's usage line.
pub const USAGE: &str = "usage: expfam eval FAMILY PARAM... [--backend scalar|closure|simd|jit|auto] [--f32] | expfam bench [--quick] [--json] | expfam info";

/// A bad command line or input: printed as one line on stderr, exit status 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage(pub String);

/// The backend `expfam eval` evaluates with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `Dist::ln_pdf`, point by point.
    Scalar,
    /// The precomputed-constant closure, point by point.
    Closure,
    /// The batch `map` through the dispatched SIMD tier.
    Simd,
    /// The Cranelift JIT.
    Jit,
    /// The adaptive evaluator's choice.
    Auto,
}

/// The parsed arguments of `expfam eval`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalArgs {
    /// `--backend` (default: the closure).
    pub backend: Backend,
    /// `--f32`: parse, evaluate and print in f32.
    pub f32_mode: bool,
    /// The family name, as given.
    pub family: String,
    /// The parameter tokens, not yet parsed.
    pub params: Vec<String>,
}

/// Parses the arguments after `eval`: options anywhere (`--backend X`, `--backend=X`,
/// `--f32`), then the family and its parameters.
pub fn parse_eval_args(args: &[String]) -> Result<EvalArgs, Usage> {
    let mut backend = Backend::Closure;
    let mut f32_mode = false;
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if let Some(opt) = a.strip_prefix("--") {
            let (name, inline) = match opt.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (opt, None),
            };
            match name {
                "f32" if inline.is_none() => f32_mode = true,
                "backend" => {
                    let v = match inline {
                        Some(v) => v,
                        None => {
                            i += 1;
                            args.get(i).cloned().ok_or_else(|| {
                                Usage(
                                    "--backend needs a value (scalar, closure, simd, jit, auto)"
                                        .into(),
                                )
                            })?
                        }
                    };
                    backend = match v.as_str() {
                        "scalar" => Backend::Scalar,
                        "closure" => Backend::Closure,
                        "simd" => Backend::Simd,
                        "jit" => Backend::Jit,
                        "auto" => Backend::Auto,
                        _ => {
                            return Err(Usage(format!(
                                "unknown backend '{}' (scalar, closure, simd, jit, auto)",
                                v.escape_debug()
                            )));
                        }
                    };
                }
                _ => {
                    return Err(Usage(format!(
                        "unknown option '{}'; {USAGE}",
                        a.escape_debug()
                    )));
                }
            }
        } else {
            positional.push(a.clone());
        }
        i += 1;
    }
    let Some((family, params)) = positional.split_first() else {
        return Err(Usage(format!("eval needs a family; {USAGE}")));
    };
    Ok(EvalArgs {
        backend,
        f32_mode,
        family: family.clone(),
        params: params.to_vec(),
    })
}

/// Builds the distribution: a known family, the right number of parameters, each a
/// number, and valid together.
pub fn parse_dist<F: Float + std::str::FromStr>(
    family: &str,
    params: &[String],
) -> Result<Dist<F>, Usage> {
    let Some(names) = Dist::<F>::param_names(family) else {
        return Err(Usage(format!(
            "unknown family '{}' (families: {})",
            family.escape_debug(),
            FAMILIES.join(", ")
        )));
    };
    if params.len() != names.len() {
        return Err(Usage(format!(
            "{family} takes {} parameter(s) ({}), got {}",
            names.len(),
            names.join(" "),
            params.len()
        )));
    }
    let mut ps = Vec::with_capacity(params.len());
    for (tok, name) in params.iter().zip(names) {
        let v: F = tok.parse().map_err(|_| {
            Usage(format!(
                "parameter {name} of {family}: '{}' is not a number",
                tok.escape_debug()
            ))
        })?;
        ps.push(v);
    }
    Dist::from_name(family, &ps).map_err(|e| match e {
        DistError::Param(p) => Usage(format!("{family}: {p}")),
        other => Usage(format!("{family}: {other}")),
    })
}

/// Parses whitespace-separated x values; the first bad token is named by position.
pub fn parse_xs<F: Float + std::str::FromStr>(input: &str) -> Result<Vec<F>, Usage> {
    let mut xs = Vec::new();
    for (i, tok) in input.split_whitespace().enumerate() {
        let x: F = tok.parse().map_err(|_| {
            Usage(format!(
                "x value {} on stdin: '{}' is not a number",
                i + 1,
                tok.escape_debug()
            ))
        })?;
        xs.push(x);
    }
    Ok(xs)
}
