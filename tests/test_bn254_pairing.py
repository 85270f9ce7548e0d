"""The optimal-ate pairing: equality with py_ecc.optimized_bn128's pairing (through the explicit
isomorphism between the two Fp12 representations), bilinearity, the final exponentiation against
a plain power, multi-pairings with prepared points, and Groth16-shaped pairing checks."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from py_ecc.optimized_bn128 import (
    FQ,
    FQ2,
    FQ12,
)
from py_ecc.optimized_bn128 import (
    G1 as PY_G1,
)
from py_ecc.optimized_bn128 import (
    G2 as PY_G2,
)
from py_ecc.optimized_bn128 import (
    multiply as py_mul,
)
from py_ecc.optimized_bn128 import (
    pairing as py_pairing,
)
from py_ecc.optimized_bn128.optimized_pairing import ate_loop_count

from schemes.bn254 import pairing as PR
from schemes.bn254 import tower as T
from schemes.bn254.curve import (
    B2,
    G1_GEN,
    G2_GEN,
    InvalidPoint,
    g1_add,
    g1_mul,
    g1_neg,
    g2_add,
    g2_mul,
    g2_neg,
)
from schemes.bn254.fields import P, R, fp2_add, fp2_mul, fp2_sqr, fp_inv, fp_sqrt

PI, RI = int(P), int(R)
U = 4965661367192848881
FINAL_EXPONENT = (PI**12 - 1) // RI
scalar = st.integers(1, RI - 1)
# py_ecc pairings and 2800-bit powers are slow: few examples, and no shrinking
NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate]


def to_py_ecc(a: tuple) -> FQ12:
    """Our Fp12 element in py_ecc's basis: i -> W^6 - 9, w -> W (see test_bn254_fields.py)."""
    c = [0] * 12
    for k, (re, im) in enumerate(T.fp12_w_coeffs(a)):
        c[k] += int(re) - 9 * int(im)
        c[k + 6] += int(im)
    return FQ12(c)


def py_g1(pt):
    return (FQ(pt[0]), FQ(pt[1]), FQ(1))


def py_g2(pt):
    return (FQ2(list(pt[0])), FQ2(list(pt[1])), FQ2([1, 0]))


