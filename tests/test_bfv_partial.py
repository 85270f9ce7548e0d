"""Partial decryption of the score coefficient (schemes.bfv.partial) and its relation
(schemes.bfv.partial_gadget): schoolbook checks, combination with CRT, native vs gadget,
mutations, unprovable partials, and a Groth16 round trip on the toy ring."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ring_reference import negacyclic as schoolbook_negacyclic

from schemes.bfv import DeterministicRng, toy_params
from schemes.bfv.dkg import crs_polynomials, generate_share, joint_public_key
from schemes.bfv.encryption import decode_coefficients
from schemes.bfv.errors import InvalidCiphertextError, InvalidKeyError
from schemes.bfv.moduli import moduli
from schemes.bfv.partial import PartialWitness, ScorePartial, combine_score, partial_decrypt_score, score_coefficient
from schemes.bfv.partial_gadget import (
    PartialStatement,
    partial_circuit,
    partial_num_public,
    partial_public_inputs,
    partial_quotient_ranges,
)
from schemes.bfv.sampling import sample_flooding
from schemes.bn254.fields import R
from schemes.groth16 import InvalidProof, insecure_setup_from_seed, prepare_verifying_key, prove, verify
from schemes.r1cs.bits import bounded_weights
from schemes.r1cs.testing import assert_witness_mutations_fail

TOY = toy_params(i_know_this_is_insecure=True)
SEED = b"partial test committee seed, 32b"
TAG = 987654321


def world(params, seed=b"world"):
    rng = DeterministicRng(seed)
    crs = crs_polynomials(params, SEED)
    made = [generate_share(params, crs, i, rng) for i in range(1, params.parties + 1)]
    pk = joint_public_key(params, crs, [c for _, c, _ in made])
    return rng, made, pk


def encrypt_by_hand(params, pk, m, rng):
    """BFV encryption over the integers mod q = prod q_k (no ring code): c0 = pk0 u + e0 + Delta m,
    c1 = pk1 u + e1, with small u, e drawn from rng; returns per-modulus residues of c1 and
    c0_{N-1}, and the integer noise-free plaintext."""
    n, q = params.n, params.q
    raw = rng.random_bytes(3 * n)
    u = [b % 3 - 1 for b in raw[:n]]
    e0 = [b % 7 - 3 for b in raw[n : 2 * n]]
    e1 = [b % 7 - 3 for b in raw[2 * n :]]
    pu0, pu1 = schoolbook_negacyclic(list(pk.p0), u), schoolbook_negacyclic(list(pk.p1), u)
    c0 = [(pu0[i] + e0[i] + params.delta * m[i]) % q for i in range(n)]
    c1 = [(pu1[i] + e1[i]) % q for i in range(n)]
    mods = moduli(params)
    return [[x % qk for x in c1] for qk in mods], [c0[n - 1] % qk for qk in mods]


def test_score_coefficient_is_coefficient_n_minus_1_of_the_product():
    rng = DeterministicRng(b"coef")
    c1 = [int.from_bytes(rng.random_bytes(6), "little") % TOY.q for _ in range(TOY.n)]
    s = [b % 3 - 1 for b in rng.random_bytes(TOY.n)]
    assert score_coefficient(c1, s) == schoolbook_negacyclic(c1, s)[TOY.n - 1]


@pytest.mark.parametrize("params", [TOY], ids=["toy"])
def test_partial_is_coefficient_n_minus_1_plus_flooding(params):
    rng, made, _ = world(params)
    c1 = [[int.from_bytes(rng.random_bytes(6), "little") % q for _ in range(params.n)] for q in moduli(params)]
    share = made[1][0]
    part, wit = partial_decrypt_score(params, share, c1, rng)
    assert part.member == 2 and abs(wit.flood) <= params.flood_bound
    for k, q in enumerate(moduli(params)):
        assert part.d[k] == (schoolbook_negacyclic(c1[k], list(share.s))[params.n - 1] + wit.flood) % q


@settings(max_examples=10, deadline=None)
@given(m_last=st.integers(0, TOY.t - 1), seed=st.binary(max_size=8))
def test_combination_decrypts_the_score_coefficient(m_last, seed):
    for params in (TOY,):
        rng, made, pk = world(params, seed)
        m = [0] * (params.n - 1) + [m_last]
        c1, c0_last = encrypt_by_hand(params, pk, m, rng)
        parts = [partial_decrypt_score(params, s, c1, rng)[0] for s, _, _ in made]
        assert combine_score(params, c0_last, parts[::-1]) == m_last


def test_combination_matches_the_decoder_of_section_6():
    for x in (0, 1, TOY.q // 2, TOY.q - 1, TOY.delta * 77 + 5):
        parts = [ScorePartial(1, tuple(x % q for q in TOY.moduli))]  # x's residues: CRT gives x back
        assert combine_score(TOY, [0, 0], parts) == decode_coefficients(TOY, [x])[0]


def test_combination_refuses_bad_member_sets_and_encodings():
    with pytest.raises(InvalidKeyError):
        combine_score(TOY, [0, 0], [ScorePartial(1, (0, 0)), ScorePartial(1, (0, 0))])
    with pytest.raises(InvalidKeyError):
        combine_score(TOY, [0, 0], [ScorePartial(2, (0, 0))])
    with pytest.raises(InvalidCiphertextError):
        combine_score(TOY, [0, 0], [ScorePartial(1, (TOY.moduli[0], 0))])
    with pytest.raises(InvalidCiphertextError):
        combine_score(TOY, [0, 0], [ScorePartial(1, (0,))])
    with pytest.raises(InvalidCiphertextError):
        partial_decrypt_score(TOY, world(TOY)[1][0][0], [[TOY.moduli[0]] * TOY.n, [0] * TOY.n])
    with pytest.raises(InvalidCiphertextError):
        partial_decrypt_score(TOY, world(TOY)[1][0][0], [[0] * TOY.n])


def test_flood_sampling_covers_exactly_the_interval():
    rng = DeterministicRng(b"flood")
    seen = {sample_flooding(rng, 2) for _ in range(400)}
    assert seen == {-2, -1, 0, 1, 2}
    big = 1 << 80  # RNS flooding bounds exceed 2^64
    xs = [sample_flooding(rng, big) for _ in range(50)]
    assert all(-big <= x <= big for x in xs) and max(xs) > 1 << 70 and min(xs) < -(1 << 70)


# --------------------------------------------------------------------------- the relation


def statement(params, seed=b"stmt", member=1, flood=None):
    rng, made, pk = world(params, seed)
    m = [0] * (params.n - 1) + [12345]
    c1, _ = encrypt_by_hand(params, pk, m, rng)
    share, contrib, _ = made[member - 1]
    part, wit = partial_decrypt_score(params, share, c1, rng, flood=flood)
    stmt = PartialStatement(TAG, member, contrib.h, part.d, tuple(tuple(p) for p in c1))
    return stmt, share, wit, made


@pytest.mark.parametrize("params", [TOY], ids=["toy"])
def test_honest_partial_satisfies_the_relation_native_vs_gadget(params):
    stmt, share, wit, _ = statement(params)
    cs = partial_circuit(params, stmt, share, wit)
    cs.check()
    assert cs.public_values == partial_public_inputs(stmt)
    assert cs.num_public == partial_num_public(params) == 3 + len(moduli(params)) * (params.n + 1)
    by_name = dict(zip(cs.wire_names, cs.assignment))
    r = int(R)
    f_weights = bounded_weights(2 * params.flood_bound)
    assert sum(by_name[f"E.b[{i}]"] * w for i, w in enumerate(f_weights)) - params.flood_bound == wit.flood
    for k, (q, win) in enumerate(zip(moduli(params), partial_quotient_ranges(params))):
        total = score_coefficient(stmt.c1[k], share.s) + wit.flood - stmt.d[k]
        assert total % q == 0 and win.lo <= total // q <= win.hi
        weights = bounded_weights(win.hi - win.lo)
        assert sum(by_name[f"kq[{k}].b[{i}]"] * w for i, w in enumerate(weights)) + win.lo == total // q
        for j in range(params.n):
            assert by_name[f"c1s[{k}][{j}]"] == stmt.c1[k][params.n - 1 - j] * share.s[j] % r


@pytest.mark.parametrize("params", [TOY], ids=["toy"])
def test_witness_mutations_fail(params):
    stmt, share, wit, _ = statement(params, b"mutate")
    cs = partial_circuit(params, stmt, share, wit)
    assert assert_witness_mutations_fail(cs) == cs.num_private


def _satisfied(params, stmt, share, wit) -> bool:
    return partial_circuit(params, stmt, share, wit).is_satisfied()


@pytest.mark.parametrize("params", [TOY], ids=["toy"])
def test_flooding_bound_is_enforced_at_its_edges(params):
    f = params.flood_bound
    for e, ok in ((f, True), (-f, True), (f + 1, False), (-f - 1, False), (3 * f, False)):
        stmt, share, wit, _ = statement(params, b"edges", flood=e)
        assert wit.flood == e
        assert _satisfied(params, stmt, share, wit) is ok, e


def test_wrong_partials_are_unprovable():
    """d + 1; another member's d under this member's h; this d for another c1; a share that is
    not the committed one: the honest witness builder runs and the constraints fail."""
    params = TOY
    stmt, share, wit, made = statement(params, b"wrong")
    assert _satisfied(params, stmt, share, wit)
    plus_one = PartialStatement(stmt.tag, stmt.member, stmt.h, ((stmt.d[0] + 1) % params.moduli[0], stmt.d[1]), stmt.c1)
    assert not _satisfied(params, plus_one, share, wit)
    other_share = made[1][0]
    d_other = partial_decrypt_score(params, other_share, stmt.c1, flood=wit.flood)[0].d
    assert not _satisfied(params, PartialStatement(stmt.tag, 1, stmt.h, d_other, stmt.c1), other_share, wit)
    c1_other = (tuple((x + 1) % params.moduli[0] for x in stmt.c1[0]), stmt.c1[1])
    assert not _satisfied(params, PartialStatement(stmt.tag, 1, stmt.h, stmt.d, c1_other), share, wit)
    # the right d computed with a different secret: the commitment row fails
    s2 = type(share)(1, tuple(-x for x in share.s), share.salt)
    d2 = partial_decrypt_score(params, s2, stmt.c1, flood=wit.flood)[0].d
    assert not _satisfied(params, PartialStatement(stmt.tag, 1, stmt.h, d2, stmt.c1), s2, wit)


def test_rns_partial_shares_one_flooding_term():
    """K = 2: d^(1), d^(2) must carry the same E (one integer): mixing two partials is unprovable."""
    stmt, share, wit, _ = statement(TOY, b"rns")
    other = partial_decrypt_score(TOY, share, stmt.c1, flood=wit.flood + 1)[0]
    mixed = PartialStatement(stmt.tag, stmt.member, stmt.h, (stmt.d[0], other.d[1]), stmt.c1)
    assert not _satisfied(TOY, mixed, share, wit)
    assert not _satisfied(TOY, mixed, share, PartialWitness(wit.flood + 1))


def test_groth16_round_trip_toy():
    stmt, share, wit, _ = statement(TOY, b"groth16")
    r1cs = partial_circuit(TOY).freeze()
    pk = insecure_setup_from_seed(r1cs, b"partial test setup")
    cs = partial_circuit(TOY, stmt, share, wit)
    proof = prove(pk, r1cs, cs.assignment)
    pvk = prepare_verifying_key(pk.vk)
    verify(pvk, partial_public_inputs(stmt), proof)
    for bad in (
        PartialStatement(stmt.tag, stmt.member, stmt.h, ((stmt.d[0] + 1) % TOY.q,), stmt.c1),
        PartialStatement(stmt.tag, 2, stmt.h, stmt.d, stmt.c1),
        PartialStatement(stmt.tag + 1, stmt.member, stmt.h, stmt.d, stmt.c1),
    ):
        with pytest.raises(InvalidProof):
            verify(pvk, partial_public_inputs(bad), proof)
