//! Prints the worst error of every backend per family against the mpmath reference:
//! `cargo run --release -p expfam-conformance --example accuracy`.

use expfam_conformance::{Row, of_family, reference_f32, reference_f64, worst};
use expfam_kernels::{ExpFam, FAMILIES, Float, Kernel};

fn report<F: Float>(rows: &[Row]) {
    println!(
        "{:<18} {:>6} {:>12} {:>12} {:>12}   ({})",
        "family",
        "rows",
        "scalar",
        "closure",
        "map",
        F::NAME
    );
    for fam in FAMILIES {
        let rs = of_family(rows, fam);
        let show = |r: Result<(f64, Option<Row>), (Row, f64)>| match r {
            Ok((e, _)) => format!("{e:.2e}"),
            Err((row, got)) => format!("CLASS {row:?} got {got}"),
        };
        let scalar = show(worst::<F>(&rs, |d, x| d.ln_pdf(x)));
        let closure = show(worst::<F>(&rs, |d, x| match d {
            // The closure of the concrete type, as a user would hold it.
            expfam_kernels::Dist::Normal(n) => n.closure()(x),
            _ => d.kernel().eval(x),
        }));
        let map = show(worst::<F>(&rs, |d, x| {
            let mut out = [F::ZERO];
            d.kernel().map(&[x], &mut out).expect("equal lengths");
            out[0]
        }));
        println!(
            "{fam:<18} {:>6} {scalar:>12} {closure:>12} {map:>12}",
            rs.len()
        );
    }
}

fn main() {
    report::<f64>(&reference_f64());
    println!();
    report::<f32>(&reference_f32());
}
