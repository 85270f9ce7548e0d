"""Fp, Fp2 and the Fp6/Fp12 tower against py_ecc.optimized_bn128 (an independent implementation).

py_ecc builds Fp12 directly as Fp[W]/(W^12 - 18 W^6 + 82). Its twist embeds Fp2 by
i -> W^6 - 9 (indeed (W^6 - 9)^2 = -1), and W^6 = 9 + i = xi, so W plays the role of our w.
The isomorphism from our tower is therefore

    sum_k (a_k + b_k i) w^k  ->  sum_k (a_k - 9 b_k) W^k + b_k W^(k+6),

and every tower operation must commute with it.
"""

from __future__ import annotations

from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from py_ecc.optimized_bn128 import FQ2, FQ12, field_modulus

from schemes.bn254 import fields as F
from schemes.bn254 import tower as T

PI = int(F.P)
fp = st.integers(0, PI - 1)
fp2 = st.tuples(fp, fp)
fp6 = st.tuples(*[fp] * 6)
fp12 = st.tuples(*[fp] * 12)
nonzero_fp12 = fp12.filter(any)
FAST = settings(max_examples=25, deadline=None)
# py_ecc's Fp12 powers are slow: few examples, and no shrinking (it would take minutes)
SLOW = settings(max_examples=3, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])


def to_py_ecc(a: tuple) -> FQ12:
    """Our flat Fp12 element as a py_ecc FQ12 (the isomorphism in the module docstring)."""
    c = [0] * 12
    for k, (re, im) in enumerate(T.fp12_w_coeffs(a)):
        c[k] += int(re) - 9 * int(im)
        c[k + 6] += int(im)
    return FQ12(c)


def fp6_in_fp12(a: tuple) -> tuple:
    """Fp6 is the subfield of Fp12 with no w-odd part (v = w^2)."""
    return tuple(a) + (0,) * 6


def test_moduli_match_py_ecc_and_spec():
    assert PI == field_modulus
    # r is the BN254 group order from the spec (EIP-196/197); check its BN shape in u.
    u = 4965661367192848881
    assert PI == 36 * u**4 + 36 * u**3 + 24 * u**2 + 6 * u + 1
    assert int(F.R) == 36 * u**4 + 36 * u**3 + 18 * u**2 + 6 * u + 1


# ------------------------------------------------------------------------------ Fp and Fp2


@FAST
@given(fp2, fp2)
def test_fp2_ring_ops_match_py_ecc(a, b):
    pa, pb = FQ2(list(a)), FQ2(list(b))
    assert FQ2(list(F.fp2_add(a, b))) == pa + pb
    assert FQ2(list(F.fp2_sub(a, b))) == pa - pb
    assert FQ2(list(F.fp2_mul(a, b))) == pa * pb
    assert FQ2(list(F.fp2_sqr(a))) == pa * pa
    assert FQ2(list(F.fp2_neg(a))) == -pa
    assert FQ2(list(F.fp2_mul_xi(a))) == pa * FQ2([9, 1])
    assert FQ2(list(F.fp2_mul_fp(a, b[0]))) == pa * b[0]
    assert FQ2(list(F.fp2_conj(a))) == pa**PI  # Frobenius


@FAST
@given(fp2.filter(any))
def test_fp2_inv_matches_py_ecc(a):
    assert FQ2(list(F.fp2_inv(a))) == FQ2([1, 0]) / FQ2(list(a))


@FAST
@given(fp.filter(bool))
def test_fp_sqrt_and_inv(a):
    s = F.fp_sqrt(a * a % PI)
    assert s is not None and s * s % PI == a * a % PI
    assert F.fp_sqrt(-a * a % PI) is None  # -1 is a non-residue since P = 3 (mod 4)
    assert F.fp_inv(a) * a % PI == 1


# ------------------------------------------------------------------------------------- Fp6


@FAST
@given(fp6, fp6)
def test_fp6_mul_sqr_add_match_py_ecc(a, b):
    pa, pb = to_py_ecc(fp6_in_fp12(a)), to_py_ecc(fp6_in_fp12(b))
    assert to_py_ecc(fp6_in_fp12(T.fp6_mul(a, b))) == pa * pb
    assert to_py_ecc(fp6_in_fp12(T.fp6_sqr(a))) == pa * pa
    assert to_py_ecc(fp6_in_fp12(T.fp6_add(a, b))) == pa + pb
    assert to_py_ecc(fp6_in_fp12(T.fp6_sub(a, b))) == pa - pb
    assert to_py_ecc(fp6_in_fp12(T.fp6_neg(a))) == -pa
    # v = w^2
    assert to_py_ecc(fp6_in_fp12(T.fp6_mul_by_v(a))) == pa * FQ12([0, 0, 1] + [0] * 9)


@FAST
@given(fp6.filter(any))
def test_fp6_inv(a):
    inv = T.fp6_inv(a)
    assert T.fp6_mul(a, inv) == T.FP6_ONE
    assert to_py_ecc(fp6_in_fp12(inv)) == FQ12.one() / to_py_ecc(fp6_in_fp12(a))


# ------------------------------------------------------------------------------------ Fp12


def test_w_and_i_embedding():
    w = T.fp12_from_w_coeffs([(0, 0), (1, 0)] + [(0, 0)] * 4)
    i = T.fp12_from_w_coeffs([(0, 1)] + [(0, 0)] * 5)
    assert to_py_ecc(w) == FQ12([0, 1] + [0] * 10)
    assert T.fp12_pow(w, 6) == T.fp12_from_w_coeffs([(9, 1)] + [(0, 0)] * 5)  # w^6 = xi
    assert T.fp12_sqr(i) == T.fp12_sub(T.FP12_ZERO, T.FP12_ONE)  # i^2 = -1
    assert T.fp12_w_coeffs(T.fp12_from_w_coeffs(T.fp12_w_coeffs(w))) == T.fp12_w_coeffs(w)


