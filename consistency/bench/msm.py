"""The native MSM against py_ecc: ``2^k`` G1 points with full-size random scalars, against the
same number of py_ecc scalar multiplications (py_ecc comes with the ``test`` extra)."""

from __future__ import annotations

import random
import time

__all__ = ["msm_against_py_ecc"]


def msm_against_py_ecc(log_size: int, seed: int = 1) -> dict:
    """``{"points", "native_s", "py_ecc_s", "speedup"}`` (py_ecc fields null without py_ecc)."""
    from schemes.bn254.curve import G1_GEN
    from schemes.bn254.fields import R
    from schemes.bn254.fixed_base import fixed_base_mul_g1

    rng = random.Random(seed)
    n = 1 << log_size
    points = fixed_base_mul_g1(G1_GEN, [rng.randrange(1, int(R)) for _ in range(n)])
    scalars = [rng.randrange(int(R)) for _ in range(n)]
    t = time.perf_counter()
    points.msm(scalars)
    native_s = time.perf_counter() - t
    row = {"points": n, "native_s": native_s, "py_ecc_s": None, "speedup": None}
    try:
        from py_ecc import optimized_bn128 as ref
    except ImportError:
        return row
    pts = [(ref.FQ(x), ref.FQ(y), ref.FQ(1)) for x, y in points]
    t = time.perf_counter()
    for p, k in zip(pts, scalars):
        ref.multiply(p, k)
    row["py_ecc_s"] = time.perf_counter() - t
    row["speedup"] = row["py_ecc_s"] / native_s
    return row
