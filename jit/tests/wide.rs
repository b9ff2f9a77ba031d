//! Wide bodies (AVX-512, eight rows a vector) against Cranelift's bodies for the same
//! kernels: bit for bit, for every family and both float types, at every batch
//! length up to 70 and from several start offsets, on data with every special value
//! (NaN, ±inf, ±0, subnormals, the largest finite numbers), for map and sum; and for
//! user expressions of plain arithmetic. On a host without wide bodies, checks that
//! no kernel gets one.

use expfam_jit::{CodeSource, CompiledKernel, Expr, Jit};
use expfam_kernels::{Dist, FAMILIES, Float};

/// Parameter sets of each family: the bench's; for the two that run wide, also a
/// location far outside the scale (a program of a different shape: `(x − μ)/2` scaled,
/// where a small `|μ|/σ` fuses it into one FMA), a tiny scale and a huge one.
fn params(family: &str) -> Vec<Vec<f64>> {
    let one: &[f64] = match family {
        "normal" | "laplace" => {
            return vec![
                vec![0.3, 1.7],
                vec![0.0, 1.0],
                vec![-3.0, 1e-3],
                vec![1e5, 1e4],
                vec![7.0, 0.5],
            ];
        }
        "lognormal" => &[0.3, 1.7],
        "exponential" => &[1.5],
        "gamma" => &[2.5, 1.5],
        "inverse_gamma" => &[3.0, 2.0],
        "chi_squared" => &[4.0],
        "beta" => &[2.0, 5.0],
        "weibull" => &[1.5, 2.0],
        "poisson" => &[4.5],
        "bernoulli" | "geometric" => &[0.3],
        "binomial" => &[20.0, 0.3],
        "negative_binomial" => &[3.5, 0.4],
        _ => panic!("no parameters for {family}"),
    };
    vec![one.to_vec()]
}

/// 4700 rows: a spread of ordinary values with every special value among them.
fn data<F: Float>() -> Vec<F> {
    let special = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        1e-310,
        -1e-310,
        1e-40,
        f64::MAX,
        -f64::MAX,
        3.0e38,
        -3.0e38,
        1e200,
        1.0,
        2.0,
    ];
    (0..4700)
        .map(|i| {
            if i % 7 == 3 {
                F::from_f64(special[(i / 7) % special.len()])
            } else {
                F::from_f64((i as f64 * 0.618_033_988_75).fract() * 12.0 - 4.0)
            }
        })
        .collect()
}

fn same<F: Float>(a: F, b: F) -> bool {
    a.to_f64().to_bits() == b.to_f64().to_bits() || (a.to_f64().is_nan() && b.to_f64().is_nan())
}

/// `wide` and `narrow` give the same bits on every slice of the data.
fn agree<F: Float>(what: &str, wide: &CompiledKernel<F>, narrow: &CompiledKernel<F>) {
    let xs = data::<F>();
    for start in [0, 1, 3, 7, 8, 13] {
        // Sums of more than 512 rows call the body from a start of 512; `f64` maps of
        // 4096 rows and more run the loop that prefetches.
        for len in (0..=70).chain([129, 187, 1029, 1287, 4096, 4687]) {
            let Some(xs) = xs.get(start..start + len) else {
                continue;
            };
            // `out` at several alignments: the body aligns its stores first.
            // Guard rows on either side must keep their value.
            let at = start % 5;
            let guard = F::from_f64(12345.0);
            let (mut a, mut b) = (vec![guard; at + len + 9], vec![F::ZERO; len]);
            wide.map(xs, &mut a[at..at + len]).unwrap();
            narrow.map(xs, &mut b).unwrap();
            let outside = a[..at].iter().chain(&a[at + len..]);
            assert!(
                outside.into_iter().all(|&g| same(g, guard)),
                "{what} {}: a store outside rows {start}..+{len}",
                F::NAME
            );
            let a = &a[at..at + len];
            for (i, (&a, &b)) in a.iter().zip(&b).enumerate() {
                assert!(
                    same(a, b),
                    "{what} {}: map row {i} of {start}..+{len} (x = {:e}): wide {:e}, Cranelift {:e}",
                    F::NAME,
                    xs[i].to_f64(),
                    a.to_f64(),
                    b.to_f64()
                );
            }
            let (a, b) = (wide.sum(xs), narrow.sum(xs));
            assert!(
                same(a, b),
                "{what} {}: sum of {start}..+{len}: wide {:e}, Cranelift {:e}",
                F::NAME,
                a.to_f64(),
                b.to_f64()
            );
        }
    }
}

