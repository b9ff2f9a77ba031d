#!/usr/bin/env python3
"""Generates the reference log-density vectors of expfam with mpmath (60 digits).

    python3 tests/scripts/gen_reference.py              # writes tests/data/reference_{f64,f32}.csv
    python3 tests/scripts/gen_reference.py --out DIR    # writes them to DIR instead

Each row: family,p1,p2,x,ln_pdf  (p2 empty for one-parameter families). Parameters and x
are written with repr() so they round-trip exactly; ln_pdf is the exact value rounded once
to f64 ('inf', '-inf', 'nan' for the non-finite classes). The f32 file repeats every case
with parameters and x rounded to f32 first, and the reference computed at those rounded
values, so f32 backends are judged on the inputs they actually receive.

Conventions (DESIGN.md): outside the support -inf (for discrete families any non-integer
too), NaN in gives NaN out, boundary points give the limit of the density.
The formulas here are the textbook definitions evaluated at 60 digits: independent of
the stable forms used in the Rust code.
"""
import math
import os
import struct

from mpmath import mp, mpf, log, log1p, loggamma, pi, binomial, inf

mp.dps = 60
NINF = -inf
NAN = float("nan")


def lgam(a):
    return loggamma(a)


def normal(p, x):
    mu, s = p
    z = (x - mu) / s
    return -z * z / 2 - log(s) - log(2 * pi) / 2


def lognormal(p, x):
    mu, s = p
    if x <= 0:
        return NINF
    y = log(x)
    z = (y - mu) / s
    return -z * z / 2 - y - log(s) - log(2 * pi) / 2


def exponential(p, x):
    (r,) = p
    if x < 0:
        return NINF
    return log(r) - r * x


def gamma(p, x):
    a, b = p
    if x < 0:
        return NINF
    if x == 0:
        return inf if a < 1 else (log(b) if a == 1 else NINF)
    return (a - 1) * log(x) - b * x + a * log(b) - lgam(a)


def inverse_gamma(p, x):
    a, b = p
    if x <= 0:
        return NINF
    return a * log(b) - lgam(a) - (a + 1) * log(x) - b / x


def chi_squared(p, x):
    (k,) = p
    return gamma((k / 2, mpf(1) / 2), x)


def beta(p, x):
    a, b = p
    if x < 0 or x > 1:
        return NINF
    if x == 0:
        return inf if a < 1 else (log(b) if a == 1 else NINF)
    if x == 1:
        return inf if b < 1 else (log(a) if b == 1 else NINF)
    lb = lgam(a) + lgam(b) - lgam(a + b)
    return (a - 1) * log(x) + (b - 1) * log1p(-x) - lb


def laplace(p, x):
    mu, b = p
    return -abs(x - mu) / b - log(2 * b)


def weibull(p, x):
    k, lam = p
    if x < 0:
        return NINF
    if x == 0:
        return inf if k < 1 else (-log(lam) if k == 1 else NINF)
    y = x / lam
    return log(k / lam) + (k - 1) * log(y) - y ** k


def whole(x):
    return x >= 0 and x == int(x)


def poisson(p, x):
    (lam,) = p
    if not whole(x):
        return NINF
    if lam == 0:
        return mpf(0) if x == 0 else NINF
    return x * log(lam) - lam - lgam(x + 1)


def bernoulli(p, x):
    (q,) = p
    if x == 1:
        return log(q) if q > 0 else NINF
    if x == 0:
        return log1p(-q) if q < 1 else NINF
    return NINF


def binomial_(p, x):
    n, q = p
    if not whole(x) or x > n:
        return NINF
    if q == 0:
        return mpf(0) if x == 0 else NINF
    if q == 1:
        return mpf(0) if x == n else NINF
    return lgam(n + 1) - lgam(x + 1) - lgam(n - x + 1) + x * log(q) + (n - x) * log1p(-q)


def geometric(p, x):
    (q,) = p
    if not whole(x):
        return NINF
    if q == 1:
        return mpf(0) if x == 0 else NINF
    return x * log1p(-q) + log(q)


