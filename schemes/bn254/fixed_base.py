"""Fixed-base batch scalar multiplication: [k_1]B, ..., [k_m]B on BN254 G1 or G2.

Used by the Groth16 setup, which multiplies one generator by tens of thousands of scalars.

Method. For a window width c and W = ceil(254 / c) windows the table holds
T[j][d] = [d * 2^(cj)] B for 1 <= d <= 2^(c-1). A scalar is reduced mod R and, if above R/2,
replaced by R - k with the result negated, so k < 2^253 and its signed c-bit digits d_j
(see :func:`schemes.bn254.msm._signed_digits`) give [k]B = sum_j sign(d_j) T[j][|d_j|]: at most
W - 1 additions. The additions of all scalars run together through the batch-affine tree
summation of :mod:`.msm` (one field inversion per 256 additions), so the outputs are affine
with no separate normalisation. c minimises table size plus additions; tables are cached per
(group, base, c) for repeated calls with the same base.

The base must lie in the order-R subgroup (checked when ``validate``), since scalars are
taken mod R.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Optional, Sequence

import numpy as np

from .fields import R
from .forking import run_tasks
from .msm import (
    G1Affine,
    G2Affine,
    MSMInputError,
    G1,
    G2,
    Group,
    _g1_coords,
    _g2_coords,
    horner,
    lane_add,
    _num_windows,
    _objects,
    _scalars,
    _signed_digits,
    _tree_sum,
    _checked_worker_count,
    _SCALAR_BITS,
)

__all__ = ["fixed_base_mul_g1", "fixed_base_mul_g2"]

_R_INT = int(R)
_HALF_R = _R_INT // 2
#: Largest window width: a table has W * 2^(c-1) points (82k for c = 13).
_MAX_WINDOW = 13
_CACHE_SIZE = 4
_tables: "OrderedDict[tuple, list]" = OrderedDict()
_tables_lock = threading.Lock()


def _times_r_is_zero(group: Group, pt: tuple) -> bool:
    """[R] pt == O, by Horner over the bits of R."""
    bits = [pt if (_R_INT >> i) & 1 else None for i in range(_R_INT.bit_length())]
    return horner(group, bits, 1) is None


def _build_table(group: Group, base: tuple, c: int) -> list:
    """Coordinate object arrays of T[j][d] (index j * 2^(c-1) + d - 1) followed by their
    negatives (index + W * 2^(c-1))."""
    nwin = _num_windows(c)
    half = 1 << (c - 1)
    powers = [base]  # 2^(cj) B
    for _ in range(nwin - 1):
        powers.append(horner(group, [None, powers[-1]], c))
    # multiples[d - 1] = [d] powers (one lane per window); [k + i] = [i] + [k], i = 1..k
    multiples = [powers]
    while len(multiples) < half:
        k = len(multiples)
        cnt = min(k, half - k)
        low = [pt for lane in multiples[:cnt] for pt in lane]
        lanes = lane_add(group, low, multiples[-1] * cnt)
        multiples.extend(lanes[i * nwin:(i + 1) * nwin] for i in range(cnt))
    # d * 2^(cj) < 2^253 < R, so no multiple of a point of order R is infinity
    if any(pt is None for lane in multiples for pt in lane):
        raise MSMInputError(f"{group.name} base point has small order")
    rows = np.empty((half, nwin * group.ncoords), dtype=object)
    for d, lane in enumerate(multiples):
        rows[d] = _objects([v for pt in lane for v in pt])
    # rows[d, j * ncoords + t] -> table[t][j * half + d]
    cube = rows.reshape(half, nwin, group.ncoords).transpose(2, 1, 0)
    cube = cube.reshape(group.ncoords, nwin * half)
    coords = [cube[t].tolist() for t in range(group.ncoords)]
    negated = group.negate(coords)
    return [np.concatenate([_objects(a), _objects(b)]) for a, b in zip(coords, negated)]


def _table(group: Group, base: tuple, c: int) -> list:
    """The table for (base, c), from the cache (the last few used) or built."""
    key = (group.name, tuple(int(v) for v in base), c)
    with _tables_lock:
        table = _tables.get(key)
        if table is None:
            table = _build_table(group, base, c)
            _tables[key] = table
            while len(_tables) > _CACHE_SIZE:
                _tables.popitem(last=False)
        else:
            _tables.move_to_end(key)
        return table


def _choose_window(group: Group, base: tuple, bit_lengths: list) -> int:
    """c minimising (table additions unless cached) + (digit count - 1) per scalar."""
    hist = np.bincount(np.asarray(bit_lengths, dtype=np.int64), minlength=_SCALAR_BITS + 1)
    bits = np.arange(hist.shape[0])
    key = (group.name, tuple(int(v) for v in base))
    best_c, best_cost = 2, None
    for c in range(2, _MAX_WINDOW + 1):
        ndig = -(-(bits + 1) // c)
        adds = float((hist * (ndig - 1)).sum())
        if key + (c,) not in _tables:
            adds += _num_windows(c) * (1 << (c - 1))
        if best_cost is None or adds < best_cost:
            best_c, best_cost = c, adds
    return best_c


def _fixed_base_range(
    group: Group, table: list, c: int, ks: list, neg: np.ndarray, finish: Callable
) -> list:
    """finish([k]B) for the scalars ks (in [1, R/2]; neg flags a negated result)."""
    half = 1 << (c - 1)
    size = _num_windows(c) * half
    nwin = _num_windows(c, max(ks).bit_length())
    digits = _signed_digits(ks, c, nwin).T  # (scalar, window)
    flat = np.flatnonzero(digits)  # scalar-major, so the keys come out sorted
    keys = flat // nwin
    d = digits.ravel()[flat]
    src = (flat % nwin) * half + np.abs(d) - 1 + size * ((d < 0) ^ neg[keys])
    del digits, flat, d
    keys, sums = _tree_sum(group, keys, table, src)
    out = [None] * len(ks)
    for i, pt in zip(keys.tolist(), zip(*sums)):
        out[i] = finish(pt)
    return out


def _fixed_base(
    group: Group, base: tuple, scalars: Sequence[int], workers: Optional[int], finish: Callable
) -> list:
    """finish([k]B) for each scalar k (None for k = 0 mod R)."""
    ks = _scalars(scalars)
    out = [None] * len(ks)
    live = [i for i, k in enumerate(ks) if k]
    if not live:
        return out
    neg = np.array([ks[i] > _HALF_R for i in live], dtype=bool)
    folded = [_R_INT - ks[i] if ks[i] > _HALF_R else ks[i] for i in live]
    c = _choose_window(group, base, [k.bit_length() for k in folded])
    table = _table(group, base, c)
    parts = _checked_worker_count(workers, len(live) * _num_windows(c))
    bounds = [len(live) * i // parts for i in range(parts + 1)]
    tasks = [
        (_fixed_base_range, (group, table, c, folded[a:b], neg[a:b], finish))
        for a, b in zip(bounds, bounds[1:])
        if b > a
    ]
    results = [pt for part in run_tasks(tasks) for pt in part]
    for i, pt in zip(live, results):
        out[i] = pt
    return out


def _g1_finish(pt: tuple) -> tuple:
    return (int(pt[0]), int(pt[1]))


def _g2_finish(pt: tuple) -> tuple:
    return ((int(pt[0]), int(pt[1])), (int(pt[2]), int(pt[3])))


def fixed_base_mul_g1(
    base: G1Affine, scalars: Sequence[int], *, validate: bool = True, workers: Optional[int] = None
) -> list[G1Affine]:
    """[[k] base for k in scalars] in G1: affine int pairs, None where k = 0 mod R.

    Scalars are any integers (taken mod R). With ``validate`` the base is checked to be on the
    curve (G1 has cofactor 1). ``workers`` as for :func:`.msm.msm_g1`. Raises MSMInputError for
    a malformed base or a non-integer scalar.
    """
    if base is None:
        _scalars(scalars)
        return [None] * len(scalars)
    return _fixed_base(G1, _g1_coords(base, validate), scalars, workers, _g1_finish)


def fixed_base_mul_g2(
    base: G2Affine, scalars: Sequence[int], *, validate: bool = True, workers: Optional[int] = None
) -> list[G2Affine]:
    """[[k] base for k in scalars] in G2: affine ((x0, x1), (y0, y1)), None where k = 0 mod R.

    With ``validate`` the base is checked to be on the twist and of order R ([R] base = O),
    which the reduction of the scalars mod R requires.
    """
    if base is None:
        _scalars(scalars)
        return [None] * len(scalars)
    coords = _g2_coords(base, validate)
    if validate and not _times_r_is_zero(G2, coords):
        raise MSMInputError("G2 base point is not in the order-R subgroup")
    return _fixed_base(G2, coords, scalars, workers, _g2_finish)