fn jits() -> (Jit, Jit) {
    let mut wide = Jit::new().unwrap();
    wide.set_verify(true);
    let mut narrow = wide.clone();
    narrow.set_wide(false);
    (wide, narrow)
}

fn families<F: Float>() {
    let (wide, narrow) = jits();
    let mut widened = Vec::new();
    for family in FAMILIES {
        for set in params(family) {
            let ps: Vec<F> = set.iter().map(|&p| F::from_f64(p)).collect();
            let d = Dist::<F>::from_name(family, &ps).unwrap();
            let (a, b) = (wide.compile(&d).unwrap(), narrow.compile(&d).unwrap());
            assert_ne!(b.source(), CodeSource::Wide, "{family}");
            if a.source() == CodeSource::Wide && !widened.contains(&family) {
                widened.push(family);
            }
            agree(&format!("{family} {set:?}"), &a, &b);
        }
    }
    if wide.wide().is_some() {
        // The two plain-arithmetic families.
        assert_eq!(widened, ["normal", "laplace"], "{}", F::NAME);
    } else {
        assert!(widened.is_empty());
    }
}

#[test]
fn wide_family_kernels_are_cranelifts_f64() {
    families::<f64>();
}

#[test]
fn wide_family_kernels_are_cranelifts_f32() {
    families::<f32>();
}

/// Expressions of plain arithmetic, each with the squares, negations, quotients and
/// roots the wide body writes; and some that must not run wide.
#[test]
fn wide_expression_kernels_are_cranelifts() {
    let (wide, narrow) = jits();
    let x = Expr::x;
    let plain = [
        // A quadratic with a negated square (the normal's form).
        -((x() - 0.3) * (x() - 0.3)) * 0.5 + 1.25,
        // A quotient and a square root of a non-negative value.
        Expr::constant(1.0) / (x() * x() + 1.0) - (x() * x() + 2.0).sqrt(),
        // |x|, a power, and constants repeated.
        -x().abs() * 3.0 + x().powi(3) * 0.125 - 0.125,
        // Many values alive at once.
        (x() + 1.0) * (x() + 2.0) * (x() + 3.0) * (x() + 4.0) / ((x() - 5.0) * (x() - 6.0)),
    ];
    for (i, e) in plain.iter().enumerate() {
        for_both(&wide, &narrow, e, &format!("expression {i}"), true);
    }
    // Special lanes (a domain) and selects stay with Cranelift.
    let other = [x().ln(), Expr::select(x().gt(0.0), -x(), f64::NEG_INFINITY)];
    for (i, e) in other.iter().enumerate() {
        for_both(&wide, &narrow, e, &format!("other expression {i}"), false);
    }
}

fn for_both(wide: &Jit, narrow: &Jit, e: &Expr, what: &str, plain: bool) {
    one::<f64>(wide, narrow, e, what, plain);
    one::<f32>(wide, narrow, e, what, plain);
}

fn one<F: Float>(wide: &Jit, narrow: &Jit, e: &Expr, what: &str, plain: bool) {
    let a = wide.compile_expr::<F>(e).unwrap();
    let b = narrow.compile_expr::<F>(e).unwrap();
    assert_eq!(
        a.source() == CodeSource::Wide,
        plain && wide.wide().is_some(),
        "{what}"
    );
    agree(what, &a, &b);
}
