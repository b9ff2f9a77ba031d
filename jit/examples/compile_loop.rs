//! Compiles one kernel 2 000 times and prints the median compile time (for profiling
//! compile time): `cargo run --release -p expfam-jit --example compile_loop -- gamma 2 1`.
//! `UNROLL=n` fixes the unroll; `PASS_TIMES=1` prints Cranelift's time per pass.
use cranelift_codegen::timing;
use expfam_jit::Jit;
use expfam_kernels::Dist;

fn main() {
    let mut jit = Jit::new().unwrap();
    if let Ok(u) = std::env::var("UNROLL") {
        jit.set_unroll(Some(u.parse().expect("UNROLL is a number")));
    }
    let name = std::env::args().nth(1).unwrap_or("normal".into());
    let p: Vec<f64> = std::env::args()
        .skip(2)
        .map(|s| s.parse().unwrap())
        .collect();
    let p = if p.is_empty() { vec![0.0, 1.0] } else { p };
    let d = Dist::from_name(&name, &p).unwrap();
    let passes = std::env::var_os("PASS_TIMES").is_some();
    if passes {
        timing::set_thread_profiler(Box::new(timing::DefaultProfiler));
    }
    let mut ts = vec![];
    for _ in 0..2000 {
        let t = std::time::Instant::now();
        let k = jit.compile(&d).unwrap();
        ts.push(t.elapsed().as_secs_f64() * 1e6);
        drop(k);
    }
    if passes {
        println!("{}", timing::take_current());
    }
    ts.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("{name} median {:.1} us, min {:.1}", ts[1000], ts[0]);
}
