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

import multiprocessing
import operator
import os
import sys
import threading
from typing import Callable, Optional, Sequence

import numpy as np

from ..bigint import big, invmod
from .fields import P, R, fp2_add, fp2_inv, fp2_mul, fp2_mul_fp, fp2_sqr, fp2_sub

__all__ = [
    "MSMInputError",
    "G1Affine",
    "G2Affine",
    "msm_g1",
    "msm_g2",
    "bench",
]

G1Affine = Optional[tuple]  # (x, y) with ints in [0, P), or None for the point at infinity
G2Affine = Optional[tuple]  # ((x0, x1), (y0, y1)) meaning x = x0 + x1 i, or None


class MSMInputError(ValueError):
    """Malformed input: length mismatch, a non-integer scalar, or a point not on the curve."""


_ZERO = big(0)
_ONE = big(1)
_R_INT = int(R)
_HALF_R = _R_INT // 2
#: After the sign fold every scalar is <= R/2 < 2^253.
_SCALAR_BITS = 253
#: Batch additions run in chunks of this many pairs, each with one inversion: the working set
#: stays in cache (about 1.5x faster than one inversion per 10^5 pairs).
_CHUNK = 256
#: Below this many estimated additions the work is not split between processes.
_PARALLEL_MIN_ADDS = 1 << 15

_B1 = big(3)
#: b' = 3 / (9 + i), the constant of the sextic twist y^2 = x^3 + b' that carries G2.
_B2 = fp2_mul_fp(fp2_inv((big(9), big(1))), big(3))


# ---------------------------------------------------------------------------------------------
# Batch-affine group law. A batch is a list of coordinate lists (G1: [X, Y]; G2: [X0, X1, Y0,
# Y1]) of finite points with canonical coordinates. ``add(a, b)`` returns (coords, inf) where
# inf lists the indices whose sum is the point at infinity (their coordinates are filler zeros).
# ---------------------------------------------------------------------------------------------


def _batch_inverse(values: list) -> list:
    """Inverses mod P of nonzero residues with one inversion: 3(k-1) multiplications."""
    p = P
    k = len(values)
    prefix = [None] * k
    acc = _ONE
    for i, v in enumerate(values):
        prefix[i] = acc
        acc = acc * v % p
    inv = invmod(acc, p)
    out = [None] * k
    for i in range(k - 1, -1, -1):
        out[i] = inv * prefix[i] % p
        inv = inv * values[i] % p
    return out


def _take(coords: list, idx: list) -> list:
    return [[c[i] for i in idx] for c in coords]


def _merge(ncoords: int, k: int, parts: list) -> list:
    """Scatter (indices, coords) parts into k-long coordinate lists (zeros elsewhere)."""
    out = [[_ZERO] * k for _ in range(ncoords)]
    for idx, coords in parts:
        for dst, src in zip(out, coords):
            for j, i in enumerate(idx):
                dst[i] = src[j]
    return out


def _g1_add(a: list, b: list) -> tuple[list, list]:
    """(x1, y1) + (x2, y2) with lambda = (y2 - y1)/(x2 - x1), x3 = lambda^2 - x1 - x2,
    y3 = lambda (x1 - x3) - y1; all slopes share one inversion."""
    ax, ay = a
    bx, by = b
    ds = [x2 - x1 for x1, x2 in zip(ax, bx)]
    if 0 in ds:
        return _add_with_exceptions(_G1, a, b, ds)
    p = P
    k = len(ds)
    xs = [None] * k
    ys = [None] * k
    prefix = [None] * _CHUNK
    for s in range(0, k, _CHUNK):
        e = min(s + _CHUNK, k)
        acc = _ONE
        for i in range(s, e):
            prefix[i - s] = acc
            acc = acc * ds[i] % p
        inv = invmod(acc, p)
        for i in range(e - 1, s - 1, -1):
            x1 = ax[i]
            y1 = ay[i]
            # 1/d_i = inv * prefix_i, folded into one reduction
            lam = (by[i] - y1) * prefix[i - s] * inv % p
            inv = inv * ds[i] % p
            x3 = (lam * lam - x1 - bx[i]) % p
            xs[i] = x3
            ys[i] = (lam * (x1 - x3) - y1) % p
    return [xs, ys], []


