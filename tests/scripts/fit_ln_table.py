#!/usr/bin/env python3
"""The tables and the polynomial of the AVX-512 logarithm (`ln_table16` in
kernels/src/math/vector/ln.rs, read by `ln_reduce16` in kernels/src/arch/x86_64/avx512.rs),
with mpmath.

    python3 tests/scripts/fit_ln_table.py

Method. `x = 2^k m` with `m` in [45/64, 45/32) by integer operations on the bits (the
bottom of the range, 0x3fe68..., puts 1.0 in the middle of its sixteenth). Bits 48..51
of the shifted bits number the sixteenth `j` of the range m lies in; an arithmetic shift
by 48 gives `t = 16 k + j`, whose low four bits index the tables held in registers
(`vpermt2pd`). Per sixteenth, `invc` (a double near 1/m) and `ln c = -ln invc`:

    r = fma(m, invc, -1)                      (|r| <= 3/64; exact at j = 9, invc = 1)
    ln x = k ln2 + ln c + ln(1 + r),  ln(1 + r) = r - r^2/2 + r^3 q(r)

with `k ln2 = (t - j) ln2/16`. Each `invc` is placed so the rounding of `r` costs
little next to 1, then moved by under 2^-22 so that `ln c = G + (j - 9) LN2_LO/16`
within 2^-64 with `G` a multiple of 2^-43. The table holds `A = G - j LN2_HI/16`
(exact), so

    hi = fma(t, LN2_HI/16, A) = k LN2_HI + G     exact (multiples of 2^-43 below 2^10)
    lo = fma(t, LN2_LO/16, -9 LN2_LO/16)         (0 exactly at j = 9, k = 0)

`LN2_LO` keeps 49 bits so `9 LN2_LO/16` is exact. Then `hi + r` by Fast2Sum (|hi| >= |r|
or hi = 0, checked below) and the small terms added to its error.

Prints the Rust constants (`LN2_HI16` is derived in Rust), the fit's error, and per
sixteenth the largest error the rounding of `r` can cause relative to an ulp of the
result (the one sizeable error term besides the final rounding; the measured bound is
in the conformance tests).
"""
import random
import struct

from mpmath import mp, mpf, log, chebyfit, ldexp, floor

mp.dps = 60


