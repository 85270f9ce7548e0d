"""Attack tests on the toy set: none may be accepted (swaps, tampering, replays, malleated
proofs, foreign keys, malformed encodings; a mixed witness must fail the constraints)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consistency.circuit import build_circuit
from consistency.envelope import decode, encode, from_json, to_json
from consistency.errors import EnvelopeFormatError, Rejected
from consistency.image import image_bytes
from consistency.sender import encrypt_for_scanner, prepare_statement
from consistency.server import Server, verify_envelope
from schemes.bfv.encryption import Ciphertext
from schemes.bn254.fields import R
from schemes.groth16.rerandomize import rerandomize

from .conftest import toy_keys

R_INT = int(R)
FIELDS = ["C", "ctx", "nonce", "eph_pub", "ct_msg", "ct_fhe", "proof"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _reason(toy, env_or_bytes, ctx) -> str | None:
    """The server's rejection reason, or None if the envelope is accepted."""
    try:
        verify_envelope(toy.keys.verifier, env_or_bytes, ctx)
    except Rejected as exc:
        return str(exc)
    return None


def _rejected(toy, env_or_bytes, ctx) -> bool:
    return _reason(toy, env_or_bytes, ctx) is not None


#: Where each swap must be caught (specs/consistency.md, "Verification procedure"): fields that
#: are public inputs by the Groth16 check (step 5); ctx and eph_pub already by the server's
#: recomputation of ctx (step 3).
SWAP_REASON = {
    "C": "invalid proof",
    "nonce": "invalid proof",
    "ct_msg": "invalid proof",
    "ct_fhe": "invalid proof",
    "proof": "invalid proof",
    "ctx": "ctx",
    "eph_pub": "ctx",
}


@pytest.mark.parametrize("field", FIELDS)
def test_swapping_any_field_between_honest_envelopes_is_rejected(toy, field):
    assert getattr(toy.env_benign, field) != getattr(toy.env_banned, field)
    swapped = replace(toy.env_banned, **{field: getattr(toy.env_benign, field)})
    for form in (swapped, encode(swapped, allow_insecure=True)):
        reason = _reason(toy, form, toy.ctx_banned)
        assert reason is not None and SWAP_REASON[field] in reason, reason


def test_proof_binds_eph_pub_and_ctx_when_ctx_is_recomputed(toy):
    """An attacker who swaps eph_pub for another valid X25519 key and recomputes ctx with the
    public derivation gets past the server's ctx check; the proof itself must then fail."""
    from consistency.context import derive_ctx
    from schemes.key_agreement import generate_recipient_key

    env = toy.env_banned
    new_eph = generate_recipient_key().public_bytes()
    assert new_eph != env.eph_pub and len(new_eph) == 32
    forged = replace(env, eph_pub=new_eph, ctx=derive_ctx(toy.ctx_banned, new_eph))
    assert forged.ctx != env.ctx
    for form in (forged, encode(forged, allow_insecure=True)):
        reason = _reason(toy, form, toy.ctx_banned)
        assert reason is not None and "invalid proof" in reason, reason
    assert _reason(toy, env, toy.ctx_banned) is None  # control: the honest envelope verifies


@SETTINGS
@given(data=st.data())
def test_any_single_ciphertext_element_change_is_rejected(toy, data):
    env = toy.env_banned
    if data.draw(st.booleans(), "ct_msg?"):
        i = data.draw(st.integers(0, len(env.ct_msg) - 1), "index")
        delta = data.draw(st.integers(1, R_INT - 1), "delta")
        ct = list(env.ct_msg)
        ct[i] = (ct[i] + delta) % R_INT  # another canonical field element (delta != 0 mod r)
        bad = replace(env, ct_msg=tuple(ct))
    else:
        q = toy.params.bfv.q
        part = data.draw(st.sampled_from(["c0", "c1"]), "part")
        i = data.draw(st.integers(0, toy.params.bfv.n - 1), "index")
        delta = data.draw(st.integers(1, q - 1), "delta")
        coeffs = list(getattr(env.ct_fhe[0], part))
        coeffs[i] = (coeffs[i] + delta) % q
        bad = replace(env, ct_fhe=(replace(env.ct_fhe[0], **{part: tuple(coeffs)}),))
    reason = _reason(toy, bad, toy.ctx_banned)
    assert reason is not None and "invalid proof" in reason, reason


def test_rerandomized_proof_is_valid_but_not_for_other_inputs(toy):
    p2 = rerandomize(toy.env_banned.proof, toy.keys.verifier.vk)
    assert p2 != toy.env_banned.proof
    verify_envelope(toy.keys.verifier, replace(toy.env_banned, proof=p2), toy.ctx_banned)  # same statement: valid
    assert "invalid proof" in _reason(toy, replace(toy.env_benign, proof=p2), toy.ctx_benign)


def test_proof_checked_under_another_committee_key_is_rejected(toy):
    from schemes.bfv.keys import keygen

    other = toy_keys(toy.params, keygen(toy.params.bfv)[1], b"other-committee")
    with pytest.raises(Rejected):
        verify_envelope(other.verifier, toy.env_banned, toy.ctx_banned)


def test_envelope_for_another_parameter_set_is_rejected(toy):
    env = replace(toy.env_banned, params_id="default")
    with pytest.raises(Rejected):
        verify_envelope(toy.keys.verifier, env, toy.ctx_banned)


