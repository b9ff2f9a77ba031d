#!/usr/bin/env bash
# Release builds of expfam-kernels with no default features for firmware
# (thumbv7em-none-eabihf: no_std, single-precision FPU), wasm and aarch64.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

TARGETS=(thumbv7em-none-eabihf wasm32-unknown-unknown aarch64-unknown-linux-gnu)
ensure_target "${TARGETS[@]}"
for t in "${TARGETS[@]}"; do
    step "build kernels --no-default-features ${t}" \
        cargo build --release --locked -p expfam-kernels --no-default-features --target "$t"
done
