"""The native MSM against py_ecc: ``2^k`` G1 points with full-size random scalars, against the
same number of py_ecc scalar multiplications (py_ecc comes with the ``test`` extra).

Written against the public API only: :func:`schemes.bn254.msm.msm_g1` with affine ``(x, y)``
int tuples and int scalars. The points are made here with a few lines of affine arithmetic
(consecutive sums of 16 random multiples of the generator), not with the library's internals.
``native_s`` is one ``msm_g1`` call as a caller makes it: checking and converting the tuples
into native memory included. When py_ecc is present, the sum of its products is compared with
the native result, so that a wrong MSM cannot pass for a fast one.
"""

from __future__ import annotations

import random
import time

__all__ = ["msm_against_py_ecc"]

# BN254 (alt_bn128): E: y^2 = x^3 + 3 over F_P, generator (1, 2) of prime order R.
_P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
_G = (1, 2)


def _add(a, b):
    """Affine addition on E (None is the point at infinity)."""
    if a is None:
        return b
    if b is None:
        return a
    (x1, y1), (x2, y2) = a, b
    if x1 == x2:
        if (y1 + y2) % _P == 0:
            return None
        lam = 3 * x1 * x1 * pow(2 * y1, -1, _P) % _P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, _P) % _P
    x3 = (lam * lam - x1 - x2) % _P
    return x3, (lam * (x1 - x3) - y1) % _P


def _mul(pt, k: int):
    acc = None
    while k:
        if k & 1:
            acc = _add(acc, pt)
        pt = _add(pt, pt)
        k >>= 1
    return acc


def _points(n: int, rng: random.Random) -> list:
    steps = [_mul(_G, rng.randrange(1, _R)) for _ in range(16)]
    out, acc = [], _mul(_G, rng.randrange(1, _R))
    for i in range(n):
        acc = _add(acc, steps[i % 16])
        if acc is None:  # (negligible) restart off infinity
            acc = _G
        out.append(acc)
    return out


def msm_against_py_ecc(log_size: int, seed: int = 1) -> dict:
    """``{"points", "native_s", "py_ecc_s", "speedup"}`` (py_ecc fields null without py_ecc)."""
    from schemes.bn254.msm import msm_g1

    rng = random.Random(seed)
    n = 1 << log_size
    points = _points(n, rng)
    scalars = [rng.randrange(_R) for _ in range(n)]
    t = time.perf_counter()
    native = msm_g1(points, scalars)
    native_s = time.perf_counter() - t
    row = {"points": n, "native_s": native_s, "py_ecc_s": None, "speedup": None}
    try:
        from py_ecc import optimized_bn128 as ref
    except ImportError:
        return row
    pts = [(ref.FQ(x), ref.FQ(y), ref.FQ(1)) for x, y in points]
    t = time.perf_counter()
    products = [ref.multiply(p, k) for p, k in zip(pts, scalars)]
    row["py_ecc_s"] = time.perf_counter() - t
    total = products[0]
    for q in products[1:]:
        total = ref.add(total, q)
    expected = None if ref.is_inf(total) else tuple(int(c.n) for c in ref.normalize(total))
    got = None if native is None else tuple(int(c) for c in native)
    if got != expected:
        raise RuntimeError(f"native MSM of {n} points disagrees with py_ecc")
    row["speedup"] = row["py_ecc_s"] / native_s
    return row
