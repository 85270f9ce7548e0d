"""Input-consistency proofs for private image scanning: the safe API.

A sender commits to an image and encrypts it twice (for the recipient, and for the scanning
committee's BFV key), and proves with Groth16 that both open to the commitment; the server
verifies before it forwards; the committee decrypts only the score. ``specs/`` is normative.

The roles, each from the names below (loaded on first use, so ``import consistency`` stays
light)::

    keys = load_prover_keys("keys/")                       # a key directory (setup, or a ceremony)
    env = send("cat.png", read_recipient_public("bob.pub"), keys, ctx)
    admitted = Server(load_verifier_keys("keys/"), "replay.db").admit(encode(env), ctx)
    opening = open_payload(admitted.forward_payload, read_recipient_secret("bob"))

- sender: :func:`send`; recipient: :func:`open_payload`, :func:`check_opening`; server:
  :class:`Server` (replay stores :class:`SqliteReplayStore`, :class:`PostgresReplayStore`,
  :class:`MemoryReplayStore`), :func:`verify_envelope` (stateless);
- the committee: :func:`init_committee`, :func:`join`, :func:`finalize`,
  :func:`load_committee`, :class:`Member` (answers scan requests, the only way to decrypt),
  :func:`make_request`, :func:`combine` (the verdict), :func:`audit_record`;
- keys: :func:`load_prover_keys`, :func:`load_verifier_keys`, :func:`run_setup`,
  :func:`write_keydir`, recipient key files (:func:`generate_recipient_key`,
  :func:`write_recipient_keys`, :func:`read_recipient_public`, :func:`read_recipient_secret`);
- parameter sets: :func:`get_parameter_set` (secure sets only), :class:`ParameterSet`;
- wire formats: :class:`Envelope` (:func:`encode`, :func:`decode`), :class:`ForwardPayload`
  (:func:`encode_payload`, :func:`decode_payload`);
- errors: everything raised is a :class:`SchemesError`. A refusal (:class:`Rejected`,
  :class:`OpeningError`, the committee's :class:`RequestRefused`) is not a ``ValueError``; an
  environment that fails (a file, a store) is an :class:`OperationalError`.

Insecure parameter sets, raw partial decryptions and seeded setups live in
:mod:`consistency.hazmat`, by name only.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOME = {
    # roles
    "send": "sender",
    "open_payload": "recipient",
    "check_opening": "recipient",
    "Opening": "recipient",
    "Server": "server",
    "AdmittedEnvelope": "server",
    "VerifiedEnvelope": "server",
    "verify_envelope": "server",
    "ReplayStore": "store",
    "MemoryReplayStore": "store",
    "SqliteReplayStore": "store",
    "PostgresReplayStore": "store_postgres",
    # the committee
    "init_committee": "committee",
    "join": "committee",
    "finalize": "committee",
    "load_committee": "committee",
    "Committee": "committee",
    "Member": "committee",
    "ScanRequest": "committee",
    "make_request": "committee",
    "decode_request": "committee",
    "PartialAnswer": "committee",
    "decode_partial": "committee",
    "combine": "committee",
    "VerdictRecord": "committee",
    "audit_record": "committee",
    # keys
    "load_prover_keys": "keys",
    "load_verifier_keys": "keys",
    "run_setup": "keys",
    "write_keydir": "keys",
    "ProverKeys": "keys",
    "VerifierKeys": "keys",
    "write_recipient_keys": "keyfile",
    "read_recipient_public": "keyfile",
    "read_recipient_secret": "keyfile",
    # parameter sets, wire formats, images
    "get_parameter_set": "params",
    "ParameterSet": "params",
    "PARAMETER_SET_NAMES": "params",
    "Envelope": "envelope",
    "encode": "envelope",
    "decode": "envelope",
    "ForwardPayload": "payload",
    "encode_payload": "payload",
    "decode_payload": "payload",
    "load_image": "image",
    "load_scanner": "scanner",
    "plaintext_score": "scanner",
    # errors
    "ConsistencyError": "errors",
    "Rejected": "errors",
    "RejectReason": "errors",
    "OperationalError": "errors",
    "KeyMismatch": "errors",
    "EnvelopeFormatError": "errors",
    "UnknownParameterSet": "errors",
    "OpeningError": "errors",
    "PayloadFormatError": "payload",
    "WrongKeyKind": "keyfile",
    "CommitteeError": "committee",
    "RequestRefused": "committee",
    "BudgetExhausted": "committee",
    "ReplayRefused": "committee",
    "PartialRefused": "committee",
    "ContributionRefused": "committee",
    "RecordRefused": "committee",
}
#: Names that live in :mod:`schemes`.
_SCHEMES = {
    "SchemesError": "schemes.errors",
    "generate_recipient_key": "schemes.key_agreement",
    "RecipientSecretKey": "schemes.key_agreement",
    "InvalidProof": "schemes.groth16",
}

__all__ = sorted([*_HOME, *_SCHEMES])


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    if name in _SCHEMES:
        return getattr(importlib.import_module(_SCHEMES[name]), name)
    raise AttributeError(f"module 'consistency' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
