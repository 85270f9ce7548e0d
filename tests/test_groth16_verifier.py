"""Every rejection rule of the Groth16 verifier, each with its reason."""

import pytest

from schemes.bn254.curve import B2, G2_GEN, g1_neg, g2_in_subgroup, g2_is_on_curve, g2_neg
from schemes.bn254.fields import P, R, fp2_add, fp2_mul, fp2_sqr
from schemes.bn254.tower import fp2_pow
from schemes.groth16 import InvalidProof, Proof, insecure_setup_from_seed, prepare_verifying_key, prove, verify
from schemes.groth16.example import cubic_circuit

P_INT, R_INT = int(P), int(R)


@pytest.fixture(scope="module")
def setting():
    cs = cubic_circuit(3, 42)
    r1cs = cs.freeze()
    pk = insecure_setup_from_seed(r1cs, b"verifier-tests")
    pvk = prepare_verifying_key(pk.vk)
    proof = prove(pk, r1cs, cs.assignment)
    verify(pvk, cs.public_values, proof)
    return pvk, cs.public_values, proof


def reject(pvk, public, proof, match):
    with pytest.raises(InvalidProof, match=match) as e:
        verify(pvk, public, proof)
    assert e.value.reason  # the reason is exposed separately


def fp2_sqrt(a):
    """A square root in Fp2 for p = 3 mod 4 (Adj and Rodriguez-Henriquez, alg. 9), or None."""
    a1 = fp2_pow(a, (P_INT - 3) // 4)
    alpha = fp2_mul(fp2_mul(a1, a1), a)
    a0 = fp2_mul(fp2_pow(alpha, P_INT), alpha)
    if a0 == (P_INT - 1, 0):
        return None
    x0 = fp2_mul(a1, a)
    if alpha == (P_INT - 1, 0):
        return fp2_mul((0, 1), x0)
    b = fp2_pow(fp2_add((1, 0), alpha), (P_INT - 1) // 2)
    return fp2_mul(b, x0)


def twist_point_outside_g2():
    """A point of E'(Fp2): y^2 = x^3 + 3/(9+i) that is not in the order-R subgroup."""
    for x0 in range(1, 100):
        x = (x0, 1)
        rhs = fp2_add(fp2_mul(fp2_sqr(x), x), B2)
        y = fp2_sqrt(rhs)
        if y is not None and fp2_sqr(y) == tuple(c % P_INT for c in rhs):
            pt = (tuple(int(c) for c in x), tuple(int(c) for c in y))
            assert g2_is_on_curve(pt)
            if not g2_in_subgroup(pt):
                return pt
    raise AssertionError("no point found")


def test_accepts_valid(setting):
    pvk, public, proof = setting
    verify(pvk, public, proof)
    verify(pvk, tuple(public), proof)


@pytest.mark.parametrize("delta", [R_INT, 2 * R_INT])
def test_rejects_non_canonical_public_input(setting, delta):
    # x + R is congruent to x, so the pairing check alone would accept it: the range check must not.
    pvk, public, proof = setting
    reject(pvk, [public[0] + delta, public[1]], proof, "not a canonical scalar")
    reject(pvk, [public[0], public[1] + delta], proof, "not a canonical scalar")


def test_rejects_negative_and_non_integer_inputs(setting):
    pvk, public, proof = setting
    reject(pvk, [public[0] - R_INT, public[1]], proof, "not a canonical scalar")
    reject(pvk, [str(public[0]), public[1]], proof, "not an integer")
    reject(pvk, [float(public[0]), public[1]], proof, "not an integer")
    reject(pvk, [True, public[1]], proof, "not an integer")
    reject(pvk, "12", proof, "sequence")


def test_rejects_wrong_public_input_count(setting):
    pvk, public, proof = setting
    reject(pvk, public[:1], proof, "expected 2 public inputs, got 1")
    reject(pvk, public + [0], proof, "expected 2 public inputs, got 3")
    reject(pvk, [], proof, "expected 2 public inputs, got 0")


def test_rejects_points_off_the_curve(setting):
    pvk, public, proof = setting
    a, c = proof.a, proof.c
    reject(pvk, public, Proof(a=(a[0], (a[1] + 1) % P_INT), b=proof.b, c=c), "A is not on the curve")
    reject(pvk, public, Proof(a=a, b=proof.b, c=(c[0], (c[1] + 1) % P_INT)), "C is not on the curve")
    (x, y) = proof.b
    reject(pvk, public, Proof(a=a, b=(x, (y[0], (y[1] + 1) % P_INT)), c=c), "B is not on the twist")


def test_rejects_non_canonical_coordinates(setting):
    # (x, y + P) is the same point mod P but not a canonical encoding.
    pvk, public, proof = setting
    a = proof.a
    reject(pvk, public, Proof(a=(a[0], a[1] + P_INT), b=proof.b, c=proof.c), "not on the curve")
    (x, y) = proof.b
    reject(pvk, public, Proof(a=a, b=((x[0] + P_INT, x[1]), y), c=proof.c), "not on the twist")


def test_rejects_g2_point_outside_subgroup(setting):
    pvk, public, proof = setting
    bad = twist_point_outside_g2()
    reject(pvk, public, Proof(a=proof.a, b=bad, c=proof.c), "not in the order-R subgroup")


def test_rejects_points_at_infinity(setting):
    pvk, public, proof = setting
    reject(pvk, public, Proof(a=None, b=proof.b, c=proof.c), "A is the point at infinity")
    reject(pvk, public, Proof(a=proof.a, b=None, c=proof.c), "B is the point at infinity")
    reject(pvk, public, Proof(a=proof.a, b=proof.b, c=None), "C is the point at infinity")


def test_rejects_malformed_proof_objects(setting):
    pvk, public, proof = setting
    reject(pvk, public, (proof.a, proof.b, proof.c), "expected a Proof")
    reject(pvk, public, Proof(a=(1,), b=proof.b, c=proof.c), "A is not on the curve")
    reject(pvk, public, Proof(a=proof.a, b=(1, 2), c=proof.c), "B is not on the twist")


def test_rejects_tampered_valid_points(setting):
    # Valid group elements, wrong proof: only the pairing equation catches these.
    pvk, public, proof = setting
    reject(pvk, public, Proof(a=g1_neg(proof.a), b=proof.b, c=proof.c), "pairing equation")
    reject(pvk, public, Proof(a=proof.a, b=g2_neg(proof.b), c=proof.c), "pairing equation")
    reject(pvk, public, Proof(a=proof.c, b=proof.b, c=proof.a), "pairing equation")
    reject(pvk, public, Proof(a=proof.a, b=G2_GEN, c=proof.c), "pairing equation")


def test_requires_a_prepared_key(setting):
    pvk, public, proof = setting
    with pytest.raises(TypeError, match="PreparedVerifyingKey"):
        verify(pvk.vk, public, proof)
