"""Multi-scalar multiplication on BN254 G1 and G2: Pippenger's bucket method, signed digits.

``msm_g1(points, scalars)`` returns ``sum_i [s_i] P_i`` (affine, or ``None`` for infinity).

Method (all group arithmetic is affine and *batched*):

1. Scalars are reduced mod R and zero terms dropped; a scalar s > R/2 is replaced by R - s with
   the point negated, so every scalar is below 2^253 (and -1 costs what 1 costs).
2. Each scalar is cut into W = ceil(254 / c) signed c-bit digits d_j in [-(2^(c-1) - 1), 2^(c-1)]
   with s = sum_j d_j 2^(cj). The width c minimises an addition count computed from the
   scalars' bit lengths, so 0/1/byte-sized scalars (common in witnesses) cost about one
   addition each.
3. Bucket accumulation: every nonzero digit sends +-P_i to bucket (j, |d_j|). The buckets of all
   windows are summed together by a pairwise tree (:func:`_tree_sum`): a round adds disjoint
   pairs, and each chunk of 256 additions shares one field inversion (Montgomery's trick), so
   an affine addition costs ~6 multiplications (a Jacobian mixed addition needs ~11).
4. Bucket reduction: sum_b b * S_(j,b) by segmented running sums (:func:`_weighted_sums`), then
   sum_j 2^(cj) R_j by Horner's rule.

Equal points (doubling), opposite points (infinity) and infinite partial sums are detected in
every batch, so the result is exact for any input, including repeated and negated points.

Sequential chains (Horner over the windows, tables of [2^k]B) use Jacobian coordinates.

Large inputs are split between processes (by window for the MSM, by scalar for the fixed-base
multiplication of :mod:`.fixed_base`) with ``fork``; ``workers`` or the environment variable
``SCHEMES_MSM_WORKERS`` sets the count (default: min(2, usable CPUs); a process that already
runs threads, or is itself a worker, stays single).

Measured (``python -m schemes.bn254.msm``, gmpy2, 2-core EPYC, shared machine): 2^16 random
254-bit scalars, G1 3.0 s on one core, 1.5 s with two; G2 6.8 s / 3.8 s; n = 4096 G1 is ~110x
faster than 4096 py_ecc multiplications (one core). An affine addition in a batch costs ~1.1 us
of arithmetic (G2 ~3.8 us), about 1.6 us in the MSM with memory stalls; a Jacobian mixed
addition measured ~2.1 us in the same setting.

Timing: nothing here is constant time. Scalars of an MSM in a prover are secret, so use this
only where timing side channels are out of scope (as for any big-integer Python code).
"""

from __future__ import annotations

import operator
import os
import sys
from typing import Callable, Optional, Sequence

import numpy as np

from ..bigint import big
from .batch_affine import CHUNK, G1, G2, Group, horner, lane_add, lane_double
from .fields import P, R, fp2_inv, fp2_mul_fp
from .forking import WorkerCountError, default_workers, run_tasks, split_costs, worker_count

__all__ = [
    "MSMInputError",
    "msm_cost",
    "G1Affine",
    "G2Affine",
    "msm_g1",
    "msm_g2",
    "bench",
]

G1Affine = Optional[tuple]  # (x, y) with ints in [0, P), or None for the point at infinity
G2Affine = Optional[tuple]  # ((x0, x1), (y0, y1)) meaning x = x0 + x1 i, or None


class MSMInputError(ValueError):
    """Malformed input: length mismatch, a non-integer scalar, a point not on the curve, or a
    worker count that is not a positive integer."""


def _checked_worker_count(workers: Optional[int], adds: float) -> int:
    """:func:`.forking.worker_count`, reporting a malformed ``workers`` as MSMInputError."""
    try:
        return worker_count(workers, adds)
    except WorkerCountError as exc:
        raise MSMInputError(str(exc)) from None


