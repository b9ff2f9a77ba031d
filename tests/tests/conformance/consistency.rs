//! The batch, relative-density and sufficient-statistic APIs agree with sums of the
//! scalar `ln_pdf`, for every family, f64 and f32.

use expfam_kernels::{Dist, ExpFam, Float, Kernel, LengthMismatch, Normal};
use rstest::rstest;

/// Parameter pairs (a, b) per family and a data set inside the support.
fn setup(family: &str) -> ([f64; 2], [f64; 2], Vec<f64>) {
    let cont = |lo: f64, hi: f64| -> Vec<f64> {
        (0..257)
            .map(|i| lo + (hi - lo) * ((i as f64 + 0.5) / 257.0))
            .collect()
    };
    let counts = |hi: u32| -> Vec<f64> { (0..257).map(|i| (i % (hi + 1)) as f64).collect() };
    match family {
        "normal" => ([1.0, 2.0], [-0.5, 0.7], cont(-4.0, 5.0)),
        "lognormal" => ([0.3, 0.8], [1.0, 1.5], cont(0.01, 9.0)),
        "exponential" => ([1.5, 0.0], [0.2, 0.0], cont(0.0, 8.0)),
        "gamma" => ([2.5, 1.5], [40.0, 9.0], cont(0.05, 9.0)),
        "inverse_gamma" => ([3.0, 2.0], [20.0, 30.0], cont(0.2, 5.0)),
        "chi_squared" => ([3.0, 0.0], [30.0, 0.0], cont(0.1, 50.0)),
        "beta" => ([2.0, 3.0], [30.0, 25.0], cont(0.01, 0.99)),
        "laplace" => ([0.5, 1.0], [0.5, 3.0], cont(-6.0, 6.0)),
        "weibull" => ([1.7, 2.0], [1.7, 0.5], cont(0.01, 4.0)),
        "poisson" => ([3.0, 0.0], [40.0, 0.0], counts(60)),
        "bernoulli" => ([0.3, 0.0], [0.9, 0.0], counts(1)),
        "binomial" => ([40.0, 0.3], [40.0, 0.8], counts(40)),
        "geometric" => ([0.3, 0.0], [0.05, 0.0], counts(30)),
        "negative_binomial" => ([2.5, 0.4], [2.5, 0.1], counts(50)),
        _ => unreachable!(),
    }
}

fn build<F: Float>(family: &str, p: [f64; 2]) -> Dist<F> {
    let n = Dist::<F>::param_names(family).unwrap().len();
    let ps: Vec<F> = p[..n].iter().map(|&v| F::from_f64(v)).collect();
    Dist::from_name(family, &ps).unwrap()
}

fn agree<F: Float>(family: &str, tol: f64) {
    let (pa, pb, data) = setup(family);
    let a = build::<F>(family, pa);
    let b = build::<F>(family, pb);
    let xs: Vec<F> = data.iter().map(|&x| F::from_f64(x)).collect();
    let terms: Vec<f64> = xs.iter().map(|&x| a.ln_pdf(x).to_f64()).collect();
    let scale: f64 = terms.iter().map(|t| t.abs()).sum::<f64>() + 1.0;
    let exact: f64 = terms.iter().sum();

    // map
    let mut out = vec![F::ZERO; xs.len()];
    a.kernel().map(&xs, &mut out).unwrap();
    for (i, (&o, &t)) in out.iter().zip(&terms).enumerate() {
        let e = (o.to_f64() - t).abs() / t.abs().max(1.0);
        assert!(e <= tol, "{family} {}: map[{i}] {o} vs {t}", F::NAME);
    }
    // sum, over every prefix length up to 9 (tails) and the whole set
    for n in (0..9).chain([xs.len()]) {
        let s = a.kernel().sum(&xs[..n]).to_f64();
        let want: f64 = terms[..n].iter().sum();
        assert!(
            (s - want).abs() <= tol * scale,
            "{family} {}: sum of {n} = {s} vs {want}",
            F::NAME
        );
    }
    // log-likelihood from sufficient statistics (O(1) per parameter value)
    let ll = a.log_likelihood_via_stats(&xs).to_f64();
    assert!(
        (ll - exact).abs() <= tol * scale,
        "{family} {}: log_likelihood {ll} vs {exact} (scale {scale})",
        F::NAME
    );
    // wrt as a batch at every tier (vector T(x) per family) against per-point wrt
    let mut with_edges = xs.clone();
    with_edges.extend([F::NAN, F::INFINITY, -F::ONE, F::from_f64(0.5)]);
    for tier in expfam_kernels::simd::TIERS {
        if !tier.is_available() {
            continue;
        }
        let mut out = vec![F::ZERO; with_edges.len()];
        a.wrt_map_at(&b, tier, &with_edges, &mut out)
            .unwrap()
            .unwrap();
        for (&x, &o) in with_edges.iter().zip(&out) {
            let want = a.wrt_eval(&b, x).unwrap().to_f64();
            let o = o.to_f64();
            let (la, lb) = (a.ln_pdf(x).to_f64(), b.ln_pdf(x).to_f64());
            let tol_x = tol * (la.abs() + lb.abs() + 1.0);
            assert!(
                (want.is_nan() && o.is_nan()) || want == o || (o - want).abs() <= tol_x,
                "{family} {} {tier}: wrt batch at {x}: {o} vs {want}",
                F::NAME
            );
        }
    }
    // wrt: a relative to b
    for &x in &xs {
        let r = a.wrt_eval(&b, x).unwrap().to_f64();
        let la = a.ln_pdf(x).to_f64();
        let lb = b.ln_pdf(x).to_f64();
        let want = la - lb;
        let tol_x = tol * (la.abs() + lb.abs() + 1.0);
        if want.is_finite() {
            assert!(
                (r - want).abs() <= tol_x,
                "{family} {}: wrt at {x}: {r} vs {want}",
                F::NAME
            );
        }
    }
}

