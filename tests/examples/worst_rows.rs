//! Lists the rows where one backend is least accurate, for diagnosis:
//! `cargo run -p expfam-conformance --example worst_rows -- FAMILY f64|f32 scalar|kernel [N]`.

use expfam_conformance::{error, of_family, reference_f32, reference_f64};
use expfam_kernels::{Dist, Float, Kernel};

fn run<F: Float>(rows: Vec<expfam_conformance::Row>, backend: &str, n: usize) {
    let mut errs: Vec<(f64, String)> = rows
        .iter()
        .map(|r| {
            let ps: Vec<F> = r.params.iter().map(|&p| F::from_f64(p)).collect();
            let d = Dist::<F>::from_name(&r.family, &ps).expect("valid");
            let x = F::from_f64(r.x);
            let got = if backend == "scalar" {
                d.ln_pdf(x)
            } else {
                d.kernel().eval(x)
            }
            .to_f64();
            let e = error(got, r.expected).unwrap_or(f64::INFINITY);
            (
                e,
                format!(
                    "{:?} x={:e} ref={:e} got={:e}",
                    r.params, r.x, r.expected, got
                ),
            )
        })
        .collect();
    errs.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (e, s) in errs.iter().take(n) {
        println!("{e:.3e}  {s}");
    }
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let n = a.get(4).and_then(|s| s.parse().ok()).unwrap_or(8);
    if a[2] == "f32" {
        run::<f32>(of_family(&reference_f32(), &a[1]), &a[3], n);
    } else {
        run::<f64>(of_family(&reference_f64(), &a[1]), &a[3], n);
    }
}