_ZERO = big(0)
_ONE = big(1)
_R_INT = int(R)
_HALF_R = _R_INT // 2
#: After the sign fold every scalar is <= R/2 < 2^253.
_SCALAR_BITS = 253

_B1 = big(3)
#: b' = 3 / (9 + i), the constant of the sextic twist y^2 = x^3 + b' that carries G2.
_B2 = fp2_mul_fp(fp2_inv((big(9), big(1))), big(3))


def _weighted_sums(group: Group, buckets: list) -> list:
    """For each list S (S[t] is bucket t + 1, None = empty) return sum_t (t + 1) S[t].

    Each list is cut into K segments of L buckets. Running sums from the top of every segment
    (all segments of all lists in one batch per step) give T_s = sum of the segment and
    A_s = sum_u u * S_(sL+u); then sum_b b S_b = sum_s A_s + L * sum_s s T_s, and the second
    sum is one more running sum over s. About 2 additions per bucket, in ~2L + 3K batches.
    """
    m = max((len(s) for s in buckets), default=0)
    if m == 0:
        return [None] * len(buckets)
    seg = 1 << ((m.bit_length() + 1) // 2)  # L ~ sqrt(m), a power of two
    nseg = -(-m // seg)
    lanes = []
    for s in buckets:
        padded = list(s) + [None] * (nseg * seg - len(s))
        lanes.extend(padded[k * seg:(k + 1) * seg] for k in range(nseg))
    total = [None] * len(lanes)
    acc = [None] * len(lanes)
    for t in range(seg - 1, -1, -1):
        total = lane_add(group, total, [lane[t] for lane in lanes])
        acc = lane_add(group, acc, total)
    g = len(buckets)
    running = [None] * g
    weighted = [None] * g
    direct = [None] * g
    for k in range(nseg - 1, -1, -1):
        direct = lane_add(group, direct, [acc[i * nseg + k] for i in range(g)])
        if k:
            running = lane_add(group, running, [total[i * nseg + k] for i in range(g)])
            weighted = lane_add(group, weighted, running)
    for _ in range(seg.bit_length() - 1):
        weighted = lane_double(group, weighted)
    return lane_add(group, direct, weighted)


# ---------------------------------------------------------------------------------------------
# Tree summation of keyed batches (used for buckets here and per scalar in fixed_base).
# ---------------------------------------------------------------------------------------------


def _objects(values: list) -> np.ndarray:
    """A 1-D object array (np.array would probe each mpz as a possible sequence)."""
    return np.fromiter(values, dtype=object, count=len(values))


def _tree_sum(
    group: Group, keys: np.ndarray, sources: list, src: np.ndarray
) -> tuple[np.ndarray, list]:
    """Sum, for each run of equal keys (keys sorted), the points ``sources[src[i]]`` of the run,
    as a binary tree per run.

    Round r adds, in every run, the element at run offset u (u a multiple of 2^(r+1)) and the
    one at u + 2^r and stores the sum at u; all pairs of a round form one batch. Round 0 reads
    straight from ``sources``. A partial sum at infinity is marked empty (rare: it needs equal
    or opposite points). Returns (unique keys, their sums as coordinate lists); keys whose sum
    is infinity are omitted.
    """
    m = keys.shape[0]
    if m == 0:
        return keys, [[] for _ in sources]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    lengths = np.diff(np.append(starts, m))
    run_len = np.repeat(lengths, lengths)
    offset = np.arange(m) - np.repeat(starts, lengths)
    coords = [np.empty(m, dtype=object) for _ in sources]
    cand = np.arange(m)
    empty = None  # bool array once some partial sum is infinity
    step = 1
    while True:
        mask = ((offset & (2 * step - 1)) == 0) & (offset + step < run_len)
        cand = cand[mask]
        offset = offset[mask]
        run_len = run_len[mask]
        li = cand
        ri = cand + step
        if step == 1:
            unpaired = np.ones(m, dtype=bool)
            unpaired[li] = False
            unpaired[ri] = False
            single = np.flatnonzero(unpaired)
            for c, s in zip(coords, sources):
                c[single] = s[src[single]]
            inf = _add_in_place(group, coords, li, ri, sources, src)
        else:
            if not li.shape[0]:
                break
            if empty is not None:
                li, ri = _skip_empty(coords, empty, li, ri)
            inf = _add_in_place(group, coords, li, ri)
        if inf.shape[0]:
            if empty is None:
                empty = np.zeros(m, dtype=bool)
            empty[inf] = True
        step *= 2
    first = starts if empty is None else starts[~empty[starts]]
    return keys[first], [c[first].tolist() for c in coords]


def _add_in_place(
    group: Group, coords: list, li: np.ndarray, ri: np.ndarray, sources: Optional[list] = None,
    src: Optional[np.ndarray] = None,
) -> np.ndarray:
    """coords[li] = coords[li] + coords[ri] (coords[ri] is cleared), or with ``sources``
    coords[li] = sources[src[li]] + sources[src[ri]]. Runs in chunks so that each operand is
    fetched from memory once: gathered, added and released while in cache.
    Returns the li whose sum is infinity."""
    infs = []
    for s in range(0, li.shape[0], CHUNK):
        lc = li[s:s + CHUNK]
        rc = ri[s:s + CHUNK]
        if sources is None:
            a = [c[lc].tolist() for c in coords]
            b = [c[rc].tolist() for c in coords]
        else:
            sl = src[lc]
            sr = src[rc]
            a = [c[sl].tolist() for c in sources]
            b = [c[sr].tolist() for c in sources]
        res, inf = group.add(a, b)
        del a, b
        for c, r in zip(coords, res):
            c[lc] = _objects(r)
            if sources is None:
                c[rc] = None  # release the right operand while it is still in cache
        if inf:
            infs.append(lc[np.asarray(inf, dtype=np.int64)])
    return np.concatenate(infs) if infs else np.zeros(0, dtype=np.int64)


def _skip_empty(coords: list, empty: np.ndarray, li: np.ndarray, ri: np.ndarray):
    """Resolve pairs with an infinite operand: O + Q = Q is moved into the left slot, P + O
    needs nothing. Returns the pairs that still need an addition."""
    le = empty[li]
    re = empty[ri]
    move = le & ~re
    if move.any():
        for c in coords:
            c[li[move]] = c[ri[move]]
        empty[li[move]] = False
    both = ~le & ~re
    return li[both], ri[both]


# ---------------------------------------------------------------------------------------------
# Scalars and digits.
# ---------------------------------------------------------------------------------------------


def _signed_digits(scalars: list, c: int, nwin: int) -> np.ndarray:
    """Digits d[j, i] in [-(2^(c-1) - 1), 2^(c-1)] with scalars[i] = sum_j d[j, i] 2^(cj).

    Unsigned c-bit windows are read from the little-endian bytes; a window above 2^(c-1) becomes
    negative and carries one into the next. Requires 0 <= scalars[i] < 2^(c*nwin - 1), so the
    top window absorbs the last carry.
    """
    n = len(scalars)
    if n < 32:  # numpy's per-call overhead dominates
        half = 1 << (c - 1)
        mask = (1 << c) - 1
        digits = np.zeros((nwin, n), dtype=np.int64)
        for i, k in enumerate(scalars):
            for j in range(nwin):
                d = k & mask
                k >>= c
                if d > half:
                    d -= 1 << c
                    k += 1
                digits[j, i] = d
            if k:
                raise AssertionError("scalar too large for the digit count")
        return digits
    nwords = (c * nwin + 63) // 64 + 1
    buf = b"".join([s.to_bytes(8 * nwords, "little") for s in scalars])
    words = np.frombuffer(buf, dtype="<u8").reshape(n, nwords)
    mask = np.uint64((1 << c) - 1)
    half = 1 << (c - 1)
    digits = np.empty((nwin, n), dtype=np.int64)
    carry = np.zeros(n, dtype=np.int64)
    for j in range(nwin):
        q, r = divmod(c * j, 64)
        v = words[:, q] >> np.uint64(r)
        if r + c > 64:
            v = v | (words[:, q + 1] << np.uint64(64 - r))
        d = (v & mask).astype(np.int64) + carry
        carry = (d > half).astype(np.int64)
        digits[j] = d - (carry << c)
    if carry.any():
        raise AssertionError("scalar too large for the digit count")
    return digits


def _num_windows(c: int, bits: int = _SCALAR_BITS) -> int:
    """Signed windows needed for scalars of at most ``bits`` bits: ceil((bits + 1) / c)."""
    return -(-(bits + 1) // c)


#: Fixed cost of a window (Python and numpy overheads), in additions.
_WINDOW_OVERHEAD = 16


def _choose_window(bit_lengths: list) -> int:
    """Window width c minimising (digit additions + 2^c + a fixed overhead per nonempty window,
    2^c for the bucket reduction's two additions per bucket) over the histogram of scalar bit
    lengths; a scalar of b bits has at most ceil((b + 1)/c) nonzero digits, the low ones."""
    return _window_and_cost(bit_lengths)[0]


def msm_cost(scalars: Sequence[int]) -> float:
    """Estimated group additions of :func:`msm_g1` / :func:`msm_g2` for these scalars (the
    Pippenger cost model that picks the window), for scheduling work between processes."""
    half = _HALF_R
    bits = [(k if k <= half else _R_INT - k).bit_length() for k in _scalars(scalars)]
    return _window_and_cost(bits)[1] if bits else 0.0


def _window_and_cost(bit_lengths: list) -> tuple[int, float]:
    hist = np.bincount(np.asarray(bit_lengths, dtype=np.int64), minlength=_SCALAR_BITS + 1)
    bits = np.arange(hist.shape[0])
    best_c, best_cost = 1, None
    for c in range(1, 21):
        ndig = -(-(bits + 1) // c)
        by_ndig = np.bincount(ndig, weights=hist)
        # per_window[j] = number of scalars with more than j digits
        per_window = np.cumsum(by_ndig[::-1])[::-1][1:]
        windows = float((per_window > 0).sum())
        cost = float(per_window.sum()) + windows * ((1 << c) + _WINDOW_OVERHEAD)
        if best_cost is None or cost < best_cost:
            best_c, best_cost = c, cost
    return best_c, best_cost


def _scalars(scalars: Sequence) -> list:
    """Each scalar as an int in [0, R)."""
    try:
        return [operator.index(s) % _R_INT for s in scalars]
    except TypeError:
        bad = next(s for s in scalars if not hasattr(type(s), "__index__"))
        raise MSMInputError(f"scalar must be an integer, got {type(bad).__name__}") from None


# ---------------------------------------------------------------------------------------------
# Points.
# ---------------------------------------------------------------------------------------------


_PLAIN_INTS = (int, type(big(0)))


def _fp(v, what: str):
    if isinstance(v, bool):
        raise MSMInputError(f"{what} coordinate must be an integer, got bool")
    try:
        x = operator.index(v)
    except TypeError:
        raise MSMInputError(
            f"{what} coordinate must be an integer, got {type(v).__name__}"
        ) from None
    if not 0 <= x < P:
        raise MSMInputError(f"{what} coordinate is not in [0, P)")
    return big(x)


def _fp_list(values: list, what: str) -> list:
    """Coordinates as big ints, each checked to be an integer in [0, P)."""
    p = P
    if all(type(v) in _PLAIN_INTS for v in values) and all(0 <= v < p for v in values):
        return [big(v) for v in values]
    return [_fp(v, what) for v in values]


def _g1_parse(points: list, validate: bool = True) -> list:
    """[xs, ys] of G1 points (none of them None); checks y^2 = x^3 + 3 when ``validate``
    (G1 has cofactor 1, so that is membership)."""
    try:
        xs = [x for x, _ in points]
        ys = [y for _, y in points]
    except (TypeError, ValueError):
        raise MSMInputError("G1 point must be an (x, y) pair or None") from None
    xs = _fp_list(xs, "G1")
    ys = _fp_list(ys, "G1")
    if validate:
        p = P
        b = _B1
        if any((y * y - x * x * x - b) % p for x, y in zip(xs, ys)):
            raise MSMInputError("G1 point is not on the curve y^2 = x^3 + 3")
    return [xs, ys]


def _g2_parse(points: list, validate: bool = True) -> list:
    """[x0s, x1s, y0s, y1s] of G2 points (none of them None); checks y^2 = x^3 + 3/(9+i)
    when ``validate`` (not the subgroup)."""
    try:
        cols = [[v for (v, _), _ in points], [v for (_, v), _ in points],
                [v for _, (v, _) in points], [v for _, (_, v) in points]]
    except (TypeError, ValueError):
        raise MSMInputError("G2 point must be ((x0, x1), (y0, y1)) or None") from None
    cols = [_fp_list(c, "G2") for c in cols]
    if validate:
        p = P
        b0, b1 = _B2
        for x0, x1, y0, y1 in zip(*cols):
            s0 = (x0 + x1) * (x0 - x1)  # x^2
            s1 = 2 * x0 * x1
            c0 = s0 * x0 - s1 * x1  # x^3
            c1 = s0 * x1 + s1 * x0
            if ((y0 + y1) * (y0 - y1) - c0 - b0) % p or (2 * y0 * y1 - c1 - b1) % p:
                raise MSMInputError("G2 point is not on the twist y^2 = x^3 + 3/(9+i)")
    return cols


def _g1_coords(pt, validate: bool = True) -> tuple:
    """One G1 point as (x, y) big ints (see :func:`_g1_parse`)."""
    return tuple(c[0] for c in _g1_parse([pt], validate))


def _g2_coords(pt, validate: bool = True) -> tuple:
    """One G2 point as (x0, x1, y0, y1) big ints (see :func:`_g2_parse`)."""
    return tuple(c[0] for c in _g2_parse([pt], validate))


def _prepare(parse: Callable, points: Sequence, scalars: Sequence, validate: bool):
    """Parse and validate every point; drop zero terms; fold s > R/2 into the point's sign.
    Returns (coordinate lists, folded scalars, negation flags)."""
    if len(points) != len(scalars):
        raise MSMInputError(f"{len(points)} points but {len(scalars)} scalars")
    ks = _scalars(scalars)
    present = [i for i, pt in enumerate(points) if pt is not None]
    coords = parse([points[i] for i in present], validate)
    keep = [j for j, i in enumerate(present) if ks[i]]
    if len(keep) < len(present):
        coords = [[c[j] for j in keep] for c in coords]
    kept = [ks[present[j]] for j in keep]
    half = _HALF_R
    negs = [k > half for k in kept]
    folded = [_R_INT - k if k > half else k for k in kept]
    return coords, folded, negs


# ---------------------------------------------------------------------------------------------
# Pippenger.
# ---------------------------------------------------------------------------------------------


def _window_sums(
    group: Group, sources: list, digits: np.ndarray, half: int, neg: np.ndarray, windows: list
) -> dict:
    """{j: sum_b b * S_(j,b)} for the given windows, where bucket S_(j,b) sums the points whose
    digit j is +-b (|digits| <= half). ``sources`` holds the points, then their negatives."""
    n = digits.shape[1]
    rows = digits[windows]
    if rows.size <= 1 << 16:  # small: one sort of all entries
        j, i = np.nonzero(rows)
        d = rows[j, i]
        keys = np.asarray(windows, dtype=np.int64)[j] * half + np.abs(d) - 1
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        src = i[order] + n * ((d[order] < 0) ^ neg[i[order]])
    else:  # large: a linear-time radix sort per window
        key_parts, src_parts = [], []
        for j, d in zip(windows, rows):
            nz = np.flatnonzero(d)
            dj = d[nz]
            b = np.abs(dj) - 1
            order = np.argsort(b.astype(np.uint16) if half <= 1 << 16 else b, kind="stable")
            key_parts.append(j * half + b[order])
            src_parts.append(nz[order] + n * ((dj[order] < 0) ^ neg[nz[order]]))
        keys = np.concatenate(key_parts)
        src = np.concatenate(src_parts)
        del key_parts, src_parts
    if not keys.shape[0]:
        return {}
    keys, sums = _tree_sum(group, keys, sources, src)
    del src
    buckets = {}
    for key, pt in zip(keys.tolist(), zip(*sums)):
        j, b = divmod(key, half)
        lst = buckets.setdefault(j, [])
        lst.extend([None] * (b - len(lst)))
        lst.append(pt)
    order = sorted(buckets)
    return dict(zip(order, _weighted_sums(group, [buckets[j] for j in order])))


def _pippenger(group: Group, coords: list, ks: list, negs: list, workers: Optional[int]):
    """sum_i [(-1)^negs[i] ks[i]] point_i as a coordinate tuple, or None; ks in [1, R/2]."""
    n = len(ks)
    if n == 0:
        return None
    c = _choose_window([k.bit_length() for k in ks])
    nwin = _num_windows(c, max(ks).bit_length())
    half = 1 << (c - 1)
    digits = _signed_digits(ks, c, nwin)
    neg = np.asarray(negs, dtype=bool)
    sources = [
        np.concatenate([_objects(pos), _objects(minus)])
        for pos, minus in zip(coords, group.negate(coords))
    ]
    counts = np.count_nonzero(digits, axis=1).tolist()
    active = [j for j in range(nwin) if counts[j]]
    costs = [counts[j] + 2 * half for j in active]
    parts = _checked_worker_count(workers, sum(costs))
    groups = split_costs(costs, parts)
    tasks = [
        (_window_sums, (group, sources, digits, half, neg, [active[i] for i in g]))
        for g in groups
    ]
    per_window = {}
    for part in run_tasks(tasks):
        per_window.update(part)
    return horner(group, [per_window.get(j) for j in range(nwin)], c)  # sum_j 2^(cj) R_j


def msm_g1(
    points: Sequence[G1Affine],
    scalars: Sequence[int],
    *,
    validate: bool = True,
    workers: Optional[int] = None,
) -> G1Affine:
    """sum_i [scalars[i]] points[i] in G1, as affine (x, y) ints or None for infinity.

    Scalars are any integers, taken mod R. Points are affine pairs with coordinates in [0, P),
    or None. With ``validate`` (default) each point is checked to lie on y^2 = x^3 + 3, which
    for G1 (cofactor 1) is group membership; pass False only for points validated before.
    ``workers``: processes to use (default: see the module docstring). Raises MSMInputError on a
    length mismatch or malformed input.
    """
    coords, ks, negs = _prepare(_g1_parse, points, scalars, validate)
    res = _pippenger(G1, coords, ks, negs, workers)
    return None if res is None else (int(res[0]), int(res[1]))


def msm_g2(
    points: Sequence[G2Affine],
    scalars: Sequence[int],
    *,
    validate: bool = True,
    workers: Optional[int] = None,
) -> G2Affine:
    """sum_i [scalars[i]] points[i] in G2, as affine ((x0, x1), (y0, y1)) ints or None.

    With ``validate`` each point is checked to lie on the twist y^2 = x^3 + 3/(9+i). Membership
    in the order-R subgroup is NOT checked (too costly per point): the points must come from a
    validated source (e.g. ``curve.g2_from_ints`` or a checked proving key), since the scalars
    are taken mod R.
    """
    coords, ks, negs = _prepare(_g2_parse, points, scalars, validate)
    res = _pippenger(G2, coords, ks, negs, workers)
    if res is None:
        return None
    return ((int(res[0]), int(res[1])), (int(res[2]), int(res[3])))


# ---------------------------------------------------------------------------------------------
# Benchmark (``python -m schemes.bn254.msm``).
# ---------------------------------------------------------------------------------------------


def _timed(func: Callable, *args, **kwargs) -> tuple:
    import time

    start = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - start


def _random_points(group: str, n: int, rng) -> list:
    from .fixed_base import fixed_base_mul_g1, fixed_base_mul_g2

    if group == "G1":
        return fixed_base_mul_g1((1, 2), [rng.randrange(1, _R_INT) for _ in range(n)])
    from py_ecc.optimized_bn128 import G2

    gen = tuple(tuple(int(c) for c in v.coeffs) for v in G2[:2])
    return fixed_base_mul_g2(gen, [rng.randrange(1, _R_INT) for _ in range(n)])


def bench(n: int = 4096, seed: int = 1) -> str:
    """MSM of n random G1 points and 254-bit scalars vs n py_ecc multiplications plus additions
    (the same sum, checked equal). Returns a one-line summary."""
    import random

    from py_ecc import optimized_bn128 as ref

    rng = random.Random(seed)
    points = _random_points("G1", n, rng)
    scalars = [rng.randrange(_R_INT) for _ in range(n)]
    ours, t_ours = _timed(msm_g1, points, scalars)

    def naive():
        acc = ref.Z1
        for (x, y), k in zip(points, scalars):
            acc = ref.add(acc, ref.multiply((ref.FQ(x), ref.FQ(y), ref.FQ(1)), k))
        return acc

    theirs, t_ref = _timed(naive)
    x, y = ref.normalize(theirs)
    if ours != (x.n, y.n):
        raise AssertionError("msm_g1 disagrees with py_ecc")
    return (f"MSM G1 n={n}: {t_ours:.3f} s; py_ecc {n} x multiply + add: {t_ref:.2f} s; "
            f"ratio {t_ref / t_ours:.0f}x (workers={default_workers()})")


def _main(argv: Optional[list] = None) -> int:
    import argparse
    import random

    parser = argparse.ArgumentParser(prog="python -m schemes.bn254.msm",
                                     description="MSM benchmark")
    parser.add_argument("--compare", type=int, default=4096,
                        help="size of the py_ecc comparison (0: skip)")
    parser.add_argument("--log-size", type=int, default=16,
                        help="log2 size of the large runs (0: skip)")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes (default: SCHEMES_MSM_WORKERS or 2)")
    args = parser.parse_args(argv)
    if args.workers is not None:
        os.environ["SCHEMES_MSM_WORKERS"] = str(args.workers)
    from .fixed_base import _tables, fixed_base_mul_g1, fixed_base_mul_g2

    backend = f"{type(_ZERO).__module__}.{type(_ZERO).__name__}"
    print(f"backend: {backend}, workers: {default_workers()}")
    if args.compare:
        print(bench(args.compare), flush=True)
    if args.log_size:
        n = 1 << args.log_size
        rng = random.Random(2)
        scalars = [rng.randrange(_R_INT) for _ in range(n)]
        g2_gen = _random_points("G2", 1, rng)[0]
        runs = (("G1", fixed_base_mul_g1, (1, 2)), ("G2", fixed_base_mul_g2, g2_gen))
        for name, fb, base in runs:
            _tables.clear()
            pts, t_first = _timed(fb, base, scalars)
            _, t_again = _timed(fb, base, scalars)
            print(f"fixed-base {name} n=2^{args.log_size}: {t_first:.2f} s "
                  f"({t_again:.2f} s with the table cached)", flush=True)
            msm = msm_g1 if name == "G1" else msm_g2
            _, t = _timed(msm, pts, scalars)
            print(f"MSM {name} n=2^{args.log_size}, random 254-bit scalars: {t:.2f} s", flush=True)
            small = [rng.randrange(256) for _ in range(n)]
            _, t = _timed(msm, pts, small)
            print(f"MSM {name} n=2^{args.log_size}, byte scalars: {t:.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
