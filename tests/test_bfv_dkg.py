"""Dealerless key generation (schemes.bfv.dkg) and its proof relation (schemes.bfv.dkg_gadget).

Native values are checked against schoolbook arithmetic written here; the gadget against the
native twin; every private wire is mutated; malformed contributions are unprovable. TOY and
DEFAULT both have two RNS primes (K = 2).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ring_reference import negacyclic as schoolbook_negacyclic

from schemes.bfv import DEFAULT, DeterministicRng, decrypt, encrypt, toy_params
from schemes.bfv.dkg import (
    KEY_COMMIT_DOMAIN,
    TRITS_PER_ELEMENT,
    KeygenWitness,
    commit_secret,
    contribution_from_secret,
    crs_polynomials,
    generate_share,
    joint_public_key,
    joint_secret_key,
    pack_ternary,
)
from schemes.bfv.dkg_gadget import (
    KeygenStatement,
    keygen_circuit,
    keygen_num_public,
    keygen_public_inputs,
    keygen_quotient_ranges,
)
from schemes.bfv.errors import InvalidKeyError
from schemes.bfv.moduli import crt, moduli
from schemes.bn254.fields import R
from schemes.poseidon import poseidon_sponge
from schemes.r1cs.bits import bounded_weights
from schemes.r1cs.testing import assert_witness_mutations_fail

TOY = toy_params(i_know_this_is_insecure=True)
SEED = b"dkg test committee seed, 32 byte"
TAG = 0x1234_5678_9ABC


def committee(params, rng, parties=3):
    crs = crs_polynomials(params, SEED)
    made = [generate_share(params, crs, i, rng) for i in range(1, parties + 1)]
    return crs, made


@pytest.mark.parametrize("params", [TOY], ids=["toy"])
def test_contribution_is_minus_a_s_plus_e_per_modulus(params):
    rng = DeterministicRng(b"contribution")
    crs, made = committee(params, rng)
    for share, contrib, wit in made:
        assert share.s == wit.s and share.salt == wit.salt and share.member == contrib.member
        assert set(wit.s) <= {-1, 0, 1} and max(map(abs, wit.e)) <= params.error_bound
        for a, q, b in zip(crs, moduli(params), contrib.b, strict=True):
            prod = schoolbook_negacyclic(list(a), list(wit.s))
            assert b == tuple((-prod[i] + wit.e[i]) % q for i in range(params.n))
        assert contrib.h == commit_secret(wit.s, wit.salt)


def test_crs_is_public_deterministic_and_one_per_modulus():
    assert crs_polynomials(TOY, SEED) == crs_polynomials(TOY, SEED)
    assert crs_polynomials(TOY, SEED) != crs_polynomials(TOY, SEED[::-1])
    rns = crs_polynomials(TOY, SEED)
    assert len(rns) == 2 and rns[0] != rns[1]
    for a, q in zip(rns, TOY.moduli):
        assert len(a) == TOY.n and all(0 <= x < q for x in a)
    with pytest.raises(InvalidKeyError):
        crs_polynomials(TOY, b"too short")


def test_pack_ternary_is_base_3_and_commitment_is_the_sponge():
    s = [1, -1, 0, 1] + [0] * 200
    packed = pack_ternary(s)
    assert TRITS_PER_ELEMENT == 150 and 3**TRITS_PER_ELEMENT < int(R)
    assert len(packed) == 2
    assert packed[0] == 2 + 0 * 3 + 1 * 9 + 2 * 27 + sum(3**j for j in range(4, 150))
    assert packed[1] == sum(3**j for j in range(54))
    assert commit_secret(s, 7) == poseidon_sponge([7, *packed], int.from_bytes(b"GRC/SKC1", "big"))
    assert KEY_COMMIT_DOMAIN == 0x4752432F534B4331
    assert commit_secret(s, 7) != commit_secret(s, 8) != commit_secret([0] + s[1:], 8)
    with pytest.raises(InvalidKeyError):
        pack_ternary([2])


@pytest.mark.parametrize("params", [TOY, DEFAULT], ids=["toy", "default"])
def test_joint_key_decrypts_with_the_sum_of_the_shares(params):
    rng = DeterministicRng(b"joint")
    crs, made = committee(params, rng)
    pk = joint_public_key(params, crs, [c for _, c, _ in made])
    mods = moduli(params)
    for k, q in enumerate(mods):
        assert [x % q for x in pk.p1] == list(crs[k])
        assert [x % q for x in pk.p0] == [sum(c.b[k][i] for _, c, _ in made) % q for i in range(params.n)]
    if len(mods) == 1:
        m = [(5 * i + 1) % params.t for i in range(params.n)]
        ct, _ = encrypt(params, pk, m, rng)
        assert decrypt(params, joint_secret_key(params, [s for s, _, _ in made]), ct) == m
    else:  # the CRT'd key is the key of every modulus
        assert crt([pk.p0[0] % q for q in mods], mods) == pk.p0[0]


def test_joint_key_needs_members_one_to_n_once():
    rng = DeterministicRng(b"members")
    crs, made = committee(TOY, rng)
    contribs = [c for _, c, _ in made]
    with pytest.raises(InvalidKeyError):
        joint_public_key(TOY, crs, contribs[:2] + contribs[:1])
    with pytest.raises(InvalidKeyError):
        joint_public_key(TOY, crs, contribs[1:])
    with pytest.raises(InvalidKeyError):
        generate_share(TOY, crs, 0, rng)
    with pytest.raises(InvalidKeyError):
        generate_share(TOY, crs, TOY.parties + 1, rng)


# --------------------------------------------------------------------------- the relation


def honest(params, seed=b"honest", member=1):
    rng = DeterministicRng(seed)
    crs = crs_polynomials(params, SEED)
    _, contrib, wit = generate_share(params, crs, member, rng)
    return crs, KeygenStatement(TAG, contrib), wit


@settings(max_examples=5, deadline=None)
@given(seed=st.binary(min_size=1, max_size=8), member=st.integers(1, 3))
def test_honest_contribution_satisfies_the_relation(seed, member):
    crs, stmt, wit = honest(TOY, seed, member)
    cs = keygen_circuit(TOY, crs, stmt, wit)
    cs.check()
    assert cs.public_values == keygen_public_inputs(stmt)
    assert cs.num_public == keygen_num_public(TOY) == 3 + len(TOY.moduli) * TOY.n


@pytest.mark.parametrize("params", [TOY], ids=["toy"])
def test_native_vs_gadget(params):
    """The gadget's wires carry the native values: s, e, the commitment, the quotients."""
    crs, stmt, wit = honest(params)
    cs = keygen_circuit(params, crs, stmt, wit)
    cs.check()
    names = cs.wire_names
    values = cs.assignment
    r = int(R)
    by_name = dict(zip(names, values))
    assert [by_name[f"s[{j}]"] for j in range(params.n)] == [x % r for x in wit.s]
    for k, (a, q, rng_k) in enumerate(zip(crs, moduli(params), keygen_quotient_ranges(params, crs))):
        from schemes.bfv.gadget import centered_poly

        prod = schoolbook_negacyclic(centered_poly(a, q), list(wit.s))
        for i in range(params.n):
            num = prod[i] - wit.e[i] + stmt.contribution.b[k][i]
            assert num % q == 0
            kq = num // q
            assert rng_k.lo <= kq <= rng_k.hi
            weights = bounded_weights(rng_k.hi - rng_k.lo)
            assert len(weights) == rng_k.bits
            bits = [by_name[f"kq[{k}][{i}].b[{j}]"] for j in range(len(weights))]
            assert sum(b * w for b, w in zip(bits, weights)) + rng_k.lo == kq
    weights = bounded_weights(2 * params.error_bound)
    for i in range(params.n):
        bits = [by_name[f"e[{i}].b[{j}]"] for j in range(len(weights))]
        assert sum(b * w for b, w in zip(bits, weights)) - params.error_bound == wit.e[i]


