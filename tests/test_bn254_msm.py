"""MSM and fixed-base multiplication on BN254 against py_ecc (an independent implementation).

Expected values are always sum_i py_ecc.multiply(P_i, s_i mod R) (or [k]B), never outputs of the
code under test. Edge cases: empty input, zero scalars, R - 1 and other negative scalars,
infinity, repeated points (doublings inside the buckets), opposite points (cancellations
to infinity, including partial sums), every scalar-size class of the native MSM (ones, <= 16,
<= 64, <= 128 bits and full size) and its multi-thread chunking, and malformed input.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc import optimized_bn128 as ref

from schemes.bn254.curve import g1_add, g1_mul, g2_add, g2_mul
from schemes.bn254.fields import P, R
from schemes.bn254.fixed_base import fixed_base_mul_g1, fixed_base_mul_g2
from schemes.bn254.msm import MSMInputError, msm_g1, msm_g2

R_INT = int(R)
P_INT = int(P)


# --- py_ecc conversions ------------------------------------------------------------------------


def to_affine(pt):
    """py_ecc Jacobian-like point -> our affine tuple (None for infinity)."""
    if ref.is_inf(pt):
        return None
    x, y = ref.normalize(pt)
    if isinstance(x, ref.FQ2):
        return (tuple(int(c) for c in x.coeffs), tuple(int(c) for c in y.coeffs))
    return (int(x.n), int(y.n))


def from_affine(pt, g2: bool):
    if pt is None:
        return ref.Z2 if g2 else ref.Z1
    if g2:
        (x0, x1), (y0, y1) = pt
        return (ref.FQ2([x0, x1]), ref.FQ2([y0, y1]), ref.FQ2.one())
    return (ref.FQ(pt[0]), ref.FQ(pt[1]), ref.FQ(1))


def reference_msm(points, scalars, g2: bool):
    acc = ref.Z2 if g2 else ref.Z1
    for pt, k in zip(points, scalars):
        if pt is not None:
            acc = ref.add(acc, ref.multiply(from_affine(pt, g2), k % R_INT))
    return to_affine(acc)


def neg(pt):
    if pt is None:
        return None
    x, y = pt
    if isinstance(y, tuple):
        return (x, ((-y[0]) % P_INT, (-y[1]) % P_INT))
    return (x, (-y) % P_INT)


_rng = random.Random(20240594)
G1_POOL = [to_affine(ref.multiply(ref.G1, _rng.randrange(1, R_INT))) for _ in range(6)]
G2_POOL = [to_affine(ref.multiply(ref.G2, _rng.randrange(1, R_INT))) for _ in range(4)]

SCALARS = st.one_of(
    st.sampled_from([0, 1, 2, 3, R_INT - 1, R_INT - 2, R_INT, R_INT + 1, -1, -2, R_INT // 2, R_INT // 2 + 1]),
    st.integers(0, 255),
    st.integers(0, R_INT - 1),
    st.integers(-2 * R_INT, 2 * R_INT),
)


def points_from(pool):
    """A pool point, its negative, or infinity; repeats are frequent (small pool)."""
    return st.one_of(
        st.sampled_from(pool),
        st.sampled_from(pool).map(neg),
        st.just(None),
    )


# --- G1 MSM ------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_msm_g1_matches_py_ecc(data):
    n = data.draw(st.integers(0, 10))
    points = data.draw(st.lists(points_from(G1_POOL), min_size=n, max_size=n))
    scalars = data.draw(st.lists(SCALARS, min_size=n, max_size=n))
    assert msm_g1(points, scalars) == reference_msm(points, scalars, g2=False)


@pytest.mark.parametrize(
    "points, scalars",
    [
        ([], []),
        ([G1_POOL[0]], [0]),
        ([G1_POOL[0]], [1]),
        ([G1_POOL[0]], [R_INT - 1]),
        ([G1_POOL[0]], [-1]),
        ([G1_POOL[0]], [R_INT]),
        ([None], [5]),
        ([None, None], [0, 0]),
        ([G1_POOL[0], G1_POOL[0]], [1, 1]),  # P + P: doubling in a bucket
        ([G1_POOL[0], neg(G1_POOL[0])], [1, 1]),  # P + (-P) = O
        ([G1_POOL[0], G1_POOL[0]], [1, R_INT - 1]),  # P - P = O
        ([G1_POOL[0], neg(G1_POOL[0]), G1_POOL[0]], [7, 7, 7]),  # O + P inside a bucket run
        ([G1_POOL[0]] * 9, [3] * 9),  # long run of equal points
        ([G1_POOL[0], G1_POOL[1], neg(G1_POOL[0])], [5, 9, 5]),
        ([G1_POOL[1], G1_POOL[1]], [R_INT // 2, R_INT // 2 + 1]),
        ([(1, 2)], [R_INT - 1]),  # the generator
    ],
)
def test_msm_g1_edge_cases(points, scalars):
    assert msm_g1(points, scalars) == reference_msm(points, scalars, g2=False)


def test_msm_g1_cancelling_buckets():
    """Buckets that cancel exactly (sum O) in every window, next to nonzero ones."""
    rng = random.Random(7)
    ks = [rng.randrange(R_INT) for _ in range(12)]
    points = G1_POOL[:3] * 4 + [neg(p) for p in G1_POOL[:3] * 4]
    scalars = ks + ks
    assert msm_g1(points, scalars) is None
    points.append(G1_POOL[4])
    scalars.append(12345)
    assert msm_g1(points, scalars) == reference_msm(points, scalars, g2=False)


def _curve_msm(points, scalars, add, mul):
    """The readable reference of schemes.bn254.curve (itself checked against py_ecc in
    test_bn254_curve): fast enough for the thousands of terms the chunked path needs."""
    acc = None
    for pt, k in zip(points, scalars):
        acc = add(acc, mul(pt, k % R_INT)) if pt is not None else acc
    return acc


def _mixed_scalars(rng, n):
    """Every size class of the native MSM, and negatives of each (scalars above R/2)."""
    small = [
        0,
        1,
        R_INT - 1,
        rng.randrange(256),
        rng.randrange(1 << 16),
        rng.randrange(1 << 64),
        rng.randrange(1 << 128),
        rng.randrange(R_INT),
    ]
    return [(-k if rng.random() < 0.3 else k) for k in (rng.choice(small) for _ in range(n))]


def test_msm_g1_larger_random_and_chunked():
    """Enough terms (above the 1024-term threshold) for the multi-thread chunks of every class."""
    rng = random.Random(11)
    n = 3000
    points = [rng.choice(G1_POOL) if rng.random() < 0.95 else None for _ in range(n)]
    points = [neg(p) if p is not None and rng.random() < 0.3 else p for p in points]
    scalars = _mixed_scalars(rng, n)
    assert msm_g1(points, scalars) == _curve_msm(points, scalars, g1_add, g1_mul)
    small = [rng.randrange(160) for _ in range(160)]
    assert msm_g1(points[:160], small) == reference_msm(points[:160], small, g2=False)


def test_msm_g1_distinct_points_full_scalars():
    rng = random.Random(12)
    points = list(fixed_base_mul_g1((1, 2), [rng.randrange(1, R_INT) for _ in range(48)]))
    scalars = [rng.randrange(R_INT) for _ in range(48)]
    assert msm_g1(points, scalars) == reference_msm(points, scalars, g2=False)


# --- G2 MSM ------------------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_msm_g2_matches_py_ecc(data):
    n = data.draw(st.integers(0, 6))
    points = data.draw(st.lists(points_from(G2_POOL), min_size=n, max_size=n))
    scalars = data.draw(st.lists(SCALARS, min_size=n, max_size=n))
    assert msm_g2(points, scalars) == reference_msm(points, scalars, g2=True)


@pytest.mark.parametrize(
    "points, scalars",
    [
        ([], []),
        ([G2_POOL[0]], [R_INT - 1]),
        ([G2_POOL[0], G2_POOL[0]], [1, 1]),
        ([G2_POOL[0], neg(G2_POOL[0])], [4, 4]),
        ([G2_POOL[0], neg(G2_POOL[0]), G2_POOL[0]], [2, 2, 2]),
        ([G2_POOL[1]] * 5, [R_INT - 3] * 5),
        ([None, G2_POOL[2]], [1, 0]),
    ],
)
def test_msm_g2_edge_cases(points, scalars):
    assert msm_g2(points, scalars) == reference_msm(points, scalars, g2=True)


def test_msm_g2_chunked():
    rng = random.Random(13)
    points = [rng.choice(G2_POOL) for _ in range(1500)]
    scalars = _mixed_scalars(rng, 1500)
    assert msm_g2(points, scalars) == _curve_msm(points, scalars, g2_add, g2_mul)
    assert msm_g2(points[:24], scalars[:24]) == reference_msm(points[:24], scalars[:24], g2=True)


# --- fixed base --------------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(st.lists(SCALARS, max_size=8), st.integers(1, R_INT - 1))
def test_fixed_base_g1_matches_py_ecc(scalars, b):
    base = ref.multiply(ref.G1, b)
    got = fixed_base_mul_g1(to_affine(base), scalars)
    assert got == [to_affine(ref.multiply(base, k % R_INT)) for k in scalars]


@settings(max_examples=6, deadline=None)
@given(st.lists(SCALARS, max_size=5))
def test_fixed_base_g2_matches_py_ecc(scalars):
    base = G2_POOL[0]
    got = fixed_base_mul_g2(base, scalars)
    assert got == [to_affine(ref.multiply(from_affine(base, True), k % R_INT)) for k in scalars]


def test_fixed_base_many_and_infinity():
    rng = random.Random(14)
    scalars = [rng.randrange(R_INT) for _ in range(20)] + [0, R_INT, 1, -1]
    expected = [to_affine(ref.multiply(ref.G1, k % R_INT)) for k in scalars]
    assert fixed_base_mul_g1((1, 2), scalars) == expected
    many = [rng.randrange(R_INT) for _ in range(600)] + [0]
    assert list(fixed_base_mul_g1((1, 2), many)) == [g1_mul((1, 2), k) for k in many]
    assert fixed_base_mul_g1(None, [1, 2]) == [None, None]
    assert fixed_base_mul_g1((1, 2), []) == []
    gen2 = to_affine(ref.G2)
    expected2 = [to_affine(ref.multiply(ref.G2, k % R_INT)) for k in scalars[-6:]]
    assert fixed_base_mul_g2(gen2, scalars[-6:]) == expected2


# --- malformed input ---------------------------------------------------------------------------


def _fp2_sqrt(a0: int, a1: int):
    """A square root in Fp2 = Fp[i]/(i^2 + 1) (p = 3 mod 4), or None."""
    p = P_INT
    norm = (a0 * a0 + a1 * a1) % p
    s = pow(norm, (p + 1) // 4, p)
    if s * s % p != norm:
        return None
    inv2 = pow(2, p - 2, p)
    for t in (s, -s % p):
        u = (a0 + t) * inv2 % p
        x0 = pow(u, (p + 1) // 4, p)
        if x0 * x0 % p == u and x0:
            x1 = a1 * pow(2 * x0, p - 2, p) % p
            return (x0, x1)
    return None


def _twist_point_outside_g2():
    """A point on the twist y^2 = x^3 + b' that is not of order R (the cofactor is huge)."""
    b2 = (int(ref.b2.coeffs[0]), int(ref.b2.coeffs[1]))
    for x0 in range(1, 100):
        x = ref.FQ2([x0, 1])
        rhs = x * x * x + ref.b2
        y = _fp2_sqrt(int(rhs.coeffs[0]), int(rhs.coeffs[1]))
        if y is not None:
            pt = ((x0, 1), y)
            assert ref.is_on_curve(from_affine(pt, True), ref.b2)
            if not ref.is_inf(ref.multiply(from_affine(pt, True), R_INT)):
                return pt
    raise AssertionError(f"no twist point found (b2 = {b2})")


