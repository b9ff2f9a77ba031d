# Shared helpers for the ci/ scripts: sourced, not run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Line tables only in debug builds (the test builds of every target): backtraces keep
# their file and line, and the builds (debug info is much of a debug build's time and of
# its link) are shorter. Set in every script, so that each reuses the others' builds.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
SUMMARY_FILE="${SUMMARY_FILE:-${ROOT}/target/ci-summary.txt}"
mkdir -p "$(dirname "$SUMMARY_FILE")"

# step NAME CMD...: runs CMD, records its wall time, outcome and how many tests it ran
# (from cargo's "test result" lines) in the summary; fails on failure.
step() {
    local name="$1"
    shift
    echo
    echo "=== ${name}: $*"
    local t0=$SECONDS _step_log rc
    _step_log="$(mktemp)"
    set +e
    "$@" 2>&1 | tee "$_step_log"
    rc=${PIPESTATUS[0]}
    set -e
    local tests
    tests="$(awk '/^test result:/ { p += $4; f += $6; n++ } END { if (n) printf "%d passed, %d failed", p, f }' "$_step_log")"
    tests+="$(rerun_note "$_step_log")"
    rm -f "$_step_log"
    if [ "$rc" -eq 0 ]; then
        printf '%-62s ok   %4ds  %s\n' "$name" $((SECONDS - t0)) "$tests" >>"$SUMMARY_FILE"
    else
        printf '%-62s FAIL %4ds  %s (exit %d)\n' "$name" $((SECONDS - t0)) "$tests" "$rc" >>"$SUMMARY_FILE"
        echo "=== ${name} FAILED (exit ${rc})"
        return "$rc"
    fi
}

# rerun_note LOG: " (N binary rerun after node died of SIGSEGV: …)" when ci/wasi/run.sh
# ran a test binary again (see there), whose tests LOG then counts twice; else nothing.
rerun_note() {
    local n
    n="$(grep -c "^ci/wasi/run.sh: node died of SIGSEGV" "$1" || true)"
    if [ "$n" -gt 0 ]; then
        printf ' (%d binary rerun after node died of SIGSEGV: its tests counted twice)' "$n"
    fi
}

# Installs rustup targets/components only when missing (idempotent, quiet when present).
ensure_target() {
    local t
    for t in "$@"; do
        if ! rustup target list --installed | grep -qx "$t"; then
            rustup target add "$t"
        fi
    done
}

ensure_component() {
    local c
    for c in "$@"; do
        if ! rustup component list --installed | grep -q "^${c}"; then
            rustup component add "$c"
        fi
    done
}
