"""The scan request: what the scanner sends every member (specs/committee.md §5).

A member never accepts a ciphertext. It accepts this, and recomputes everything it decrypts::

    {"version": 1, "kind": "scan-request", "params_id": NAME, "keys_digest": hex(32),
     "model_digest": hex(32), "context": hex, "envelope": hex}

- ``envelope``: the envelope's canonical bytes (specs/consistency.md §7), as admitted;
- ``context``: the message context the envelope is bound to (``ctx``), as bytes;
- ``keys_digest``: the key directory's digest (``params.json``) the envelope verifies under;
- ``model_digest``: the scanner model (:func:`consistency.scanner.model_digest`).

Its digest is ``SHA-256("GRC/scan-request/v1" || 0x00 || canonical JSON)``. The *envelope id*
(what a member's replay log records) is ``SHA-256("GRC/envelope-id/v1" || 0x00 || the public
inputs, 32 bytes big-endian each)``: a Groth16 proof can be re-randomized, so the envelope's
bytes are not an identifier, its public inputs are.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ..context import MAX_CONTEXT_BYTES
from ..envelope import Envelope, encode
from ..keys import VerifierKeys
from ..scanner import ScannerModel, load_scanner, model_digest
from ..server import verify_envelope
from .codec import canonical, hexbytes, loads, require_keys
from .errors import MalformedRequest

__all__ = ["ScanRequest", "make_request", "decode_request", "envelope_id", "MAX_REQUEST_BYTES"]

_KEYS = ("version", "kind", "params_id", "keys_digest", "model_digest", "context", "envelope")
#: Far above any request of the shipped parameter sets (an rgb32 envelope is about 115 kB).
MAX_REQUEST_BYTES = 1 << 24


@dataclass(frozen=True)
class ScanRequest:
    """A scan request (see the module docstring)."""

    params_id: str
    keys_digest: bytes
    model_digest: bytes
    context: bytes
    envelope: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "kind": "scan-request",
            "params_id": self.params_id,
            "keys_digest": self.keys_digest.hex(),
            "model_digest": self.model_digest.hex(),
            "context": self.context.hex(),
            "envelope": self.envelope.hex(),
        }

    def encode(self) -> bytes:
        return canonical(self.to_json()) + b"\n"

    def digest(self) -> bytes:
        return hashlib.sha256(b"GRC/scan-request/v1\x00" + canonical(self.to_json())).digest()

    def envelope_digest(self) -> bytes:
        """SHA-256 of the envelope bytes (the server's decision log names envelopes by it)."""
        return hashlib.sha256(self.envelope).digest()


def request_from_json(obj: object) -> ScanRequest:
    """Strictly parse the JSON object of a request (:class:`MalformedRequest`)."""
    if not isinstance(obj, dict):
        raise MalformedRequest("a scan request is a JSON object")
    require_keys(obj, _KEYS, "scan request", MalformedRequest)
    if type(obj["version"]) is not int or obj["version"] != 1 or obj["kind"] != "scan-request":
        raise MalformedRequest("not a scan request of version 1")
    if not isinstance(obj["params_id"], str) or not obj["params_id"].isprintable():
        raise MalformedRequest("params_id must be a parameter-set name")
    context = hexbytes(obj["context"], "context", error=MalformedRequest)
    if len(context) > MAX_CONTEXT_BYTES:
        raise MalformedRequest(f"the context is longer than {MAX_CONTEXT_BYTES} bytes")
    return ScanRequest(
        obj["params_id"],
        hexbytes(obj["keys_digest"], "keys_digest", 32, MalformedRequest),
        hexbytes(obj["model_digest"], "model_digest", 32, MalformedRequest),
        context,
        hexbytes(obj["envelope"], "envelope", error=MalformedRequest),
    )


def decode_request(data: bytes) -> ScanRequest:
    """Parse a request file's bytes (:class:`MalformedRequest`)."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("a scan request is bytes or a ScanRequest")
    if len(data) > MAX_REQUEST_BYTES:
        raise MalformedRequest(f"a scan request is at most {MAX_REQUEST_BYTES} bytes")
    return request_from_json(loads(bytes(data), "scan request", MalformedRequest))


def envelope_id(env: Envelope) -> bytes:
    """SHA-256 over the envelope's public inputs (stable under proof re-randomization)."""
    h = hashlib.sha256(b"GRC/envelope-id/v1\x00")
    for x in env.public_inputs():
        h.update(int(x).to_bytes(32, "big"))
    return h.digest()


def make_request(
    keys: VerifierKeys, envelope: bytes | Envelope, context: bytes, model: ScannerModel | None = None
) -> ScanRequest:
    """The scanner's side: check the envelope (stateless; a request for an envelope that does
    not verify would only be refused) and form the request for the shipped (or given) model.
    Raises :class:`~consistency.errors.Rejected`."""
    verify_envelope(keys, envelope, context)
    params = keys.params
    # the binary encoding is canonical (one byte string per envelope), so verified bytes are it
    data = encode(envelope, allow_insecure=params.insecure) if isinstance(envelope, Envelope) else bytes(envelope)
    model = load_scanner(params) if model is None else model
    return ScanRequest(params.name, keys.digest, model_digest(params, model), bytes(context), data)
