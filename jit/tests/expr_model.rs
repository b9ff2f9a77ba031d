//! Expressions against their interpreter (proptest over random expressions and
//! inputs), models against the sum of their terms, compile/drop churn, and compiled
//! kernels shared by two threads.

use expfam_jit::{Evaluator, Expr, ExprError, Jit, JitError, Model, ModelError, ModelPlan};
use expfam_kernels::{Dist, Float, Kernel};
use proptest::prelude::*;
use rstest::rstest;
use std::sync::Arc;

fn jit() -> Jit {
    let mut j = Jit::new().unwrap();
    j.set_verify(true);
    j
}

/// Random numeric expressions of bounded depth over `x` and constants.
fn arb_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![Just(Expr::x()), (-4.0f64..4.0).prop_map(Expr::constant),];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| a + b),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| a - b),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| a * b),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| a / b),
            inner.clone().prop_map(|a| -a),
            inner.clone().prop_map(|a| a.ln()),
            inner.clone().prop_map(|a| (a * 0.1).exp()),
            inner.clone().prop_map(|a| a.log1p()),
            inner.clone().prop_map(|a| a.abs().lgamma()),
            inner.clone().prop_map(|a| a.abs().sqrt()),
            (inner.clone(), -3i32..4).prop_map(|(a, n)| a.powi(n)),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, a, b)| Expr::select(
                c.gt(0.5),
                a,
                b
            )),
        ]
    })
}

/// Agreement of a compiled value with the interpreter: same class, and close relative
/// to the size of the value (inline ln/exp/lgamma are within a few ulp of libm, and
/// expressions may amplify that by their condition number; 1e-9 leaves room for it).
fn agrees(got: f64, want: f64) -> bool {
    if want.is_nan() {
        return got.is_nan();
    }
    if want.is_infinite() {
        return got == want;
    }
    got.is_finite() && (got - want).abs() <= 1e-9 * want.abs().max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn expressions_match_the_interpreter(e in arb_expr(), xs in prop::collection::vec(-5.0f64..20.0, 0..40)) {
        let k = jit().compile_expr::<f64>(&e).unwrap();
        let mut out = vec![0.0; xs.len()];
        k.map(&xs, &mut out).unwrap();
        for (x, y) in xs.iter().zip(&out) {
            let want = e.eval(*x, &[]).unwrap();
            // Ill-conditioned spots (huge cancellations) are excluded by comparing
            // against the interpreter at the neighbouring points too.
            prop_assert!(agrees(*y, want) || {
                let (a, b) = (e.eval(x * (1.0 + 1e-12), &[]).unwrap(), e.eval(x * (1.0 - 1e-12), &[]).unwrap());
                (a - b).abs() > 1e-6 * want.abs().max(1.0) || a.is_nan() != b.is_nan()
            }, "x={x:e}: jit {y:e}, interpreter {want:e}, expr {e:?}");
        }
    }
}

#[test]
fn a_user_density_with_a_support_matches_the_family() {
    // Gamma(shape a, rate b) written by hand, support x > 0.
    let (x, a, b) = (Expr::x(), Expr::param("a"), Expr::param("b"));
    let e = Expr::select(
        x.clone().gt(0.0),
        a.clone() * b.clone().ln() - a.clone().lgamma() + (a - 1.0) * x.clone().ln() - b * x,
        f64::NEG_INFINITY,
    );
    let bound = e.bind(&[("a", 2.5), ("b", 1.5)]).unwrap();
    let k = jit().compile_expr::<f64>(&bound).unwrap();
    let d = Dist::from_name("gamma", &[2.5, 1.5f64]).unwrap();
    let xs: Vec<f64> = (-20..200).map(|i| i as f64 * 0.05).collect();
    let mut out = vec![0.0; xs.len()];
    k.map(&xs, &mut out).unwrap();
    for (x, y) in xs.iter().zip(&out) {
        let want = d.ln_pdf(*x);
        assert!(
            if want.is_finite() {
                (y - want).abs() <= 1e-13 * want.abs().max(1.0)
            } else {
                *y == want
            },
            "x={x}: {y} vs {want}"
        );
    }
    assert!(matches!(
        jit().compile_expr::<f64>(&e),
        Err(JitError::Expr(ExprError::Unbound(_)))
    ));
}

