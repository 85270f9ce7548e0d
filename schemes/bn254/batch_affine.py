"""Batched affine group law on BN254 G1 and G2, and the Jacobian steps of sequential chains.

A batch is a list of coordinate lists (G1: ``[X, Y]``; G2: ``[X0, X1, Y0, Y1]``) of finite points
with canonical coordinates. ``group.add(a, b)`` adds the batches lane by lane with one field
inversion for all lanes (Montgomery's trick: ``3(k-1)`` multiplications), so an affine addition
costs about 6 multiplications instead of the 11 of a Jacobian mixed addition. Lanes whose points
share an x-coordinate (doubling, or opposite points giving infinity) are handled separately.
Used by :mod:`.msm` (bucket sums) and :mod:`.fixed_base` (window tables).
"""

from __future__ import annotations

from typing import Callable

from ..bigint import big, invmod
from .fields import P, fp2_add, fp2_inv, fp2_mul, fp2_sqr, fp2_sub

__all__ = ["CHUNK", "Group", "G1", "G2", "batch_inverse", "lane_add", "lane_double", "horner"]

_ZERO = big(0)
_ONE = big(1)
#: Batch additions run in chunks of this many pairs, each with one inversion: the working set
#: stays in cache (about 1.5x faster than one inversion per 10^5 pairs).
CHUNK = 256

# ---------------------------------------------------------------------------------------------
# Batch-affine group law. A batch is a list of coordinate lists (G1: [X, Y]; G2: [X0, X1, Y0,
# Y1]) of finite points with canonical coordinates. ``add(a, b)`` returns (coords, inf) where
# inf lists the indices whose sum is the point at infinity (their coordinates are filler zeros).
# ---------------------------------------------------------------------------------------------


def batch_inverse(values: list) -> list:
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
        return _add_with_exceptions(G1, a, b, ds)
    p = P
    k = len(ds)
    xs = [None] * k
    ys = [None] * k
    prefix = [None] * CHUNK
    for s in range(0, k, CHUNK):
        e = min(s + CHUNK, k)
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
    invs = batch_inverse([y + y for y in ay])
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
        return _add_with_exceptions(G2, a, b, norms)
    k = len(norms)
    x0s = [None] * k
    x1s = [None] * k
    y0s = [None] * k
    y1s = [None] * k
    prefix = [None] * CHUNK
    for s in range(0, k, CHUNK):
        e = min(s + CHUNK, k)
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
    ninv = batch_inverse([4 * (y0 * y0 + y1 * y1) % p for y0, y1 in zip(ay0, ay1)])
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


class Group:
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


G1 = Group("G1", 2, _g1_add, _g1_double, _FP)
G2 = Group("G2", 4, _g2_add, _g2_double, _FP2)


def _add_with_exceptions(group: Group, a: list, b: list, dx: list) -> tuple[list, list]:
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


def lane_add(group: Group, xs: list, ys: list) -> list:
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


def lane_double(group: Group, xs: list) -> list:
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


def _jac_to_affine(group: Group, pt: tuple):
    f = group.field
    x, y, z = pt
    if z == f.zero:
        return None
    zi = f.inv(z)
    zi2 = f.sqr(zi)
    return group.join(f.mul(x, zi2), f.mul(y, f.mul(zi2, zi)))


def horner(group: Group, terms: list, shift: int):
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
