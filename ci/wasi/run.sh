#!/usr/bin/env bash
# Cargo's runner for wasm32-wasip1 (set by ci/wasm.sh): runs a test binary under Node's
# WASI through run.mjs and exits with its code. Node 20 itself now and then dies of
# SIGSEGV after the program has finished: seen 2 times in 39 runs of the simd128
# conformance binary, every time after its last test had reported ok, the fault in V8's
# KeyedLoadIC in the JavaScript that runs once `_start` has returned. The binary is then
# run once more, saying so. A failing test cannot take this path: it exits with the
# harness's code (101) or traps (node exits 1), never by a signal.
node --no-warnings "$(dirname "$0")/run.mjs" "$@"
status=$?
if [ "$status" -eq 139 ]; then
    echo "ci/wasi/run.sh: node died of SIGSEGV (status 139); running $1 once more" >&2
    node --no-warnings "$(dirname "$0")/run.mjs" "$@"
    status=$?
fi
exit "$status"