#[test]
fn f32_expressions_round_the_interpreter() {
    let e = (Expr::x() * 2.0).ln() - Expr::x().powi(2) * 0.5;
    let k = jit().compile_expr::<f32>(&e).unwrap();
    let xs: Vec<f32> = (1..50).map(|i| i as f32 * 0.3).collect();
    let mut out = vec![0.0f32; xs.len()];
    k.map(&xs, &mut out).unwrap();
    for (x, y) in xs.iter().zip(&out) {
        assert_eq!(*y, e.eval(*x as f64, &[]).unwrap() as f32, "x={x}");
    }
}

/// Piecewise constants over comparisons of `x` run in `f32` lanes when every compared
/// constant is an `f32` value (`x < 0.25`), and in `f64` lanes otherwise (`x < 0.1`):
/// both match the interpreter's value rounded once, over batches long enough for the
/// loop, special rows included.
#[test]
fn f32_piecewise_constants_round_the_interpreter() {
    let arms = |cut: f64| {
        Expr::select(
            Expr::x().lt(cut),
            0.1f64.ln(),
            Expr::select(Expr::x().equals(1.0), -0.7, -1.0 / 3.0),
        )
    };
    let mut xs: Vec<f32> = (0..300).map(|i| (i % 23) as f32 * 0.0625).collect();
    xs.extend([
        0.1,
        0.25,
        1.0,
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        -0.0,
    ]);
    xs.extend((0..40).map(|i| 0.1 + (i as f32 - 20.0) * f32::EPSILON * 0.1));
    for cut in [0.25, 0.1] {
        let e = arms(cut);
        let k = jit().compile_expr::<f32>(&e).unwrap();
        for start in 0..9 {
            let xs = &xs[start..];
            let mut out = vec![0.0f32; xs.len()];
            k.map(xs, &mut out).unwrap();
            for (x, y) in xs.iter().zip(&out) {
                let want = e.eval(*x as f64, &[]).unwrap() as f32;
                assert!(
                    y.to_bits() == want.to_bits() || (y.is_nan() && want.is_nan()),
                    "cut {cut}, x={x:e}: {y:e} vs {want:e}"
                );
            }
        }
    }
}

fn model() -> Model<f64> {
    Model::new()
        .dist(Dist::from_name("normal", &[0.0, 2.0]).unwrap())
        .dist(Dist::from_name("gamma", &[3.0, 1.5]).unwrap())
        .dist(Dist::from_name("poisson", &[4.0]).unwrap())
        .expr(-(Expr::x().abs()) - 2f64.ln())
}

