"""The machine-readable vectors in specs/vectors/ (regenerate with specs/vectors/make_vectors.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

# independent re-derivations written from the spec text (tests/ is on sys.path, as for
# tests/test_groth16_snarkjs_json.py)
from test_commitment import spec_commit
from test_poseidon_cipher import duplex_with_padding

from consistency.demo import _shipped_image
from consistency.envelope import decode, from_json
from consistency.keyfile import read_recipient_secret
from consistency.keys import load_verifier_keys
from consistency.params import get_parameter_set
from consistency.recipient import open_payload
from consistency.server import Server, verify_envelope

VEC = Path(__file__).resolve().parents[2] / "specs" / "vectors"


def test_packing_commitment_cipher_vector():
    from schemes.commitment import commit
    from schemes.packing import pack
    from schemes.poseidon_cipher import decrypt, encrypt

    v = json.loads((VEC / "packing_commitment_cipher.json").read_text())
    data = bytes.fromhex(v["bytes_hex"])
    # packing from its definition: 31 bytes per element, little-endian
    by_definition = [int.from_bytes(data[i : i + 31], "little") for i in range(0, len(data), 31)]
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
        assert [x % qj for x in c0] == [
            (x + e + (delta % qj) * m) % qj for x, e, m in zip(_negacyclic(pk0j, v["u"], qj), v["e0"], v["m"])
        ]
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
    assert from_json(json.loads((d / "envelope.json").read_text()), allow_insecure=True) == decode(
        data, allow_insecure=True
    )
    params = get_parameter_set("toy", allow_insecure=True)
    admitted = Server(keys, issue_contexts=False).admit(data, context)  # the vector's own context
    opening = open_payload(admitted.forward_payload, read_recipient_secret(d / "recipient.key"), params)
    assert np.array_equal(opening.image, _shipped_image("toy", "benign"))


@pytest.mark.interop
def test_toy_envelope_vector_verifies_with_snarkjs(tmp_path, snarkjs):
    from consistency.cli import main

    d = VEC / "toy_envelope"
    assert main(["export", str(d / "envelope.bin"), "--keys", str(d), "--out", str(tmp_path), "--insecure"]) == 0
    r = snarkjs(
        "groth16", "verify", tmp_path / "verification_key.json", tmp_path / "public.json", tmp_path / "proof.json"
    )
    assert r.returncode == 0 and "OK" in r.stdout, r.stdout + r.stderr


def test_toy_vector_digest_from_the_spec_text():
    """specs/consistency.md §1, field by field, with the version byte 1, against the vector's
    params.json and verification_key.json (no call into consistency.params)."""
    import hashlib
    import struct

    d = VEC / "toy_envelope"
    pk_bytes = (d / "committee_pk.bin").read_bytes()
    # the toy set's constants as bfv.md §2 and consistency.md §1 state them
    name, bfv_name = b"toy", b"bfv-n64-q88-rns2-t18-TOY-INSECURE"
    n, moduli, t, bound, parties, l1, sigma = 64, (17592180539393, 17592178180097), 2**18, 19, 3, 448, 3.2
    data = (
        b"GRC/PARAMS/v2\x00"
        + bytes([1])
        + struct.pack(">H", len(name))
        + name
        + struct.pack(">III", 8, 8, 1)
        + struct.pack(">H", len(bfv_name))
        + bfv_name
        + struct.pack(">IB", n, len(moduli))
        + b"".join(struct.pack(">Q", m) for m in moduli)
        + struct.pack(">QQII", t, bound, parties, l1)
        + bytes.fromhex("400999999999999a")
        + int.from_bytes(b"GRC/CMT1", "big").to_bytes(8, "big")
        + int.from_bytes(b"GRC/CTX1", "big").to_bytes(8, "big")
        + len(pk_bytes).to_bytes(8, "big")
        + pk_bytes
    )
    assert struct.pack(">d", sigma) == bytes.fromhex("400999999999999a")
    digest = hashlib.sha256(data).hexdigest()
    meta = json.loads((d / "params.json").read_text())
    assert meta == {"version": 1, "params_id": "toy", "digest": digest}
    vk = json.loads((d / "verification_key.json").read_text())
    assert (vk["params_id"], vk["params_digest"]) == ("toy", digest)
    # the version byte is part of the hash: 0 or 2 there gives another digest
    for other in (0, 2):
        assert hashlib.sha256(data[:14] + bytes([other]) + data[15:]).hexdigest() != digest


def test_toy_vector_byte_orders():
    """consistency.md §2 "Byte order": committee_pk.bin little-endian (bfv.md §12), the
    envelope's ct_fhe big-endian; each read by hand from the raw bytes."""
    d = VEC / "toy_envelope"
    keys = load_verifier_keys(d, allow_insecure=True)
    n, q, w = 64, 17592180539393 * 17592178180097, 11  # bfv.md §2: q = q1 q2 (88 bits), 11 bytes
    raw_pk = (d / "committee_pk.bin").read_bytes()
    assert len(raw_pk) == 2 * n * w
    pk_le = [int.from_bytes(raw_pk[i : i + w], "little") for i in range(0, len(raw_pk), w)]
    assert pk_le == list(keys.pk_fhe.p0) + list(keys.pk_fhe.p1)
    # read with the other rule, the coefficients are other numbers (with a 88-bit q in 11 bytes
    # they need not leave [0, q), so compare them)
    pk_be = [int.from_bytes(raw_pk[i : i + w], "big") for i in range(0, len(raw_pk), w)]
    assert all(a != b for a, b in zip(pk_be, pk_le)) and all(v < q for v in pk_le)

    data = (d / "envelope.bin").read_bytes()
    env = decode(data, allow_insecure=True)
    pos = 4 + 1 + 1 + data[5]  # magic, version, params_id length and name
    fields = []
    for _ in range(7):
        length = int.from_bytes(data[pos : pos + 4], "big")
        fields.append(data[pos + 4 : pos + 4 + length])
        pos += 4 + length
    assert pos == len(data)
    C, ctx, nonce, eph_pub, ct_msg, ct_fhe, _proof = fields
    assert (int.from_bytes(C, "big"), int.from_bytes(ctx, "big"), int.from_bytes(nonce, "big")) == (
        env.C,
        env.ctx,
        env.nonce,
    )
    assert eph_pub == env.eph_pub  # raw RFC 7748 bytes, not re-encoded
    assert [int.from_bytes(ct_msg[i : i + 32], "big") for i in range(0, len(ct_msg), 32)] == list(env.ct_msg)
    coeffs = [int.from_bytes(ct_fhe[i : i + w], "big") for i in range(0, len(ct_fhe), w)]
    assert coeffs == list(env.ct_fhe[0].c0) + list(env.ct_fhe[0].c1)
    assert all(int.from_bytes(ct_fhe[i : i + w], "little") != c for i, c in zip(range(0, len(ct_fhe), w), coeffs))
