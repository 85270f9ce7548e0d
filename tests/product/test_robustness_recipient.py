"""Robustness of the recipient (specs/consistency.md, "Recipient"): whatever a malicious sender
or a corrupted payload carries, ``open_payload`` returns a checked opening or raises
``OpeningError``; it never crashes and never returns an opening that does not match ``C``."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# the commitment re-derived from the spec text (tests/ is on sys.path)
from test_commitment import spec_commit

from consistency.errors import OpeningError
from consistency.recipient import open_payload
from consistency.server import ForwardPayload
from schemes.bn254.fields import R
from schemes.commitment import commit
from schemes.key_agreement import sender_derive
from schemes.poseidon_cipher import encrypt

R_INT = int(R)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _payload(env):
    return ForwardPayload(env.params_id, env.C, env.nonce, env.eph_pub, env.ct_msg)


def _spec_packed(image: np.ndarray, params) -> list[int]:
    """pack(x) from its definition (specs/packing.md): the row-major HWC bytes, 31 per element,
    little-endian."""
    assert image.dtype == np.uint8 and image.shape == params.shape
    data = image.reshape(-1).tobytes()
    return [int.from_bytes(data[i : i + 31], "little") for i in range(0, len(data), 31)]


def _assert_opens(C: int, image: np.ndarray, rho: int, params) -> None:
    """(image, rho) opens C by the spec's definition of the commitment (not the library's)."""
    assert spec_commit(_spec_packed(image, params), rho) == C


def test_honest_payload_opens(toy):
    opening = open_payload(_payload(toy.env_benign), toy.recipient, toy.params)
    assert (opening.image == toy.benign).all()
    assert opening.C == toy.env_benign.C
    _assert_opens(toy.env_benign.C, opening.image, opening.rho, toy.params)


@SETTINGS
@given(data=st.data())
def test_malicious_sender_plaintexts_are_refused_with_opening_error(toy, data):
    """A sender that skips the proof can encrypt any field elements under the right key; the
    recipient must reject non-image plaintexts and commitments that do not match."""
    p = toy.params
    elems = data.draw(
        st.lists(
            st.one_of(st.integers(0, 255), st.integers(0, 2**248 - 1), st.integers(2**248, R_INT - 1)),
            min_size=p.plaintext_len,
            max_size=p.plaintext_len,
        ),
        "plaintext",
    )
    eph_pub, key = sender_derive(toy.recipient.public_bytes())
    nonce = data.draw(st.integers(0, 2**128 - 1), "nonce")
    ct = tuple(encrypt(elems, key, nonce))
    honest_c = commit(elems[1:], elems[0]) if all(e < 2**248 for e in elems[1:]) else 0
    c = data.draw(st.sampled_from([honest_c, (honest_c + 1) % R_INT]), "C")
    payload = ForwardPayload(p.name, c, nonce, eph_pub, ct)
    try:
        opening = open_payload(payload, toy.recipient, p)
    except OpeningError:
        return
    # an accepted opening really opens C, and it is exactly what the sender encrypted
    _assert_opens(payload.C, opening.image, opening.rho, p)
    assert [opening.rho, *_spec_packed(opening.image, p)] == elems


@pytest.mark.parametrize(
    "change",
    [
        {"nonce": 2**128},
        {"nonce": -1},
        {"nonce": None},
        {"eph_pub": bytes(32)},
        {"eph_pub": b"\x01" + bytes(31)},
        {"eph_pub": b"short"},
        {"eph_pub": None},
        {"ct_msg": ()},
        {"ct_msg": None},
        {"ct_msg": (R_INT,) * 7},
        {"C": 0},
        {"params_id": "default"},
    ],
    ids=repr,
)
def test_corrupted_payloads_raise_opening_error(toy, change):
    payload = replace(_payload(toy.env_benign), **change)
    with pytest.raises(OpeningError):
        open_payload(payload, toy.recipient, toy.params)


@pytest.mark.parametrize("secret", [b"", bytes(31), "text", None, 5])
def test_bad_recipient_secret_raises_opening_error(toy, secret):
    with pytest.raises(OpeningError):
        open_payload(_payload(toy.env_benign), secret, toy.params)
