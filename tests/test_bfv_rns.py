"""Two-prime RNS BFV against a schoolbook big-integer reference written here.

The reference works on Python integers modulo the whole q = q1 q2 (never on residues): the
negacyclic product by its definition (or, at N = 4096, by one big-integer Kronecker product),
the textbook CRT formula ``sum r_i M_i (M_i^-1 mod q_i) mod q``, BFV encryption
``ct = pk*u + e + Delta*m mod q`` and decryption ``floor(t x / q + 1/2) mod t`` with exact
fractions. The library computes the same things one prime at a time and recombines with
Garner's algorithm.
"""

from __future__ import annotations

import random
from fractions import Fraction
from math import floor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ring_reference import dealerless_committee
from ring_reference import negacyclic as schoolbook

from schemes.bfv import (
    DEFAULT,
    DeterministicRng,
    InvalidCiphertextError,
    InvalidKeyError,
    PublicKey,
    RnsBasis,
    ScorePartial,
    combine_score,
    crs_polynomials,
    decrypt,
    encrypt,
    encrypt_with_randomness,
    generate_share,
    get_rns_ring,
    joint_public_key,
    joint_secret_key,
    keygen,
    leaky_2048_params,
    linear_score,
    toy_params,
)
from schemes.bfv.partial import partial_decrypt_score, score_residues

TOY = toy_params(i_know_this_is_insecure=True)
LEAKY = leaky_2048_params(i_know_this_leaks=True)
SEED = b"rns committee common reference seed"


# --------------------------------------------------------------------------- the reference


