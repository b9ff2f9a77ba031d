//! JIT kernels for every family, f64 and f32: against the mpmath reference vectors (as
//! one batch per parameter set, in several rotations so every lane position and the
//! scalar tail are exercised), and against the scalar kernel on inputs chosen to hit
//! every special lane (NaN, ±inf, 0, negatives, subnormals, non-integers, huge counts).
//! Every generated function passes Cranelift's verifier (switched on here).

use expfam_conformance::{
    Row, class, error, error_in, finite_sum_case, groups, reference_f32, reference_f64,
};
use expfam_jit::{CodeSource, Jit};
use expfam_kernels::{Dist, FAMILIES, Float, Kernel};
use rstest::rstest;

fn jit() -> Jit {
    let mut j = Jit::new().expect("Cranelift supports this host");
    j.set_verify(true);
    j
}

fn against_reference<F: Float>(jit: &Jit, family: &str, rows: &[Row], bound: f64) {
    for (params, pts) in groups(rows, family) {
        let ps: Vec<F> = params.iter().map(|&p| F::from_f64(p)).collect();
        let k = jit
            .compile(&Dist::<F>::from_name(family, &ps).unwrap())
            .unwrap_or_else(|e| panic!("{family} {params:?}: {e}"));
        for rot in [0, 1, 3] {
            let mut pts = pts.clone();
            let r = rot % pts.len();
            pts.rotate_left(r);
            let xs: Vec<F> = pts.iter().map(|p| F::from_f64(p.0)).collect();
            let mut out = vec![F::ZERO; xs.len()];
            k.map(&xs, &mut out).unwrap();
            for (&(x, want), got) in pts.iter().zip(&out) {
                let got = got.to_f64();
                let e = error_in::<F>(got, want);
                assert!(
                    matches!(e, Some(e) if e <= bound),
                    "jit {family} {} {params:?} x={x:e}: got {got:e}, want {want:e}",
                    F::NAME
                );
            }
            let (xs, want, scale) = finite_sum_case::<F>(&pts);
            let got = k.sum(&xs).to_f64();
            assert!(
                (got - want).abs() <= bound * scale.max(1.0),
                "jit {family} {} {params:?}: sum {got:e} vs {want:e}",
                F::NAME
            );
        }
    }
}

#[rstest]
fn jit_matches_the_reference(#[values(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)] i: usize) {
    let family = FAMILIES[i];
    let jit = jit();
    against_reference::<f64>(&jit, family, &reference_f64(), 1e-13);
    against_reference::<f32>(&jit, family, &reference_f32(), 1e-6);
}

/// Inputs that reach every special lane, in runs long enough to fill vectors.
fn awkward() -> Vec<f64> {
    let mut xs = vec![
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        -1.0,
        1.0,
        2.0,
        0.5,
        1e-310,
        f64::MIN_POSITIVE,
        1e300,
        f64::MAX,
        3.0,
        7.0,
        15.0,
        16.0,
        127.0,
        128.0,
        1e6,
        2.5,
        4_503_599_627_370_496.0,
        -3.0,
        0.999_999,
        1e-20,
    ];
    for i in 0..200 {
        xs.push(i as f64 * 0.173);
        xs.push((i % 40) as f64);
    }
    xs
}

fn params_of(family: &str) -> Vec<Vec<f64>> {
    match family {
        "normal" | "laplace" => vec![vec![0.0, 1.0], vec![-3.0, 1e-3], vec![1e5, 1e4]],
        "lognormal" => vec![vec![0.0, 1.0], vec![2.0, 0.1]],
        "exponential" | "chi_squared" | "poisson" => {
            vec![vec![0.5], vec![3.0], vec![40.0], vec![1e6]]
        }
        "gamma" | "inverse_gamma" | "beta" | "weibull" => vec![
            vec![0.5, 2.0],
            vec![1.0, 1.0],
            vec![3.0, 0.7],
            vec![1e4, 2.0],
        ],
        "bernoulli" => vec![vec![0.0], vec![0.3], vec![1.0]],
        "geometric" => vec![vec![1e-3], vec![0.3], vec![1.0]],
        "binomial" => vec![
            vec![10.0, 0.3],
            vec![1e5, 0.5],
            vec![0.0, 0.5],
            vec![40.0, 1.0],
        ],
        "negative_binomial" => vec![vec![3.5, 0.4], vec![1e3, 0.9], vec![0.5, 0.01]],
        other => panic!("no parameters for {other}"),
    }
}