@FAST
@given(fp12, fp12)
def test_fp12_mul_sqr_add_match_py_ecc(a, b):
    pa, pb = to_py_ecc(a), to_py_ecc(b)
    assert to_py_ecc(T.fp12_mul(a, b)) == pa * pb
    assert to_py_ecc(T.fp12_sqr(a)) == pa * pa
    assert to_py_ecc(T.fp12_add(a, b)) == pa + pb
    assert to_py_ecc(T.fp12_sub(a, b)) == pa - pb


@settings(max_examples=10, deadline=None)
@given(nonzero_fp12)
def test_fp12_inv_matches_py_ecc(a):
    inv = T.fp12_inv(a)
    assert T.fp12_is_one(T.fp12_mul(a, inv))
    assert to_py_ecc(inv) == FQ12.one() / to_py_ecc(a)


@SLOW
@given(fp12)
def test_fp12_frobenius_matches_py_ecc_power(a):
    pa = to_py_ecc(a)
    assert to_py_ecc(T.fp12_frobenius(a, 1)) == pa**PI
    assert to_py_ecc(T.fp12_frobenius(a, 2)) == pa ** (PI * PI)


@FAST
@given(fp12)
def test_fp12_frobenius_composes(a):
    f1 = T.fp12_frobenius(a, 1)
    f2 = T.fp12_frobenius(a, 2)
    assert T.fp12_frobenius(f1, 1) == f2
    assert T.fp12_frobenius(f2, 1) == T.fp12_frobenius(a, 3)
    assert T.fp12_frobenius(a, 6) == T.fp12_conj(a)  # x^(p^6) is the conjugation c0 - c1 w
    assert T.fp12_frobenius(a, 12) == a
    assert T.fp12_frobenius(T.fp12_frobenius(a, 7), 5) == a


@FAST
@given(fp12, fp12)
def test_frobenius_is_a_ring_homomorphism(a, b):
    for n in (1, 2, 3):
        assert T.fp12_frobenius(T.fp12_mul(a, b), n) == T.fp12_mul(T.fp12_frobenius(a, n), T.fp12_frobenius(b, n))


@SLOW
@given(nonzero_fp12)
def test_fp12_pow_matches_py_ecc(a):
    e = 0xDEADBEEF1234567
    assert to_py_ecc(T.fp12_pow(a, e)) == to_py_ecc(a) ** e
    assert T.fp12_is_one(T.fp12_mul(T.fp12_pow(a, -5), T.fp12_pow(a, 5)))


@FAST
@given(fp12, fp2, fp2, fp2)
def test_mul_by_034_equals_dense_product(f, l0, l3, l4):
    line = T.fp12_from_w_coeffs([l0, l3, (0, 0), l4, (0, 0), (0, 0)])  # l0 + l3 w + l4 w^3
    assert T.fp12_mul_by_034(f, l0, l3, l4) == T.fp12_mul(f, line)


@FAST
@given(fp12, fp2, fp2, fp2)
def test_mul_by_034_accepts_unreduced_line(f, l0, l3, l4):
    shifted = tuple(c + 5 * PI for c in l0), tuple(c - 3 * PI for c in l3), l4
    assert T.fp12_mul_by_034(f, *shifted) == T.fp12_mul_by_034(f, l0, l3, l4)


def cyclotomic(a: tuple) -> tuple:
    """a^((p^6 - 1)(p^2 + 1)), an element of the cyclotomic subgroup (order divides p^4 - p^2 + 1)."""
    m = T.fp12_mul(T.fp12_conj(a), T.fp12_inv(a))
    return T.fp12_mul(T.fp12_frobenius(m, 2), m)


@FAST
@given(nonzero_fp12)
def test_cyclotomic_squaring(a):
    m = cyclotomic(a)
    # membership of the cyclotomic subgroup: m^(p^4 - p^2 + 1) = 1, i.e. m^(p^4) m = m^(p^2)
    assert T.fp12_mul(T.fp12_frobenius(m, 4), m) == T.fp12_frobenius(m, 2)
    assert T.fp12_cyclotomic_sqr(m) == T.fp12_sqr(m)
    assert T.fp12_conj(m) == T.fp12_inv(m)


def test_cyclotomic_squaring_is_wrong_outside_the_subgroup():
    a = tuple(range(1, 13))
    assert T.fp12_cyclotomic_sqr(a) != T.fp12_sqr(a)


@settings(max_examples=10, deadline=None)
@given(nonzero_fp12, st.integers(-(2**70), 2**70))
def test_cyclotomic_pow(a, e):
    m = cyclotomic(a)
    assert T.fp12_cyclotomic_pow(m, e) == T.fp12_pow(m, e)


def test_naf_digits():
    for e in (0, 1, 2, 3, 7, 0b1011011101, 6 * 4965661367192848881 + 2):
        d = T._naf(e)
        assert sum(x << i for i, x in enumerate(d)) == e
        assert all(x in (-1, 0, 1) for x in d)
        assert all(d[i] == 0 or d[i + 1] == 0 for i in range(len(d) - 1))


def test_fp2_pow():
    a = (3, 5)
    assert F.fp2_eq(T.fp2_pow(a, 0), (1, 0))
    assert F.fp2_eq(T.fp2_pow(a, 5), F.fp2_mul(F.fp2_sqr(F.fp2_sqr(a)), a))
    assert F.fp2_eq(T.fp2_pow(a, PI * PI - 1), (1, 0))  # |Fp2*| = p^2 - 1
