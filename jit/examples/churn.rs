//! Compiles and drops a kernel 100 000 times (or `argv[1]` times) and checks that the
//! resident set does not grow: dropping a `CompiledKernel` frees its code. A third of
//! the cycles compile with Cranelift (stencils and templates off), a third come from
//! the shape's template (stencils off) and a third from a stencil where the host has
//! them; the parameters move, as a sampler's do.
//! Exit status 1 if it grew by more than 16 MiB after the first 1 000 cycles.
use expfam_jit::Jit;
use expfam_kernels::Dist;

fn rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = s.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4)
}

fn main() {
    let cycles: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let jit = Jit::new().expect("Cranelift supports this host");
    let mut cold = jit.clone();
    cold.set_templates(false).set_stencils(false);
    let mut templated = jit.clone();
    templated.set_stencils(false);
    let mut base = None;
    let t = std::time::Instant::now();
    for i in 0..cycles {
        let sigma = 2.0 + (i % 1000) as f64 * 1e-3;
        let d = Dist::from_name("normal", &[0.5, sigma]).expect("valid");
        let k = [&cold, &templated, &jit][i % 3]
            .compile(&d)
            .expect("compiles");
        std::hint::black_box(k.eval(1.0));
        if i == 999 {
            base = rss_kib();
        }
    }
    let end = rss_kib();
    println!(
        "{cycles} compile/drop cycles in {:.1} s; RSS after 1000: {:?} KiB, at the end: {:?} KiB",
        t.elapsed().as_secs_f64(),
        base,
        end
    );
    if let (Some(b), Some(e)) = (base, end)
        && e > b + 16 * 1024
    {
        eprintln!("RSS grew by {} KiB", e - b);
        std::process::exit(1);
    }
}