#[rstest]
#[case::chosen(None)]
#[case::fused(Some(ModelPlan::Fused))]
#[case::blocked(Some(ModelPlan::Blocked))]
fn a_model_is_the_sum_of_its_terms(#[case] plan: Option<ModelPlan>) {
    let m = model();
    let k = match plan {
        None => jit().compile_model(&m).unwrap(),
        Some(p) => jit().compile_model_as(&m, p).unwrap(),
    };
    if let Some(p) = plan {
        assert_eq!(k.plan(), p);
    }
    let n = 1003;
    let cols: Vec<Vec<f64>> = (0..4)
        .map(|c| {
            (0..n)
                .map(|i| match c {
                    2 => (i % 13) as f64,
                    3 => i as f64 * 0.01 - 5.0,
                    _ => 0.01 + i as f64 * 0.007,
                })
                .collect()
        })
        .collect();
    // A few special rows: out of support, NaN.
    let mut cols = cols;
    cols[1][17] = -1.0;
    cols[2][100] = 2.5;
    cols[0][500] = f64::NAN;
    let refs: Vec<&[f64]> = cols.iter().map(|c| c.as_slice()).collect();
    let mut out = vec![0.0; n];
    k.map(&refs, &mut out).unwrap();
    let terms: Vec<_> = [
        Dist::from_name("normal", &[0.0, 2.0]).unwrap(),
        Dist::from_name("gamma", &[3.0, 1.5]).unwrap(),
        Dist::from_name("poisson", &[4.0]).unwrap(),
    ]
    .map(|d| d.kernel())
    .into_iter()
    .collect();
    let mut total = 0.0;
    for r in 0..n {
        let want = terms[0].eval(cols[0][r])
            + terms[1].eval(cols[1][r])
            + terms[2].eval(cols[2][r])
            + (-(cols[3][r].abs()) - 2f64.ln());
        assert!(
            if want.is_finite() {
                (out[r] - want).abs() <= 1e-13 * want.abs().max(1.0)
            } else {
                out[r].to_bits() == want.to_bits() || (out[r].is_nan() && want.is_nan())
            },
            "row {r}: {} vs {want}",
            out[r]
        );
        if want.is_finite() {
            total += want;
        }
    }
    let finite_rows: Vec<usize> = (0..n).filter(|&r| out[r].is_finite()).collect();
    let sub: Vec<Vec<f64>> = cols
        .iter()
        .map(|c| finite_rows.iter().map(|&r| c[r]).collect())
        .collect();
    let sub_refs: Vec<&[f64]> = sub.iter().map(|c| c.as_slice()).collect();
    let s = k.sum(&sub_refs).unwrap();
    assert!((s - total).abs() <= 1e-12 * total.abs(), "{s} vs {total}");

    assert!(matches!(
        k.map(&refs[..3], &mut out),
        Err(ModelError::ColumnCount {
            expected: 4,
            got: 3
        })
    ));
    let short = [&cols[0][..], &cols[1][..], &cols[2][..], &cols[3][..10]];
    assert!(matches!(
        k.map(&short, &mut out),
        Err(ModelError::ColumnLength { column: 3, .. })
    ));
    assert!(matches!(
        jit().compile_model(&Model::<f64>::new()),
        Err(JitError::Model(ModelError::Empty))
    ));
}

/// One-term models (the code reads its one column directly, not through an array of
/// column pointers), family-only and expression-only, in both plans, over lengths that
/// leave tails and span several blocks.
#[rstest]
fn one_term_models_match_their_term(
    #[values(ModelPlan::Fused, ModelPlan::Blocked)] plan: ModelPlan,
    #[values(1, 7, 512, 1030)] n: usize,
) {
    let d = Dist::from_name("gamma", &[2.5, 0.5f64]).unwrap();
    let e = Expr::x().ln() * 2.0 - Expr::x();
    let xs: Vec<f64> = (0..n).map(|i| 0.05 + i as f64 * 0.37).collect();
    let mut out = vec![0.0; n];
    let k = jit().compile_model_as(&Model::new().dist(d), plan).unwrap();
    k.map(&[&xs], &mut out).unwrap();
    let mut total = 0.0;
    for (x, y) in xs.iter().zip(&out) {
        let want = d.kernel().eval(*x);
        assert!(
            (y - want).abs() <= 1e-13 * want.abs().max(1.0),
            "{plan:?} x={x}: {y} vs {want}"
        );
        total += want;
    }
    let s = k.sum(&[&xs]).unwrap();
    assert!(
        (s - total).abs() <= 1e-12 * total.abs().max(1.0),
        "{s} vs {total}"
    );

    let k = jit()
        .compile_model_as(&Model::new().expr(e.clone()), plan)
        .unwrap();
    k.map(&[&xs], &mut out).unwrap();
    for (x, y) in xs.iter().zip(&out) {
        let want = e.eval(*x, &[]).unwrap();
        assert!(
            (y - want).abs() <= 1e-13 * want.abs().max(1.0),
            "{plan:?} x={x}: {y} vs {want}"
        );
    }
}