def test_replay_of_an_admitted_message_id(toy):
    server = Server(toy.keys.verifier, issue_contexts=False)
    data = encode(toy.env_banned, allow_insecure=True)
    server.admit(data, toy.ctx_banned)
    with pytest.raises(Rejected):
        server.admit(data, toy.ctx_banned)
    assert isinstance(server.admit_batch([(data, toy.ctx_banned)])[0], Rejected)


def test_mixed_witness_fails_the_constraints(toy):
    """Message part from the banned image, BFV part (with its real randomness) from the benign one."""
    p = toy.params
    stmt, wit, _ = prepare_statement(
        p, toy.keys.pk_fhe, image_bytes(toy.banned, p), toy.recipient.public_bytes(), b"swap"
    )
    ct_fhe, bfv_wit = encrypt_for_scanner(p, toy.keys.pk_fhe, image_bytes(toy.benign, p))
    cs = build_circuit(p, toy.keys.pk_fhe, replace(stmt, ct_fhe=ct_fhe), replace(wit, bfv=bfv_wit))
    assert not cs.is_satisfied()
    # control: the honest combination satisfies it
    assert build_circuit(p, toy.keys.pk_fhe, stmt, wit).is_satisfied()


# -- encodings -------------------------------------------------------------------------------------


def test_truncated_and_extended_encodings_are_rejected(toy):
    data = encode(toy.env_banned, allow_insecure=True)
    for cut in (0, 1, 4, 5, 10, len(data) // 2, len(data) - 1):
        with pytest.raises(EnvelopeFormatError):
            decode(data[:cut], allow_insecure=True)
    with pytest.raises(EnvelopeFormatError):
        decode(data + b"\x00", allow_insecure=True)


def test_non_canonical_values_are_rejected(toy):
    env = toy.env_banned
    with pytest.raises(EnvelopeFormatError):
        encode(replace(env, C=int(R)), allow_insecure=True)
    data = bytearray(encode(env, allow_insecure=True))
    off = 4 + 2 + len(env.params_id) + 4  # start of C
    data[off : off + 32] = int(R).to_bytes(32, "big")
    with pytest.raises(EnvelopeFormatError, match="canonical"):
        decode(bytes(data), allow_insecure=True)
    q = toy.params.bfv.q
    c0 = list(env.ct_fhe[0].c0)
    c0[3] = q
    with pytest.raises(EnvelopeFormatError):
        encode(replace(env, ct_fhe=(Ciphertext(tuple(c0), env.ct_fhe[0].c1),)), allow_insecure=True)


def test_unknown_version_and_parameter_set(toy):
    data = bytearray(encode(toy.env_banned, allow_insecure=True))
    data[4] = 2
    with pytest.raises(EnvelopeFormatError, match="version"):
        decode(bytes(data), allow_insecure=True)
    data = bytearray(encode(toy.env_banned, allow_insecure=True))
    data[6:9] = b"tox"
    with pytest.raises(EnvelopeFormatError, match="parameter set"):
        decode(bytes(data), allow_insecure=True)
    with pytest.raises(EnvelopeFormatError, match="INSECURE"):
        decode(encode(toy.env_banned, allow_insecure=True))  # toy refused without the flag


def test_json_view_round_trips_exactly(toy):
    obj = to_json(toy.env_banned)
    assert set(obj) == {"version", "params_id", *FIELDS}
    assert from_json(obj, allow_insecure=True) == toy.env_banned
    bad = dict(obj, C="0" + obj["C"])
    with pytest.raises(EnvelopeFormatError):
        from_json(bad, allow_insecure=True)


@SETTINGS
@given(data=st.data())
def test_fuzzed_bytes_never_verify_and_parser_raises_only_its_error(toy, data):
    honest = encode(toy.env_banned, allow_insecure=True)
    mode = data.draw(st.sampled_from(["flip", "random", "splice"]), "mode")
    if mode == "flip":
        buf = bytearray(honest)
        for _ in range(data.draw(st.integers(1, 4), "flips")):
            i = data.draw(st.integers(0, len(buf) - 1), "pos")
            buf[i] ^= data.draw(st.integers(1, 255), "mask")
        mutated = bytes(buf)
    elif mode == "random":
        mutated = data.draw(st.binary(max_size=300), "bytes")
    else:
        i = data.draw(st.integers(0, len(honest)), "cut")
        mutated = honest[:i] + data.draw(st.binary(max_size=40), "insert") + honest[i:]
    if mutated == honest:
        return
    try:
        env = decode(mutated, allow_insecure=True)
    except EnvelopeFormatError:
        return
    except Exception as exc:  # pragma: no cover - the property under test
        raise AssertionError(f"parser raised {type(exc).__name__}: {exc}") from exc
    assert _rejected(toy, env, toy.ctx_banned)


def test_non_canonical_bfv_coefficient_in_an_envelope_object_is_rejected(toy):
    """c + q is the same residue mod q; the verifier must refuse it before the proof (the
    relation's quotient window could otherwise absorb the extra q)."""
    env = toy.env_banned
    c0 = list(env.ct_fhe[0].c0)
    c0[0] += toy.params.bfv.q
    bad = replace(env, ct_fhe=(Ciphertext(tuple(c0), env.ct_fhe[0].c1),))
    with pytest.raises(Rejected, match="canonical"):
        verify_envelope(toy.keys.verifier, bad, toy.ctx_banned)