def non_subgroup_twist_point():
    """A point of E'(Fp2) outside G2: x = 1 + i, 2 + i, ... until x^3 + b' is a square
    (square root via the norm), without cofactor clearing."""
    x0 = 1
    while True:
        x = (x0, 1)
        a = fp2_add(fp2_mul(fp2_sqr(x), x), B2)
        n = fp_sqrt((a[0] * a[0] + a[1] * a[1]) % PI)
        if n is not None:
            for s in (n, -n):
                y0 = fp_sqrt((a[0] + s) * (PI + 1) // 2 % PI)
                if y0:
                    y = (int(y0), int(a[1] * fp_inv(2 * y0) % PI))
                    if tuple(int(c) for c in fp2_sqr(y)) == tuple(int(c) for c in a):
                        q = (x, y)
                        assert g2_mul(q, RI) is not None
                        return q
        x0 += 1


# ----------------------------------------------------------------------------- vs py_ecc


def test_loop_parameters():
    assert PR.ATE_LOOP_COUNT == ate_loop_count == 6 * U + 2
    digits = (1,) + PR._LOOP_DIGITS
    assert sum(d << i for i, d in enumerate(reversed(digits))) == ate_loop_count


def test_final_exponentiation_chain_exponent():
    """The documented hard-part chain y0 y1^2 y2^6 y3^12 y4^18 y5^30 y6^36 raises to exactly
    (p^4 - p^2 + 1)/r (exponents of the y_i as in final_exponentiation's docstring)."""
    p, u = PI, U
    y = [p + p**2 + p**3, -1, u * u * p**2, -u * p, -(u + u * u * p), -u * u, -(u**3 + u**3 * p)]
    weights = [1, 2, 6, 12, 18, 30, 36]
    assert sum(w * e for w, e in zip(weights, y)) * RI == p**4 - p**2 + 1


def test_pairing_of_generators_equals_py_ecc():
    assert to_py_ecc(PR.pairing(G1_GEN, G2_GEN)) == py_pairing(PY_G2, PY_G1)


@settings(max_examples=2, deadline=None, phases=NO_SHRINK)
@given(scalar, scalar)
def test_pairing_equals_py_ecc(a, b):
    p, q = g1_mul(G1_GEN, a), g2_mul(G2_GEN, b)
    ours = PR.pairing(p, q)
    assert to_py_ecc(ours) == py_pairing(py_mul(PY_G2, b), py_mul(PY_G1, a))
    assert all(type(c) is int for c in ours)


@settings(max_examples=3, deadline=None, phases=NO_SHRINK)
@given(st.tuples(*[st.integers(0, PI - 1)] * 12).filter(any))
def test_final_exponentiation_is_the_plain_power(f):
    assert PR.final_exponentiation(f) == T.fp12_pow(f, FINAL_EXPONENT)


# ------------------------------------------------------------------------------ algebra


@settings(max_examples=4, deadline=None)
@given(scalar, scalar)
def test_bilinearity(a, b):
    e = PR.pairing(G1_GEN, G2_GEN)
    assert PR.pairing(g1_mul(G1_GEN, a), g2_mul(G2_GEN, b)) == T.fp12_pow(e, a * b)
    assert PR.pairing(g1_mul(G1_GEN, a * b % RI), G2_GEN) == PR.pairing(G1_GEN, g2_mul(G2_GEN, a * b))


@settings(max_examples=3, deadline=None)
@given(scalar, scalar, scalar)
def test_additivity_in_each_argument(a, b, c):
    p1, p2, q = g1_mul(G1_GEN, a), g1_mul(G1_GEN, b), g2_mul(G2_GEN, c)
    assert PR.pairing(g1_add(p1, p2), q) == T.fp12_mul(PR.pairing(p1, q), PR.pairing(p2, q))
    q2 = g2_mul(G2_GEN, a)
    assert PR.pairing(p1, g2_add(q, q2)) == T.fp12_mul(PR.pairing(p1, q), PR.pairing(p1, q2))


def test_non_degenerate_and_order_r():
    e = PR.pairing(G1_GEN, G2_GEN)
    assert not T.fp12_is_one(e)
    assert T.fp12_is_one(T.fp12_pow(e, RI))


def test_infinity_gives_one():
    assert PR.pairing(None, G2_GEN) == PR.FP12_ONE
    assert PR.pairing(G1_GEN, None) == PR.FP12_ONE
    assert PR.pairing(G1_GEN, PR.prepare_g2(None)) == PR.FP12_ONE
    assert PR.pairing_check([]) is True
    assert PR.pairing_check([(None, G2_GEN), (G1_GEN, None)]) is True


@settings(max_examples=3, deadline=None)
@given(scalar, scalar)
def test_prepared_equals_affine_and_multi_loop_is_the_product(a, b):
    p, q = g1_mul(G1_GEN, a), g2_mul(G2_GEN, b)
    prep = PR.prepare_g2(q)
    assert prep.point == q
    assert PR.pairing(p, prep) == PR.pairing(p, q)
    mixed = PR.final_exponentiation(PR.multi_miller_loop([(p, prep), (G1_GEN, G2_GEN), (None, q)]))
    assert mixed == T.fp12_mul(PR.pairing(p, q), PR.pairing(G1_GEN, G2_GEN))


# -------------------------------------------------------------------------- pairing checks


def groth16_like(a, b, alpha, beta, gamma, delta, ell):
    """Points of a valid Groth16-shaped equation e(A, B) = e(alpha, beta) e(L, gamma) e(C, delta)
    built from discrete logs: c = (a b - alpha beta - ell gamma) / delta (mod r)."""
    c = (a * b - alpha * beta - ell * gamma) * pow(delta, -1, RI) % RI
    g1 = {k: g1_mul(G1_GEN, v) for k, v in dict(A=a, alpha=alpha, L=ell, C=c).items()}
    g2 = {k: g2_mul(G2_GEN, v) for k, v in dict(B=b, beta=beta, gamma=gamma, delta=delta).items()}
    return g1, g2


@settings(max_examples=3, deadline=None)
@given(*[scalar] * 7)
def test_groth16_shaped_check(a, b, alpha, beta, gamma, delta, ell):
    g1, g2 = groth16_like(a, b, alpha, beta, gamma, delta, ell)
    preps = [PR.prepare_g2(g2[k]) for k in ("beta", "gamma", "delta")]

    def check(A, B, C):
        return PR.pairing_check([(g1_neg(A), B), (g1["alpha"], preps[0]), (g1["L"], preps[1]), (C, preps[2])])

    assert check(g1["A"], g2["B"], g1["C"]) is True
    assert check(g1["A"], g2["B"], g1_add(g1["C"], G1_GEN)) is False
    assert check(g1_mul(g1["A"], 2), g2["B"], g1["C"]) is False
    assert check(g1["A"], g2_neg(g2["B"]), g1["C"]) is False
    assert check(g1["A"], g2["B"], None) is (g1["C"] is None)


# ------------------------------------------------------------------------------ rejections


def test_invalid_inputs_are_rejected():
    x, y = G1_GEN
    with pytest.raises(InvalidPoint):
        PR.pairing_check([((x, y + 1), G2_GEN)])
    with pytest.raises(InvalidPoint):
        PR.pairing_check([((x + PI, y), G2_GEN)])
    (x0, x1), q_y = G2_GEN
    with pytest.raises(InvalidPoint):
        PR.pairing_check([(G1_GEN, ((x0 + 1, x1), q_y))])
    with pytest.raises(InvalidPoint):
        PR.prepare_g2(((x0 + 1, x1), q_y))
    outside = non_subgroup_twist_point()
    with pytest.raises(InvalidPoint, match="subgroup"):
        PR.prepare_g2(outside)
    with pytest.raises(InvalidPoint, match="subgroup"):
        PR.pairing_check([(G1_GEN, outside)])
    with pytest.raises(InvalidPoint, match="subgroup"):
        PR.pairing_check([(None, outside)])  # validated even when the pair contributes 1


# --------------------------------------------------------------------------- pure Python


def test_pure_python_backend_gives_the_same_pairing():
    """SCHEMES_PURE_PYTHON=1 (plain ints instead of gmpy2) computes the same values."""
    script = textwrap.dedent("""
        from schemes.bigint import BACKEND
        from schemes.bn254.curve import G1_GEN, G2_GEN, g1_mul, g1_neg, g2_mul
        from schemes.bn254.pairing import pairing, pairing_check, prepare_g2
        assert BACKEND == "int", BACKEND
        e = pairing(g1_mul(G1_GEN, 5), G2_GEN)
        assert pairing_check([(g1_neg(g1_mul(G1_GEN, 5)), G2_GEN), (G1_GEN, prepare_g2(g2_mul(G2_GEN, 5)))])
        print(",".join(map(str, e)))
    """)
    env = dict(os.environ, SCHEMES_PURE_PYTHON="1")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    expected = PR.pairing(g1_mul(G1_GEN, 5), G2_GEN)
    assert tuple(int(v) for v in out.stdout.strip().split(",")) == expected