fn same(got: f64, want: f64, bound: f64) -> bool {
    matches!(error(got, want), Some(e) if e <= bound)
}

/// The kernels of `family` with parameters `p`, f64 and f32, against the scalar
/// kernel on every special lane: `map` and `sum` at every batch length from 0 to 19
/// (every tail: whole vectors, a last odd row, special rows among them) and over the
/// whole set, at every starting offset up to 3, and single points through `eval`.
/// Returns where the f64 and f32 kernels' code came from.
fn check_special_lanes(jit: &Jit, family: &str, p: &[f64]) -> [CodeSource; 2] {
    let xs = awkward();
    let d = Dist::<f64>::from_name(family, p).unwrap();
    let (k, scalar) = (jit.compile(&d).unwrap(), d.kernel());
    let source = k.source();
    let p32: Vec<f32> = p.iter().map(|&v| v as f32).collect();
    let d32 = Dist::<f32>::from_name(family, &p32).unwrap();
    let (k32, s32) = (jit.compile(&d32).unwrap(), d32.kernel());
    let xs32: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
    let sum_ok = |got: f64, want: f64, bound: f64| {
        class(got) == class(want)
            && (!want.is_finite() || (got - want).abs() <= bound * want.abs().max(1.0))
    };
    for start in 0..4 {
        for n in (0..20).chain([xs.len() - start]) {
            let xs = &xs[start..start + n];
            let mut out = vec![0.0; n];
            k.map(xs, &mut out).unwrap();
            for (x, y) in xs.iter().zip(&out) {
                let want = scalar.eval_scalar(*x);
                assert!(
                    same(*y, want, 1e-13),
                    "{family} {p:?} ({source:?}) n={n} x={x:e}: {y:e} vs {want:e}"
                );
            }
            let want: f64 = xs.iter().map(|&x| scalar.eval_scalar(x)).sum();
            let got = k.sum(xs);
            assert!(
                sum_ok(got, want, 1e-12),
                "{family} {p:?} ({source:?}) n={n}: sum {got:e} vs {want:e}"
            );

            let xs = &xs32[start..start + n];
            let mut out = vec![0.0f32; n];
            k32.map(xs, &mut out).unwrap();
            for (x, y) in xs.iter().zip(&out) {
                let want = s32.eval_scalar(*x) as f64;
                assert!(
                    same(*y as f64, want, 1e-6),
                    "{family} f32 {p:?} ({:?}) n={n} x={x:e}: {y:e} vs {want:e}",
                    k32.source()
                );
            }
            let want: f64 = xs.iter().map(|&x| s32.eval_scalar(x) as f64).sum();
            let got = k32.sum(xs) as f64;
            assert!(
                sum_ok(got, want, 1e-5),
                "{family} f32 {p:?} ({:?}) n={n}: sum {got:e} vs {want:e}",
                k32.source()
            );
        }
    }
    for &x in &xs {
        let (got, want) = (k.eval(x), scalar.eval_scalar(x));
        assert!(
            same(got, want, 1e-13),
            "{family} {p:?} eval({x:e}): {got:e} vs {want:e}"
        );
        let (got, want) = (k32.eval(x as f32) as f64, s32.eval_scalar(x as f32) as f64);
        assert!(
            same(got, want, 1e-6),
            "{family} f32 {p:?} eval({x:e}): {got:e} vs {want:e}"
        );
    }
    [source, k32.source()]
}

#[rstest]
fn jit_matches_the_scalar_kernel_on_special_lanes(
    #[values(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)] i: usize,
) {
    let family = FAMILIES[i];
    let jit = jit();
    for p in params_of(family) {
        check_special_lanes(&jit, family, &p);
    }
}

/// Every unroll from one to three vectors a step, for families with and without a
/// speculative shortcut: at one vector a step the loops take a last odd row
/// themselves; at more, the tail after them does (the shortcut first where there is
/// one).
#[rstest]
fn every_unroll_matches_the_scalar_kernel(
    #[values("normal", "gamma", "poisson", "negative_binomial")] family: &str,
    #[values(1, 2, 3)] unroll: usize,
) {
    let mut jit = jit();
    jit.set_unroll(Some(unroll));
    for p in params_of(family) {
        check_special_lanes(&jit, family, &p);
    }
}

