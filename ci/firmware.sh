#!/usr/bin/env bash
# Release build of the firmware example (firmware/: no_std, no_main, f32 kernels on a
# Cortex-M4F) for thumbv7em-none-eabihf, and the size of its .text.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT/firmware"

ensure_target thumbv7em-none-eabihf
step "firmware example build (thumbv7em-none-eabihf)" cargo build --release --locked
elf="target/thumbv7em-none-eabihf/release/expfam-firmware-example"
text_hex="$(readelf -S -W "$elf" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1 == ".text" { print $5 }')"
text=$((16#$text_hex))
echo "firmware .text: ${text} bytes"
printf '%-62s %s\n' "firmware .text size" "${text} bytes" >>"$SUMMARY_FILE"
