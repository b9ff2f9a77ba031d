#!/usr/bin/env bash
# Regenerates the mpmath reference vectors and checks they match the committed ones,
# so the committed data is exactly what the committed script produces.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

if ! python3 -c "import mpmath" 2>/dev/null; then
    python3 -m pip install --quiet mpmath
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
regen() {
    python3 tests/scripts/gen_reference.py --out "$out" &&
        cmp tests/data/reference_f64.csv "$out/reference_f64.csv" &&
        cmp tests/data/reference_f32.csv "$out/reference_f32.csv" &&
        python3 tests/scripts/gen_math_tables.py >"$out/tables.rs" &&
        cmp kernels/src/math/tables.rs "$out/tables.rs" &&
        python3 tests/scripts/gen_vector_math.py --out "$out/math" &&
        for f in ln exp ln_1p lgamma ln_f32 exp_f32 ln_1p_f32 lgamma_f32; do cmp "tests/data/math/$f.bin" "$out/math/$f.bin" || return 1; done &&
        python3 tests/scripts/fit_lgamma.py >"$out/lgamma_table.rs" &&
        cmp kernels/src/math/vector/lgamma_table.rs "$out/lgamma_table.rs" &&
        python3 tests/scripts/fit_ln_poly.py 6 | tail -n +2 >"$out/ln_coeffs.txt" &&
        while read -r c; do grep -q "^    $c,$" kernels/src/math/vector/ln.rs || { echo "ln coefficient $c not in ln.rs"; return 1; }; done <"$out/ln_coeffs.txt"
}
step "reference vectors regenerate identically" regen