/// The rows of the special-lane set where both kernels of `family` (parameters `p`)
/// are finite, repeated to at least `len` rows (none if there are none: binomial with
/// p = 1 is finite only at x = n).
fn finite_rows(family: &str, p: &[f64], len: usize) -> Vec<f64> {
    let scalar = Dist::<f64>::from_name(family, p).unwrap().kernel();
    let p32: Vec<f32> = p.iter().map(|&v| v as f32).collect();
    let s32 = Dist::<f32>::from_name(family, &p32).unwrap().kernel();
    let mut finite: Vec<f64> = awkward()
        .into_iter()
        .filter(|&x| scalar.eval_scalar(x).is_finite() && s32.eval_scalar(x as f32).is_finite())
        .collect();
    while !finite.is_empty() && finite.len() < len {
        finite.extend_from_within(..finite.len().min(len - finite.len()));
    }
    finite
}

/// Maps of rows that are all finite points, long enough that the loop's steps run
/// their vectors rather than the fallback (a step with one special row goes there
/// whole, so the special-lane batches above mostly do), against the scalar kernel
/// row by row, for each family's parameter sets, at every start offset of a step.
#[rstest]
fn maps_of_plain_rows_match_the_scalar_kernel(
    #[values(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)] i: usize,
) {
    let family = FAMILIES[i];
    let jit = jit();
    for p in params_of(family) {
        let finite = finite_rows(family, &p, 120);
        if finite.is_empty() {
            continue;
        }
        let d = Dist::<f64>::from_name(family, &p).unwrap();
        let p32: Vec<f32> = p.iter().map(|&v| v as f32).collect();
        let d32 = Dist::<f32>::from_name(family, &p32).unwrap();
        let (k, scalar) = (jit.compile(&d).unwrap(), d.kernel());
        let (k32, s32) = (jit.compile(&d32).unwrap(), d32.kernel());
        for start in 0..17 {
            let xs = &finite[start..start + 100];
            let mut out = vec![0.0; xs.len()];
            k.map(xs, &mut out).unwrap();
            for (&x, &got) in xs.iter().zip(&out) {
                let want = scalar.eval_scalar(x);
                assert!(
                    (got - want).abs() <= 1e-13 * want.abs().max(1.0),
                    "{family} {p:?} x={x:e}: {got:e} vs {want:e}"
                );
            }
            let xs: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
            let mut out = vec![0.0f32; xs.len()];
            k32.map(&xs, &mut out).unwrap();
            for (&x, &got) in xs.iter().zip(&out) {
                let want = s32.eval_scalar(x);
                assert!(
                    (got - want).abs() <= 1e-6 * want.abs().max(1.0),
                    "{family} f32 {p32:?} x={x:e}: {got:e} vs {want:e}"
                );
            }
        }
    }
}

/// Sums longer than the sum entry point's chunk (512 rows), ending on both sides of
/// each chunk boundary, from two offsets: the rows of the special-lane set where the
/// kernel is finite, repeated, against the scalar kernel's sum.
#[rstest]
fn sums_across_chunks_match_the_scalar_kernel(
    #[values(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)] i: usize,
) {
    let family = FAMILIES[i];
    let jit = jit();
    let p = &params_of(family)[0];
    let d = Dist::<f64>::from_name(family, p).unwrap();
    let (k, scalar) = (jit.compile(&d).unwrap(), d.kernel());
    let p32: Vec<f32> = p.iter().map(|&v| v as f32).collect();
    let d32 = Dist::<f32>::from_name(family, &p32).unwrap();
    let (k32, s32) = (jit.compile(&d32).unwrap(), d32.kernel());
    let finite = finite_rows(family, p, 1600);
    assert!(!finite.is_empty(), "{family}: no finite rows");
    let close = |got: f64, want: f64, bound: f64| {
        got.is_finite() && (got - want).abs() <= bound * want.abs().max(1.0)
    };
    for start in [0, 1] {
        for n in [511, 512, 513, 1023, 1024, 1025, 1537] {
            let xs = &finite[start..start + n];
            let want: f64 = xs.iter().map(|&x| scalar.eval_scalar(x)).sum();
            let got = k.sum(xs);
            assert!(
                close(got, want, 1e-12),
                "{family} n={n}: sum {got:e} vs {want:e}"
            );
            let xs32: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
            let want: f64 = xs32.iter().map(|&x| s32.eval_scalar(x) as f64).sum();
            let got = k32.sum(&xs32) as f64;
            assert!(
                close(got, want, 1e-5),
                "{family} f32 n={n}: sum {got:e} vs {want:e}"
            );
        }
    }
}

