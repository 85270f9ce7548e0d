"""BFV key generation, encryption, (threshold) decryption, encoding, sampling and serialization."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ring_reference import dealerless_committee

from schemes.bfv import (
    DEFAULT,
    Ciphertext,
    DeterministicRng,
    EncryptionWitness,
    InvalidCiphertextError,
    InvalidKeyError,
    InvalidPlaintextError,
    InvalidWitnessError,
    NonCanonicalEncodingError,
    PublicKey,
    ciphertext_from_bytes,
    ciphertext_to_bytes,
    combine_score,
    crs_polynomials,
    decrypt,
    decrypt_image,
    encrypt,
    encrypt_image,
    encrypt_with_randomness,
    generate_share,
    image_to_plaintexts,
    joint_public_key,
    joint_secret_key,
    keygen,
    plaintexts_to_image,
    public_key_digest,
    public_key_from_bytes,
    public_key_to_bytes,
    toy_params,
)
from schemes.bfv.moduli import residues
from schemes.bfv.partial import partial_decrypt_score
from schemes.bfv.sampling import (
    SystemRandomSource,
    sample_flooding,
    sample_gaussian,
    sample_ternary,
    sample_uniform_mod,
    sample_uniform_rns,
    sample_uniform_signed,
)

TOY = toy_params(i_know_this_is_insecure=True)
SEED = b"committee common reference seed!"


def _committee(params, parties, rng):
    return dealerless_committee(params, SEED, rng, parties)


def _threshold_decrypt(params, secrets, ct, rng):
    """Every coefficient through the committee's one-coefficient decryption: coefficient i of
    ct is coefficient N-1 of X^(N-1-i) ct (a negacyclic rotation), as a test of the algebra."""
    n, q = params.n, params.q
    out = []
    for i in range(n):
        shift = n - 1 - i
        c0, c1 = _rotate(ct.c0, shift, q), _rotate(ct.c1, shift, q)
        parts = [partial_decrypt_score(params, s, residues(c1, params.moduli), rng)[0] for s in secrets]
        out.append(combine_score(params, [c0[n - 1] % q for q in params.moduli], parts))
    return out


def _rotate(p, shift, q):
    """X^shift * p in Z_q[X]/(X^N + 1)."""
    n = len(p)
    out = [0] * n
    for j, v in enumerate(p):
        k = j + shift
        out[k % n] = (out[k % n] + (v if k < n else -v)) % q
    return tuple(out)


@settings(max_examples=25, deadline=None)
@given(m=st.lists(st.integers(0, TOY.t - 1), max_size=TOY.n), seed=st.integers(0, 2**32))
def test_single_party_round_trip_toy(m, seed):
    rng = DeterministicRng(seed)
    sk, pk = keygen(TOY, rng)
    ct, w = encrypt(TOY, pk, m, rng)
    assert decrypt(TOY, sk, ct) == list(m) + [0] * (TOY.n - len(m))
    assert set(w.u) <= {-1, 0, 1}
    assert max(map(abs, w.e0 + w.e1)) <= TOY.error_bound


@settings(max_examples=20, deadline=None)
@given(
    m=st.lists(st.integers(0, TOY.t - 1), min_size=1, max_size=TOY.n),
    parties=st.integers(1, 3),
    seed=st.integers(0, 2**32),
)
def test_threshold_round_trip_toy(m, parties, seed):
    rng = DeterministicRng(seed)
    secrets, _, pk = _committee(TOY, parties, rng)
    ct, _ = encrypt(TOY, pk, m, rng)
    expect = list(m) + [0] * (TOY.n - len(m))
    assert _threshold_decrypt(TOY, secrets[::-1], ct, rng) == expect
    assert decrypt(TOY, joint_secret_key(TOY, secrets), ct) == expect


def test_threshold_round_trip_default():
    rng = DeterministicRng(b"default threshold")
    secrets, _, pk = _committee(DEFAULT, 3, rng)
    m = [(37 * i + 11) % DEFAULT.t for i in range(DEFAULT.n)]
    ct, _ = encrypt(DEFAULT, pk, m, rng)
    parts = [
        partial_decrypt_score(DEFAULT, s, residues(ct.c1, DEFAULT.moduli))[0] for s in secrets
    ]  # system randomness
    assert combine_score(DEFAULT, [ct.c0[-1] % q for q in DEFAULT.moduli], parts) == m[-1]
    assert decrypt(DEFAULT, joint_secret_key(DEFAULT, secrets), ct) == m


def test_threshold_needs_every_party_exactly_once():
    rng = DeterministicRng(7)
    secrets, publics, pk = _committee(TOY, 3, rng)
    ct, _ = encrypt(TOY, pk, [1, 2, 3], rng)
    ct = _rotate(ct.c0, TOY.n - 3, TOY.q), _rotate(ct.c1, TOY.n - 3, TOY.q)  # coefficient 2 -> N-1
    partials = [partial_decrypt_score(TOY, s, residues(ct[1], TOY.moduli), rng)[0] for s in secrets]
    assert combine_score(TOY, [ct[0][-1] % q for q in TOY.moduli], partials) == 3
    crs = crs_polynomials(TOY, SEED)
    with pytest.raises(InvalidKeyError):
        combine_score(TOY, [ct[0][-1] % q for q in TOY.moduli], [partials[0], partials[0], partials[2]])
    with pytest.raises(InvalidKeyError):
        combine_score(TOY, [ct[0][-1] % q for q in TOY.moduli], partials[1:])
    with pytest.raises(InvalidKeyError):
        joint_public_key(TOY, crs, publics[:2] + publics[:1])
    with pytest.raises(InvalidKeyError):  # more members than the noise budget covers
        generate_share(TOY, crs, 4, rng)
    # a missing member's share leaves (c1 s_3)_{N-1} in the result: the decryption is garbage
    assert combine_score(TOY, [ct[0][-1] % q for q in TOY.moduli], partials[:2]) != 3


def test_joint_key_is_sum_of_shares():
    rng = DeterministicRng(8)
    secrets, publics, pk = _committee(TOY, 3, rng)
    crs = crs_polynomials(TOY, SEED)
    assert len(crs) == len(TOY.moduli) == 2
    # the joint key holds integers mod q = q1 q2 whose residues are the per-prime a and sum of b
    for k, qk in enumerate(TOY.moduli):
        assert tuple(x % qk for x in pk.p1) == crs[k]
        assert tuple(x % qk for x in pk.p0) == tuple(sum(p.b[k][i] for p in publics) % qk for i in range(TOY.n))
    s = joint_secret_key(TOY, secrets).s
    assert s == tuple(sum(sh.s[i] for sh in secrets) for i in range(TOY.n))


def test_common_random_polynomial_is_deterministic_and_seed_bound():
    crs = crs_polynomials(DEFAULT, SEED)
    assert crs == crs_polynomials(DEFAULT, SEED)
    assert crs != crs_polynomials(DEFAULT, SEED[:-1] + b"?")
    assert len(crs) == 2 and crs[0] != crs[1]
    assert all(0 <= x < qk for a, qk in zip(crs, DEFAULT.moduli) for x in a)
    with pytest.raises(InvalidKeyError):
        crs_polynomials(DEFAULT, b"short")


def test_encrypt_uses_the_stated_formula():
    rng = DeterministicRng(9)
    sk, pk = keygen(TOY, rng)
    m = list(range(TOY.n))
    ct, w = encrypt(TOY, pk, m, rng)
    n, q = TOY.n, TOY.q

    def mul(a, b):
        c = [0] * n
        for i in range(n):
            for j in range(n):
                c[(i + j) % n] += (a[i] * b[j]) * (1 if i + j < n else -1)
        return c

    pu0, pu1 = mul(list(pk.p0), list(w.u)), mul(list(pk.p1), list(w.u))
    assert ct.c0 == tuple((pu0[i] + w.e0[i] + TOY.delta * m[i]) % q for i in range(n))
    assert ct.c1 == tuple((pu1[i] + w.e1[i]) % q for i in range(n))
    # and pk0 = -a*s + e with e small
    e = [(pk.p0[i] + mul(list(pk.p1), list(sk.s))[i]) % q for i in range(n)]
    assert max(min(x, q - x) for x in e) <= TOY.error_bound


def test_bad_inputs_are_rejected():
    rng = DeterministicRng(10)
    sk, pk = keygen(TOY, rng)
    with pytest.raises(InvalidPlaintextError):
        encrypt(TOY, pk, [0] * (TOY.n + 1), rng)
    with pytest.raises(InvalidPlaintextError):
        encrypt(TOY, pk, [TOY.t], rng)
    with pytest.raises(InvalidPlaintextError):
        encrypt(TOY, pk, [-1], rng)
    with pytest.raises(InvalidPlaintextError):
        encrypt(TOY, pk, [1.0], rng)
    ct, w = encrypt(TOY, pk, [5], rng)
    with pytest.raises(InvalidCiphertextError):
        decrypt(TOY, sk, Ciphertext(ct.c0[:-1], ct.c1))
    with pytest.raises(InvalidCiphertextError):
        decrypt(TOY, sk, Ciphertext((TOY.q,) + ct.c0[1:], ct.c1))
    with pytest.raises(InvalidKeyError):
        encrypt(TOY, PublicKey(pk.p0, (TOY.q,) * TOY.n), [1], rng)
    bad_u = EncryptionWitness((2,) + w.u[1:], w.e0, w.e1)
    with pytest.raises(InvalidWitnessError):
        encrypt_with_randomness(TOY, pk, [5], bad_u)
    bad_e = EncryptionWitness(w.u, (TOY.error_bound + 1,) + w.e0[1:], w.e1)
    with pytest.raises(InvalidWitnessError):
        encrypt_with_randomness(TOY, pk, [5], bad_e)
    assert encrypt_with_randomness(TOY, pk, [5], w) == ct


@settings(max_examples=10, deadline=None)
@given(pixels=st.lists(st.integers(0, 255), min_size=1, max_size=3 * TOY.n))
def test_image_encoding_round_trip(pixels):
    chunks = image_to_plaintexts(TOY, pixels)
    assert len(chunks) == math.ceil(len(pixels) / TOY.n)
    assert [v for c in chunks for v in c][: len(pixels)] == pixels
    assert plaintexts_to_image(TOY, chunks, len(pixels)) == pixels


def test_image_encoding_rejects_bad_pixels_and_padding():
    with pytest.raises(InvalidPlaintextError):
        image_to_plaintexts(TOY, [256])
    with pytest.raises(InvalidPlaintextError):
        image_to_plaintexts(TOY, [True])
    with pytest.raises(InvalidPlaintextError):
        image_to_plaintexts(TOY, [])
    chunks = image_to_plaintexts(TOY, [1] * 10)
    chunks[0][10] = 1
    with pytest.raises(InvalidPlaintextError):
        plaintexts_to_image(TOY, chunks, 10)


def test_images_larger_than_n_use_several_chunks():
    rng = DeterministicRng(b"chunks")
    for params, num_pixels, chunks in ((DEFAULT, 32 * 32 * 3, 1), (DEFAULT, 4097, 2), (TOY, 8 * 8 * 3, 3)):
        sk, pk = keygen(params, rng)
        pixels = bytes((i * 131 + 7) % 256 for i in range(num_pixels))
        pairs = encrypt_image(params, pk, pixels, rng)
        assert len(pairs) == chunks
        assert decrypt_image(params, sk, [ct for ct, _ in pairs], len(pixels)) == list(pixels)


def test_samplers_ranges_and_moments():
    rng = DeterministicRng(b"moments")
    e = sample_gaussian(rng, 200_000, 3.2, 19)
    assert e.min() >= -19 and e.max() <= 19
    assert abs(e.mean()) < 0.05 and abs(e.std() - 3.2) < 0.03
    # P(|e| > 12) for sigma 3.2 is about 9.4e-5: ~19 expected in 200k (the tails are present)
    assert 5 < int((np.abs(e) > 12).sum()) < 100
    u = sample_ternary(rng, 300_000)
    counts = [int((u == v).sum()) for v in (-1, 0, 1)]
    assert all(abs(c - 100_000) < 1500 for c in counts)  # ~5 sigma
    for qi in DEFAULT.moduli:
        x = sample_uniform_mod(rng, 100_000, qi)
        assert int(x.max()) < qi and abs(x.astype(float).mean() / qi - 0.5) < 0.01
    rows = sample_uniform_rns(rng, 1000, DEFAULT.moduli)
    assert rows.shape == (2, 1000) and all(int(r.max()) < m for r, m in zip(rows, DEFAULT.moduli))
    f = sample_uniform_signed(rng, 100_000, 5)
    assert f.min() == -5 and f.max() == 5
    # flooding: uniform on [-F, F] for any F (here 2^83 and 5), by rejection
    big = DEFAULT.flood_bound
    draws = [sample_flooding(rng, big) for _ in range(4000)]
    assert all(-big <= d <= big for d in draws)
    assert abs(sum(draws) / len(draws)) < big / 20 and max(draws) > big * 0.99 and min(draws) < -big * 0.99
    small = [sample_flooding(rng, 5) for _ in range(11_000)]
    assert {v: small.count(v) for v in range(-5, 6)}.keys() == set(range(-5, 6))
    assert all(abs(small.count(v) - 1000) < 160 for v in range(-5, 6))  # ~5 sigma
    assert sample_flooding(rng, 0) == 0


def test_deterministic_rng_is_reproducible_and_system_rng_is_not():
    assert DeterministicRng(b"a").random_bytes(32) == DeterministicRng(b"a").random_bytes(32)
    r = DeterministicRng(b"a")
    assert r.random_bytes(32) != r.random_bytes(32)
    assert DeterministicRng(b"a").random_bytes(32) != DeterministicRng(b"b").random_bytes(32)
    sysrng = SystemRandomSource()
    assert sysrng.random_bytes(32) != sysrng.random_bytes(32)


def test_serialization_round_trip_and_strictness():
    rng = DeterministicRng(11)
    secrets, publics, pk = _committee(DEFAULT, 3, rng)
    ct, _ = encrypt(DEFAULT, pk, [1, 2, 3], rng)
    data = ciphertext_to_bytes(DEFAULT, ct)
    assert len(data) == 2 * 4096 * 14
    assert ciphertext_from_bytes(DEFAULT, data) == ct
    # little-endian 14-byte coefficients (integers mod q = q1 q2), c0 first
    assert int.from_bytes(data[14:28], "little") == ct.c0[1]
    assert public_key_from_bytes(DEFAULT, public_key_to_bytes(DEFAULT, pk)) == pk
    with pytest.raises(NonCanonicalEncodingError):
        ciphertext_from_bytes(DEFAULT, data[:-1])
    non_canonical = DEFAULT.q.to_bytes(14, "little") + data[14:]
    with pytest.raises(NonCanonicalEncodingError):
        ciphertext_from_bytes(DEFAULT, non_canonical)
    top = (2**112 - 1).to_bytes(14, "little") + data[14:]
    with pytest.raises(NonCanonicalEncodingError):
        ciphertext_from_bytes(DEFAULT, top)
    with pytest.raises(NonCanonicalEncodingError):
        public_key_from_bytes(DEFAULT, public_key_to_bytes(DEFAULT, pk)[:-1])


def test_public_key_digest_binds_key_and_params():
    rng = DeterministicRng(12)
    _, pk1 = keygen(DEFAULT, rng)
    _, pk2 = keygen(DEFAULT, rng)
    d1 = public_key_digest(DEFAULT, pk1)
    assert len(d1) == 32 and d1 == public_key_digest(DEFAULT, pk1)
    assert d1 != public_key_digest(DEFAULT, pk2)


def test_secret_material_is_not_in_repr():
    rng = DeterministicRng(13)
    sk, _ = keygen(TOY, rng)
    share, _, wit = generate_share(TOY, crs_polynomials(TOY, SEED), 1, rng)
    for obj in (sk, share, wit):
        assert "s=" not in repr(obj) and "salt=" not in repr(obj) and "e=" not in repr(obj)


def test_os_urandom_is_the_default_source(monkeypatch):
    calls = []
    real = os.urandom

    def spy(n):
        calls.append(n)
        return real(n)

    monkeypatch.setattr(os, "urandom", spy)
    sk, pk = keygen(TOY)
    encrypt(TOY, pk, [1])
    assert calls
