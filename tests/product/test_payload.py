"""The forward payload's canonical encoding: round trip, strict parsing, and `open` reading it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consistency.cli import main
from consistency.keyfile import RECIPIENT_SECRET, armor
from consistency.payload import PayloadFormatError, decode_payload, encode_payload
from consistency.server import Server
from schemes.secret_file import write_secret_file


@pytest.fixture(scope="module")
def payload(toy):
    return Server(toy.keys.verifier, issue_contexts=False).admit(toy.env_banned, toy.ctx_banned).forward_payload


def test_round_trip_and_layout(toy, payload):
    data = encode_payload(payload, allow_insecure=True)
    assert decode_payload(data, allow_insecure=True) == payload
    name = payload.params_id.encode()
    # magic, version 1, u8 name length, name, C, nonce, eph_pub, ct_msg (specs/consistency.md)
    assert data[:6] == b"GRCF\x01" + bytes([len(name)])
    assert data[6 + len(name) : 6 + len(name) + 32] == payload.C.to_bytes(32, "big")
    assert len(data) == 6 + len(name) + 32 + 16 + 32 + 32 * toy.params.ct_msg_len


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_corruption_raises_only_its_error(toy, payload, data):
    good = encode_payload(payload, allow_insecure=True)
    i = data.draw(st.integers(0, len(good) - 1))
    op = data.draw(st.sampled_from(["flip", "cut", "extend"]))
    bad = (
        good[:i] + bytes([good[i] ^ data.draw(st.integers(1, 255))]) + good[i + 1 :]
        if op == "flip"
        else good[:i]
        if op == "cut"
        else good + bytes(data.draw(st.integers(1, 40)))
    )
    try:
        p = decode_payload(bad, allow_insecure=True)
    except PayloadFormatError:
        return
    assert encode_payload(p, allow_insecure=True) == bad  # whatever parses is canonical


@pytest.mark.parametrize(
    "field, value, why",
    [
        ("C", 21888242871839275222246405745257275088548364400416034343698204186575808495617, "C is not"),
        ("nonce", 1 << 128, "nonce"),
        ("eph_pub", (2**255 - 19).to_bytes(32, "little"), "canonical"),
        ("params_id", "nope", "nope"),
    ],
)
def test_invalid_fields_are_refused(payload, field, value, why):
    with pytest.raises(PayloadFormatError, match=why):
        encode_payload(replace(payload, **{field: value}), allow_insecure=True)


def test_the_toy_set_needs_the_opt_in(payload):
    """A payload that names the toy set but does not carry it, and toy payload bytes, are refused
    unless the caller holds the toy set (insecure_parameter_set) or uses the low-level switch."""
    from consistency.hazmat import insecure_parameter_set
    from consistency.params import get_parameter_set

    bare = replace(payload, params=None)
    with pytest.raises(PayloadFormatError, match="INSECURE"):
        encode_payload(bare)
    data = encode_payload(payload)  # it carries its set: the holder already opted in
    with pytest.raises(PayloadFormatError, match="INSECURE"):
        decode_payload(data)
    toy = insecure_parameter_set("toy")
    assert decode_payload(data, params=toy) == payload and decode_payload(data, params=toy).params is toy
    with pytest.raises(PayloadFormatError, match="expected 'default'"):
        decode_payload(data, params=get_parameter_set("default"))


def test_open_reads_a_forward_payload(toy, payload, tmp_path):
    f = tmp_path / "payload.bin"
    f.write_bytes(payload.to_bytes(allow_insecure=True))
    key = tmp_path / "bob.key"
    write_secret_file(key, armor(RECIPIENT_SECRET, toy.recipient.to_bytes()))
    assert main(["open", str(f), "--key", str(key), "--out", str(tmp_path / "x.png"), "--insecure"]) == 0
    assert (tmp_path / "x.png").is_file()