#[test]
fn length_mismatch_is_an_error_and_empty_batches_are_fine() {
    let k = jit()
        .compile(&Dist::from_name("normal", &[0.0, 1.0f64]).unwrap())
        .unwrap();
    let mut out = [0.0; 2];
    assert!(k.map(&[1.0, 2.0, 3.0], &mut out).is_err());
    assert_eq!(k.sum(&[]), 0.0);
    k.map(&[], &mut []).unwrap();
}

/// A compiled negative binomial, binomial or Poisson whose counts mostly fall in
/// `0..32` reads them from a table of its own, made by the kernel's point
/// evaluation, and sends a vector with a lane outside it to the general program: the
/// kernel's (negative binomial's skips the saddle-point form when no lane needs it).
/// Vectors mixing the kinds, runs of each, counts at the table's edge and every
/// alignment against the loop must all match the kernel, and batches of the table's
/// rows bit for bit.
#[rstest]
fn counts_in_and_out_of_the_own_table_match_the_kernel(
    #[values(
        ("negative_binomial", &[3.5, 0.4][..]),
        ("binomial", &[20.0, 0.3][..]),
        ("poisson", &[4.5][..])
    )]
    case: (&str, &[f64]),
    #[values(false, true)] f32: bool,
) {
    if f32 {
        own_table_case::<f32>(case.0, case.1);
    } else {
        own_table_case::<f64>(case.0, case.1);
    }
}

fn own_table_case<F: Float>(family: &str, params: &[f64]) {
    let jit = jit();
    let d = Dist::<F>::from_name(
        family,
        &params.iter().map(|&p| F::from_f64(p)).collect::<Vec<_>>(),
    )
    .unwrap();
    let (k, scalar) = (jit.compile(&d).unwrap(), d.kernel());
    let mut xs = Vec::new();
    for i in 0..300u32 {
        xs.push(match i % 9 {
            0 | 3 => 2.0,
            1 => 20.0 + (i % 5) as f64,
            2 => 500.0,
            4 => 30.0 + (i % 5) as f64,
            _ => (i % 13) as f64,
        });
    }
    xs.extend(std::iter::repeat_n(7.0, 33));
    xs.extend(std::iter::repeat_n(1e4, 33));
    xs.extend((0..40).map(f64::from));
    let xs: Vec<F> = xs.into_iter().map(F::from_f64).collect();
    let bound = if f32_type::<F>() { 1e-6 } else { 1e-13 };
    // The JIT's map and sum of `xs` against the scalar kernel's.
    // A batch of table rows only is read from the table alone.
    let check = |xs: &[F]| {
        let mut out = vec![F::ZERO; xs.len()];
        k.map(xs, &mut out).unwrap();
        let listed = xs.iter().all(|x| x.to_f64() < 32.0);
        for (&x, &y) in xs.iter().zip(&out) {
            let want = scalar.eval(x);
            let (x, y, want) = (x.to_f64(), y.to_f64(), want.to_f64());
            if listed {
                assert_eq!(
                    y.to_bits(),
                    want.to_bits(),
                    "{d:?} x={x}: {y:e} vs {want:e}"
                );
            }
            assert!(same(y, want, bound), "{d:?} x={x}: {y:e} vs {want:e}");
        }
        let want: f64 = xs.iter().map(|&x| scalar.eval(x).to_f64()).sum();
        let got = k.sum(xs).to_f64();
        assert!(
            got == want || (got - want).abs() <= bound * 10.0 * want.abs(),
            "{d:?}: sum {got:e} vs {want:e}"
        );
    };
    let table: Vec<F> = (0..32)
        .chain((0..32).rev())
        .map(|x| F::from_f64(x.into()))
        .collect();
    for start in 0..4 {
        check(&xs[start..]);
        check(&table[start..]);
    }
    // Short batches (the tail after the loops: a pair, then a single row), with rows
    // from the table and rows outside it.
    let rows = [2.0, 7.0, 20.0, 31.0, 32.0, 500.0, 1e4, 0.0, 1e6].map(F::from_f64);
    for &a in &rows {
        for &c in &rows {
            for xs in [&[a][..], &[a, c], &[a, c, a]] {
                check(xs);
            }
        }
    }
}

