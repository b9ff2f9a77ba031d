# Shared helpers for the ci/ scripts: sourced, not run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
SUMMARY_FILE="${SUMMARY_FILE:-${ROOT}/target/ci-summary.txt}"
mkdir -p "$(dirname "$SUMMARY_FILE")"

# step NAME CMD...: runs CMD, records its wall time and outcome in the summary, fails on failure.
step() {
    local name="$1"
    shift
    echo
    echo "=== ${name}: $*"
    local t0=$SECONDS
    if "$@"; then
        printf '%-44s ok    %4ds\n' "$name" $((SECONDS - t0)) >>"$SUMMARY_FILE"
    else
        local rc=$?
        printf '%-44s FAIL  %4ds (exit %d)\n' "$name" $((SECONDS - t0)) "$rc" >>"$SUMMARY_FILE"
        echo "=== ${name} FAILED (exit ${rc})"
        return "$rc"
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
