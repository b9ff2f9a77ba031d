#!/usr/bin/env bash
# The whole test suite for aarch64-unknown-linux-gnu under qemu-user (the JIT through
# Cranelift's aarch64 backend included), with the SIMD tier forced in turn: neon (the
# NEON baseline, today through the portable code), portable (wide, itself NEON here)
# and scalar.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

need=()
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
[ -d /usr/aarch64-linux-gnu/lib ] || need+=(libc6-dev-arm64-cross)
if [ "${#need[@]}" -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}"
fi
ensure_target aarch64-unknown-linux-gnu

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
# The CLI tests start the expfam binary themselves: through qemu as well.
export EXPFAM_TEST_RUNNER="$CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER"

# The whole workspace once, at the baseline tier; the other tiers run the crates whose
# results depend on the tier. The JIT's code does not, and its tests are about a third
# of the suite's time under qemu (49 of 136 s at the portable tier).
step "aarch64 (qemu) test --workspace (EXPFAM_TIER=neon)" env EXPFAM_TIER=neon \
    cargo test --workspace --locked --target aarch64-unknown-linux-gnu
for tier in portable scalar; do
    step "aarch64 (qemu) test kernels+conformance+bench (EXPFAM_TIER=$tier)" env EXPFAM_TIER="$tier" \
        cargo test --locked --target aarch64-unknown-linux-gnu \
        -p expfam-kernels -p expfam-conformance -p expfam-bench
done
