#!/usr/bin/env bash
# cargo-fuzz, time-bounded: the CLI's input parsing (arguments and stdin through
# bench/src/cli.rs, then every parse that succeeds evaluated by three backends) and
# every constructor fed arbitrary bit patterns. Needs nightly (sanitizers) and
# cargo-fuzz, both installed here when missing. EXPFAM_FUZZ_SECONDS sets the time per
# target (default 60). (cargo fuzz has no --locked; fuzz/Cargo.lock is committed.)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT/fuzz"

if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz
fi
secs="${EXPFAM_FUZZ_SECONDS:-60}"
step "fuzz build (nightly, ASan)" cargo +nightly fuzz build
# libFuzzer reports every new input: keep its log in target/ and show the end of it.
quiet_fuzz() {
    local target="$1" log="$ROOT/target/fuzz-$1.log" rc=0
    shift
    cargo +nightly fuzz run "$target" -- -max_total_time="$secs" -print_final_stats=1 "$@" \
        >"$log" 2>&1 || rc=$?
    grep -E '^(Done|stat::number_of_executed_units|==[0-9]+==|thread|SUMMARY)' "$log" || true
    if [ "$rc" -ne 0 ]; then
        tail -40 "$log"
    fi
    return "$rc"
}
# Both targets at once: each fuzzer is one process on one core, and CI has two.
both_fuzz() {
    local cli=0 constructors=0
    quiet_fuzz cli -dict=cli.dict >"$ROOT/target/fuzz-cli.out" 2>&1 &
    local pid=$!
    quiet_fuzz constructors >"$ROOT/target/fuzz-constructors.out" 2>&1 || constructors=$?
    wait "$pid" || cli=$?
    echo "--- cli (exit $cli)"
    cat "$ROOT/target/fuzz-cli.out"
    echo "--- constructors (exit $constructors)"
    cat "$ROOT/target/fuzz-constructors.out"
    [ "$cli" -eq 0 ] && [ "$constructors" -eq 0 ]
}
step "fuzz cli + constructors (${secs}s each, concurrently)" both_fuzz
