//! `expfam`: evaluate log-densities from the command line, benchmark the backends, and
//! report the machine.
//!
//! ```text
//! expfam eval FAMILY PARAM... [--backend scalar|closure|simd|jit|auto] [--f32]
//! expfam bench [--quick] [--json]
//! expfam info
//! expfam                       (info, then a quick bench)
//! ```

use expfam_bench::cli::{Backend, USAGE, Usage, parse_dist, parse_eval_args, parse_xs};
use expfam_bench::peer::Statrs;
use expfam_bench::{add3, bench_dist, bench_params, inputs, moved_params, roofline, timing};
use expfam_kernels::{Dist, FAMILIES, Float, Kernel};
use std::cell::RefCell;
use std::hint::black_box;
use std::io::{BufWriter, Read, Write};
use std::process::ExitCode;
use std::time::Duration;

/// `println!` that ends the process quietly when stdout is gone (e.g. `expfam bench |
/// head`): a closed pipe is not an error worth a panic.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($t)*).is_err() {
            std::process::exit(0);
        }
    }};
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None => {
            info();
            out!();
            bench(true, false)
        }
        Some("eval") => eval(&args[1..]),
        Some("bench") => bench_cmd(&args[1..]),
        Some("info") if args.len() == 1 => {
            info();
            Ok(())
        }
        Some("info") => Err(Usage(format!("info takes no arguments, got '{}'", args[1]))),
        Some("-h" | "--help" | "help") => {
            out!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Usage(format!("unknown command '{other}'; {USAGE}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Usage(msg)) => {
            eprintln!("expfam: {msg}");
            ExitCode::from(2)
        }
    }
}

fn eval(args: &[String]) -> Result<(), Usage> {
    let a = parse_eval_args(args)?;
    if a.f32_mode {
        eval_as::<f32>(&a.family, &a.params, a.backend)
    } else {
        eval_as::<f64>(&a.family, &a.params, a.backend)
    }
}

fn eval_as<F: Float + std::str::FromStr>(
    family: &str,
    params: &[String],
    backend: Backend,
) -> Result<(), Usage> {
    let dist = parse_dist::<F>(family, params)?;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| Usage(format!("cannot read x values from stdin: {e}")))?;
    // Parse everything before printing anything: bad input leaves stdout empty.
    let xs = parse_xs::<F>(&input)?;
    let mut out = vec![F::ZERO; xs.len()];
    match backend {
        Backend::Scalar => {
            for (o, &x) in out.iter_mut().zip(&xs) {
                *o = dist.ln_pdf(x);
            }
        }
        Backend::Closure => dist
            .kernel()
            .map_scalar(&xs, &mut out)
            .expect("output sized to input"),
        Backend::Simd => dist
            .kernel()
            .map(&xs, &mut out)
            .expect("output sized to input"),
        Backend::Jit => expfam_jit::Jit::new()
            .and_then(|j| j.compile(&dist))
            .map_err(|e| Usage(format!("jit: {e}")))?
            .map(&xs, &mut out)
            .expect("output sized to input"),
        Backend::Auto => expfam_jit::Evaluator::auto(dist)
            .map(&xs, &mut out)
            .expect("output sized to input"),
    }
    let stdout = std::io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    for v in out {
        if writeln!(w, "{v}").is_err() {
            break; // e.g. a closed pipe: nothing more to say
        }
    }
    let _ = w.flush();
    Ok(())
}

fn cpu_name() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn features() -> Vec<&'static str> {
    #[allow(unused_mut)]
    let mut v = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        macro_rules! probe {
            ($($f:tt),*) => { $( if std::is_x86_feature_detected!($f) { v.push($f); } )* };
        }
        probe!(
            "sse2", "sse4.2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512vl"
        );
    }
    #[cfg(target_arch = "aarch64")]
    {
        if std::arch::is_aarch64_feature_detected!("neon") {
            v.push("neon");
        }
    }
    v
}

