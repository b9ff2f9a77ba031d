//! Single points, f64, in the bench harness (`timing::ns_per_elem_each`, in turn):
//! `Kernel::eval` (the closure: the vector form at one lane, the scalar formula for
//! special points), `Kernel::eval_scalar` (the scalar formula alone), and the JIT's
//! `sum` of one point.
//! `cargo run --release -p expfam-bench --example point_paths`
use expfam_bench::{bench_dist, inputs, timing::ns_per_elem_each};
use expfam_kernels::arch::generic::VectorKernel;
use expfam_kernels::{FAMILIES, KernelVisitor};
use std::hint::black_box;
use std::time::Duration;

/// Times the three paths on the concrete kernel.
struct Time<'a>(&'a [f64], &'a expfam_jit::CompiledKernel<f64>);

impl KernelVisitor<f64> for Time<'_> {
    type Output = Vec<f64>;
    fn visit<K: VectorKernel<f64>>(self, k: &K) -> Vec<f64> {
        let (xs, jk) = (self.0, self.1);
        let mut ops: [Box<dyn FnMut() + '_>; 3] = [
            Box::new(move || {
                black_box(black_box(k).eval(black_box(xs)[0]));
            }),
            Box::new(move || {
                black_box(black_box(k).eval_scalar(black_box(xs)[0]));
            }),
            Box::new(move || {
                black_box(jk.sum(black_box(xs)));
            }),
        ];
        let mut fns: Vec<&mut dyn FnMut()> = ops
            .iter_mut()
            .map(|o| &mut **o as &mut dyn FnMut())
            .collect();
        ns_per_elem_each(1, Duration::from_millis(160), &mut fns)
    }
}

fn main() {
    let jit = expfam_jit::Jit::new().expect("the host ISA is supported");
    let mut families: Vec<String> = std::env::args().skip(1).collect();
    if families.is_empty() {
        families = FAMILIES.iter().map(|s| s.to_string()).collect();
    }
    for f in &families {
        let d = bench_dist::<f64>(f);
        let xs: Vec<f64> = inputs(f, 1);
        let jk = jit.compile(&d).expect("every family compiles");
        let t = d.kernel().visit(Time(&xs, &jk));
        println!(
            "{f:18} eval {:7.2}  eval_scalar {:7.2}  jit {:7.2} ns",
            t[0], t[1], t[2]
        );
    }
}
