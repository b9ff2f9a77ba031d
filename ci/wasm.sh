#!/usr/bin/env bash
# Kernels and conformance tests for wasm32-wasip1 under Node's WASI, without and with
# +simd128, the latter with the simd128 tier (core::arch::wasm32) and the portable tier
# (wide, which compiles to wasm SIMD then) each forced. Node >= 20 is required.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

command -v node >/dev/null || { echo "node (>= 20) is required for the WASI runner"; exit 1; }
ensure_target wasm32-wasip1
export CARGO_TARGET_WASM32_WASIP1_RUNNER="$ROOT/ci/wasi/run.sh"

step "wasm32-wasip1 test kernels+conformance" \
    cargo test --locked --target wasm32-wasip1 -p expfam-kernels -p expfam-conformance
step "wasm32-wasip1 +simd128 test kernels+conformance (EXPFAM_TIER=portable)" \
    env EXPFAM_TIER=portable RUSTFLAGS="-C target-feature=+simd128" \
    CARGO_TARGET_DIR="$ROOT/target/wasm-simd128" \
    cargo test --locked --target wasm32-wasip1 -p expfam-kernels -p expfam-conformance
step "wasm32-wasip1 +simd128 test kernels+conformance (EXPFAM_TIER=simd128)" \
    env EXPFAM_TIER=simd128 RUSTFLAGS="-C target-feature=+simd128" \
    CARGO_TARGET_DIR="$ROOT/target/wasm-simd128" \
    cargo test --locked --target wasm32-wasip1 -p expfam-kernels -p expfam-conformance
