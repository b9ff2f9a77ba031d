#!/usr/bin/env bash
# The test command of the README and of CI: every check, then a summary of what ran
# and how long it took. Installs what it needs (rustup targets and components, mpmath)
# and is safe to run repeatedly.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export SUMMARY_FILE="${ROOT}/target/ci-summary.txt"
# shellcheck source=ci/lib.sh
source "${ROOT}/ci/lib.sh"
mkdir -p "${ROOT}/target"
: >"$SUMMARY_FILE"
start=$SECONDS
status=0
LOG="${ROOT}/target/ci-log.txt"
: >"$LOG"
for script in host.sh cross-build.sh reference.sh aarch64.sh wasm.sh firmware.sh miri.sh fuzz.sh; do
    if ! bash "${ROOT}/ci/${script}" 2>&1 | tee -a "$LOG"; then
        status=1
        break
    fi
done
echo
echo "=== summary ($(( (SECONDS - start) / 60 ))m $(( (SECONDS - start) % 60 ))s)"
cat "$SUMMARY_FILE"
# One closing line over every cargo test binary that ran.
echo "$(awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed", p, f }' "$LOG")$(rerun_note "$LOG")"
exit "$status"