def _g1_double(a: list) -> tuple[list, list]:
    """2(x, y) with lambda = 3x^2 / 2y; y = 0 (order two, absent from G1) gives infinity."""
    ax, ay = a
    inf = [i for i, y in enumerate(ay) if y == 0]
    if inf:
        ok = [i for i, y in enumerate(ay) if y != 0]
        sub, _ = _g1_double(_take(a, ok))
        return _merge(2, len(ay), [(ok, sub)]), inf
    p = P
    invs = _batch_inverse([y + y for y in ay])
    xs = []
    ys = []
    for x, y, di in zip(ax, ay, invs):
        lam = 3 * x * x % p * di % p
        x3 = (lam * lam - x - x) % p
        xs.append(x3)
        ys.append((lam * (x - x3) - y) % p)
    return [xs, ys], []


def _g2_add(a: list, b: list) -> tuple[list, list]:
    """The G1 formulas over Fp2 = Fp[i]/(i^2+1); 1/d = conj(d) / (d0^2 + d1^2), and the norm
    vanishes only for d = 0 because -1 is a non-residue mod P."""
    ax0, ax1, ay0, ay1 = a
    bx0, bx1, by0, by1 = b
    p = P
    d0s = [u - v for v, u in zip(ax0, bx0)]
    d1s = [u - v for v, u in zip(ax1, bx1)]
    norms = [(d0 * d0 + d1 * d1) % p for d0, d1 in zip(d0s, d1s)]
    if 0 in norms:
        return _add_with_exceptions(_G2, a, b, norms)
    k = len(norms)
    x0s = [None] * k
    x1s = [None] * k
    y0s = [None] * k
    y1s = [None] * k
    prefix = [None] * _CHUNK
    for s in range(0, k, _CHUNK):
        e = min(s + _CHUNK, k)
        acc = _ONE
        for i in range(s, e):
            prefix[i - s] = acc
            acc = acc * norms[i] % p
        inv = invmod(acc, p)
        for i in range(e - 1, s - 1, -1):
            ni = inv * prefix[i - s] % p
            inv = inv * norms[i] % p
            d0 = d0s[i]
            d1 = d1s[i]
            x10 = ax0[i]
            x11 = ax1[i]
            y10 = ay0[i]
            y11 = ay1[i]
            n0 = by0[i] - y10
            n1 = by1[i] - y11
            # lambda = (n0 + n1 i)(d0 - d1 i) / norm  (schoolbook: in Python a product costs
            # about what an addition does, so Karatsuba's extra additions do not pay)
            l0 = (n0 * d0 + n1 * d1) * ni % p
            l1 = (n1 * d0 - n0 * d1) * ni % p
            x30 = ((l0 + l1) * (l0 - l1) - x10 - bx0[i]) % p
            x31 = (2 * l0 * l1 - x11 - bx1[i]) % p
            e0 = x10 - x30
            e1 = x11 - x31
            x0s[i] = x30
            x1s[i] = x31
            y0s[i] = (l0 * e0 - l1 * e1 - y10) % p
            y1s[i] = (l0 * e1 + l1 * e0 - y11) % p
    return [x0s, x1s, y0s, y1s], []


def _g2_double(a: list) -> tuple[list, list]:
    """2(x, y) over Fp2 with lambda = 3x^2 / 2y; y = 0 gives infinity."""
    ax0, ax1, ay0, ay1 = a
    inf = [i for i, (y0, y1) in enumerate(zip(ay0, ay1)) if y0 == 0 and y1 == 0]
    if inf:
        bad = set(inf)
        ok = [i for i in range(len(ay0)) if i not in bad]
        sub, _ = _g2_double(_take(a, ok))
        return _merge(4, len(ay0), [(ok, sub)]), inf
    p = P
    ninv = _batch_inverse([4 * (y0 * y0 + y1 * y1) % p for y0, y1 in zip(ay0, ay1)])
    x0s, x1s, y0s, y1s = [], [], [], []
    for x0, x1, y0, y1, ni in zip(ax0, ax1, ay0, ay1, ninv):
        # lambda = 3 x^2 * conj(2y) / |2y|^2
        s0 = 3 * (x0 + x1) * (x0 - x1)
        s1 = 6 * x0 * x1
        w0 = y0 + y0
        w1 = y1 + y1
        l0 = (s0 * w0 + s1 * w1) % p * ni % p
        l1 = (s1 * w0 - s0 * w1) % p * ni % p
        x30 = ((l0 + l1) * (l0 - l1) - 2 * x0) % p
        x31 = (2 * l0 * l1 - 2 * x1) % p
        e0 = x0 - x30
        e1 = x1 - x31
        x0s.append(x30)
        x1s.append(x31)
        y0s.append((l0 * e0 - l1 * e1 - y0) % p)
        y1s.append((l0 * e1 + l1 * e0 - y1) % p)
    return [x0s, x1s, y0s, y1s], []


