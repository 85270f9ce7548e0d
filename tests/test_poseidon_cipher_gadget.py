"""Poseidon-cipher encryption gadget: equality with the native cipher (and so with zk-kit),
constraint counts, the nonce range proof, mutation tests and shape-only mode."""

from __future__ import annotations

import json
import pathlib
import random

import pytest

from schemes.bn254.fields import R
from schemes.poseidon_cipher import encrypt
from schemes.poseidon_cipher.gadget import encrypt_constraints, encrypt_gadget
from schemes.r1cs import ConstraintSystem
from schemes.r1cs.testing import assert_witness_mutations_fail

R_INT = int(R)
TWO128 = 1 << 128
DATA = pathlib.Path(__file__).parent / "data" / "poseidon_reference.json"
VECTORS = json.loads(DATA.read_text())["poseidon_cipher"]


def circuit(pt, key, nonce, with_witness=True, public_ct=None):
    """Ciphertext public, plaintext/key private, nonce public (as in the consistency relation)."""
    w = with_witness
    n = len(pt)
    expected = public_ct if public_ct is not None else (encrypt(pt, key, nonce) if w else None)
    cs = ConstraintSystem(with_witness=w)
    ct_pub = [cs.public_input(expected[i] if w else None, f"ct{i}") for i in range(3 * (-(-n // 3)) + 1)]
    nonce_pub = cs.public_input(nonce if w else None, "nonce")
    key_w = [cs.witness(k if w else None, f"key{i}") for i, k in enumerate(key)]
    pt_w = [cs.witness(m if w else None, f"pt{i}") for i, m in enumerate(pt)]
    out = encrypt_gadget(cs, pt_w, key_w, nonce_pub, n)
    for i, (a, b) in enumerate(zip(out, ct_pub)):
        cs.enforce_equal(a, b, f"bind{i}")
    return cs, out


@pytest.mark.parametrize("vector", VECTORS[::2], ids=lambda v: f"l={len(v['plaintext'])}")
def test_gadget_reproduces_zk_kit_vectors(vector):
    pt = [int(x) for x in vector["plaintext"]]
    key = [int(x) for x in vector["key"]]
    nonce = int(vector["nonce"])
    ct = [int(x) for x in vector["ciphertext"]]
    cs, out = circuit(pt, key, nonce, public_ct=ct)
    assert [lc.value for lc in out] == ct
    cs.check()


@pytest.mark.parametrize("length", [0, 1, 2, 3, 4, 5, 6, 10])
def test_gadget_matches_native_and_counts(length):
    rng = random.Random(length)
    pt = [rng.randrange(R_INT) for _ in range(length)]
    key = [rng.randrange(R_INT) for _ in range(2)]
    nonce = rng.randrange(TWO128)
    cs, out = circuit(pt, key, nonce)
    assert [lc.value for lc in out] == encrypt(pt, key, nonce)
    cs.check()
    blocks = -(-length // 3)
    ciphertext_binds = 3 * blocks + 1
    assert encrypt_constraints(length) == 264 * (blocks + 1) - 3 + 129
    assert cs.num_constraints == encrypt_constraints(length) + ciphertext_binds


@pytest.mark.parametrize("nonce", [TWO128, TWO128 + 3, R_INT - 1])
def test_nonce_out_of_range_is_unsatisfiable(nonce):
    """The native cipher refuses these nonces; the circuit must not prove them either."""
    key, pt = [5, 6], [7]
    cs = ConstraintSystem(with_witness=True)
    n = cs.public_input(nonce, "nonce")
    encrypt_gadget(cs, [cs.witness(x, "pt") for x in pt], [cs.witness(k, "k") for k in key], n, 1)
    assert not cs.is_satisfied()


def test_wrong_ciphertext_is_unsatisfiable():
    pt, key, nonce = [1, 2, 3, 4], [5, 6], 7
    ct = encrypt(pt, key, nonce)
    for i in range(len(ct)):
        bad = list(ct)
        bad[i] = (bad[i] + 1) % R_INT
        cs, _ = circuit(pt, key, nonce, public_ct=bad)
        assert not cs.is_satisfied()


@pytest.mark.parametrize("length", [1, 4])
def test_mutations(length):
    rng = random.Random(100 + length)
    pt = [rng.randrange(R_INT) for _ in range(length)]
    cs, _ = circuit(pt, [rng.randrange(R_INT), rng.randrange(R_INT)], rng.randrange(TWO128))
    assert assert_witness_mutations_fail(cs) == cs.num_private


@pytest.mark.parametrize("length", [0, 2, 7])
def test_shape_mode_same_system(length):
    pt = list(range(1, length + 1))
    wit, _ = circuit(pt, [1, 2], 3)
    shape, _ = circuit(pt, [1, 2], 3, with_witness=False)
    assert shape.freeze().digest() == wit.freeze().digest()


def test_argument_checks():
    cs = ConstraintSystem(with_witness=False)
    one = cs.one
    with pytest.raises(ValueError):
        encrypt_gadget(cs, [one, one], [one, one], one, 3)  # length mismatch
    with pytest.raises(ValueError):
        encrypt_gadget(cs, [one], [one], one, 1)  # one key element
