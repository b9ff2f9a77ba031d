#!/usr/bin/env python3
"""Fits the polynomial of the vector ln (kernels/src/math/vector/ln.rs) with mpmath.

ln(1+f) = f - f^2/2 + s (f^2/2 + R), s = f/(2+f), z = s^2, and R = z * h(z) where
h(z) = (2 atanh(sqrt z)/sqrt z - 2)/z = sum_{j>=1} 2 z^(j-1)/(2j+1).
For m in [sqrt(1/2), sqrt(2)), |s| <= (sqrt2-1)/(sqrt2+1), so z <= 0.0295.
Prints a near-minimax (Chebyshev) fit of h of the given degree and its max relative error.
"""
import sys
from mpmath import mp, mpf, atanh, sqrt, chebyfit

mp.dps = 50
deg = int(sys.argv[1]) if len(sys.argv) > 1 else 6
smax = (sqrt(2) - 1) / (sqrt(2) + 1)
zmax = smax ** 2 * mpf("1.0001")


def h(z):
    if z == 0:
        return mpf(2) / 3
    s = sqrt(z)
    return (2 * atanh(s) / s - 2) / z


poly, err = chebyfit(h, [mpf(0), zmax], deg + 1, error=True)
coeffs = list(reversed(poly))  # lowest degree first
print(f"# degree {deg}, max abs error of h {mp.nstr(err, 5)} (h ~ 0.667; s*z*h contributes < z*s)")
for c in coeffs:
    print(repr(float(c)))