/// The blocked plan with the expression terms between family terms: each term still
/// reads its own column.
#[test]
fn blocked_models_keep_each_term_on_its_column() {
    let n = 700;
    let m = Model::new()
        .expr(Expr::x() * 3.0)
        .dist(Dist::from_name("exponential", &[2.0f64]).unwrap())
        .expr(-Expr::x())
        .dist(Dist::from_name("normal", &[1.0, 0.5]).unwrap());
    let k = jit().compile_model_as(&m, ModelPlan::Blocked).unwrap();
    let cols: Vec<Vec<f64>> = (0..4)
        .map(|c| {
            (0..n)
                .map(|i| (c + 1) as f64 * 0.1 + i as f64 * 0.003)
                .collect()
        })
        .collect();
    let refs: Vec<&[f64]> = cols.iter().map(|c| c.as_slice()).collect();
    let mut out = vec![0.0; n];
    k.map(&refs, &mut out).unwrap();
    for r in 0..n {
        let row = [cols[0][r], cols[1][r], cols[2][r], cols[3][r]];
        let want = m.eval_row(&row).unwrap();
        assert!(
            (out[r] - want).abs() <= 1e-13 * want.abs().max(1.0),
            "row {r}"
        );
    }
}

#[test]
fn compile_and_drop_churn_is_bounded() {
    // The 100 000-cycle run with an RSS check is `cargo run --release --example churn`
    // (ci/host.sh); here a shorter run checks that every cycle's code works.
    let jit = jit();
    let d = Dist::from_name("lognormal", &[0.3, 0.8f64]).unwrap();
    for i in 0..300 {
        let k = jit.compile(&d).unwrap();
        let x = 1.0 + i as f64 * 0.01;
        assert!((k.eval(x) - d.ln_pdf(x)).abs() < 1e-14);
    }
}

