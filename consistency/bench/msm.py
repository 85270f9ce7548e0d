"""The native MSM against py_ecc: ``2^k`` G1 points with full-size random scalars, against the
same number of py_ecc scalar multiplications (py_ecc comes with the ``test`` extra).

Written against the public API only: :func:`schemes.bn254.msm.msm_g1` with affine ``(x, y)``
int tuples and int scalars. The points are made with the readable reference curve code (consecutive
sums of 16 random multiples of the generator), not with the engine under test.
``native_s`` is one ``msm_g1`` call as a caller makes it: checking and converting the tuples
into native memory included. When py_ecc is present, the sum of its products is compared with
the native result, so that a wrong MSM cannot pass for a fast one.
"""

from __future__ import annotations

import random
import time

__all__ = ["msm_against_py_ecc"]

_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617  # the group order


def _points(n: int, rng: random.Random) -> list[tuple[int, int]]:
    """n distinct points: consecutive sums of 16 random multiples of the generator, with the
    readable curve arithmetic of :mod:`schemes.bn254.curve` (not the engine under test)."""
    from schemes.bn254.curve import G1_GEN, g1_add, g1_mul

    steps = [g1_mul(G1_GEN, rng.randrange(1, _R)) for _ in range(16)]
    out: list[tuple[int, int]] = []
    acc = g1_mul(G1_GEN, rng.randrange(1, _R))
    for i in range(n):
        acc = g1_add(acc, steps[i % 16]) or G1_GEN  # (negligible) restart off infinity
        out.append(acc)
    return out


def msm_against_py_ecc(log_size: int, seed: int = 1) -> dict[str, float | None]:
    """``{"points", "native_s", "py_ecc_s", "speedup"}`` (py_ecc fields null without py_ecc)."""
    from schemes.bn254.msm import msm_g1

    rng = random.Random(seed)
    n = 1 << log_size
    points = _points(n, rng)
    scalars = [rng.randrange(_R) for _ in range(n)]
    t = time.perf_counter()
    native = msm_g1(points, scalars)
    native_s = time.perf_counter() - t
    row: dict[str, float | None] = {"points": n, "native_s": native_s, "py_ecc_s": None, "speedup": None}
    try:
        from py_ecc.fields import optimized_bn128_FQ as FQ
        from py_ecc.optimized_bn128 import optimized_curve as ref
    except ImportError:
        return row
    pts = [(FQ(x), FQ(y), FQ(1)) for x, y in points]
    t = time.perf_counter()
    products = [ref.multiply(p, k) for p, k in zip(pts, scalars)]
    py_ecc_s = row["py_ecc_s"] = time.perf_counter() - t
    total = products[0]
    for q in products[1:]:
        total = ref.add(total, q)
    expected = None if ref.is_inf(total) else tuple(int(c.n) for c in ref.normalize(total))
    got = None if native is None else tuple(int(c) for c in native)
    if got != expected:
        raise RuntimeError(f"native MSM of {n} points disagrees with py_ecc")
    row["speedup"] = py_ecc_s / native_s
    return row
