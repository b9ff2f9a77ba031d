//! Single-point `sum` timings in the bench harness (`timing::ns_per_elem_each`), n = 1,
//! f64: the closure's `sum_scalar`, `Evaluator::auto`'s `sum` (the closure's `eval` for
//! one point), the JIT's `sum`, and a second copy of the closure's
//! timed op, identical code in another place. The two copies of the closure measure
//! how far a single call's time moves with the placement of the timed code alone.
//! `cargo run --release -p expfam-bench --example single_point -- [FAMILY...]`
use expfam_bench::{bench_dist, inputs, timing::ns_per_elem_each};
use expfam_kernels::{FAMILIES, Kernel};
use std::cell::Cell;
use std::hint::black_box;
use std::time::Duration;

fn main() {
    let mut families: Vec<String> = std::env::args().skip(1).collect();
    if families.is_empty() {
        families = FAMILIES.iter().map(|s| s.to_string()).collect();
    }
    let jit = expfam_jit::Jit::new().expect("the host ISA is supported");
    for f in &families {
        let d = bench_dist::<f64>(f);
        let xs: Vec<f64> = inputs(f, 1);
        let k = d.kernel();
        let jk = jit.compile(&d).expect("every family compiles");
        let ev = expfam_jit::Evaluator::auto(d);
        let (k, xs, ev, jk) = (&k, &xs, &ev, &jk);
        // Each result goes to the heap, as in `expfam bench` (see its `sink`): through
        // `black_box` it can land in the stack slot the next call reads its input from.
        let sink = Cell::new(0.0);
        let sink = &sink;
        let put = move |v: f64| {
            sink.set(v);
            black_box(sink);
        };
        let mut ops: [Box<dyn FnMut()>; 4] = [
            Box::new(move || put(black_box(k).sum_scalar(black_box(xs)))),
            Box::new(move || put(ev.sum(black_box(xs)))),
            Box::new(move || put(jk.sum(black_box(xs)))),
            Box::new(move || put(black_box(k).sum_scalar(black_box(xs)))),
        ];
        let mut fns: Vec<&mut dyn FnMut()> = ops
            .iter_mut()
            .map(|o| &mut **o as &mut dyn FnMut())
            .collect();
        let t = ns_per_elem_each(1, Duration::from_millis(160), &mut fns);
        println!(
            "{f:18} closure {:7.2}  auto {:7.2}  jit {:7.2}  closure again {:7.2} ns",
            t[0], t[1], t[2], t[3]
        );
    }
}