@pytest.mark.parametrize("params", [TOY], ids=["toy"])
def test_witness_mutations_fail(params):
    crs, stmt, wit = honest(params, b"mutations")
    cs = keygen_circuit(params, crs, stmt, wit)
    assert assert_witness_mutations_fail(cs) == cs.num_private


def _unsatisfied(params, crs, stmt, wit) -> bool:
    return not keygen_circuit(params, crs, stmt, wit).is_satisfied()


def test_rogue_and_malformed_contributions_are_unprovable():
    """A rogue key b* - sum b_j, an error outside [-B, B], a key for another a, a commitment to
    another s, another member's or committee's statement: no witness satisfies the relation
    (the honest witness builder runs and the constraints fail)."""
    params = TOY
    rng = DeterministicRng(b"rogue")
    crs, made = committee(params, rng, 3)
    mods, n = params.moduli, params.n
    share3, c3, w3 = made[2]
    # rogue: b_3 = b* - b_1 - b_2 (per prime) where b* = -a s* + e* is a key the attacker knows
    s_star, e_star = w3.s, w3.e
    b_star = contribution_from_secret(params, crs, 3, s_star, e_star, w3.salt).b
    rogue_b = tuple(
        tuple((b_star[k][i] - made[0][1].b[k][i] - made[1][1].b[k][i]) % qk for i in range(n))
        for k, qk in enumerate(mods)
    )
    rogue = KeygenStatement(TAG, type(c3)(3, rogue_b, c3.h))
    assert _unsatisfied(params, crs, rogue, w3)  # the attacker's best witness: its own s*, e*
    # |e| = B + 1 at one coefficient (b computed by hand with that e)
    e_big = list(w3.e)
    e_big[5] = params.error_bound + 1
    c_big = contribution_from_secret(params, crs, 3, w3.s, e_big, w3.salt, check_bounds=False)
    assert _unsatisfied(params, crs, KeygenStatement(TAG, c_big), KeygenWitness(w3.s, tuple(e_big), w3.salt))
    e_ok = list(w3.e)
    e_ok[5] = -params.error_bound
    c_ok = contribution_from_secret(params, crs, 3, w3.s, e_ok, w3.salt)
    assert not _unsatisfied(params, crs, KeygenStatement(TAG, c_ok), KeygenWitness(w3.s, tuple(e_ok), w3.salt))
    # a key for another common polynomial
    other_crs = crs_polynomials(params, SEED[::-1])
    c_other = contribution_from_secret(params, other_crs, 3, w3.s, w3.e, w3.salt)
    assert _unsatisfied(params, crs, KeygenStatement(TAG, c_other), w3)
    # h committing to another s (or another salt)
    s2 = (w3.s[0] * -1 if w3.s[0] else 1,) + tuple(w3.s[1:])
    assert _unsatisfied(params, crs, KeygenStatement(TAG, type(c3)(3, c3.b, commit_secret(s2, w3.salt))), w3)
    assert _unsatisfied(params, crs, KeygenStatement(TAG, type(c3)(3, c3.b, commit_secret(w3.s, w3.salt + 1))), w3)
    # a non-ternary s (b computed from it by hand)
    s_bad = list(w3.s)
    s_bad[0] = 2
    b_bad = tuple(
        tuple((-prod[i] + w3.e[i]) % qk for i in range(n))
        for a, qk in zip(crs, mods)
        for prod in [schoolbook_negacyclic(list(a), s_bad)]
    )
    assert _unsatisfied(
        params, crs, KeygenStatement(TAG, type(c3)(3, b_bad, c3.h)), KeygenWitness(tuple(s_bad), w3.e, w3.salt)
    )