#[test]
fn two_threads_share_compiled_kernels() {
    let d = Dist::from_name("beta", &[2.0, 5.0f64]).unwrap();
    let k = Arc::new(jit().compile(&d).unwrap());
    let ev = Arc::new(Evaluator::auto(d));
    let handles: Vec<_> = (0..2)
        .map(|t| {
            let (k, ev) = (Arc::clone(&k), Arc::clone(&ev));
            std::thread::spawn(move || {
                let xs: Vec<f64> = (1..1000)
                    .map(|i| (i as f64 + t as f64 * 0.5) / 1001.0)
                    .collect();
                let mut a = vec![0.0; xs.len()];
                let mut b = vec![0.0; xs.len()];
                for _ in 0..50 {
                    k.map(&xs, &mut a).unwrap();
                    ev.map(&xs, &mut b).unwrap();
                }
                for ((x, p), q) in xs.iter().zip(&a).zip(&b) {
                    let want = d.ln_pdf(*x);
                    assert!((p - want).abs() <= 1e-13 * want.abs().max(1.0));
                    assert!((q - want).abs() <= 1e-13 * want.abs().max(1.0));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn auto_settles_each_batch_size_class_with_correct_values() {
    // Enough 16-point batches to make the small class hot and take both of its
    // measurements (2^18 points, then 4·2^18 more); the large class is exercised
    // after it, on its own data.
    let d = Dist::from_name("normal", &[0.3, 1.3f64]).unwrap();
    let ev = Evaluator::auto(d);
    let small: Vec<f64> = (0..16).map(|i| i as f64 * 0.25 - 2.0).collect();
    let large: Vec<f64> = (0..1000).map(|i| i as f64 * 0.01 - 5.0).collect();
    let check = |xs: &[f64], out: &[f64], sum: f64| {
        let mut want_sum = 0.0;
        for (x, v) in xs.iter().zip(out) {
            let want = d.ln_pdf(*x);
            want_sum += want;
            assert!(
                (v - want).abs() <= 1e-13 * want.abs().max(1.0),
                "{x}: {v} {want}"
            );
        }
        assert!((sum - want_sum).abs() <= 1e-12 * want_sum.abs().max(1.0));
    };
    let mut out = vec![0.0; small.len()];
    for i in 0..(5 << 14) + 1 {
        ev.map(&small, &mut out).unwrap();
        let s = ev.sum(&small);
        if i % 4096 == 0 {
            check(&small, &out, s);
        }
    }
    check(&small, &out, ev.sum(&small));
    assert!(matches!(
        ev.backend_for(small.len()),
        expfam_jit::Backend::Jit | expfam_jit::Backend::Simd(_)
    ));
    let mut out = vec![0.0; large.len()];
    for _ in 0..300 {
        ev.map(&large, &mut out).unwrap();
    }
    check(&large, &out, ev.sum(&large));
}

#[rstest]
#[case("gamma", &[2.5, 1.5], &[3.0, 0.2, 40.0])]
#[case("lognormal", &[0.3, 0.8], &[1.0, 1e-3, 30.0])]
#[case("negative_binomial", &[5.0, 0.4], &[0.0, 7.0, 60.0])]
#[case("binomial", &[20.0, 0.3], &[-0.0, 3.0, 20.0, 21.0, 31.0, 32.0, 2.5])]
#[case("bernoulli", &[0.3], &[0.0, 1.0])]
fn auto_serves_one_point_like_the_distribution(
    #[case] family: &str,
    #[case] params: &[f64],
    #[case] xs: &[f64],
) {
    // One point takes its own path in `map` and `sum` (the closure's `eval`, no batch
    // loop): its values, special points and length checks match the other paths.
    let d = Dist::from_name(family, params).unwrap();
    let ev = Evaluator::auto(d);
    for &x in xs.iter().chain(&[-1.0, f64::NAN, f64::INFINITY]) {
        let want = d.ln_pdf(x);
        let mut out = [0.0];
        ev.map(&[x], &mut out).unwrap();
        for got in [out[0], ev.sum(&[x])] {
            if want.is_nan() {
                assert!(got.is_nan(), "{family} {x}: {got}");
            } else if want.is_infinite() {
                assert_eq!(got, want, "{family} {x}");
            } else {
                assert!(
                    (got - want).abs() <= 1e-13 * want.abs().max(1.0),
                    "{family} {x}: {got} {want}"
                );
            }
        }
        assert!(ev.map(&[x], &mut [0.0, 0.0]).is_err());
        assert!(ev.map(&[x, x], &mut out).is_err());
    }
    assert_eq!(ev.sum(&[]), 0.0);
    assert!(ev.map(&[], &mut []).is_ok());
}

/// Negative binomial, binomial and Poisson evaluators whose compiled code reads
/// counts from a table of its own read single points and short batches from it
/// too: the same bits as the kernel's point evaluation, in and out of the table.
#[test]
fn auto_serves_short_batches_of_counts_like_the_kernel() {
    for (family, params) in [
        ("negative_binomial", &[3.5, 0.4][..]),
        ("binomial", &[20.0, 0.3]),
        ("poisson", &[4.5]),
    ] {
        short_counts::<f64>(family, params);
        short_counts::<f32>(family, params);
    }
}

fn short_counts<F: Float>(family: &str, params: &[f64]) {
    let d = Dist::<F>::from_name(
        family,
        &params.iter().map(|&p| F::from_f64(p)).collect::<Vec<_>>(),
    )
    .unwrap();
    let (ev, k) = (Evaluator::auto(d), d.kernel());
    let xs: Vec<F> = [
        0.0,
        -0.0,
        1.0,
        5.0,
        30.0,
        31.0,
        32.0,
        33.0,
        2.5,
        -1.0,
        1e30,
        f64::NAN,
        f64::INFINITY,
    ]
    .map(F::from_f64)
    .to_vec();
    let bits = |v: F| match v.to_f64() {
        v if v.is_nan() => u64::MAX,
        v => v.to_bits(),
    };
    for &x in &xs {
        assert_eq!(bits(ev.eval(x)), bits(k.eval(x)), "{d:?} at {x:?}");
    }
    for len in 2..8 {
        for w in xs.windows(len) {
            let mut out = vec![F::ZERO; len];
            ev.map(w, &mut out).unwrap();
            for (&x, &y) in w.iter().zip(&out) {
                assert_eq!(bits(y), bits(k.eval(x)), "{d:?} at {x:?} in {w:?}");
            }
            let want = k.sum_scalar(w);
            let got = ev.sum(w);
            assert!(
                bits(got) == bits(want) || (got - want).to_f64().abs() <= 1e-12,
                "{d:?} sum of {w:?}: {got:?} vs {want:?}"
            );
        }
    }
}