class _Field:
    """Field operations for the few sequential (Jacobian) steps: Fp on ints, Fp2 on pairs."""

    def __init__(self, mul, sqr, add, sub, inv, zero, one):
        self.mul, self.sqr, self.add, self.sub, self.inv = mul, sqr, add, sub, inv
        self.zero, self.one = zero, one


_FP = _Field(
    lambda a, b: a * b % P, lambda a: a * a % P, lambda a, b: (a + b) % P,
    lambda a, b: (a - b) % P, lambda a: invmod(a, P), _ZERO, _ONE,
)
_FP2 = _Field(fp2_mul, fp2_sqr, fp2_add, fp2_sub, fp2_inv, (_ZERO, _ZERO), (_ONE, _ZERO))


class _Group:
    """The group law of G1 or G2: batched affine on coordinate lists, plus Jacobian steps."""

    def __init__(self, name: str, ncoords: int, add: Callable, double: Callable, field: _Field):
        self.name = name
        self.ncoords = ncoords
        self.ny = ncoords // 2  # coordinates [0, ny) are x, [ny, ncoords) are y
        self.add = add
        self.double = double
        self.field = field

    def split(self, pt: tuple) -> tuple:
        """Coordinate tuple -> (x, y) field elements."""
        if self.ny == 1:
            return pt
        return (pt[0], pt[1]), (pt[2], pt[3])

    def join(self, x, y) -> tuple:
        return (x, y) if self.ny == 1 else (x[0], x[1], y[0], y[1])

    def negate(self, coords: list) -> list:
        """-(x, y) = (x, -y)."""
        p = P
        return coords[: self.ny] + [[-y % p for y in c] for c in coords[self.ny:]]


_G1 = _Group("G1", 2, _g1_add, _g1_double, _FP)
_G2 = _Group("G2", 4, _g2_add, _g2_double, _FP2)


def _add_with_exceptions(group: _Group, a: list, b: list, dx: list) -> tuple[list, list]:
    """Batch addition when some pairs share an x-coordinate (dx == 0): those are P + P
    (doubled) or P + (-P) (infinity); the rest go through the regular batch."""
    k = len(dx)
    ny = group.ny
    regular, doubles, inf = [], [], []
    for i, d in enumerate(dx):
        if d != 0:
            regular.append(i)
        elif all(ca[i] == cb[i] for ca, cb in zip(a[ny:], b[ny:])):
            doubles.append(i)
        else:
            inf.append(i)
    reg_coords, reg_inf = group.add(_take(a, regular), _take(b, regular))
    dbl_coords, dbl_inf = group.double(_take(a, doubles))
    inf += [regular[j] for j in reg_inf] + [doubles[j] for j in dbl_inf]
    return _merge(group.ncoords, k, [(regular, reg_coords), (doubles, dbl_coords)]), sorted(inf)


# ---------------------------------------------------------------------------------------------
# Lane arithmetic on points that may be infinity (tuples of coordinates, or None).
# ---------------------------------------------------------------------------------------------


def _lane_add(group: _Group, xs: list, ys: list) -> list:
    """Element-wise xs[i] + ys[i] for optional points, as one batch."""
    out = [y if x is None else x for x, y in zip(xs, ys)]
    both = [i for i, (x, y) in enumerate(zip(xs, ys)) if x is not None and y is not None]
    if both:
        a = [list(c) for c in zip(*[xs[i] for i in both])]
        b = [list(c) for c in zip(*[ys[i] for i in both])]
        coords, inf = group.add(a, b)
        for i, pt in zip(both, zip(*coords)):
            out[i] = pt
        for j in inf:
            out[both[j]] = None
    return out


def _lane_double(group: _Group, xs: list) -> list:
    out = list(xs)
    live = [i for i, x in enumerate(xs) if x is not None]
    if live:
        coords, inf = group.double([list(c) for c in zip(*[xs[i] for i in live])])
        for i, pt in zip(live, zip(*coords)):
            out[i] = pt
        for j in inf:
            out[live[j]] = None
    return out


# ---------------------------------------------------------------------------------------------
# Jacobian coordinates (X, Y, Z) ~ (X/Z^2, Y/Z^3), Z = 0 for infinity, for sequential chains
# (Horner over the windows, tables of 2^k B) where a batch has one element: no inversions.
# ---------------------------------------------------------------------------------------------