fn info() {
    out!("expfam {}", env!("CARGO_PKG_VERSION"));
    out!("cpu:       {} ({})", cpu_name(), std::env::consts::ARCH);
    out!("features:  {} (detected at run time)", features().join(" "));
    let f32_calc = if <f32 as Float>::Calc::NAME == "f64" {
        "f32 kernels compute in f64, round once"
    } else {
        "f32 kernels compute in f32"
    };
    out!("backends:");
    out!("  scalar   accurate reference path (Loader saddle-point forms)   tier: scalar");
    out!("  closure  precomputed-constant kernel; {f32_calc}   tier: scalar");
    let tier = expfam_kernels::simd::current();
    out!(
        "  simd     batch kernels   tier: {tier} (best detected: {})",
        expfam_kernels::simd::detected()
    );
    if let Some(Err(v)) = expfam_kernels::simd::requested() {
        out!("           EXPFAM_TIER={v:?} names no tier this CPU can run: ignored");
    }
    match expfam_jit::Jit::new() {
        Ok(j) => {
            let flags: Vec<&str> = j
                .isa_flags()
                .into_iter()
                .map(|f| f.strip_prefix("has_").unwrap_or(f))
                .collect();
            out!(
                "  jit      Cranelift, F64X2/F32X4 code for isa {} with: {}; stencils: {}; squares: {}; wide bodies: {}",
                j.isa_name(),
                flags.join(" "),
                j.stencil_level().unwrap_or("none"),
                if j.fused_squares() {
                    "one FMA"
                } else {
                    "multiply + add"
                },
                j.wide().unwrap_or("none")
            );
        }
        Err(e) => out!("  jit      unavailable: {e}"),
    }
    out!(
        "  auto     closure below 8 points, simd:{tier} for batches, jit once hot where it measures faster"
    );
    out!("roofline:  tier {}", roofline::best_tier());
}

fn bench_cmd(args: &[String]) -> Result<(), Usage> {
    let mut quick = false;
    let mut json = false;
    for a in args {
        match a.as_str() {
            "--quick" => quick = true,
            "--json" => json = true,
            _ => return Err(Usage(format!("unknown bench option '{a}'; {USAGE}"))),
        }
    }
    bench(quick, json)
}

/// One measured row of the bench table (and one JSON object).
struct Row {
    family: &'static str,
    backend: &'static str,
    tier: &'static str,
    op: &'static str,
    n: usize,
    ns: f64,
    f: &'static str,
}

impl Row {
    fn json(&self) -> String {
        format!(
            "{{\"family\":\"{}\",\"backend\":\"{}\",\"tier\":\"{}\",\"op\":\"{}\",\"n\":{},\"ns_per_elem\":{:.4},\"f\":\"{}\"}}",
            self.family, self.backend, self.tier, self.op, self.n, self.ns, self.f
        )
    }
}

/// The tier an evaluator's batches of `n` points use now, as a static name for the table.
fn auto_tier<F: Float>(ev: &expfam_jit::Evaluator<F>, op: &str, n: usize) -> &'static str {
    let b = if op == "sum" {
        ev.sum_backend_for(n)
    } else {
        ev.backend_for(n)
    };
    match b {
        expfam_jit::Backend::Jit => "jit",
        expfam_jit::Backend::Simd(t) => t.name(),
        _ => "scalar",
    }
}

