#!/usr/bin/env bash
# Release build of the firmware example (firmware/: no_std, no_main, f32 kernels on a
# Cortex-M4F) for thumbv7em-none-eabihf, and the size of its .text (failing over a bound).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT/firmware"

ensure_target thumbv7em-none-eabihf
step "firmware example build (thumbv7em-none-eabihf)" cargo build --release --locked
elf="target/thumbv7em-none-eabihf/release/expfam-firmware-example"
text_hex="$(readelf -S -W "$elf" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1 == ".text" { print $5 }')"
text=$((16#$text_hex))
echo "firmware .text: ${text} bytes"
# A bound, so that code the firmware never runs cannot creep in unnoticed: the batch
# dispatch once kept every kernel's portable-tier code (116 872 bytes) in a build that
# runs the scalar tier (9 592 bytes).
max=16384
if [ "$text" -gt "$max" ]; then
    printf '%-62s FAIL %s bytes (over %s)\n' "firmware .text size" "$text" "$max" >>"$SUMMARY_FILE"
    echo "=== firmware .text is ${text} bytes, over the ${max}-byte bound"
    exit 1
fi
printf '%-62s %s\n' "firmware .text size" "${text} bytes (bound ${max})" >>"$SUMMARY_FILE"