def _jac_double(f: _Field, pt: tuple) -> tuple:
    """dbl-2009-l for y^2 = x^3 + b: 2M + 5S."""
    x, y, z = pt
    if z == f.zero or y == f.zero:
        return (f.one, f.one, f.zero)
    a = f.sqr(x)
    b = f.sqr(y)
    c = f.sqr(b)
    d = f.sub(f.sqr(f.add(x, b)), f.add(a, c))
    d = f.add(d, d)
    e = f.add(f.add(a, a), a)
    x3 = f.sub(f.sqr(e), f.add(d, d))
    c2 = f.add(c, c)
    c4 = f.add(c2, c2)
    y3 = f.sub(f.mul(e, f.sub(d, x3)), f.add(c4, c4))
    return (x3, y3, f.mul(f.add(y, y), z))


def _jac_add_affine(f: _Field, pt: tuple, x2, y2) -> tuple:
    """(X1, Y1, Z1) + (x2, y2) (madd-2007-bl, with the equal and opposite cases)."""
    x1, y1, z1 = pt
    if z1 == f.zero:
        return (x2, y2, f.one)
    z1z1 = f.sqr(z1)
    h = f.sub(f.mul(x2, z1z1), x1)
    r = f.sub(f.mul(y2, f.mul(z1, z1z1)), y1)
    if h == f.zero:
        return _jac_double(f, pt) if r == f.zero else (f.one, f.one, f.zero)
    hh = f.sqr(h)
    i = f.add(hh, hh)
    i = f.add(i, i)
    j = f.mul(h, i)
    r = f.add(r, r)
    v = f.mul(x1, i)
    x3 = f.sub(f.sub(f.sqr(r), j), f.add(v, v))
    y3 = f.sub(f.mul(r, f.sub(v, x3)), f.mul(f.add(y1, y1), j))
    return (x3, y3, f.mul(f.add(z1, z1), h))


def _g1_jac_double(pt: tuple) -> tuple:
    """:func:`_jac_double` over Fp with the arithmetic inlined (the Horner chain's hot step)."""
    x, y, z = pt
    if not z or not y:
        return (_ONE, _ONE, _ZERO)
    p = P
    a = x * x % p
    b = y * y % p
    c = b * b % p
    d = 2 * ((x + b) * (x + b) - a - c) % p
    e = 3 * a
    x3 = (e * e - 2 * d) % p
    return (x3, (e * (d - x3) - 8 * c) % p, 2 * y * z % p)


def _jac_to_affine(group: _Group, pt: tuple):
    f = group.field
    x, y, z = pt
    if z == f.zero:
        return None
    zi = f.inv(z)
    zi2 = f.sqr(zi)
    return group.join(f.mul(x, zi2), f.mul(y, f.mul(zi2, zi)))


def _horner(group: _Group, terms: list, shift: int):
    """sum_j 2^(shift * j) terms[j] (affine coordinate tuples or None), affine or None."""
    f = group.field
    acc = (f.one, f.one, f.zero)
    for term in reversed(terms):
        if group.ny == 1:
            for _ in range(shift):
                acc = _g1_jac_double(acc)
        else:
            for _ in range(shift):
                acc = _jac_double(f, acc)
        if term is not None:
            acc = _jac_add_affine(f, acc, *group.split(term))
    return _jac_to_affine(group, acc)


def _weighted_sums(group: _Group, buckets: list) -> list:
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
        total = _lane_add(group, total, [lane[t] for lane in lanes])
        acc = _lane_add(group, acc, total)
    g = len(buckets)
    running = [None] * g
    weighted = [None] * g
    direct = [None] * g
    for k in range(nseg - 1, -1, -1):
        direct = _lane_add(group, direct, [acc[i * nseg + k] for i in range(g)])
        if k:
            running = _lane_add(group, running, [total[i * nseg + k] for i in range(g)])
            weighted = _lane_add(group, weighted, running)
    for _ in range(seg.bit_length() - 1):
        weighted = _lane_double(group, weighted)
    return _lane_add(group, direct, weighted)


# ---------------------------------------------------------------------------------------------
# Tree summation of keyed batches (used for buckets here and per scalar in fixed_base).
# ---------------------------------------------------------------------------------------------


def _objects(values: list) -> np.ndarray:
    """A 1-D object array (np.array would probe each mpz as a possible sequence)."""
    return np.fromiter(values, dtype=object, count=len(values))


