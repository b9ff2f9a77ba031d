//! Cranelift's own compile time on this host, without expfam's lowering: a straight
//! line of `N` F64X2 operations (alternately `fmul` and `fadd`, each with a splatted
//! constant unless `NOCONST=1`), compiled 2 000 times, median and minimum printed:
//! `cargo run --release -p expfam-jit --example cranelift_floor -- 100 speed backtracking`
//! (opt level `none|speed`, register allocator `backtracking|single_pass`). It bounds
//! what any kernel of that many operations can cost to compile.
use cranelift_codegen::ir::{AbiParam, InstBuilder, types};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map_or(100, |s| s.parse().expect("N is a number"));
    let opt = args.next().unwrap_or("speed".into());
    let ra = args.next().unwrap_or("backtracking".into());
    let consts = std::env::var_os("NOCONST").is_none();
    let mut b = settings::builder();
    b.set("opt_level", &opt).expect("an opt level");
    b.set("regalloc_algorithm", &ra)
        .expect("a register allocator");
    b.set("enable_verifier", "false").expect("a flag");
    let isa = cranelift_native::builder()
        .expect("a supported host")
        .finish(settings::Flags::new(b))
        .expect("an ISA");
    let mut ctx = cranelift_codegen::Context::new();
    let mut fbc = FunctionBuilderContext::new();
    let mut ts = Vec::with_capacity(2000);
    for k in 0..2000 {
        let t = Instant::now();
        ctx.clear();
        ctx.func.signature.params.push(AbiParam::new(types::F64X2));
        ctx.func.signature.returns.push(AbiParam::new(types::F64X2));
        let mut bld = FunctionBuilder::new(&mut ctx.func, &mut fbc);
        let entry = bld.create_block();
        bld.append_block_params_for_function_params(entry);
        bld.switch_to_block(entry);
        let mut x = bld.block_params(entry)[0];
        for i in 0..n {
            let c = if consts {
                let c = bld.ins().f64const(1.0 + (i + k) as f64 * 1e-3);
                bld.ins().splat(types::F64X2, c)
            } else {
                x
            };
            x = if i % 2 == 0 {
                bld.ins().fmul(x, c)
            } else {
                bld.ins().fadd(x, c)
            };
        }
        bld.ins().return_(&[x]);
        bld.seal_all_blocks();
        bld.finalize(isa.frontend_config());
        ctx.compile(&*isa, &mut Default::default())
            .expect("compiles");
        ts.push(t.elapsed().as_secs_f64() * 1e6);
    }
    ts.sort_by(f64::total_cmp);
    println!(
        "{n} operations, opt_level={opt}, {ra}: median {:.1} us, min {:.1} us",
        ts[ts.len() / 2],
        ts[0]
    );
}