def test_public_inputs_bind_tag_and_member():
    crs, stmt, wit = honest(TOY)
    cs = keygen_circuit(TOY, crs, stmt, wit)
    names = [cs.constraint_name(i) for i in range(cs.num_constraints)]
    assert "tag bound" in names and "member bound" in names


def test_rns_shares_one_s_and_e_across_moduli():
    """K = 2: one s and one e, a block per modulus; a statement whose second component comes
    from another s is unprovable."""
    crs, stmt, wit = honest(TOY)
    assert len(stmt.contribution.b) == 2
    other = generate_share(TOY, crs, 1, DeterministicRng(b"other"))[1]
    mixed = type(stmt.contribution)(1, (stmt.contribution.b[0], other.b[1]), stmt.contribution.h)
    assert _unsatisfied(TOY, crs, KeygenStatement(TAG, mixed), wit)


@pytest.mark.parametrize("n", [1, 64, 150, 151, 300, 2048])
def test_share_commitment_gadget_equals_the_native_commitment(n):
    """Commit_K in R1CS (linear base-3 packing, then the sponge) against commit_secret, for
    lengths that fill, straddle and exceed a 150-trit element; its constraints are the sponge's
    over 1 + ceil(n / 150) inputs plus the 2 n ternary rows."""
    from schemes.bfv.dkg_gadget import share_commitment_gadget, ternary_wires
    from schemes.r1cs import ConstraintSystem

    rng = DeterministicRng(n)
    s = [b % 3 - 1 for b in rng.random_bytes(n)]
    salt = int.from_bytes(rng.random_bytes(31), "big")
    cs = ConstraintSystem()
    wires = ternary_wires(cs, s, n, "s")
    h = share_commitment_gadget(cs, wires, cs.witness(salt, "salt"))
    cs.check()
    assert h.value == commit_secret(s, salt)
    m = 1 + -(-n // 150)
    sponge = 612 * -(-m // 16) - 3 * (17 - min(m, 16))
    assert cs.num_constraints == 2 * n + sponge
    shape = ConstraintSystem(with_witness=False)
    share_commitment_gadget(shape, ternary_wires(shape, None, n, "s"), shape.witness(None, "salt"))
    assert shape.num_constraints == cs.num_constraints