def _tree_sum(
    group: _Group, keys: np.ndarray, sources: list, src: np.ndarray
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
    group: _Group, coords: list, li: np.ndarray, ri: np.ndarray, sources: Optional[list] = None,
    src: Optional[np.ndarray] = None,
) -> np.ndarray:
    """coords[li] = coords[li] + coords[ri] (coords[ri] is cleared), or with ``sources``
    coords[li] = sources[src[li]] + sources[src[ri]]. Runs in chunks so that each operand is
    fetched from memory once: gathered, added and released while in cache.
    Returns the li whose sum is infinity."""
    infs = []
    for s in range(0, li.shape[0], _CHUNK):
        lc = li[s:s + _CHUNK]
        rc = ri[s:s + _CHUNK]
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
    return best_c


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
# Processes.
# ---------------------------------------------------------------------------------------------


def _default_workers() -> int:
    env = os.environ.get("SCHEMES_MSM_WORKERS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise MSMInputError(f"SCHEMES_MSM_WORKERS must be an integer, got {env!r}") from None
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cpus = os.cpu_count() or 1
    return min(2, cpus)


def _worker_count(workers: Optional[int], adds: float) -> int:
    """Processes to use: ``workers`` if given, else the default when the job is big enough.
    Forking needs the ``fork`` start method and no other threads (forking a threaded process
    can deadlock the child)."""
    if workers is None:
        workers = _default_workers() if adds >= _PARALLEL_MIN_ADDS else 1
    elif isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise MSMInputError(f"workers must be a positive integer, got {workers!r}")
    if workers > 1 and (
        "fork" not in multiprocessing.get_all_start_methods()
        or threading.active_count() > 1
        or multiprocessing.parent_process() is not None
    ):
        return 1
    return workers


def _child(conn, func: Callable, args: tuple) -> None:
    try:
        result = ("ok", func(*args))
    except BaseException as exc:  # reported to the parent, which recomputes and raises
        result = ("error", repr(exc))
    conn.send(result)
    conn.close()


def _start_child(ctx, func: Callable, args: tuple):
    """(process, receiving end) computing func(*args) in a forked child, or None if the fork
    fails (then the caller computes it)."""
    recv, send = ctx.Pipe(duplex=False)
    try:
        proc = ctx.Process(target=_child, args=(send, func, args), daemon=True)
        proc.start()
    except OSError:
        recv.close()
        return None
    finally:
        send.close()
    return proc, recv


def _run_tasks(tasks: list) -> list:
    """Results of ``[(func, args), ...]``: tasks[1:] run in forked children (which share the
    parent's memory, so nothing is pickled on the way in), tasks[0] here. A task whose child
    cannot start or fails is recomputed here, so errors surface in the caller."""
    if len(tasks) == 1:
        func, args = tasks[0]
        return [func(*args)]
    ctx = multiprocessing.get_context("fork")
    children = []
    try:
        for func, args in tasks[1:]:
            children.append(_start_child(ctx, func, args))
        func, args = tasks[0]
        results = [func(*args)]
        for child, (func, args) in zip(children, tasks[1:]):
            status, value = "none", None
            if child is not None:
                proc, recv = child
                try:
                    status, value = recv.recv()
                except (EOFError, OSError):
                    pass
                proc.join()
            results.append(value if status == "ok" else func(*args))
        return results
    finally:
        for child in children:
            if child is not None:
                proc, recv = child
                if proc.is_alive():
                    proc.kill()
                    proc.join()
                recv.close()


def _split(costs: list, parts: int) -> list:
    """Indices of ``costs`` in ``parts`` groups of similar total (largest first, greedy)."""
    groups = [[] for _ in range(parts)]
    loads = [0.0] * parts
    for i in sorted(range(len(costs)), key=lambda i: -costs[i]):
        g = loads.index(min(loads))
        groups[g].append(i)
        loads[g] += costs[i]
    return [sorted(g) for g in groups if g]


# ---------------------------------------------------------------------------------------------
# Pippenger.
# ---------------------------------------------------------------------------------------------


def _window_sums(
    group: _Group, sources: list, digits: np.ndarray, half: int, neg: np.ndarray, windows: list
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


def _pippenger(group: _Group, coords: list, ks: list, negs: list, workers: Optional[int]):
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
    parts = _worker_count(workers, sum(costs))
    groups = _split(costs, parts)
    tasks = [
        (_window_sums, (group, sources, digits, half, neg, [active[i] for i in g]))
        for g in groups
    ]
    per_window = {}
    for part in _run_tasks(tasks):
        per_window.update(part)
    return _horner(group, [per_window.get(j) for j in range(nwin)], c)  # sum_j 2^(cj) R_j


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
    res = _pippenger(_G1, coords, ks, negs, workers)
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
    res = _pippenger(_G2, coords, ks, negs, workers)
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
            f"ratio {t_ref / t_ours:.0f}x (workers={_default_workers()})")


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
    print(f"backend: {backend}, workers: {_default_workers()}")
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