fn f32_type<F: Float>() -> bool {
    F::NAME == "f32"
}

/// `params` moved by a relative `k`·10⁻⁴ (a sampler's proposal); a binomial's n stays
/// a whole number.
fn moved(family: &str, params: &[f64], k: usize) -> Vec<f64> {
    let f = 1.0 - k as f64 * 1e-4;
    let fixed = usize::from(family == "binomial");
    params
        .iter()
        .enumerate()
        .map(|(j, &p)| if j < fixed { p } else { p * f })
        .collect()
}

/// Kernels instantiated from templates (parameters moved between compiles, so every
/// shape is compiled twice and then copied) agree with the scalar kernel on every
/// special lane, for both float types; on x86_64 every family gets templates.
#[rstest]
fn templated_kernels_match_the_scalar_kernel(
    #[values(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)] i: usize,
) {
    let family = FAMILIES[i];
    let mut jit = jit();
    jit.set_stencils(false).set_wide(false);
    let mut templated = 0;
    for base in params_of(family) {
        for step in 1..=5 {
            let sources = check_special_lanes(&jit, family, &moved(family, &base, step));
            templated += sources
                .iter()
                .filter(|&&s| s == CodeSource::Template)
                .count();
        }
    }
    if cfg!(target_arch = "x86_64") {
        assert!(templated > 0, "{family}: no kernel came from a template");
    }
}

/// Kernels made from stencils agree with the scalar kernel on every special lane, for
/// both float types: the parameters of the other tests, moved (most of them of a
/// stencil's shape, with values far from those it was checked with), and a scale of
/// 1 written into a stencil made for other scales. On a host with a stencil level,
/// every family gets stencils.
#[rstest]
fn stencil_kernels_match_the_scalar_kernel(
    #[values(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)] i: usize,
) {
    let family = FAMILIES[i];
    let mut jit = jit();
    jit.set_wide(false);
    let mut from_stencils = 0;
    let mut sets: Vec<Vec<f64>> = params_of(family)
        .iter()
        .flat_map(|p| [1, 7].map(|k| moved(family, p, k)))
        .collect();
    // A location of 0 (+0 is part of a shape: the stencil made for (0, 1.7)) and a
    // scale of 1 (a slot of the stencil made for (0.3, 1.7), as 1/σ and ln σ = 0 do
    // not fall on another constant of the kernel).
    if matches!(family, "normal" | "laplace") {
        sets.extend([vec![0.0, 2.5], vec![-1.25, 1.0]]);
    }
    for p in &sets {
        let sources = check_special_lanes(&jit, family, p);
        from_stencils += sources
            .iter()
            .filter(|&&s| s == CodeSource::Stencil)
            .count();
    }
    if jit.stencil_level().is_some() {
        assert!(from_stencils > 0, "{family}: no kernel came from a stencil");
    }
}

/// Two threads compiling kernels of one shape through clones of one `Jit` (sharing its
/// templates), each checking its kernels.
#[test]
fn threads_share_templates() {
    let mut jit = jit();
    jit.set_stencils(false);
    let handles: Vec<_> = (0..2)
        .map(|t| {
            let jit = jit.clone();
            std::thread::spawn(move || {
                for step in 0..20 {
                    let p = moved("gamma", &[2.5, 1.5], 2 * step + t);
                    let d = Dist::<f64>::from_name("gamma", &p).unwrap();
                    let k = jit.compile(&d).unwrap();
                    for x in [0.1, 1.0, 2.5, 7.0] {
                        assert!(same(k.eval(x), d.ln_pdf(x), 1e-13), "{p:?} x={x}");
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    if cfg!(target_arch = "x86_64") {
        assert!(jit.templates() >= 1);
    }
}
