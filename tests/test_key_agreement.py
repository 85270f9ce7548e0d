"""X25519 + HKDF-SHA256 key agreement (schemes.key_agreement, specs/key-agreement.md).

Expected values come from RFC 7748 (X25519), RFC 5869 (HKDF) and an independent
re-derivation of the spec with hashlib/hmac; nothing is pasted from the code under test.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import re
import stat
from pathlib import Path

import pytest

from schemes import key_agreement as ka
from schemes.bn254.fields import R

SPEC = Path(__file__).resolve().parents[1] / "specs" / "key-agreement.md"
P25519 = 2**255 - 19
h = bytes.fromhex

# RFC 7748, section 5.2 (scalar, u, output) and section 6.1 (Diffie-Hellman).
RFC7748_VECTORS = [
    (
        "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
    ),
    (  # u has its top bit set: RFC 7748 masks it
        "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
        "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
        "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
    ),
]
ITERATED_1 = "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"
ITERATED_1000 = "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"
ALICE_SK = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
ALICE_PK = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
BOB_SK = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
BOB_PK = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
SHARED_K = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"

# Small-order u-coordinates from cr.yp.to/ecdh.html#validate; verified below.
SMALL_ORDER_U = [
    0,
    1,
    325606250916557431795983626356110631294008115727848805560023387167927233504,
    39382357235489614581723060781553021112529911719440698176882885853963445705823,
    P25519 - 1,
]


def enc(u: int) -> bytes:
    return u.to_bytes(32, "little")


# ---------------------------------------------------------------- independent references


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 written from the RFC with hmac/hashlib (independent of pycryptodome)."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    okm, block = b"", b""
    for i in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        okm += block
    return okm[:length]


def reference_cipher_key(shared: bytes, eph_pub: bytes, recipient_pub: bytes) -> tuple:
    """specs/key-agreement.md, section "Cipher key derivation", re-derived from the text.

    Returns (key, number of candidates drawn)."""
    salt = b"GRC/KA1/salt x25519-hkdf-sha256"
    label = b"GRC/KA1/poseidon-cipher-key"
    out, j = [], 0
    while len(out) < 2:
        t = hkdf_sha256(shared, salt, label + eph_pub + recipient_pub + j.to_bytes(4, "big"), 32)
        c = int.from_bytes(t, "big") % 2**254
        if c < R:
            out.append(c)
        j += 1
    return (out[0], out[1]), j


def montgomery_double(x: int, z: int) -> tuple[int, int]:
    """x-only doubling on v^2 = u^3 + 486662 u^2 + u (RFC 7748 ladder formulas)."""
    aa, bb = (x + z) ** 2 % P25519, (x - z) ** 2 % P25519
    e = aa - bb
    return aa * bb % P25519, e * (bb + 121666 * e) % P25519


# ---------------------------------------------------------------- X25519 through pycryptodome


def test_hkdf_reference_matches_rfc5869_case_1():
    okm = hkdf_sha256(b"\x0b" * 22, bytes(range(13)), bytes(range(0xF0, 0xFA)), 42)
    assert okm.hex() == ("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")


@pytest.mark.parametrize("scalar,u,expected", RFC7748_VECTORS)
def test_x25519_rfc7748_section_5_2(scalar, u, expected):
    assert ka.x25519(h(scalar), h(u)) == h(expected)


def test_x25519_rfc7748_iterated():
    k = u = enc(9)
    for i in range(1000):
        k, u = ka.x25519(k, u), k
        if i == 0:
            assert k == h(ITERATED_1)
    assert k == h(ITERATED_1000)


def test_rfc7748_section_6_1_keys_and_shared_secret():
    alice = ka.RecipientSecretKey(h(ALICE_SK))
    bob = ka.RecipientSecretKey(h(BOB_SK))
    assert alice.public_bytes() == h(ALICE_PK)
    assert bob.public_bytes() == h(BOB_PK)
    assert ka.x25519(h(ALICE_SK), h(BOB_PK)) == h(SHARED_K)
    assert ka.x25519(h(BOB_SK), h(ALICE_PK)) == h(SHARED_K)


# ---------------------------------------------------------------- cipher key derivation


def test_both_sides_derive_the_same_key():
    recipient = ka.generate_recipient_key()
    eph_pub, key = ka.sender_derive(recipient.public_bytes())
    assert len(eph_pub) == 32
    assert ka.recipient_derive(recipient, eph_pub) == key
    assert ka.recipient_derive(recipient.to_bytes(), eph_pub) == key
    assert all(type(c) is int and 0 <= c < R for c in key)


def test_fresh_ephemeral_key_per_call():
    recipient = ka.generate_recipient_key()
    runs = [ka.sender_derive(recipient.public_bytes()) for _ in range(4)]
    assert len({eph for eph, _ in runs}) == 4
    assert len({key for _, key in runs}) == 4


def test_other_recipient_gets_another_key():
    alice, mallory = ka.generate_recipient_key(), ka.generate_recipient_key()
    eph_pub, key = ka.sender_derive(alice.public_bytes())
    assert ka.recipient_derive(mallory, eph_pub) != key


def test_derivation_matches_independent_reference_including_rejections():
    rng = random.Random(7748)
    rejected = 0
    for _ in range(40):
        shared, eph, rec = (enc(rng.randrange(2, P25519)) for _ in range(3))
        expected, drawn = reference_cipher_key(shared, eph, rec)
        rejected += drawn - 2
        assert ka.derive_cipher_key(shared, eph, rec) == expected
    # P(no rejection in 40 runs) = (R / 2^254)^80 < 2^-32: the rejection branch was exercised.
    assert rejected > 0


def test_derivation_binds_both_public_keys():
    shared, eph, rec = h(SHARED_K), h(ALICE_PK), h(BOB_PK)
    key = ka.derive_cipher_key(shared, eph, rec)
    assert ka.derive_cipher_key(shared, rec, eph) != key
    assert ka.derive_cipher_key(shared, eph, enc(9)) != key
    assert ka.derive_cipher_key(shared, enc(9), rec) != key


def _spec_vectors() -> dict:
    """All ```json blocks of specs/key-agreement.md, merged."""
    merged: dict = {}
    for block in re.findall(r"```json\n(.*?)\n```", SPEC.read_text(), re.S):
        merged.update(json.loads(block))
    return merged


def test_spec_vector_1_x25519_and_derivation():
    """The spec's vector equals the RFC 7748 data, the independent reference and the code."""
    vec = _spec_vectors()
    assert (vec["ephemeral_secret"], vec["ephemeral_public"]) == (ALICE_SK, ALICE_PK)
    assert (vec["recipient_secret"], vec["recipient_public"]) == (BOB_SK, BOB_PK)
    assert vec["shared_secret"] == SHARED_K
    expected, _ = reference_cipher_key(h(SHARED_K), h(ALICE_PK), h(BOB_PK))
    assert [str(c) for c in expected] == vec["cipher_key"]
    assert ka.recipient_derive(h(BOB_SK), h(ALICE_PK)) == expected


def test_spec_vector_2_rejection_sampling():
    vec = _spec_vectors()
    shared, eph, rec = (
        h(vec[k]) for k in ("derive_shared_secret", "derive_ephemeral_public", "derive_recipient_public")
    )
    salt, label = b"GRC/KA1/salt x25519-hkdf-sha256", b"GRC/KA1/poseidon-cipher-key"
    blocks = [hkdf_sha256(shared, salt, label + eph + rec + j.to_bytes(4, "big"), 32) for j in range(5)]
    assert [b.hex() for b in blocks] == vec["derive_blocks"]
    candidates = [int.from_bytes(b, "big") % 2**254 for b in blocks]
    assert [c < R for c in candidates] == [False, True, False, False, True]
    expected = (candidates[1], candidates[4])
    assert [str(c) for c in expected] == vec["derive_cipher_key"]
    assert ka.derive_cipher_key(shared, eph, rec) == expected


# ---------------------------------------------------------------- rejection of bad keys


@pytest.mark.parametrize("bad", [b"", bytes(31), bytes(33), "00" * 32, None, list(range(32))])
def test_bad_public_key_type_or_length_rejected(bad):
    recipient = ka.generate_recipient_key()
    with pytest.raises(ka.InvalidPublicKeyError):
        ka.sender_derive(bad)
    with pytest.raises(ka.InvalidPublicKeyError):
        ka.recipient_derive(recipient, bad)


@pytest.mark.parametrize(
    "bad",
    [
        enc(9)[:31] + b"\x80",  # top bit set
        enc(P25519),  # u = p (= 0 mod p)
        enc(P25519 + 9),  # non-canonical 9
        b"\xff" * 31 + b"\x7f",  # 2^255 - 1
    ],
)
def test_non_canonical_public_key_rejected(bad):
    recipient = ka.generate_recipient_key()
    with pytest.raises(ka.InvalidPublicKeyError, match="canonical"):
        ka.sender_derive(bad)
    with pytest.raises(ka.InvalidPublicKeyError, match="canonical"):
        ka.recipient_derive(recipient, bad)


@pytest.mark.parametrize("u", SMALL_ORDER_U)
def test_small_order_list_is_small_order(u):
    """[8]P is the point at infinity (Z = 0) for every listed u: they are low-order."""
    x, z = u, 1
    for _ in range(3):
        x, z = montgomery_double(x, z)
    assert z == 0


@pytest.mark.parametrize("u", SMALL_ORDER_U)
def test_low_order_point_rejected(u):
    recipient = ka.generate_recipient_key()
    with pytest.raises(ka.LowOrderPointError):
        ka.sender_derive(enc(u))
    with pytest.raises(ka.LowOrderPointError):
        ka.recipient_derive(recipient, enc(u))
    with pytest.raises(ka.LowOrderPointError):
        ka.x25519(recipient.to_bytes(), enc(u))


@pytest.mark.parametrize("u", [P25519, P25519 + 1])
def test_low_order_non_canonical_encodings_rejected_by_raw_x25519(u):
    with pytest.raises(ka.LowOrderPointError):
        ka.x25519(bytes(range(32)), enc(u))


def test_all_zero_shared_secret_rejected(monkeypatch):
    """Defence in depth: even if the backend returned 0, the result is refused."""
    monkeypatch.setattr(ka, "key_agreement", lambda **_: bytes(32))
    with pytest.raises(ka.LowOrderPointError, match="all zero"):
        ka.x25519(bytes(range(32)), enc(9))


# ---------------------------------------------------------------- secret key serialization


def test_secret_key_roundtrip_and_file(tmp_path):
    key = ka.generate_recipient_key()
    assert ka.RecipientSecretKey.from_bytes(key.to_bytes()) == key
    path = tmp_path / "recipient.key"
    key.write(path)
    assert path.read_bytes() == key.to_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = ka.RecipientSecretKey.read(path)
    assert loaded == key and loaded.public_bytes() == key.public_bytes()
    with pytest.raises(FileExistsError):
        key.write(path)
    assert key.to_bytes().hex() not in repr(key)


@pytest.mark.parametrize("bad", [bytes(31), bytes(33), "x" * 32])
def test_bad_secret_key_rejected(bad, tmp_path):
    with pytest.raises(ka.InvalidSecretKeyError):
        ka.RecipientSecretKey(bad)
    if isinstance(bad, bytes):
        path = tmp_path / "bad.key"
        path.write_bytes(bad)
        with pytest.raises(ka.InvalidSecretKeyError):
            ka.RecipientSecretKey.read(path)
