//! Compiles one kernel many times (for profiling compile time).
use expfam_jit::Jit;
use expfam_kernels::Dist;
fn main() {
    let jit = Jit::new().unwrap();
    let name = std::env::args().nth(1).unwrap_or("normal".into());
    let p: Vec<f64> = std::env::args()
        .skip(2)
        .map(|s| s.parse().unwrap())
        .collect();
    let d = Dist::from_name(&name, &p).unwrap();
    let mut ts = vec![];
    for _ in 0..200 {
        let t = std::time::Instant::now();
        let k = jit.compile(&d).unwrap();
        ts.push(t.elapsed().as_secs_f64() * 1e6);
        drop(k);
    }
    ts.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("{name} median {:.1} us, min {:.1}", ts[100], ts[0]);
}
