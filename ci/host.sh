#!/usr/bin/env bash
# Host checks: formatting, clippy with warnings denied, docs with warnings denied, the
# whole workspace's tests, and the conformance suite again with f32 kernels in f32.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_component rustfmt clippy

step "fmt --check" cargo fmt --all -- --check
step "clippy -D warnings" cargo clippy --workspace --all-targets --locked -- -D warnings
step "doc -D warnings" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
step "test --workspace" cargo test --workspace --locked
step "test conformance (f32-native)" cargo test -p expfam-conformance --features f32-native --locked

# Every x86_64 SIMD tier forced in turn through EXPFAM_TIER, so each tier runs the whole
# suite on this one machine (a tier the CPU lacks is reported and skipped). The probe is
# the debug `expfam` the tests above built: a release build only for this would cost
# several minutes of CI on a slow machine.
if [ "$(uname -m)" = "x86_64" ]; then
    for tier in scalar sse2 avx2 avx512 portable; do
        used="$(EXPFAM_TIER=$tier cargo run -q --locked -p expfam-bench -- info | sed -n 's/^  simd .*tier: \([a-z0-9]*\).*/\1/p')"
        if [ "$used" != "$tier" ]; then
            echo "EXPFAM_TIER=$tier: this CPU runs tier '$used' instead; skipping" | tee -a "$SUMMARY_FILE"
            continue
        fi
        step "test --workspace (EXPFAM_TIER=$tier)" env EXPFAM_TIER="$tier" cargo test --workspace --locked
    done
fi

# A -C target-cpu=native build (own target dir so the main cache stays valid): the
# portable tier then compiles with every feature of this CPU.
step "test kernels+conformance (target-cpu=native)" env RUSTFLAGS="-C target-cpu=native" \
    CARGO_TARGET_DIR="$ROOT/target/native" cargo test --locked -p expfam-kernels -p expfam-conformance
step "accuracy report" cargo run --release --locked -p expfam-conformance --example accuracy
# 100 000 JIT compile/drop cycles: the resident set must not grow (exit 1 if it does).
# The dev profile reuses the test build (Cranelift is opt-level 2 there, and the verifier
# runs on every compile): 27 s on a Zen 3, where a release build of Cranelift only for
# this step took 5 min.
step "jit compile/drop churn (100 000 cycles)" cargo run --locked -p expfam-jit --example churn