def b2f(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def f2b(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def ulp(v):
    v = abs(float(v))
    if v == 0:
        return 2.0**-1074
    b = f2b(v)
    return b2f(b + 1) - v


BOTTOM = 0x3FE6800000000000  # 45/64
OFFSET = 0x3FF0000000000000 - BOTTOM
LN2 = log(2)
LN2_HI = b2f(0x3FE62E42FEE00000)
# ln 2 - LN2_HI to 49 bits: the low four mantissa bits clear.
lo = float(LN2 - mpf(LN2_HI))
LN2_LO = b2f(f2b(lo) + 8 & ~0xF)
assert abs(mpf(LN2_LO) - (LN2 - LN2_HI)) < mpf(2) ** -81

GRID = [i / 20 for i in range(2, 19)]


def r_extent(a, b, ic):
    return max(abs(mpf(a) * ic - 1), abs(mpf(b) * ic - 1))


def r_rounding(a, b, ic, n):
    """Largest 0.5 ulp(r) / ulp(ln m) over n + 1 points of [a, b)."""
    worst = 0.0
    for i in range(n + 1):
        m = b2f(f2b(a) + (f2b(b) - 1 - f2b(a)) * i // n)
        y = log(mpf(m))
        if y == 0:
            continue
        r = float(mpf(m) * ic - 1)
        worst = max(worst, 0.5 * ulp(r) / ulp(y))
    return worst


def nudge(ic, j):
    """A double within 2^30 ulps of `ic` (2^-22 relative: the ranges of r move by
    nothing that matters) whose D = -ln(invc) - (j - 9) LN2_LO/16 lies within 2^-64 of
    a multiple of 2^-43. Candidates drawn at random (seeded): consecutive ones would
    not do, since `ic` is often a simple fraction (4/3, 32/23) whose steps of D repeat
    with a short period modulo 2^-43. D from the series of ln(1 + n u/ic) to third order
    (the fourth is below 2^-88), in integers scaled by 2^130; checked with mpmath by
    the caller."""
    u = ulp(ic)
    d0 = -log(mpf(ic)) - (j - 9) * mpf(LN2_LO) / 16
    delta = mpf(u) / mpf(ic)
    scale = mpf(2) ** 130
    c0, c1, c2, c3 = (int(v * scale) for v in (d0, delta, delta**2 / 2, delta**3 / 3))
    grid, tol = 1 << 87, 1 << 66
    rng = random.Random(j)
    for _ in range(1 << 24):
        n = rng.randrange(-(1 << 30), 1 << 30)
        rem = (c0 - n * c1 + n * n * c2 - n * n * n * c3) % grid
        if rem < tol or grid - rem < tol:
            return ic + n * u
    raise SystemExit(f"no invc found for sixteenth {j}")


invc, tab_a = [], []
gerr = mpf(0)
rmin, rmax = mpf(0), mpf(0)
report = []
for j in range(16):
    a = b2f(BOTTOM + (j << 48))
    b = b2f(BOTTOM + ((j + 1) << 48))
    if j == 9:
        ic = 1.0  # r = m - 1 exactly
    else:
        # c where the rounding of r costs least against ulp(ln m) over the sixteenth
        # (it matters next to 1, where ln m is smallest): tried on a grid.
        # |r| kept within 3/64 (next to 1, r must be small where ln m is).
        cands = [float(1 / (mpf(a) + t * (mpf(b) - mpf(a)))) for t in GRID]
        cands = [ic for ic in cands if r_extent(a, b, ic) <= mpf(3) / 64]
        ic = min(cands, key=lambda ic: (r_rounding(a, b, ic, 60), r_extent(a, b, ic)))
    if j != 9:
        ic = nudge(ic, j)
    # G = ln c - (j - 9) LN2_LO/16 to a multiple of 2^-43, within 2^-64 of it, so
    # hi = k LN2_HI + G is exact and lo = (t - 9) LN2_LO/16 needs no table.
    logc = -log(mpf(ic))
    d = logc - (j - 9) * mpf(LN2_LO) / 16
    g = float(ldexp(floor(ldexp(d, 43) + mpf(0.5)), -43))
    assert abs(d - g) < mpf(2) ** -64, "G within 2^-64"
    gerr = max(gerr, abs(d - g))
    a_j = g - j * (LN2_HI / 16)
    assert mpf(a_j) == mpf(g) - j * mpf(LN2_HI) / 16, "A exact"
    assert mpf(9 * (LN2_LO / 16)) == 9 * mpf(LN2_LO) / 16, "9 LN2_LO/16 exact"
    if j == 9:
        assert g == 0.0
    r_lo = mpf(a) * ic - 1
    r_hi = mpf(b) * ic - 1
    rmin, rmax = min(rmin, r_lo), max(rmax, r_hi)
    rmaxabs = max(abs(r_lo), abs(r_hi))
    if j != 9:
        assert abs(g) > rmaxabs, "Fast2Sum needs |hi| >= |r|"
    # The rounding of r (exact in the sixteenth of 1), against ulp(ln m) at k = 0.
    worst = 0.0 if j == 9 else r_rounding(a, b, ic, 400)
    invc.append(ic)
    tab_a.append(a_j)
    report.append((j, a, b, ic, float(rmaxabs), worst))


def q(r):
    if r == 0:
        return mpf(1) / 3
    return (log(1 + r) - r + r * r / 2) / r**3


DEG = 7
poly, err = chebyfit(q, [rmin, rmax], DEG + 1, error=True)
coeffs = list(reversed(poly))

print(f"// r in [{float(rmin):.6f}, {float(rmax):.6f}]")
print(f"// q of degree {DEG}: max abs error {mp.nstr(err, 4)}, at most "
      f"{mp.nstr(err * max(rmin**2, rmax**2), 4)} relative in ln(1 + r)")
for j, a, b, ic, rm, worst in report:
    print(f"// {j:2}: m in [{a:.8f}, {b:.8f}), invc {ic:.17g}, |r| <= {rm:.5f}, "
          f"r's rounding <= {worst:.3f} ulp")
print(f"const LN2_LO16: f64 = {LN2_LO / 16!r}; // 0x{f2b(LN2_LO / 16):016x}")
print(f"const LN2_HI16: f64 = {LN2_HI / 16!r}; // 0x{f2b(LN2_HI / 16):016x}")
print(f"const BOTTOM: u64 = 0x{BOTTOM:016x};")
print(f"const OFFSET: u64 = 0x{OFFSET:016x};")
print(f"// ln c - (j - 9) LN2_LO/16 - G: at most 2^{float(log(gerr, 2)):.1f}")
for name, t in (("INVC", invc), ("LOGC_HI", tab_a)):
    print(f"const {name}: [f64; 16] = [")
    for v in t:
        print(f"    {v!r},")
    print("];")
print("const Q: [f64; %d] = [" % (DEG + 1))
for c in coeffs:
    print(f"    {float(c)!r},")
print("];")