def negative_binomial(p, x):
    r, q = p
    if not whole(x):
        return NINF
    if q == 1:
        return mpf(0) if x == 0 else NINF
    return lgam(x + r) - lgam(x + 1) - lgam(r) + r * log(q) + x * log1p(-q)


SPECIALS = [math.inf, -math.inf, NAN]


def spread(centre, sd, zs, lo=None, hi=None, integer=False):
    out = []
    for z in zs:
        v = centre + sd * z
        if integer:
            v = float(round(v))
        if lo is not None and v <= lo:
            continue
        if hi is not None and v >= hi:
            continue
        out.append(v)
    return out


Z = [-10, -8, -6, -4, -3, -2, -1.5, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 10, 12, 16, 25]


def pos_points(mean, sd):
    pts = spread(mean, sd, Z, lo=0.0)
    pts += [mean * f for f in (1e-8, 1e-4, 1e-2, 0.1, 0.3, 2, 5, 20, 100, 1e4)]
    pts += [5e-324, 1e-300, 1e-12, 1e-3, 0.5, 1.0, 2.0, 1e6, 1e300, 0.0, -0.0, -1.0, -1e-300]
    return pts


def real_points(mean, sd):
    pts = spread(mean, sd, Z)
    pts += [0.0, -0.0, 1.0, -1.0, 1e-300, mean + 50 * sd, mean - 50 * sd, 1e150, -1e150]
    return pts


def unit_points(a, b):
    m = a / (a + b)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    pts = spread(m, sd, Z, lo=0.0, hi=1.0)
    pts += [1e-300, 1e-10, 1e-3, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9,
            0.95, 0.99, 0.999, 1 - 1e-10, 1 - 2.0 ** -53, 0.0, 1.0, -0.5, 1.5, -1e-300]
    return pts


def count_points(mean, sd, n=None):
    pts = spread(mean, sd, Z, lo=-1.0, integer=True)
    pts += [0.0, 1.0, 2.0, 3.0, 5.0, 10.0, float(round(10 * mean + 20)), 2.5, 0.5, -1.0,
            -0.0, 1e-300, 1e15 + 1, 2.0 ** 53, 1e20]
    if n is not None:
        pts += [n, n - 1, n + 1, n / 2 + 0.5]
    return pts


def gamma_pts(a, b):
    return pos_points(a / b, math.sqrt(a) / b)


