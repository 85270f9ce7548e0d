"""G1 and G2 against py_ecc.optimized_bn128, plus subgroup checks and the canonical encodings."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc.optimized_bn128 import (
    FQ,
    FQ2,
    normalize,
)
from py_ecc.optimized_bn128 import (
    G1 as PY_G1,
)
from py_ecc.optimized_bn128 import (
    G2 as PY_G2,
)
from py_ecc.optimized_bn128 import (
    add as py_add,
)
from py_ecc.optimized_bn128 import (
    b2 as PY_B2,
)
from py_ecc.optimized_bn128 import (
    multiply as py_mul,
)
from py_ecc.optimized_bn128 import (
    neg as py_neg,
)

from schemes.bn254 import curve as C
from schemes.bn254.fields import P, R, fp2_add, fp2_mul, fp2_sqr, fp_inv, fp_sqrt

PI, RI = int(P), int(R)
U = 4965661367192848881
TRACE = 6 * U * U + 1  # trace of Frobenius of E(Fp): #E(Fp) = p + 1 - t = r
COFACTOR2 = 2 * PI - RI  # #E'(Fp2) = r (2p - r)
scalar = st.integers(1, RI - 1)
FAST = settings(max_examples=15, deadline=None)
SLOW = settings(max_examples=4, deadline=None)


def py_g1(pt):
    return None if pt is None else (FQ(pt[0]), FQ(pt[1]), FQ(1))


def from_py_g1(pt):
    if pt[2] == FQ(0):
        return None
    x, y = normalize(pt)
    return (int(x), int(y))


def py_g2(pt):
    return None if pt is None else (FQ2(list(pt[0])), FQ2(list(pt[1])), FQ2([1, 0]))


def from_py_g2(pt):
    if pt[2] == FQ2([0, 0]):
        return None
    x, y = normalize(pt)
    return (tuple(int(c) for c in x.coeffs), tuple(int(c) for c in y.coeffs))


def fp2_sqrt(a):
    """A square root in Fp2 via the norm: for a = a0 + a1 i, n = sqrt(a0^2 + a1^2),
    x0^2 = (a0 +- n)/2, x1 = a1 / (2 x0). Returns None for non-squares."""
    n = fp_sqrt((a[0] * a[0] + a[1] * a[1]) % PI)
    if n is None:
        return None
    for s in (n, -n):
        x0 = fp_sqrt((a[0] + s) * (PI + 1) // 2 % PI)
        if x0:
            root = (x0, a[1] * fp_inv(2 * x0) % PI)
            if tuple(c % PI for c in fp2_sqr(root)) == (a[0] % PI, a[1] % PI):
                return root
    return None


def twist_point(seed: int):
    """A point of E'(Fp2) found by trying x = seed + i, seed + 1 + i, ... WITHOUT cofactor
    clearing, so (with overwhelming probability) not in G2."""
    x0 = seed
    while True:
        x = (x0, 1)
        rhs = fp2_add(fp2_mul(fp2_sqr(x), x), C.B2)
        y = fp2_sqrt(rhs)
        if y is not None:
            return (x, (int(y[0]), int(y[1])))
        x0 += 1


# ------------------------------------------------------------------------------- constants


def test_generators_and_constants_match_py_ecc():
    assert C.G1_GEN == from_py_g1(PY_G1)
    assert C.G2_GEN == from_py_g2(PY_G2)
    assert FQ2(list(C.B2)) == PY_B2
    assert C.g1_is_on_curve(C.G1_GEN) and C.g2_is_on_curve(C.G2_GEN)
    assert C.g2_in_subgroup(C.G2_GEN)


def test_group_orders():
    assert C.g1_mul(C.G1_GEN, RI) is None
    assert C.g2_mul(C.G2_GEN, RI) is None
    assert C.g2_mul(C.G2_GEN, RI - 1) == C.g2_neg(C.G2_GEN)
    assert PI + 1 - TRACE == RI


# -------------------------------------------------------------------------------------- G1


@FAST
@given(scalar, scalar)
def test_g1_add_and_mul_match_py_ecc(a, b):
    pa, pb = C.g1_mul(C.G1_GEN, a), C.g1_mul(C.G1_GEN, b)
    assert pa == from_py_g1(py_mul(PY_G1, a))
    assert C.g1_add(pa, pb) == from_py_g1(py_add(py_g1(pa), py_g1(pb)))
    assert C.g1_mul(pa, b) == from_py_g1(py_mul(py_g1(pa), b))
    assert C.g1_neg(pa) == from_py_g1(py_neg(py_g1(pa)))
    assert all(type(c) is int for c in pa)


@FAST
@given(scalar)
def test_g1_group_law_edge_cases(a):
    pa = C.g1_mul(C.G1_GEN, a)
    assert C.g1_add(pa, C.g1_neg(pa)) is None
    assert C.g1_add(pa, None) == pa and C.g1_add(None, pa) == pa
    assert C.g1_add(pa, pa) == C.g1_double(pa) == C.g1_mul(pa, 2)
    assert C.g1_mul(pa, 0) is None and C.g1_mul(None, 5) is None
    assert C.g1_mul(pa, -3) == C.g1_neg(C.g1_mul(pa, 3))
    assert C.g1_mul(pa, RI + 7) == C.g1_mul(pa, 7)
    assert C.g1_eq(C.g1_mul(C.G1_GEN, a), pa) and not C.g1_eq(pa, None)


@FAST
@given(scalar, scalar, st.integers(2, PI - 1), st.integers(2, PI - 1))
def test_g1_jacobian_helpers_with_scaled_z(a, b, z1, z2):
    pa, pb = C.g1_mul(C.G1_GEN, a), C.g1_mul(C.G1_GEN, b)

    def scaled(pt, z):  # (x z^2, y z^3, z) represents the same point
        return (pt[0] * z * z % PI, pt[1] * z**3 % PI, z)

    ja, jb = scaled(pa, z1), scaled(pb, z2)
    expected = from_py_g1(py_add(py_g1(pa), py_g1(pb)))
    assert C.g1_from_jacobian(C.g1_jac_add(ja, jb)) == expected
    assert C.g1_from_jacobian(C.g1_jac_add_affine(ja, pb)) == expected
    assert C.g1_from_jacobian(C.g1_jac_double(ja)) == from_py_g1(py_add(py_g1(pa), py_g1(pa)))
    assert C.g1_from_jacobian(C.g1_jac_add(ja, scaled(pa, z2))) == C.g1_double(pa)
    assert C.g1_jac_is_infinity(C.g1_jac_add(ja, C.g1_jac_neg(scaled(pa, z2))))
    assert C.g1_jac_is_infinity(C.g1_to_jacobian(None))
    assert C.g1_from_jacobian(C.g1_jac_add(C.g1_to_jacobian(None), ja)) == pa
    assert C.g1_from_jacobian(C.g1_to_jacobian(pa)) == pa


# -------------------------------------------------------------------------------------- G2


@SLOW
@given(scalar, scalar)
def test_g2_add_and_mul_match_py_ecc(a, b):
    qa, qb = C.g2_mul(C.G2_GEN, a), C.g2_mul(C.G2_GEN, b)
    assert qa == from_py_g2(py_mul(PY_G2, a))
    assert C.g2_add(qa, qb) == from_py_g2(py_add(py_g2(qa), py_g2(qb)))
    assert C.g2_neg(qa) == from_py_g2(py_neg(py_g2(qa)))
    assert all(type(c) is int for coord in qa for c in coord)


@SLOW
@given(scalar)
def test_g2_group_law_edge_cases(a):
    qa = C.g2_mul(C.G2_GEN, a)
    assert C.g2_add(qa, C.g2_neg(qa)) is None
    assert C.g2_add(qa, None) == qa and C.g2_add(None, qa) == qa
    assert C.g2_add(qa, qa) == C.g2_double(qa) == C.g2_mul(qa, 2)
    assert C.g2_mul(qa, 0) is None and C.g2_mul(None, 3) is None
    assert C.g2_mul(qa, -3) == C.g2_neg(C.g2_mul(qa, 3))
    assert C.g2_eq(C.g2_mul(C.G2_GEN, a), qa) and not C.g2_eq(None, qa)


@FAST
@given(scalar, scalar, st.tuples(st.integers(1, PI - 1), st.integers(0, PI - 1)))
def test_g2_jacobian_helpers_with_scaled_z(a, b, z):
    qa = C.g2_mul(C.G2_GEN, a)
    qb = C.g2_mul(C.G2_GEN, b)
    z2 = fp2_sqr(z)
    ja = (fp2_mul(qa[0], z2), fp2_mul(qa[1], fp2_mul(z2, z)), z)
    expected = C.g2_add(qa, qb)
    assert C.g2_from_jacobian(C.g2_jac_add(ja, C.g2_to_jacobian(qb))) == expected
    assert C.g2_from_jacobian(C.g2_jac_add(C.g2_to_jacobian(qb), ja)) == expected
    assert C.g2_from_jacobian(C.g2_jac_add_affine(ja, qb)) == expected
    assert C.g2_from_jacobian(C.g2_jac_double(ja)) == C.g2_double(qa)
    assert C.g2_from_jacobian(C.g2_jac_add_affine(ja, qa)) == C.g2_double(qa)
    assert C.g2_jac_is_infinity(C.g2_jac_add(ja, C.g2_jac_neg(C.g2_to_jacobian(qa))))


# ------------------------------------------------------------------------- G2 subgroup check


def test_subgroup_test_soundness_conditions():
    """The arithmetic facts the psi-based test relies on (see g2_in_subgroup's docstring)."""
    lam = 6 * U * U
    assert (PI - lam) % RI == 0  # psi acts as [p] = [6u^2] on G2
    assert math.gcd(lam * lam - TRACE * lam + PI, COFACTOR2) == 1
    assert COFACTOR2 % RI != 0
    assert C.SIX_U_SQUARED == lam


@pytest.mark.parametrize("seed", [1, 1000, 2**200])
def test_psi_characteristic_polynomial_and_twist_order(seed):
    q = twist_point(seed)
    assert C.g2_is_on_curve(q)
    # psi^2 - t psi + p = 0 on all of E'(Fp2)
    lhs = C.g2_add(C.g2_psi(C.g2_psi(q)), C.g2_neg(C.g2_mul(C.g2_psi(q), TRACE)))
    assert C.g2_add(lhs, C.g2_mul(q, PI)) is None
    # #E'(Fp2) = r (2p - r)
    assert C.g2_mul(q, RI * COFACTOR2) is None


@pytest.mark.parametrize("seed", [1, 1000, 2**200])
def test_subgroup_check_on_non_subgroup_points(seed):
    q = twist_point(seed)
    assert C.g2_mul(q, RI) is not None  # reference: [r] q != O
    assert not C.g2_in_subgroup(q)
    cleared = C.g2_mul(q, COFACTOR2)  # cofactor clearing lands in G2
    assert cleared is not None and C.g2_mul(cleared, RI) is None
    assert C.g2_in_subgroup(cleared)
    torsion = C.g2_mul(q, RI)  # order divides the cofactor only
    assert torsion is not None and not C.g2_in_subgroup(torsion)
    assert C.g2_psi(cleared) == C.g2_mul(cleared, PI)  # psi = [p] on G2


# ------------------------------------------------------------------------------- encodings

# EIP-197's encoding of the G2 generator (x.c1 || x.c0 || y.c1 || y.c0).
EIP197_G2_GEN = bytes.fromhex(
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa"
)


def test_known_encodings():
    assert C.g2_to_bytes(C.G2_GEN) == EIP197_G2_GEN
    assert C.g2_from_bytes(EIP197_G2_GEN) == C.G2_GEN
    assert C.g1_to_bytes(C.G1_GEN) == (1).to_bytes(32, "big") + (2).to_bytes(32, "big")
    assert C.g1_to_bytes(None) == bytes(64) and C.g1_from_bytes(bytes(64)) is None
    assert C.g2_to_bytes(None) == bytes(128) and C.g2_from_bytes(bytes(128)) is None


@FAST
@given(scalar)
def test_g1_encoding_round_trip(a):
    pt = C.g1_mul(C.G1_GEN, a)
    data = C.g1_to_bytes(pt)
    assert len(data) == 64 and C.g1_from_bytes(data) == pt
    assert C.g1_from_bytes(bytearray(data)) == pt
    assert C.g1_from_ints(*pt) == pt


@SLOW
@given(scalar)
def test_g2_encoding_round_trip(a):
    pt = C.g2_mul(C.G2_GEN, a)
    data = C.g2_to_bytes(pt)
    assert len(data) == 128 and C.g2_from_bytes(data) == pt
    assert C.g2_from_ints(*pt) == pt


def test_g1_decoder_rejections():
    x, y = C.G1_GEN
    enc = lambda a, b: a.to_bytes(32, "big") + b.to_bytes(32, "big")  # noqa: E731
    with pytest.raises(C.InvalidPoint, match="64 bytes"):
        C.g1_from_bytes(C.g1_to_bytes(C.G1_GEN)[:-1])
    with pytest.raises(C.InvalidPoint, match="canonical"):
        C.g1_from_bytes(enc(x + PI, y))  # same point mod P, non-canonical
    with pytest.raises(C.InvalidPoint, match="canonical"):
        C.g1_from_bytes(enc(x, y + PI))
    with pytest.raises(C.InvalidPoint, match="not on the curve"):
        C.g1_from_bytes(enc(x, y + 1))
    with pytest.raises(C.InvalidPoint, match="not on the curve"):
        C.g1_from_bytes(enc(0, 1))
    with pytest.raises(C.InvalidPoint, match="bytes"):
        C.g1_from_bytes("00" * 64)
    with pytest.raises(C.InvalidPoint, match="integer"):
        C.g1_from_ints("1", 2)
    with pytest.raises(C.InvalidPoint, match="integer"):
        C.g1_from_ints(True, 2)
    with pytest.raises(C.InvalidPoint, match="integer"):
        C.g1_from_ints(1.0, 2)
    with pytest.raises(C.InvalidPoint, match="canonical"):
        C.g1_from_ints(-1, 2)
    assert C.g1_from_ints(0, 0) is None
    assert issubclass(C.InvalidPoint, ValueError)


def test_g2_decoder_rejections():
    good = bytearray(EIP197_G2_GEN)
    with pytest.raises(C.InvalidPoint, match="128 bytes"):
        C.g2_from_bytes(bytes(good) + b"\x00")
    for i in range(4):  # each coordinate pushed to coordinate + P
        bad = bytearray(good)
        v = int.from_bytes(bad[32 * i : 32 * i + 32], "big") + PI
        bad[32 * i : 32 * i + 32] = v.to_bytes(32, "big")
        with pytest.raises(C.InvalidPoint, match="canonical"):
            C.g2_from_bytes(bytes(bad))
    off = bytearray(good)
    off[-1] ^= 1
    with pytest.raises(C.InvalidPoint, match="not on the twist"):
        C.g2_from_bytes(bytes(off))
    swapped = good[32:64] + good[:32] + good[96:] + good[64:96]  # c0/c1 order confused
    with pytest.raises(C.InvalidPoint):
        C.g2_from_bytes(bytes(swapped))
    q = twist_point(7)
    with pytest.raises(C.InvalidPoint, match="subgroup"):
        C.g2_from_bytes(C.g2_to_bytes(q))
    with pytest.raises(C.InvalidPoint, match="subgroup"):
        C.g2_from_ints(*q)
    with pytest.raises(C.InvalidPoint, match="pairs"):
        C.g2_from_ints(1, 2)
    with pytest.raises(C.InvalidPoint, match="integer"):
        C.g2_from_ints((1, "2"), (3, 4))
    assert C.g2_from_ints((0, 0), (0, 0)) is None


def test_is_on_curve_rejects_non_canonical():
    x, y = C.G1_GEN
    assert not C.g1_is_on_curve((x + PI, y))
    (x0, x1), y2 = C.G2_GEN
    assert not C.g2_is_on_curve(((x0, x1 + PI), y2))