fn measure<F: Float>(
    sizes: &[usize],
    budget: Duration,
    with_statrs: bool,
    jit: Option<&expfam_jit::Jit>,
    emit: &mut dyn FnMut(Row),
) {
    let f = F::NAME;
    let jit_tier = "x2";
    let tier = roofline::best_tier();
    for &n in sizes {
        let xs = inputs::<F>("normal", n);
        let mut out = vec![F::ZERO; n];
        // Rooflines: the same n, the best tier of this CPU.
        let (ns_map, ns_sum) = if F::NAME == "f64" {
            let xs: Vec<f64> = xs.iter().map(|v| v.to_f64()).collect();
            let mut o = vec![0.0f64; n];
            let m = timing::ns_per_elem(n, budget, || {
                roofline::affine_f64(black_box(1.5), black_box(0.25), black_box(&xs), &mut o);
                black_box(&mut o);
            });
            let s = timing::ns_per_elem(n, budget, || {
                black_box(roofline::sum_f64(black_box(&xs)));
            });
            (m, s)
        } else {
            let xs: Vec<f32> = xs.iter().map(|v| v.to_f64() as f32).collect();
            let mut o = vec![0.0f32; n];
            let m = timing::ns_per_elem(n, budget, || {
                roofline::affine_f32(black_box(1.5), black_box(0.25), black_box(&xs), &mut o);
                black_box(&mut o);
            });
            let s = timing::ns_per_elem(n, budget, || {
                black_box(roofline::sum_f32(black_box(&xs)));
            });
            (m, s)
        };
        out.clear();
        emit(Row {
            family: "-",
            backend: "roofline_map",
            tier,
            op: "map",
            n,
            ns: ns_map,
            f,
        });
        emit(Row {
            family: "-",
            backend: "roofline_sum",
            tier,
            op: "sum",
            n,
            ns: ns_sum,
            f,
        });

        for family in FAMILIES {
            let xs = inputs::<F>(family, n);
            let dist = bench_dist::<F>(family);
            let kernel = dist.kernel();
            let simd_tier = expfam_kernels::simd::current().name();
            // The JIT: compiled once per family (compile time measured separately), and
            // the adaptive evaluator, hot by the end of its warm-up.
            let compiled = jit.map(|jit| jit.compile(&dist).expect("every family compiles"));
            let ev = expfam_jit::Evaluator::auto(dist);
            let peer = with_statrs
                .then(|| Statrs::new(family, bench_params(family)).expect("statrs accepts"));
            let xs64: Vec<f64> = xs.iter().map(|v| v.to_f64()).collect();
            // Every backend of this family and size, timed in turn (see
            // `timing::ns_per_elem_each`). The maps share one output buffer: where it
            // sits relative to the input changes a map's speed (4K aliasing), and it
            // must not differ between the rows compared.
            let shared = RefCell::new(vec![F::ZERO; n]);
            let mut ops: Vec<(&'static str, &'static str, &'static str, Timed)> = Vec::new();
            // closure: the scalar kernel loop; simd: the same kernel at the current tier.
            for (backend, tier, vector) in [("closure", "scalar", false), ("simd", simd_tier, true)]
            {
                let (k, xs, out) = (&kernel, &xs, &shared);
                let map: Timed = Box::new(move || {
                    let k = black_box(k);
                    let out = &mut *out.borrow_mut();
                    let r = if vector {
                        k.map(black_box(xs), out)
                    } else {
                        k.map_scalar(black_box(xs), out)
                    };
                    r.expect("sized");
                    black_box(out);
                });
                let sum: Timed = Box::new(move || {
                    let k = black_box(k);
                    let s = if vector {
                        k.sum(black_box(xs))
                    } else {
                        k.sum_scalar(black_box(xs))
                    };
                    sink(out, s);
                });
                ops.push((backend, tier, "map", map));
                ops.push((backend, tier, "sum", sum));
            }
            // The SSE2 tier, the JIT's vector width: the bar the JIT's map must clear.
            #[cfg(target_arch = "x86_64")]
            if jit.is_some() && simd_tier != "sse2" {
                let (k, xs, out) = (&kernel, &xs, &shared);
                let map: Timed = Box::new(move || {
                    let out = &mut *out.borrow_mut();
                    k.map_at(expfam_kernels::simd::Tier::Sse2, black_box(xs), out)
                        .expect("sized");
                    black_box(out);
                });
                ops.push(("sse2", "sse2", "map", map));
            }
            if let Some(k) = &compiled {
                let (xs, out, ev) = (&xs, &shared, &ev);
                // The JIT kernel and the evaluator: the same map and sum calls.
                macro_rules! map_and_sum {
                    ($backend:expr, $tier:expr, $e:expr) => {
                        let e = $e;
                        let map: Timed = Box::new(move || {
                            let out = &mut *out.borrow_mut();
                            e.map(black_box(xs), out).expect("sized");
                            black_box(out);
                        });
                        let sum: Timed = Box::new(move || {
                            sink(out, e.sum(black_box(xs)));
                        });
                        ops.push(($backend, $tier, "map", map));
                        ops.push(($backend, $tier, "sum", sum));
                    };
                }
                map_and_sum!("jit", jit_tier, k);
                map_and_sum!("auto", "", ev);
            }
            if let Some(peer) = &peer {
                // The distribution goes through black_box once per call: statrs keeps
                // whatever the compiler can hoist out of its loop, nothing more.
                let (xs64, mut o, mut sum_out) = (&xs64, vec![0.0f64; n], vec![0.0f64; 1]);
                ops.push((
                    "statrs",
                    "scalar",
                    "map",
                    Box::new(move || {
                        let d = black_box(peer);
                        for (o, &x) in o.iter_mut().zip(black_box(xs64)) {
                            *o = d.ln_pdf(x);
                        }
                        black_box(&mut o);
                    }),
                ));
                ops.push((
                    "statrs",
                    "scalar",
                    "sum",
                    Box::new(move || {
                        let d = black_box(peer);
                        let s: f64 = black_box(xs64).iter().map(|&x| d.ln_pdf(x)).sum();
                        sum_out[0] = s;
                        black_box(&mut sum_out);
                    }),
                ));
            }
            let mut fns: Vec<&mut dyn FnMut()> = ops
                .iter_mut()
                .map(|o| &mut *o.3 as &mut dyn FnMut())
                .collect();
            let times = timing::ns_per_elem_each(n, budget, &mut fns);
            drop(fns);
            for ((backend, tier, op, _), ns) in ops.iter().zip(times) {
                emit(Row {
                    family,
                    backend,
                    tier: if *backend == "auto" {
                        auto_tier(&ev, op, n)
                    } else {
                        tier
                    },
                    op,
                    n,
                    ns,
                    f,
                });
            }
            drop(ops);
            if let (Some(jit), true) = (jit, n == sizes[0]) {
                // `compile`: a family's first kernel, in a new `Jit` each time (made
                // before the clock starts), as a user gets it: a wide body or a
                // stencil where one fits, else Cranelift. `cranelift`: Cranelift every
                // time (wide bodies, stencils and templates off), the cost where no
                // stencil fits. `recompile`:
                // new parameters every time, as a sampler's proposals, in one `Jit`
                // (stencils, else templates: the first two of a shape compile with
                // Cranelift, the rest are copies).
                let mut cold = jit.clone();
                cold.set_templates(false)
                    .set_stencils(false)
                    .set_wide(false);
                let median = |jit: Option<&expfam_jit::Jit>, count: usize, moved: bool| {
                    let ts: Vec<f64> = (1..=count)
                        .map(|k| {
                            let fresh;
                            let jit = match jit {
                                Some(j) => j,
                                None => {
                                    fresh = expfam_jit::Jit::new().expect("a JIT for this host");
                                    &fresh
                                }
                            };
                            let d = if moved {
                                let ps: Vec<F> = moved_params(family, k)
                                    .iter()
                                    .map(|&p| F::from_f64(p))
                                    .collect();
                                Dist::from_name(family, &ps).expect("valid")
                            } else {
                                dist
                            };
                            let t = std::time::Instant::now();
                            black_box(jit.compile(black_box(&d)).expect("compiles"));
                            t.elapsed().as_secs_f64() * 1e9
                        })
                        .collect();
                    timing::median(&ts)
                };
                for (op, ns) in [
                    ("compile", median(None, 15, false)),
                    ("cranelift", median(Some(&cold), 15, false)),
                    ("recompile", median(Some(jit), 31, true)),
                ] {
                    emit(Row {
                        family,
                        backend: "jit",
                        tier: jit_tier,
                        op,
                        n: 1,
                        ns,
                        f,
                    });
                }
            }
        }
    }
}

/// One timed operation of [`measure`].
type Timed<'a> = Box<dyn FnMut() + 'a>;

/// Where a timed `sum` leaves its result: the start of the output buffer, as a map
/// leaves its values in it. Handed to `black_box` directly, the result went to the stack
/// slot the next call's `black_box(xs)` reuses, so that each call waited for the
/// previous one's whole chain, for some backends' code and not others': one gamma point
/// by `Evaluator::sum` took 26.6 ns that way and 9.8 ns through this, the closure's
/// `sum_scalar` 21–29 and 13.5–17.3 (Zen 4), while the maps were unaffected.
#[inline(always)]
fn sink<F: Float>(out: &RefCell<Vec<F>>, v: F) {
    let o = &mut *out.borrow_mut();
    if let Some(first) = o.first_mut() {
        *first = v;
    }
    black_box(o);
}

fn bench(quick: bool, json: bool) -> Result<(), Usage> {
    let sizes: &[usize] = if quick {
        &[1, 1000]
    } else {
        &[1, 16, 1000, 4096, 1_000_000]
    };
    let budget = Duration::from_millis(if quick { 24 } else { 160 });
    let mut rows: Vec<Row> = Vec::new();
    {
        let mut emit = |r: Row| {
            if json {
                out!("{}", r.json());
            }
            rows.push(r);
        };
        let jit = expfam_jit::Jit::new().ok();
        measure::<f64>(sizes, budget, true, jit.as_ref(), &mut emit);
        if !quick {
            measure::<f32>(sizes, budget, false, jit.as_ref(), &mut emit);
        }
        if let Some(jit) = &jit {
            model_rows(jit, *sizes.last().expect("sizes"), budget, &mut emit);
        }
    }
    if json {
        return Ok(());
    }
    print_table(&rows);
    Ok(())
}

/// The fused-model comparison: normal + gamma + poisson terms over three columns of `n`
/// rows, as one JIT pass against three AOT `map` passes plus the adding pass.
fn model_rows(jit: &expfam_jit::Jit, n: usize, budget: Duration, emit: &mut dyn FnMut(Row)) {
    let names = ["normal", "gamma", "poisson"];
    let dists: Vec<Dist<f64>> = names.iter().map(|f| bench_dist::<f64>(f)).collect();
    let cols: Vec<Vec<f64>> = names.iter().map(|f| inputs::<f64>(f, n)).collect();
    let refs: Vec<&[f64]> = cols.iter().map(|c| c.as_slice()).collect();
    let model = dists
        .iter()
        .fold(expfam_jit::Model::new(), |m, d| m.dist(*d));
    // The plan `compile_model` chooses on this machine, and the all-JIT fused loop.
    let chosen = jit.compile_model(&model).expect("the model compiles");
    let fused = jit
        .compile_model_as(&model, expfam_jit::ModelPlan::Fused)
        .expect("the model compiles");
    let kernels: Vec<_> = dists.iter().map(|d| d.kernel()).collect();
    // One output buffer for all three, timed in turn (as the families' backends).
    let out = RefCell::new(vec![0.0; n]);
    let mut tmp = vec![vec![0.0; n]; 3];
    let model_map = |m: &expfam_jit::CompiledModel<f64>| {
        let out = &mut *out.borrow_mut();
        m.map(black_box(&refs), out).expect("sized");
        black_box(out);
    };
    let mut chosen_op = || model_map(&chosen);
    let mut fused_op = || model_map(&fused);
    let mut aot_op = || {
        let out = &mut *out.borrow_mut();
        for ((k, c), t) in kernels.iter().zip(&refs).zip(tmp.iter_mut()) {
            k.map(black_box(c), t).expect("sized");
        }
        add3(out, &tmp);
        black_box(out);
    };
    let times =
        timing::ns_per_elem_each(n, budget, &mut [&mut chosen_op, &mut fused_op, &mut aot_op]);
    let (chosen_ns, fused_ns, aot_ns) = (times[0], times[1], times[2]);
    let plan = match chosen.plan() {
        expfam_jit::ModelPlan::Blocked => "blocked",
        _ => "fused",
    };
    for (backend, tier, ns) in [
        ("jit", plan, chosen_ns),
        ("jit", "fused", fused_ns),
        ("simd", expfam_kernels::simd::current().name(), aot_ns),
    ] {
        emit(Row {
            family: "model3",
            backend,
            tier,
            op: "map",
            n,
            ns,
            f: "f64",
        });
    }
}

fn print_table(rows: &[Row]) {
    let find = |family: &str, backend: &str, op: &str, n: usize, f: &str| {
        rows.iter()
            .find(|r| {
                r.family == family && r.backend == backend && r.op == op && r.n == n && r.f == f
            })
            .map(|r| r.ns)
    };
    out!(
        "ns/element (median of 21); closure = the scalar precomputed-constant kernel, \
         simd = the same at tier {}; jit = Cranelift code (128-bit vectors); auto = Evaluator::auto \
         after warm-up; rooflines at tier {}",
        expfam_kernels::simd::current(),
        roofline::best_tier()
    );
    out!(
        "{:<18} {:>3} {:>8} {:>4} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8} {:>9}",
        "family",
        "f",
        "n",
        "op",
        "closure",
        "simd",
        "jit",
        "auto",
        "statrs",
        "statrs/simd",
        "simd/roof",
        "jit/sse2",
        "auto/best"
    );
    let cell = |v: Option<f64>, suffix: &str, digits: usize| {
        v.map(|v| format!("{v:.digits$}{suffix}"))
            .unwrap_or_else(|| "-".into())
    };
    for f in ["f64", "f32"] {
        let mut ns: Vec<usize> = rows
            .iter()
            .filter(|r| r.f == f && !r.op.contains("compile") && r.family != "model3")
            .map(|r| r.n)
            .collect();
        ns.sort();
        ns.dedup();
        for &n in &ns {
            for op in ["map", "sum"] {
                let roof_backend = if op == "map" {
                    "roofline_map"
                } else {
                    "roofline_sum"
                };
                let roof = find("-", roof_backend, op, n, f);
                out!(
                    "{:<18} {f:>3} {n:>8} {op:>4} {:>8} {:>8}",
                    format!("({roof_backend})"),
                    "",
                    cell(roof, "", 3)
                );
                for family in FAMILIES {
                    let Some(c) = find(family, "closure", op, n, f) else {
                        continue;
                    };
                    let v = find(family, "simd", op, n, f);
                    let j = find(family, "jit", op, n, f);
                    let a = find(family, "auto", op, n, f);
                    let s = find(family, "statrs", op, n, f);
                    let sse2 = find(family, "sse2", op, n, f).or(
                        if expfam_kernels::simd::current().name() == "sse2" {
                            v
                        } else {
                            None
                        },
                    );
                    let best = [Some(c), v, j]
                        .into_iter()
                        .flatten()
                        .fold(f64::INFINITY, f64::min);
                    out!(
                        "{family:<18} {f:>3} {n:>8} {op:>4} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8} {:>9}",
                        cell(Some(c), "", 3),
                        cell(v, "", 3),
                        cell(j, "", 3),
                        cell(a, "", 3),
                        cell(s, "", 3),
                        cell(s.zip(v).map(|(s, v)| s / v), "x", 1),
                        cell(roof.zip(v).map(|(r, v)| v / r), "x", 2),
                        cell(j.zip(sse2).map(|(j, s)| j / s), "x", 2),
                        cell(a.map(|a| a / best), "x", 2)
                    );
                }
            }
        }
    }
    let compiles: Vec<&Row> = rows.iter().filter(|r| r.op == "compile").collect();
    if !compiles.is_empty() {
        let jit_stencils = expfam_jit::Jit::new()
            .ok()
            .and_then(|j| j.stencil_level())
            .unwrap_or("none for this CPU");
        let jit_wide = expfam_jit::Jit::new()
            .ok()
            .and_then(|j| j.wide())
            .unwrap_or("none");
        out!(
            "jit compile time, µs per kernel (finalized, callable): compile = first kernel \
             in a new Jit (median of 15; stencil {}, wide bodies {}), cranelift = wide \
             bodies, stencils and templates off (median of 15), recompile = new \
             parameters each time (median of 31)",
            jit_stencils,
            jit_wide
        );
        out!(
            "  {:<18} {:>3} {:>9} {:>9} {:>9}",
            "family",
            "f",
            "compile",
            "cranelift",
            "recompile"
        );
        for r in compiles {
            let other = |op: &str| {
                rows.iter()
                    .find(|q| q.op == op && q.family == r.family && q.f == r.f)
                    .map(|q| q.ns / 1000.0)
            };
            out!(
                "  {:<18} {:>3} {:>9.1} {:>9} {:>9}",
                r.family,
                r.f,
                r.ns / 1000.0,
                cell(other("cranelift"), "", 1),
                cell(other("recompile"), "", 1)
            );
        }
    }
    let ma = rows
        .iter()
        .find(|r| r.family == "model3" && r.backend == "simd");
    if let Some(a) = ma {
        out!(
            "model normal+gamma+poisson, n = {}: simd three maps + add {:.3} ns/row",
            a.n,
            a.ns
        );
        for j in rows
            .iter()
            .filter(|r| r.family == "model3" && r.backend == "jit")
        {
            out!(
                "  compiled model, plan {:<8} {:.3} ns/row: speed-up {:.2}x",
                j.tier,
                j.ns,
                a.ns / j.ns
            );
        }
    }
}