CASES = [
    ("normal", normal, [(0.0, 1.0), (-3.5, 0.25), (100.0, 20.0), (0.0, 1e-3), (1e4, 1e3),
                        (7.0, 1e-8)],
     lambda p: real_points(p[0], p[1])),
    ("lognormal", lognormal, [(0.0, 1.0), (2.0, 0.5), (-5.0, 3.0), (0.0, 0.01), (10.0, 2.0)],
     lambda p: pos_points(math.exp(p[0]), math.exp(p[0]) * p[1] + 1e-300)),
    ("exponential", exponential, [(1.0,), (0.01,), (1e4,), (3.7,)],
     lambda p: pos_points(1 / p[0], 1 / p[0])),
    ("gamma", gamma, [(1.0, 1.0), (0.5, 2.0), (2.5, 0.1), (0.01, 1.0), (16.5, 2.0), (100.0, 3.0),
                      (1e4, 1.0), (1e6, 1e3), (3.0, 1e-3)],
     lambda p: gamma_pts(*p)),
    ("inverse_gamma", inverse_gamma, [(1.0, 1.0), (0.5, 2.0), (3.0, 0.1), (100.0, 50.0),
                                      (1e4, 1e4), (2.5, 1e3)],
     lambda p: pos_points(p[1] / (p[0] + 1), p[1] / (p[0] + 1) / math.sqrt(p[0]))),
    ("chi_squared", chi_squared, [(1.0,), (2.0,), (3.5,), (50.0,), (1e4,), (0.3,)],
     lambda p: gamma_pts(p[0] / 2, 0.5)),
    ("beta", beta, [(1.0, 1.0), (0.5, 0.5), (2.0, 5.0), (0.2, 3.0), (50.0, 20.0),
                    (1e3, 1e3), (1e4, 0.5), (3.0, 1e4), (2.0, 1.0)],
     lambda p: unit_points(*p)),
    ("laplace", laplace, [(0.0, 1.0), (-2.0, 0.5), (1e3, 30.0), (5.0, 1e-3)],
     lambda p: real_points(p[0], p[1])),
    ("weibull", weibull, [(1.0, 1.0), (0.5, 2.0), (2.0, 1.0), (5.0, 10.0), (50.0, 3.0),
                          (0.1, 0.01), (1.5, 2.0), (7.5, 3.0), (1.7, 0.8)],
     lambda p: pos_points(p[1], p[1] / p[0])),
    ("poisson", poisson, [(0.0,), (0.5,), (3.0,), (15.5,), (100.0,), (1e4,), (1e6,)],
     lambda p: count_points(p[0], math.sqrt(p[0]))),
    ("bernoulli", bernoulli, [(0.0,), (1.0,), (0.3,), (1e-10,), (0.999999,)],
     lambda p: [0.0, 1.0, -0.0, 0.5, 2.0, -1.0, 1e300]),
    ("binomial", binomial_, [(0.0, 0.5), (1.0, 0.3), (10.0, 0.5), (30.0, 0.1), (100.0, 0.7),
                             (1000.0, 0.3), (1e5, 1e-3), (50.0, 0.0), (50.0, 1.0),
                             (40.0, 0.95)],
     lambda p: count_points(p[0] * p[1], math.sqrt(p[0] * p[1] * (1 - p[1])) + 1, p[0])),
    ("geometric", geometric, [(1.0,), (0.5,), (0.01,), (1e-6,), (0.9,)],
     lambda p: count_points((1 - p[0]) / p[0], math.sqrt(1 - p[0]) / p[0])),
    ("negative_binomial", negative_binomial, [(1.0, 0.5), (0.5, 0.3), (3.7, 0.9), (100.0, 0.5),
                                              (1e4, 0.01), (2.0, 1.0), (1e-3, 0.5),
                                              (25.0, 0.2)],
     lambda p: count_points(p[0] * (1 - p[1]) / p[1],
                            math.sqrt(p[0] * (1 - p[1])) / p[1])),
]


def to_f32(v):
    if math.isnan(v) or math.isinf(v):
        return v
    try:
        return struct.unpack("f", struct.pack("f", v))[0]
    except OverflowError:
        return math.copysign(math.inf, v)


def fmt_ref(v):
    if v == inf:
        return "inf"
    if v == NINF:
        return "-inf"
    f = float(v)
    return repr(f)


def evaluate(fn, params, x):
    if math.isnan(x):
        return NAN
    if math.isinf(x):
        # Every family's density tends to 0 at ±inf (or x is outside the support).
        return NINF
    v = fn(tuple(mpf(p) for p in params), mpf(x))
    return v


def rows(conv):
    out = []
    for name, fn, param_sets, points in CASES:
        for params in param_sets:
            ps = tuple(conv(p) for p in params)
            xs = []
            seen = set()
            for x in points(params) + SPECIALS:
                x = conv(float(x))
                key = repr(x)
                if key in seen:
                    continue
                seen.add(key)
                xs.append(x)
            for x in xs:
                v = evaluate(fn, ps, x)
                p1 = repr(ps[0])
                p2 = repr(ps[1]) if len(ps) > 1 else ""
                out.append(f"{name},{p1},{p2},{x!r},{fmt_ref(v)}")
    return out


def main():
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    data = os.path.join(here, "..", "data")
    if len(sys.argv) == 3 and sys.argv[1] == "--out":
        data = sys.argv[2]
    os.makedirs(data, exist_ok=True)
    header = "family,p1,p2,x,ln_pdf"
    for name, conv in (("f64", float), ("f32", to_f32)):
        rs = rows(conv)
        with open(os.path.join(data, f"reference_{name}.csv"), "w") as f:
            f.write("# generated by tests/scripts/gen_reference.py (mpmath, 60 digits)\n")
            f.write(header + "\n")
            f.write("\n".join(rs) + "\n")
        print(f"reference_{name}.csv: {len(rs)} rows")


if __name__ == "__main__":
    main()