def test_rejects_malformed_input():
    g = G1_POOL[0]
    with pytest.raises(MSMInputError):
        msm_g1([g], [1, 2])  # length mismatch
    with pytest.raises(MSMInputError):
        msm_g1([(1, 3)], [1])  # not on the curve
    with pytest.raises(MSMInputError):
        msm_g1([(1, 3)], [0])  # invalid even with a zero scalar
    with pytest.raises(MSMInputError):
        msm_g1([(g[0] + P_INT, g[1])], [1])  # non-canonical coordinate
    with pytest.raises(MSMInputError):
        msm_g1([(1.0, 2.0)], [1])
    with pytest.raises(MSMInputError):
        msm_g1([(True, 2)], [1])
    with pytest.raises(MSMInputError):
        msm_g1([(1, 2, 3)], [1])
    with pytest.raises(MSMInputError):
        msm_g1([g], [1.5])
    with pytest.raises(MSMInputError):
        msm_g1([g], ["1"])
    with pytest.raises(MSMInputError):
        msm_g2([G2_POOL[0]], [1, 2])
    with pytest.raises(MSMInputError):
        msm_g2([((1, 0), (2, 0))], [1])  # G1 generator coordinates: not on the twist
    with pytest.raises(MSMInputError):
        msm_g2([(1, 2)], [1])  # a G1-shaped point
    with pytest.raises(MSMInputError):
        fixed_base_mul_g1((1, 3), [1])
    with pytest.raises(MSMInputError):
        fixed_base_mul_g1((1, 2), [None])
    with pytest.raises(MSMInputError):
        fixed_base_mul_g2(_twist_point_outside_g2(), [1])


def test_validate_false_skips_only_the_g2_subgroup_check():
    g = G1_POOL[2]
    assert msm_g1([g], [5], validate=False) == reference_msm([g], [5], g2=False)
    with pytest.raises(MSMInputError):
        msm_g1([(P_INT, 1)], [1], validate=False)  # the range check stays
    with pytest.raises(MSMInputError):
        msm_g1([(1, 3)], [1], validate=False)  # and the curve check (G1 has cofactor 1)
    bad = _twist_point_outside_g2()
    with pytest.raises(MSMInputError, match="subgroup"):
        msm_g2([bad], [1])
    expected = to_affine(ref.multiply(from_affine(bad, True), 3))
    assert msm_g2([bad], [3], validate=False) == expected  # on the twist: accepted, computed exactly
    with pytest.raises(MSMInputError):
        msm_g2([((1, 0), (2, 0))], [1], validate=False)  # off the twist: always refused