#[rstest]
fn batch_wrt_and_stats_agree_with_ln_pdf(
    #[values(
        "normal",
        "lognormal",
        "exponential",
        "gamma",
        "inverse_gamma",
        "chi_squared",
        "beta",
        "laplace",
        "weibull",
        "poisson",
        "bernoulli",
        "binomial",
        "geometric",
        "negative_binomial"
    )]
    family: &str,
) {
    agree::<f64>(family, 1e-12);
    agree::<f32>(family, 2e-6);
}

#[test]
fn stats_are_reusable_across_parameter_values() {
    let data: Vec<f64> = (0..1000)
        .map(|i| (i as f64 * 0.37).sin() * 3.0 + 1.0)
        .collect();
    let stats = Normal::new(0.0, 1.0).unwrap().suff_stats(&data);
    for (mu, s) in [(0.0, 1.0), (1.0, 3.0), (-2.0, 0.5)] {
        let d = Normal::new(mu, s).unwrap();
        let direct: f64 = data.iter().map(|&x| d.ln_pdf(x)).sum();
        let fast = d.log_likelihood(&stats);
        assert!(
            (fast - direct).abs() <= 1e-11 * direct.abs(),
            "{fast} vs {direct}"
        );
    }
}

#[test]
fn stats_flag_outside_support_nan_and_fixed_mismatch() {
    use expfam_kernels::{Binomial, Gamma, Laplace};
    let g = Gamma::new(2.0, 1.0).unwrap();
    assert_eq!(
        g.log_likelihood(&g.suff_stats(&[1.0, -1.0])),
        f64::NEG_INFINITY
    );
    assert!(g.log_likelihood(&g.suff_stats(&[1.0, f64::NAN])).is_nan());
    assert_eq!(g.log_likelihood(&g.suff_stats(&[])), 0.0);
    // Laplace is an exponential family only for fixed mu.
    let l1 = Laplace::new(0.0, 1.0f64).unwrap();
    let l2 = Laplace::new(1.0, 1.0).unwrap();
    assert!(l2.log_likelihood(&l1.suff_stats(&[0.5])).is_nan());
    let b1 = Binomial::new(10.0, 0.5f64).unwrap();
    let b2 = Binomial::new(11.0, 0.5).unwrap();
    assert!(b2.log_likelihood(&b1.suff_stats(&[3.0])).is_nan());
    assert!(b2.wrt(&b1).eval(3.0).is_nan());
    // Boundary parameters: the mean-parameter form stays exact.
    let b0 = Binomial::new(10.0, 1.0).unwrap();
    assert_eq!(b0.log_likelihood(&b0.suff_stats(&[10.0, 10.0])), 0.0);
    // Gamma with shape 1 at x = 0 (eta_1 = 0 times T_1 = -inf must not be NaN).
    let e = Gamma::new(1.0, 2.0).unwrap();
    let ll = e.log_likelihood(&e.suff_stats(&[0.0]));
    assert!((ll - 2f64.ln()).abs() < 1e-15, "{ll}");
}

#[test]
fn map_rejects_mismatched_lengths() {
    let k = Normal::new(0.0, 1.0f64).unwrap().kernel();
    let mut out = [0.0; 2];
    assert_eq!(
        k.map(&[1.0, 2.0, 3.0], &mut out),
        Err(LengthMismatch {
            input: 3,
            output: 2
        })
    );
    let mut empty: [f64; 0] = [];
    assert_eq!(k.map(&[], &mut empty), Ok(()));
    assert_eq!(k.sum(&[]), 0.0);
}
