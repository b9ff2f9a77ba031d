#!/usr/bin/env bash
# cargo +nightly miri on the kernels crate's own tests: the scalar, SSE2 and portable
# tiers, the drivers' tails and the vector math (unsafe loads/stores, bit casts).
# Skipped here, and said so: AVX2 and AVX-512 (miri's CPU reports only the compile-time
# x86_64 features, so those tiers are unavailable under it), and the doctests and the
# large mpmath suites of tests/ (hours under miri).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! rustup component list --toolchain nightly --installed | grep -q '^miri'; then
    rustup component add --toolchain nightly miri rust-src
fi
echo "miri: skipping the AVX2/AVX-512 tiers (unavailable under miri), doctests and tests/ (too slow)"
step "miri test expfam-kernels (scalar, sse2, portable)" \
    env MIRIFLAGS="-Zmiri-strict-provenance" CARGO_TARGET_DIR="$ROOT/target/miri" \
    cargo +nightly miri test --locked -p expfam-kernels --lib
