"""The machine-readable vectors in specs/vectors/ (regenerate with specs/vectors/make_vectors.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from consistency.demo import _shipped_image
from consistency.envelope import decode, from_json
from consistency.keys import load_verifier_keys
from consistency.params import get_parameter_set
from consistency.recipient import open_payload
from consistency.server import Server, verify_envelope
# independent re-derivations written from the spec text (tests/ is on sys.path, as for
# tests/test_groth16_snarkjs_json.py)
from test_commitment import spec_commit
from test_poseidon_cipher import duplex_with_padding

VEC = Path(__file__).resolve().parents[2] / "specs" / "vectors"


def test_packing_commitment_cipher_vector():
    from schemes.commitment import commit
    from schemes.packing import pack
    from schemes.poseidon_cipher import decrypt, encrypt

    v = json.loads((VEC / "packing_commitment_cipher.json").read_text())
    data = bytes.fromhex(v["bytes_hex"])
    # packing from its definition: 31 bytes per element, little-endian
    by_definition = [int.from_bytes(data[i:i + 31], "little") for i in range(0, len(data), 31)]
    assert [str(x) for x in by_definition] == v["packed"] == [str(x) for x in pack(data)]
    rho, key, nonce = int(v["rho"]), [int(k) for k in v["key"]], int(v["nonce"])
    # the commitment re-derived from the spec text (tests/test_commitment.py), and the library
    assert str(spec_commit(by_definition, rho)) == v["commitment"] == str(commit(by_definition, rho))
    # the ciphertext from the duplex written from the spec (tests/test_poseidon_cipher.py),
    # zero padding up to a multiple of 3, and the library
    plaintext = [rho, *by_definition]
    ct = [int(c) for c in v["ciphertext"]]
    assert len(ct) == 3 * -(-len(plaintext) // 3) + 1
    assert duplex_with_padding(plaintext, [0] * (-len(plaintext) % 3), key, nonce) == ct
    assert encrypt(plaintext, key, nonce) == ct
    assert decrypt(ct, key, nonce, len(plaintext)) == plaintext


def _negacyclic(a: list[int], b: list[int], q: int) -> list[int]:
    n = len(a)
    out = [0] * n
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            k = i + j
            if k < n:
                out[k] += x * y
            else:
                out[k - n] -= x * y
    return [v % q for v in out]


def test_bfv_toy_vector_by_schoolbook_arithmetic():
    from schemes.bfv import DeterministicRng, SecretKey, decrypt, encrypt, keygen, toy_params
    from schemes.bfv.encryption import Ciphertext

    v = json.loads((VEC / "bfv_toy.json").read_text())
    q, t = v["q"], v["t"]
    assert len(v["moduli"]) == 2 and v["moduli"][0] * v["moduli"][1] == q
    delta = q // t
    c0 = [(x + e + delta * m) % q for x, e, m in zip(_negacyclic(v["pk0"], v["u"], q), v["e0"], v["m"])]
    c1 = [(x + e) % q for x, e in zip(_negacyclic(v["pk1"], v["u"], q), v["e1"])]
    assert c0 == v["c0"] and c1 == v["c1"]
    # the same relation modulo each RNS prime, with pk and Delta reduced mod that prime
    for qj in v["moduli"]:
        pk0j = [x % qj for x in v["pk0"]]
        assert [x % qj for x in c0] == [(x + e + (delta % qj) * m) % qj
                                        for x, e, m in zip(_negacyclic(pk0j, v["u"], qj), v["e0"], v["m"])]
    params = toy_params(i_know_this_is_insecure=True)
    assert decrypt(params, SecretKey(tuple(v["s"])), Ciphertext(tuple(c0), tuple(c1))) == v["m"]
    sk, pk = keygen(params, DeterministicRng(b"vector-keygen"))
    ct, _ = encrypt(params, pk, v["m"], DeterministicRng(b"vector-encrypt"))
    assert list(ct.c0) == v["c0"] and list(ct.c1) == v["c1"]


def test_toy_envelope_vector_verifies_and_opens():
    d = VEC / "toy_envelope"
    keys = load_verifier_keys(d, allow_insecure=True)
    data, context = (d / "envelope.bin").read_bytes(), (d / "context.txt").read_bytes()
    verify_envelope(keys, data, context)  # raises Rejected if the vector does not verify
    assert from_json(json.loads((d / "envelope.json").read_text()), allow_insecure=True) == decode(data, allow_insecure=True)
    params = get_parameter_set("toy", allow_insecure=True)
    admitted = Server(keys).admit(data, context)
    opening = open_payload(admitted.forward_payload, (d / "recipient.key").read_bytes(), params)
    assert np.array_equal(opening.image, _shipped_image("toy", "benign"))


@pytest.mark.interop
def test_toy_envelope_vector_verifies_with_snarkjs(tmp_path, snarkjs):
    from consistency.cli import main

    d = VEC / "toy_envelope"
    assert main(["export", str(d / "envelope.bin"), "--keys", str(d), "--out", str(tmp_path), "--insecure"]) == 0
    r = snarkjs("groth16", "verify", tmp_path / "verification_key.json", tmp_path / "public.json", tmp_path / "proof.json")
    assert r.returncode == 0 and "OK" in r.stdout, r.stdout + r.stderr