def textbook_crt(residues, moduli) -> int:
    q = 1
    for m in moduli:
        q *= m
    return sum(r * (q // m) * pow(q // m, -1, m) for r, m in zip(residues, moduli)) % q


def kronecker(a, b, q):
    """a * b mod (X^N + 1, q) for a in [0, q)^N and small signed b, by big-integer products:
    a*(b + off) - a*off*(1 + X + ... + X^(N-1)) with every slot non-negative and below 2^width."""
    n = len(a)
    off = max(abs(v) for v in b)
    width = (n * q * (2 * off + 1)).bit_length() + 1
    pack = lambda vs: sum(v << (width * i) for i, v in enumerate(vs))  # noqa: E731
    slots = lambda x: [(x >> (width * k)) & ((1 << width) - 1) for k in range(2 * n)]  # noqa: E731
    shifted = slots(pack(a) * pack([y + off for y in b]))
    correction = slots(pack(a) * pack([off] * n))
    full = [x - y for x, y in zip(shifted, correction)]
    return [(full[i] - full[i + n]) % q for i in range(n)]


def reference_encrypt(params, pk, m, w):
    q, n = params.q, params.n
    mm = list(m) + [0] * (n - len(m))
    mul = schoolbook if n <= 64 else (lambda a, b, q: kronecker(list(a), list(b), q))
    pu0, pu1 = mul(list(pk.p0), list(w.u), q), mul(list(pk.p1), list(w.u), q)
    return (
        [(pu0[i] + w.e0[i] + (q // params.t) * mm[i]) % q for i in range(n)],
        [(pu1[i] + w.e1[i]) % q for i in range(n)],
    )


def reference_decode(params, x: int) -> int:
    return floor(Fraction(params.t * x, params.q) + Fraction(1, 2)) % params.t


def _committee(params, rng, parties=3):
    secrets, _, pk = dealerless_committee(params, SEED, rng, parties)
    return secrets, pk


def _partials(params, secrets, ct, rng=None):
    c0_last, c1 = score_residues(params, ct)
    return c0_last, [partial_decrypt_score(params, s, c1, rng)[0] for s in secrets]


# --------------------------------------------------------------------------- CRT and the ring


@pytest.mark.parametrize("params", [TOY, DEFAULT, LEAKY], ids=lambda p: p.name)
def test_crt_agrees_with_the_textbook_formula(params):
    rnd = random.Random(params.n)
    basis = RnsBasis(params.moduli)
    values = [0, 1, params.q - 1, params.q // 2] + [rnd.randrange(params.q) for _ in range(200)]
    res = basis.to_rns(values)
    assert res.shape == (len(params.moduli), len(values))
    assert res.tolist() == [[v % m for v in values] for m in params.moduli]
    assert basis.from_rns(res) == values
    for v in values[:20]:
        r = [v % m for m in params.moduli]
        assert basis.crt(r) == textbook_crt(r, params.moduli) == v
    assert basis.reduce(-5) == tuple((-5) % m for m in params.moduli)


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_rns_product_equals_schoolbook_mod_q_toy(data):
    n, q = TOY.n, TOY.q
    a = data.draw(st.lists(st.integers(0, q - 1), min_size=n, max_size=n))
    b = data.draw(st.lists(st.integers(0, q - 1), min_size=n, max_size=n))
    ring = get_rns_ring(n, TOY.moduli)
    assert ring.to_ints(ring.mul(ring.from_ints(a), ring.from_ints(b))) == schoolbook(a, b, q)


def test_rns_product_default_against_big_integer_products():
    rnd = random.Random(4096)
    n, q = DEFAULT.n, DEFAULT.q
    ring = get_rns_ring(n, DEFAULT.moduli)
    a = [rnd.randrange(q) for _ in range(n)]
    small = [rnd.choice((-1, 0, 1)) for _ in range(n)]
    assert ring.to_ints(ring.mul(ring.from_ints(a), ring.from_small(np.array(small)))) == kronecker(a, small, q)
    sparse = [0] * n
    sparse[0], sparse[1], sparse[n - 1], sparse[2000] = q - 1, 12345, 2**100 + 7, 1
    assert ring.to_ints(ring.mul(ring.from_ints(sparse), ring.from_ints(a))) == schoolbook(sparse, a, q)
    assert ring.centered(ring.from_ints([q - 1, 1, q // 2, q // 2 + 1] + [0] * (n - 4)))[:4] == [
        -1,
        1,
        q // 2,
        q // 2 + 1 - q,
    ]


# --------------------------------------------------------------------------- encryption and decryption


@settings(max_examples=10, deadline=None)
@given(m=st.lists(st.integers(0, TOY.t - 1), max_size=TOY.n), seed=st.integers(0, 2**32))
def test_rns_encryption_and_decryption_equal_the_reference_toy(m, seed):
    rng = DeterministicRng(seed)
    sk, pk = keygen(TOY, rng)
    ct, w = encrypt(TOY, pk, m, rng)
    c0, c1 = reference_encrypt(TOY, pk, m, w)
    assert list(ct.c0) == c0 and list(ct.c1) == c1
    # every residue row is the same relation mod that prime, with Delta mod q_i
    for qi in TOY.moduli:
        pu0 = schoolbook([v % qi for v in pk.p0], list(w.u), qi)
        mm = list(m) + [0] * (TOY.n - len(m))
        assert [v % qi for v in ct.c0] == [(pu0[i] + w.e0[i] + (TOY.delta % qi) * mm[i]) % qi for i in range(TOY.n)]
    x = [(a + b) % TOY.q for a, b in zip(c0, schoolbook(c1, list(sk.s), TOY.q))]
    assert decrypt(TOY, sk, ct) == [reference_decode(TOY, v) for v in x] == mm_pad(m, TOY.n)


def mm_pad(m, n):
    return list(m) + [0] * (n - len(m))


def test_rns_encryption_and_decryption_equal_the_reference_default():
    rng = DeterministicRng(b"rns default")
    secrets, pk = _committee(DEFAULT, rng)
    m = [(37 * i + 11) % 256 for i in range(784)]
    ct, w = encrypt(DEFAULT, pk, m, rng)
    c0, c1 = reference_encrypt(DEFAULT, pk, m, w)
    assert list(ct.c0) == c0 and list(ct.c1) == c1
    sk = joint_secret_key(DEFAULT, secrets)
    assert decrypt(DEFAULT, sk, ct) == mm_pad(m, DEFAULT.n)


def test_rns_components_of_different_messages_do_not_decrypt_to_either():
    """A ciphertext whose residue mod q1 encrypts m and whose residue mod q2 encrypts m' is not an
    encryption of m (nor of m'): what the CRT recombination decodes is neither."""
    rng = DeterministicRng(b"mixed rns")
    sk, pk = keygen(TOY, rng)
    m, m2 = [5] * 10, [6] * 10
    ct, w = encrypt(TOY, pk, m, rng)
    ct2 = encrypt_with_randomness(TOY, pk, m2, w)
    q1, q2 = TOY.moduli
    mixed0 = [textbook_crt((a % q1, b % q2), TOY.moduli) for a, b in zip(ct.c0, ct2.c0)]
    mixed = type(ct)(tuple(mixed0), ct.c1)
    out = decrypt(TOY, sk, mixed)
    assert out[:10] != m and out[:10] != m2


# --------------------------------------------------------------------------- dot product and threshold


def test_dot_product_and_one_coefficient_threshold_decryption_equal_the_reference():
    rng = DeterministicRng(b"rns scanner")
    params = TOY
    secrets, pk = _committee(params, rng)
    pixels = [(13 * i + 5) % 256 for i in range(params.n)]
    weights = [((7 * i) % 15) - 7 for i in range(params.n)]
    bias = -1234
    ct, _ = encrypt(params, pk, pixels, rng)
    score_ct = linear_score(params, [ct], weights, bias)
    # the reference: (c0, c1) times the reversed weights, by the definition, then Delta*bias at N-1
    q, n = params.q, params.n
    w_poly = [0] * n
    for i, wi in enumerate(weights):
        w_poly[n - 1 - i] = wi
    r0 = schoolbook(list(ct.c0), w_poly, q)
    r1 = schoolbook(list(ct.c1), w_poly, q)
    r0[n - 1] = (r0[n - 1] + params.delta * bias) % q
    assert list(score_ct.c0) == r0 and list(score_ct.c1) == r1

    c0_last, parts = _partials(params, secrets, score_ct, rng)
    flood = params.flood_bound
    for s, p in zip(secrets, parts):
        assert len(p.d) == 2
        assert all(0 <= d < m for d, m in zip(p.d, params.moduli))
        # the two residues are those of ONE integer within F of (c1 * s_i)_{N-1}
        y = textbook_crt(p.d, params.moduli)
        e = (y - schoolbook(r1, list(s.s))[n - 1]) % q
        e = e - q if 2 * e > q else e
        assert abs(e) <= flood
    score = sum(w * x for w, x in zip(weights, pixels)) + bias
    got = combine_score(params, c0_last, parts[::-1])
    assert got == score % params.t


def test_threshold_decryption_default_recombines_both_primes():
    rng = DeterministicRng(b"rns default threshold")
    secrets, pk = _committee(DEFAULT, rng)
    pixels = [255] * 784
    ct, _ = encrypt(DEFAULT, pk, pixels, rng)
    weights = [15 if i % 2 else -15 for i in range(784)]
    score_ct = linear_score(DEFAULT, [ct], weights, DEFAULT.bias_max)
    c0_last, parts = _partials(DEFAULT, secrets, score_ct)  # system randomness for the flooding
    score = sum(w * x for w, x in zip(weights, pixels)) + DEFAULT.bias_max
    assert combine_score(DEFAULT, c0_last, parts) == score % DEFAULT.t
    # one prime's residues alone decode to garbage: the CRT recombination is needed
    q1 = DEFAULT.moduli[0]
    x1 = (score_ct.c0[-1] + sum(p.d[0] for p in parts)) % q1
    assert reference_decode(DEFAULT, x1) != score % DEFAULT.t


def test_partials_are_checked_before_combination():
    rng = DeterministicRng(b"rns checks")
    secrets, pk = _committee(TOY, rng)
    ct, _ = encrypt(TOY, pk, [1, 2, 3], rng)
    c0_last, parts = _partials(TOY, secrets, ct, rng)
    with pytest.raises(InvalidKeyError):
        combine_score(TOY, c0_last, [parts[0], parts[0], parts[2]])
    with pytest.raises(InvalidKeyError):
        combine_score(TOY, c0_last, parts[1:])
    bad = ScorePartial(3, (parts[2].d[0], TOY.moduli[1]))  # residue = q2: not canonical
    with pytest.raises(InvalidCiphertextError):
        combine_score(TOY, c0_last, parts[:2] + [bad])
    with pytest.raises(InvalidCiphertextError):
        combine_score(TOY, c0_last, parts[:2] + [ScorePartial(3, parts[2].d[:1])])
    with pytest.raises(InvalidCiphertextError):  # c0_{N-1} needs one residue per prime
        combine_score(TOY, c0_last[:1], parts)


def test_public_key_is_the_sum_of_shares_in_every_residue():
    rng = DeterministicRng(b"rns keys")
    crs = crs_polynomials(TOY, SEED)
    pairs = [generate_share(TOY, crs, i, rng)[:2] for i in range(1, 4)]
    pk = joint_public_key(TOY, crs, [p for _, p in pairs])
    assert isinstance(pk, PublicKey)
    a = list(pk.p1)
    # a contribution's b_i is stated per prime; as one integer mod q it is the textbook CRT
    b_ints = [[textbook_crt(col, TOY.moduli) for col in zip(*pub.b)] for _, pub in pairs]
    for (sec, _), b in zip(pairs, b_ints):  # b_i = -a s_i + e_i: so b_i + a s_i is small (|e_i| <= B)
        e = [(bi + x) % TOY.q for bi, x in zip(b, schoolbook(a, list(sec.s), TOY.q))]
        e = [v - TOY.q if 2 * v > TOY.q else v for v in e]
        assert max(map(abs, e)) <= TOY.error_bound
    assert list(pk.p0) == [sum(b[i] for b in b_ints) % TOY.q for i in range(TOY.n)]
