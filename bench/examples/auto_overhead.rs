//! What `Evaluator::auto` adds to a batch once settled: its `map` against `Kernel::map`
//! of the same kernel (on the stack and boxed), in one process, in turn, the output
//! written at several offsets into one buffer (where it sits changes a map's speed).
//! f64; the evaluator is settled on its first 200 000 calls before the timings.
//! `cargo run --release -p expfam-bench --example auto_overhead -- N FAMILY`
use expfam_bench::{bench_dist, inputs, timing::ns_per_elem_each};
use expfam_kernels::Kernel;
use std::cell::RefCell;
use std::hint::black_box;
use std::time::Duration;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(16, |s| s.parse().expect("N"));
    let family = args.next().unwrap_or("gamma".into());
    let d = bench_dist::<f64>(&family);
    let xs: Vec<f64> = inputs(&family, n);
    let k = d.kernel();
    let boxed = Box::new(d.kernel());
    let ev = Box::new(expfam_jit::Evaluator::auto(d));
    let mut buf = vec![0.0f64; n + 1024];
    for _ in 0..200_000 {
        ev.map(&xs, &mut buf[..n]).expect("sized");
    }
    println!("{family} n={n}: auto settled on {}", ev.backend_for(n));
    let buf = RefCell::new(buf);
    for off in [0usize, 8, 64, 128, 256, 512] {
        let (k, boxed, ev, xs, buf) = (&k, &*boxed, &*ev, &xs, &buf);
        let out = move || std::cell::RefMut::map(buf.borrow_mut(), |b| &mut b[off..off + n]);
        let mut on_stack = || black_box(k).map(black_box(xs), &mut out()).expect("sized");
        let mut on_heap = || {
            black_box(boxed)
                .map(black_box(xs), &mut out())
                .expect("sized")
        };
        let mut auto = || ev.map(black_box(xs), &mut out()).expect("sized");
        let t = ns_per_elem_each(
            n,
            Duration::from_millis(200),
            &mut [&mut on_stack, &mut on_heap, &mut auto],
        );
        println!(
            "output offset {off:4}: Kernel::map {:.3} (boxed {:.3}), auto {:.3} ns/element: auto {:.2}x",
            t[0],
            t[1],
            t[2],
            t[2] / t[0].min(t[1])
        );
    }
}
