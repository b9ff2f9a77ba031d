//! The `expfam` command-line contract: values on stdout, and for every class of bad
//! input exit status 2, exactly one line on stderr, nothing on stdout.

use std::io::Write;
use std::process::{Command, Stdio};

/// The `expfam` binary, started through `EXPFAM_TEST_RUNNER` when that is set (the
/// cross-architecture CI runs the tests under qemu-user, whose binaries the host
/// cannot exec directly without binfmt).
fn expfam() -> Command {
    let bin = env!("CARGO_BIN_EXE_expfam");
    match std::env::var("EXPFAM_TEST_RUNNER") {
        Ok(r) if !r.trim().is_empty() => {
            let mut parts = r.split_whitespace();
            let mut c = Command::new(parts.next().expect("non-empty"));
            c.args(parts).arg(bin);
            c
        }
        _ => Command::new(bin),
    }
}

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = expfam()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn expfam");
    // expfam may reject its arguments and exit before reading stdin: a broken pipe
    // here is expected then.
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf8"),
        String::from_utf8(out.stderr).expect("utf8"),
    )
}

fn assert_bad(args: &[&str], stdin: &str, mentions: &str) {
    let (code, out, err) = run(args, stdin);
    assert_eq!(code, 2, "{args:?}: exit {code}, stderr {err:?}");
    assert!(
        out.is_empty(),
        "{args:?}: stdout must be empty, got {out:?}"
    );
    assert_eq!(err.lines().count(), 1, "{args:?}: stderr {err:?}");
    assert!(
        err.contains(mentions),
        "{args:?}: {err:?} should mention {mentions:?}"
    );
}

#[test]
fn bad_input_classes_exit_2_with_one_line() {
    assert_bad(&["eval", "gaussian", "0", "1"], "1", "gaussian");
    assert_bad(&["eval", "normal", "0"], "1", "mu sigma");
    assert_bad(&["eval", "normal", "0", "1", "2"], "1", "got 3");
    assert_bad(&["eval", "normal", "0", "abc"], "1", "sigma");
    assert_bad(&["eval", "normal", "0", "-1"], "1", "sigma");
    assert_bad(&["eval", "normal", "nan", "1"], "1", "mu");
    assert_bad(&["eval", "beta", "1", "inf"], "1", "beta");
    assert_bad(&["eval", "binomial", "2.5", "0.5"], "1", "whole");
    assert_bad(&["eval", "bernoulli", "1.5"], "1", "p");
    assert_bad(&["eval", "normal", "0", "1"], "1 2 oops 4", "'oops'");
    assert_bad(
        &["eval", "normal", "0", "1", "--backend", "warp"],
        "1",
        "warp",
    );
    assert_bad(&["eval", "normal", "0", "1", "--backend"], "1", "--backend");
    assert_bad(&["eval", "normal", "0", "1", "--frob"], "1", "--frob");
    assert_bad(&["eval"], "", "family");
    assert_bad(&["frobnicate"], "", "frobnicate");
    assert_bad(&["bench", "--slow"], "", "--slow");
    assert_bad(&["info", "extra"], "", "extra");
}

#[test]
fn eval_prints_one_value_per_line_in_rust_form() {
    let (code, out, err) = run(&["eval", "normal", "0", "1"], "0\n1 -inf\nNaN  ");
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4);
    // mpmath: -ln sqrt(2 pi) = -0.91893853320467274178...
    let v0: f64 = lines[0].parse().unwrap();
    assert!((v0 + 0.918_938_533_204_672_7).abs() < 1e-15, "{v0}");
    assert_eq!(lines[2], "-inf");
    assert_eq!(lines[3], "NaN");
}

#[test]
fn eval_backends_agree_and_f32_works() {
    let xs = "0 1 2 3 4 7.5 -1 30";
    let (_, scalar, _) = run(&["eval", "poisson", "3.5", "--backend", "scalar"], xs);
    for backend in ["closure", "simd", "jit", "auto"] {
        let (code, other, err) = run(
            &["eval", "poisson", "3.5", &format!("--backend={backend}")],
            xs,
        );
        assert_eq!(code, 0, "{backend}: {err}");
        assert_eq!(other.lines().count(), 8, "{backend}");
        for (a, b) in scalar.lines().zip(other.lines()) {
            if a == b {
                continue;
            }
            let (a, b): (f64, f64) = (a.parse().unwrap(), b.parse().unwrap());
            assert!(
                (a - b).abs() <= 1e-13 * a.abs().max(1.0),
                "{backend}: {a} vs {b}"
            );
        }
    }
    assert_eq!(scalar.lines().nth(5), Some("-inf")); // 7.5 is not a count
    let (code, out, _) = run(&["eval", "gamma", "2", "3", "--f32"], "1");
    assert_eq!(code, 0);
    // ln 9 − 3 = −0.80277542266...
    let v: f32 = out.trim().parse().unwrap();
    assert!((v + 0.802_775_4).abs() < 1e-6, "{v}");
}

#[test]
fn info_names_backends_and_features() {
    let (code, out, _) = run(&["info"], "");
    assert_eq!(code, 0);
    for word in [
        "features:",
        "scalar",
        "closure",
        "simd",
        "jit",
        "auto",
        "roofline",
    ] {
        assert!(out.contains(word), "info lacks {word}: {out}");
    }
}

#[test]
fn a_closed_stdout_ends_quietly_not_with_a_panic() {
    // `expfam info | head -0`: the reader is gone before expfam writes.
    let mut child = expfam()
        .arg("info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn expfam");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "stderr: {err}");
    assert_eq!(out.status.code(), Some(0), "stderr: {err}");
}
