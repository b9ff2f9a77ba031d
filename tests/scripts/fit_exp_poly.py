#!/usr/bin/env python3
"""Fits the polynomial of the vector exp (kernels/src/math/vector/exp.rs) with mpmath.

e^x = 2^n e^r, n = round(x / ln 2), r = x - n ln 2 (two FMAs), |r| <= ln 2 / 2 (and a
little more: x / ln 2 is rounded before n is). e^r = 1 + (r + r^2 p(r)) with
p(r) ~ (e^r - 1 - r) / r^2 = 1/2 + r/6 + r^2/24 + ... Prints a near-minimax (Chebyshev)
fit of p of the given degree (lowest degree first) and its error, absolute in p and
relative in e^r (at most r^2 times it; e^r >= 0.7 on the interval), beside that of the
Taylor polynomial of the same degree.

Usage: python3 fit_exp_poly.py [DEGREE]   (default 9)
"""
import sys
from mpmath import mp, mpf, exp, log, chebyfit, factorial

mp.dps = 50
deg = int(sys.argv[1]) if len(sys.argv) > 1 else 9
a = log(2) / 2 * mpf("1.000001")


def p(r):
    if r == 0:
        return mpf(1) / 2
    return (exp(r) - 1 - r) / r**2


poly, err = chebyfit(p, [-a, a], deg + 1, error=True)
coeffs = list(reversed(poly))  # lowest degree first
# The same error measured on a grid with the coefficients rounded to doubles.
grid = [-a + 2 * a * i / 4000 for i in range(4001)]
worst = max(abs(sum(mpf(float(c)) * r**i for i, c in enumerate(coeffs)) - p(r)) * r * r
            for r in grid)
taylor = max(abs(sum(r**i / factorial(i + 2) for i in range(deg + 1)) - p(r)) * r * r
             for r in grid)
print(f"// degree {deg} on |r| <= {float(a):.6f}: max abs error of p {mp.nstr(err, 4)}; "
      f"relative in e^r, double coefficients: {mp.nstr(worst, 4)} "
      f"(Taylor of degree {deg}: {mp.nstr(taylor, 4)})")
print(f"const P: [f64; {deg + 1}] = [")
for c in coeffs:
    print(f"    {float(c)!r},")
print("];")
