#!/usr/bin/env python3
"""Reference values for the vector math (kernels/src/math/vector), from mpmath.

    python3 tests/scripts/gen_vector_math.py [--out DIR]    # default tests/data/math

For each function a little-endian binary file of f64 triples (x, hi, lo): hi is the
exact f(x) rounded to nearest, lo the exact remainder f(x) - hi rounded, so errors can be
measured to a small fraction of an ulp. Points: edge cases, evenly spaced grids and
seeded random inputs (Python's random with fixed seeds), at least 100 000 per function.
The `*_f32.bin` files hold the same points rounded to f32 (inputs and results normal
f32 values), for the f32 instances.
"""
import math
import os
import random
import struct
import sys

from mpmath import mp, mpf, log, exp, log1p, loggamma

mp.dps = 40


def b2f(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def f2b(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def neighbours(x, k=3):
    b = f2b(x)
    return [b2f(b + d) for d in range(-k, k + 1) if 0 < b + d < 0x7FF0000000000000]


def ln_points():
    rng = random.Random(1)
    pts = [1.0, 2.0, 0.5, math.e, 10.0, 2.2250738585072014e-308, 1.7976931348623157e308]
    pts += neighbours(1.0, 50) + neighbours(math.sqrt(0.5), 20) + neighbours(math.sqrt(2), 20)
    for k in range(-1022, 1024):  # every binade, at its edges and inside
        pts += [math.ldexp(1.0, k), math.ldexp(1.5, k), math.ldexp(1.9999999999999998, k)]
    while len(pts) < 40_000:  # random bits over every positive normal
        b = rng.randrange(0x0010000000000000, 0x7FF0000000000000)
        pts.append(b2f(b))
    for i in range(30_000):  # evenly spaced near 1, where ln is smallest
        pts.append(0.7 + 0.7 * i / 30_000)
    while len(pts) < 105_000:  # log-uniform over a wide range
        pts.append(math.exp(rng.uniform(-700, 700)))
    return pts, log


def exp_points():
    rng = random.Random(2)
    pts = [0.0, -0.0, 1.0, -1.0, 708.0, -708.0, 707.9999999999999, 1e-300, -1e-300, 5e-324]
    ln2 = math.log(2)
    for n in range(-1021, 1022):  # the rounding boundaries of n = round(x / ln 2)
        pts += neighbours((n + 0.5) * ln2, 1)
    for i in range(40_000):
        pts.append(-708.0 + 1416.0 * i / 40_000)
    while len(pts) < 80_000:
        pts.append(rng.uniform(-1.0, 1.0))
    while len(pts) < 105_000:
        pts.append(math.copysign(math.exp(rng.uniform(-745, 6.56)), rng.choice([-1, 1])))
    return [p for p in pts if abs(p) <= 708.0], exp


def ln_1p_points():
    rng = random.Random(3)
    pts = [0.0, 1e-300, -1e-300, 1e-16, -1e-16, 1.0, -0.5, -0.9999999999999999, 1e300]
    pts += neighbours(-0.5, 10) + neighbours(1.0, 10) + neighbours(-0.2928932188134524, 10)
    for i in range(1, 30_000):
        pts.append(-0.999 + 2.0 * i / 30_000)
    while len(pts) < 70_000:
        pts.append(rng.choice([-1, 1]) * math.exp(rng.uniform(-700, 0)))
    while len(pts) < 90_000:
        pts.append(-1.0 + math.exp(rng.uniform(-36, -1)))
    while len(pts) < 105_000:
        pts.append(math.exp(rng.uniform(0, 700)))
    return [p for p in pts if p > -1.0], log1p


def lgamma_points():
    rng = random.Random(4)
    pts = [2.2250738585072014e-308, 1e-300, 1e-20, 0.5, 1.0, 2.0, 3.0, 8.0, 1e300, 1e15, 4.5e15]
    for z in (1.0, 2.0):  # the zeros, from both sides
        pts += neighbours(z, 200)
        for k in range(1, 16):
            pts += [z + 10.0**-k, z - 10.0**-k, z + 3 * 10.0**-k, z - 3 * 10.0**-k]
    for i in range(4, 65):  # the table's interval edges and the range boundaries
        pts += neighbours(i / 8, 2)
    while len(pts) < 30_000:  # random bits over the domain
        b = rng.randrange(0x0010000000000000, 0x7E37E43C8800759C)  # up to 1e300
        pts.append(b2f(b))
    for i in range(1, 50_000):  # evenly spaced over (0, 10)
        pts.append(10.0 * i / 50_000)
    while len(pts) < 95_000:
        pts.append(rng.uniform(0.4, 3.1))
    while len(pts) < 105_000:  # log-uniform over the domain
        pts.append(math.exp(rng.uniform(-700, 690)))
    return [p for p in pts if 2.2250738585072014e-308 <= p <= 1e300], loggamma


def to_f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


# The f32 instances (f32 lanes widened to f64, computed, rounded once to f32): the same
# points rounded to f32, kept where the input and the result are normal f32 values.
F32_DOMAIN = {
    "ln": (1.1754943508222875e-38, 3.4028234663852886e38),
    "exp": (-87.33654, 88.72283),
    "ln_1p": (-0.99999994, 3.4028234663852886e38),
    "lgamma": (1.1754943508222875e-38, 1e36),
}


def f32_from_bits(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


def f32_points(name, gen, seed):
    """The f64 points rounded to f32, then random f32 bit patterns in the domain (half
    of them in [-1, 4], where the results are smallest) up to 105 000."""
    pts, f = gen()
    lo, hi = F32_DOMAIN[name]
    out = []
    for p in pts:
        if abs(p) < 1.1754943508222875e-38 or abs(p) > 3.4028234663852886e38:
            continue
        q = to_f32(p)
        if lo <= q <= hi:
            out.append(q)
    rng = random.Random(seed)
    while len(out) < 105_000:
        if rng.random() < 0.5:
            q = to_f32(rng.uniform(-1.0, 4.0))
        else:
            q = f32_from_bits(rng.randrange(0x00800000, 0x7F800000)) * rng.choice([-1, 1])
        if lo <= q <= hi and abs(q) >= 1.1754943508222875e-38:
            out.append(q)
    return out, f


def write(path, pts, f):
    with open(path, "wb") as out:
        for x in pts:
            v = f(mpf(x))
            hi = float(v)
            lo = float(v - mpf(hi))
            out.write(struct.pack("<3d", x, hi, lo))
    print(f"{os.path.basename(path)}: {len(pts)} points")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "data", "math")
    if len(sys.argv) == 3 and sys.argv[1] == "--out":
        out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    gens = (
        ("ln", ln_points),
        ("exp", exp_points),
        ("ln_1p", ln_1p_points),
        ("lgamma", lgamma_points),
    )
    for name, gen in gens:
        pts, f = gen()
        write(os.path.join(out, name + ".bin"), pts, f)
    for i, (name, gen) in enumerate(gens):
        pts, f = f32_points(name, gen, 10 + i)
        write(os.path.join(out, name + "_f32.bin"), pts, f)


if __name__ == "__main__":
    main()
