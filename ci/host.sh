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
step "accuracy report" cargo run --release --locked -p expfam-conformance --example accuracy
