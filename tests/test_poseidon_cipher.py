"""Poseidon cipher: zk-kit vectors, round trips, tampering, and every error case."""

from __future__ import annotations

import json
import pathlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemes.bn254.fields import R
from schemes.poseidon import permute
from schemes.poseidon_cipher import (
    DecryptionError,
    InvalidNonce,
    InvalidPadding,
    InvalidTag,
    MalformedCiphertext,
    ciphertext_length,
    decrypt,
    encrypt,
)

R_INT = int(R)
TWO128 = 1 << 128
DATA = pathlib.Path(__file__).parent / "data" / "poseidon_reference.json"
VECTORS = json.loads(DATA.read_text())["poseidon_cipher"]

elements = st.integers(0, R_INT - 1)
keys = st.lists(elements, min_size=2, max_size=2)
nonces = st.integers(0, TWO128 - 1)


def parse(v):
    return (
        [int(x) for x in v["plaintext"]],
        [int(x) for x in v["key"]],
        int(v["nonce"]),
        [int(x) for x in v["ciphertext"]],
    )


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"l={len(v['plaintext'])}")
def test_zk_kit_vectors(vector):
    pt, key, nonce, ct = parse(vector)
    assert encrypt(pt, key, nonce) == ct
    assert decrypt(ct, key, nonce, len(pt)) == pt


def duplex_with_padding(message, padding, key, nonce):
    """The encryption duplex written from the spec, but with chosen padding values: what a
    key holder could produce to smuggle data into the padding (valid tag, bad padding)."""
    padded = list(message) + list(padding)
    assert len(padded) % 3 == 0
    state = [0, key[0], key[1], nonce + len(message) * TWO128]
    out = []
    for i in range(0, len(padded), 3):
        state = permute(state)
        for k in range(3):
            state[1 + k] = (state[1 + k] + padded[i + k]) % R_INT
        out += state[1:]
    state = permute(state)
    return out + [state[1]]


def test_duplex_helper_agrees_with_encrypt():
    key, nonce, msg = [3, 4], 99, [5, 6, 7, 8]
    assert duplex_with_padding(msg, [0, 0], key, nonce) == encrypt(msg, key, nonce)


@settings(max_examples=25, deadline=None)
@given(st.lists(elements, max_size=10), keys, nonces)
def test_round_trip(pt, key, nonce):
    ct = encrypt(pt, key, nonce)
    assert len(ct) == ciphertext_length(len(pt)) == 3 * (-(-len(pt) // 3)) + 1
    assert decrypt(ct, key, nonce, len(pt)) == pt


@settings(max_examples=25, deadline=None)
@given(st.lists(elements, min_size=1, max_size=7), keys, nonces, st.data())
def test_any_changed_element_fails(pt, key, nonce, data):
    ct = encrypt(pt, key, nonce)
    i = data.draw(st.integers(0, len(ct) - 1), label="index")
    delta = data.draw(st.integers(1, R_INT - 1), label="delta")
    bad = list(ct)
    bad[i] = (bad[i] + delta) % R_INT
    with pytest.raises(InvalidTag):
        decrypt(bad, key, nonce, len(pt))


@settings(max_examples=15, deadline=None)
@given(st.lists(elements, max_size=7), keys, nonces, st.integers(0, 2), st.integers(1, R_INT - 1))
def test_wrong_key_or_nonce_fails(pt, key, nonce, which, delta):
    ct = encrypt(pt, key, nonce)
    key2, nonce2 = list(key), nonce
    if which < 2:
        key2[which] = (key2[which] + delta) % R_INT
    else:
        nonce2 = (nonce + delta) % TWO128
        if nonce2 == nonce:
            nonce2 = (nonce + 1) % TWO128
    with pytest.raises(InvalidTag):
        decrypt(ct, key2, nonce2, len(pt))


@pytest.mark.parametrize("length,other", [(1, 2), (2, 3), (4, 5), (4, 6), (3, 1)])
def test_wrong_length_fails(length, other):
    """Length is bound in the initial state: same block count, different length -> bad tag."""
    key, nonce = [11, 12], 13
    ct = encrypt(list(range(1, length + 1)), key, nonce)
    assert ciphertext_length(length) == ciphertext_length(other)
    with pytest.raises(InvalidTag):
        decrypt(ct, key, nonce, other)


@pytest.mark.parametrize("length", [1, 2, 4, 5])
def test_nonzero_padding_rejected_for_every_length(length):
    """zk-kit skips this check for length <= 3; we do not."""
    key, nonce = [21, 22], 23
    msg = list(range(100, 100 + length))
    pad = [0] * (-length % 3)
    pad[-1] = 1
    ct = duplex_with_padding(msg, pad, key, nonce)
    with pytest.raises(InvalidPadding):
        decrypt(ct, key, nonce, length)


def test_empty_plaintext():
    ct = encrypt([], [1, 2], 3)
    assert len(ct) == 1
    assert decrypt(ct, [1, 2], 3, 0) == []
    with pytest.raises(MalformedCiphertext):
        decrypt(ct + [0, 0, 0], [1, 2], 3, 0)


@pytest.mark.parametrize("nonce", [-1, TWO128, TWO128 + 7])
def test_nonce_out_of_range(nonce):
    ct = encrypt([1], [1, 2], 0)
    with pytest.raises(InvalidNonce):
        decrypt(ct, [1, 2], nonce, 1)
    with pytest.raises(ValueError, match="nonce"):
        encrypt([1], [1, 2], nonce)


def test_ciphertext_length_mismatch():
    ct = encrypt([1, 2, 3, 4], [1, 2], 3)
    for bad in (ct[:-1], ct + [0], ct[:4]):
        with pytest.raises(MalformedCiphertext):
            decrypt(bad, [1, 2], 3, 4)


def test_non_canonical_ciphertext_element():
    ct = encrypt([1], [1, 2], 3)
    bad = list(ct)
    bad[0] += R_INT  # same residue: zk-kit would reduce it, we refuse
    with pytest.raises(MalformedCiphertext):
        decrypt(bad, [1, 2], 3, 1)


@pytest.mark.parametrize("key", [[1], [1, 2, 3], [1, R_INT], [-1, 0]])
def test_bad_key(key):
    with pytest.raises(ValueError) as info:
        encrypt([1], key, 0)
    assert not isinstance(info.value, DecryptionError)
    with pytest.raises(ValueError):
        decrypt([0, 0, 0, 0], key, 0, 1)


def test_non_canonical_plaintext():
    with pytest.raises(ValueError):
        encrypt([R_INT], [1, 2], 0)


@pytest.mark.parametrize("length", [-1, 1.5, None])
def test_bad_length(length):
    with pytest.raises((ValueError, TypeError)):
        decrypt([0], [1, 2], 0, length)


def test_error_hierarchy():
    for exc in (InvalidTag, InvalidPadding, InvalidNonce, MalformedCiphertext):
        assert issubclass(exc, DecryptionError) and issubclass(exc, ValueError)
