"""Honest flow on the toy set: send -> verify/admit -> scan -> open; replay; batches; executors."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pytest

from consistency.context import derive_ctx
from consistency.envelope import decode, encode
from consistency.errors import OpeningError, Rejected, ReplayRejected
from consistency.image import image_bytes
from consistency.recipient import check_opening, open_payload
from consistency.scanner import load_scanner, plaintext_score
from consistency.sender import send
from consistency.server import AdmittedEnvelope, Server, VerifiedEnvelope, verify_envelope, verify_on_executor
from schemes.key_agreement import generate_recipient_key


def test_admit_then_open_recovers_the_image(toy):
    server = Server(toy.keys.verifier, issue_contexts=False)
    v = server.admit(encode(toy.env_benign, allow_insecure=True), toy.ctx_benign)
    opening = open_payload(v.forward_payload, toy.recipient, toy.params)
    assert np.array_equal(opening.image, toy.benign)
    assert opening.C == toy.env_benign.C
    check_opening(opening.C, opening.image, opening.rho, toy.params)
    rec = v.audit_record()
    assert rec["C"] == str(toy.env_benign.C) and len(rec["public"]) == toy.params.num_public
    # the log carries what a third party needs to recompute ctx (specs/consistency.md section 4)
    assert derive_ctx(bytes.fromhex(rec["context"]), bytes.fromhex(rec["eph_pub"])) == int(rec["public"][1])


def test_replayed_context_is_refused(toy):
    server = Server(toy.keys.verifier, issue_contexts=False)
    data = encode(toy.env_benign, allow_insecure=True)
    server.admit(data, toy.ctx_benign)
    with pytest.raises(ReplayRejected):
        server.admit(data, toy.ctx_benign)


def test_wrong_context_is_rejected(toy):
    with pytest.raises(Rejected, match="ctx"):
        verify_envelope(toy.keys.verifier, toy.env_benign, b"msg-id=999;from=alice;to=bob")


def test_verified_envelope_cannot_be_forged():
    for cls in (VerifiedEnvelope, AdmittedEnvelope):
        with pytest.raises(TypeError):
            cls(object(), None, b"")  # type: ignore[arg-type]


def test_stateless_verification_exposes_nothing_to_forward(toy):
    """Only admission (which records the context) yields the scanner input and the payload:
    verifying twice without admitting must not give a replay a forwardable object."""
    server = Server(toy.keys.verifier, issue_contexts=False)
    for v in (
        verify_envelope(toy.keys.verifier, toy.env_benign, toy.ctx_benign),
        server.verify(toy.env_benign, toy.ctx_benign),
        server.verify(toy.env_benign, toy.ctx_benign),
    ):
        assert not isinstance(v, AdmittedEnvelope)
        for attr in ("forward_payload", "inference_input", "envelope"):
            assert not hasattr(v, attr)
    assert isinstance(server.admit(toy.env_benign, toy.ctx_benign), AdmittedEnvelope)
    with pytest.raises(ReplayRejected):
        server.verify(toy.env_benign, toy.ctx_benign)


def test_other_recipient_cannot_open(toy):
    v = Server(toy.keys.verifier, issue_contexts=False).admit(toy.env_benign, toy.ctx_benign)
    with pytest.raises(OpeningError):
        open_payload(v.forward_payload, generate_recipient_key(), toy.params)


def test_abuse_report_with_wrong_salt_or_image_fails(toy):
    v = Server(toy.keys.verifier, issue_contexts=False).admit(toy.env_banned, toy.ctx_banned)
    o = open_payload(v.forward_payload, toy.recipient, toy.params)
    with pytest.raises(OpeningError):
        check_opening(o.C, o.image, (o.rho + 1) % (1 << 250), toy.params)
    other = o.image.copy()
    other[0, 0, 0] ^= 1
    with pytest.raises(OpeningError):
        check_opening(o.C, other, o.rho, toy.params)


def test_committee_score_equals_plaintext_score(toy):
    from .conftest import committee_verdict

    model = load_scanner(toy.params)
    for img, banned in ((toy.benign, False), (toy.banned, True)):
        ctx = b"msg-id=flow-score;from=alice;to=bob;" + bytes([banned])
        env = send(img, toy.recipient.public_bytes(), toy.keys, ctx)
        Server(toy.keys.verifier, issue_contexts=False).admit(env, ctx)
        record = committee_verdict(toy, env, ctx)
        assert record.score == plaintext_score(model, image_bytes(img, toy.params))
        assert (record.score > 0) == banned  # labels of the shipped images (a "7" and a "1" from the digits data)
        assert record.verdict == ("banned" if banned else "allowed")


def test_batch_admission_isolates_the_bad_envelope(toy):
    server = Server(toy.keys.verifier, issue_contexts=False)
    bad = replace(toy.env_banned, nonce=(toy.env_banned.nonce + 1) % (1 << 128))
    results = server.admit_batch(
        [
            (encode(toy.env_benign, allow_insecure=True), toy.ctx_benign),
            (encode(bad, allow_insecure=True), toy.ctx_banned),
            (encode(toy.env_benign, allow_insecure=True), toy.ctx_benign),
        ]
    )
    assert isinstance(results[0], AdmittedEnvelope)
    assert isinstance(results[1], Rejected) and "proof" in str(results[1])
    assert isinstance(results[2], ReplayRejected)
    # the bad one was not admitted: the honest banned envelope is still accepted afterwards
    assert isinstance(
        server.admit_batch([(encode(toy.env_banned, allow_insecure=True), toy.ctx_banned)])[0], AdmittedEnvelope
    )


@pytest.mark.parametrize("pool", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_verification_on_an_executor(toy, pool):
    good = encode(toy.env_benign, allow_insecure=True)
    bad = bytearray(good)
    bad[-1] ^= 1
    items = [(good, toy.ctx_benign), (bytes(bad), toy.ctx_benign), (good, b"other")]
    with pool(max_workers=2) as ex:
        out = verify_on_executor(toy.keys.verifier, items, ex, chunk_size=1)
    assert out[0] is None and out[1] is not None and out[2] is not None


def test_decoded_envelope_verifies_like_the_object(toy):
    env = decode(encode(toy.env_banned, allow_insecure=True), allow_insecure=True)
    assert env == toy.env_banned
    verify_envelope(toy.keys.verifier, env, toy.ctx_banned)
