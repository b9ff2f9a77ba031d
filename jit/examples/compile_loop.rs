//! Compiles one family 2 000 times and prints the median compile time (for profiling
//! compile time): `cargo run --release -p expfam-jit --example compile_loop -- gamma 2 1`.
//! Each compile moves the parameters a little (a sampler's proposals), so after the
//! first two the kernels come from a template (or, where the host has stencils, every
//! one from a stencil); `STENCILS=0` turns stencils off, `TEMPLATES=0` templates.
//! `UNROLL=n` fixes the unroll; `PASS_TIMES=1` prints Cranelift's time per pass.
use cranelift_codegen::timing;
use expfam_jit::{CodeSource, Jit};
use expfam_kernels::Dist;

fn main() {
    let mut jit = Jit::new().unwrap();
    if let Ok(u) = std::env::var("UNROLL") {
        jit.set_unroll(Some(u.parse().expect("UNROLL is a number")));
    }
    jit.set_templates(std::env::var("TEMPLATES").as_deref() != Ok("0"));
    jit.set_stencils(std::env::var("STENCILS").as_deref() != Ok("0"));
    let name = std::env::args().nth(1).unwrap_or("normal".into());
    let p: Vec<f64> = std::env::args()
        .skip(2)
        .map(|s| s.parse().unwrap())
        .collect();
    let p = if p.is_empty() { vec![0.3, 1.3] } else { p };
    let passes = std::env::var_os("PASS_TIMES").is_some();
    if passes {
        timing::set_thread_profiler(Box::new(timing::DefaultProfiler));
    }
    let mut ts = vec![];
    let (mut templated, mut stenciled) = (0, 0);
    for i in 0..2000 {
        // Relative moves of up to ±1e-3, different for every compile.
        let step = 1.0 + ((i * 7919) % 2001) as f64 * 1e-6 - 1e-3;
        // (A binomial's n stays a whole number.)
        let fixed = usize::from(name == "binomial");
        let q: Vec<f64> = p
            .iter()
            .enumerate()
            .map(|(j, v)| if j < fixed { *v } else { v * step })
            .collect();
        let d = Dist::from_name(&name, &q).unwrap();
        let t = std::time::Instant::now();
        let k = jit.compile(&d).unwrap();
        ts.push(t.elapsed().as_secs_f64() * 1e6);
        templated += usize::from(k.source() == CodeSource::Template);
        stenciled += usize::from(k.source() == CodeSource::Stencil);
        drop(k);
    }
    if passes {
        println!("{}", timing::take_current());
    }
    println!(
        "{name} first {:.1} us, second {:.1} us; median {:.1} us, min {:.1}; of 2000, {templated} from a template, {stenciled} from a stencil",
        ts[0],
        ts[1],
        {
            let mut s = ts.clone();
            s.sort_by(f64::total_cmp);
            s[1000]
        },
        ts.iter().copied().fold(f64::INFINITY, f64::min)
    );
}
