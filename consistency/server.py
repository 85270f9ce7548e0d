"""The server: strict parsing, verification, replay protection; only then forwarding.

The safe API cannot forward an unverified or unadmitted envelope: :class:`AdmittedEnvelope` is
created only by :meth:`Server.admit` / :meth:`Server.admit_batch` after every check passed and
the message context was recorded, and only it exposes the inference input (for the scanner) and
the payload to forward (for the recipient). Stateless verification (:func:`verify_envelope`, for
audits, the CLI and executors) returns a :class:`VerifiedEnvelope`, which does not.

Verification procedure (specs/consistency.md, "Verification"), each failure a
:class:`~consistency.errors.Rejected` with its reason:
1. parse the bytes canonically (:func:`consistency.envelope.decode`);
2. the envelope's version and parameter set are the server's;
3. ``ctx == derive_ctx(context, eph_pub)`` for the context the server issued;
4. the context was not admitted before (replay), checked again at admission;
5. the Groth16 proof verifies for the public inputs ``(C, ctx, nonce, ct_msg, ct_fhe)``.
"""

from __future__ import annotations

import threading
from concurrent.futures import Executor
from typing import Any, Sequence

from schemes.bfv.encryption import Ciphertext
from schemes.groth16 import InvalidProof, PreparedVerifyingKey, prepare_verifying_key, verify
from schemes.groth16.batch import verify_batch
from schemes.groth16.snarkjs import proof_to_json, public_to_json

from .context import derive_ctx
from .envelope import Envelope, decode, encode, validate
from .errors import EnvelopeFormatError, Rejected, ReplayRejected
from .keys import VerifierKeys
from .payload import ForwardPayload

__all__ = ["Server", "VerifiedEnvelope", "AdmittedEnvelope", "ForwardPayload", "verify_envelope",
           "verify_on_executor"]

_TOKEN = object()


class VerifiedEnvelope:
    """An envelope whose proof verified, from stateless verification (:func:`verify_envelope`,
    :meth:`Server.verify`): no replay bookkeeping, so it exposes facts for logs and audits but
    not the data to act on. Only an :class:`AdmittedEnvelope` does that."""

    __slots__ = ("_env", "_context")

    def __init__(self, token: object, env: Envelope, context: bytes) -> None:
        if token is not _TOKEN:
            raise TypeError("verified envelopes are created by this module's verification only")
        self._env = env
        self._context = context

    @property
    def C(self) -> int:
        return self._env.C

    @property
    def context(self) -> bytes:
        return self._context

    @property
    def params_id(self) -> str:
        return self._env.params_id

    def public_inputs(self) -> list[int]:
        """The verified public-input vector, in circuit order."""
        return self._env.public_inputs()

    def audit_record(self) -> dict[str, Any]:
        """The audit-log entry, in snarkjs JSON form: ``C``, the public inputs and the proof
        (``snarkjs groth16 verify``), plus the issued context and ``eph_pub`` so that a third
        party can recompute ``ctx`` (specs/consistency.md, section 4).

        Groth16 proofs are re-randomizable: key the log by ``C``, never by the proof bytes.
        """
        e = self._env
        return {"params_id": e.params_id, "C": str(e.C), "context": self._context.hex(),
                "eph_pub": e.eph_pub.hex(), "public": public_to_json(e.public_inputs()),
                "proof": proof_to_json(e.proof)}


class AdmittedEnvelope(VerifiedEnvelope):
    """Verified *and* admitted by a :class:`Server`: its context is recorded, so a replay is
    refused. Only this exposes the inference input (for the scanner) and the payload to forward
    (for the recipient). Created by :meth:`Server.admit` and :meth:`Server.admit_batch` only."""

    __slots__ = ()

    @property
    def envelope(self) -> Envelope:
        return self._env

    @property
    def inference_input(self) -> tuple[Ciphertext, ...]:
        """The BFV ciphertext(s) for the scanner."""
        return self._env.ct_fhe

    @property
    def forward_payload(self) -> ForwardPayload:
        e = self._env
        return ForwardPayload(e.params_id, e.C, e.nonce, e.eph_pub, e.ct_msg)


def _context_bytes(context: bytes) -> bytes:
    """The server-issued context as immutable bytes (a wrong type is a programming error)."""
    if not isinstance(context, (bytes, bytearray)):
        raise TypeError(f"context must be bytes, got {type(context).__name__}")
    return bytes(context)


def _precheck(keys: VerifierKeys, data: bytes | Envelope, context: bytes) -> Envelope:
    """Steps 1-3 of the procedure (no replay, no proof).

    An :class:`Envelope` object is validated like bytes and then replaced by a fresh canonical
    copy (``decode(encode(env))``: plain ints, tuples), so that what is verified, and later
    exposed by :class:`AdmittedEnvelope`, cannot change if the caller mutates its own object.
    """
    context = _context_bytes(context)
    if isinstance(data, Envelope):
        env = data
        if env.params_id == keys.params.name:
            try:
                validate(env, keys.params)
                env = decode(encode(env, allow_insecure=keys.params.insecure), allow_insecure=keys.params.insecure)
            except EnvelopeFormatError as exc:
                raise Rejected(f"malformed envelope: {exc}") from None
    else:
        try:
            env = decode(data, allow_insecure=keys.params.insecure)
        except EnvelopeFormatError as exc:
            raise Rejected(f"malformed envelope: {exc}") from None
    if env.params_id != keys.params.name:
        raise Rejected(f"envelope is for parameter set {env.params_id!r}, this server verifies {keys.params.name!r}")
    try:
        expected = derive_ctx(context, env.eph_pub)
    except ValueError as exc:
        raise Rejected(f"bad message context: {exc}") from None
    if env.ctx != expected:
        raise Rejected("ctx does not bind this message context and ephemeral key")
    return env


def verify_envelope(keys: VerifierKeys, data: bytes | Envelope, context: bytes,
                    pvk: PreparedVerifyingKey | None = None) -> VerifiedEnvelope:
    """Stateless verification (no replay check): steps 1-3 and 5. Raises :class:`Rejected`."""
    env = _precheck(keys, data, context)
    try:
        verify(pvk or prepare_verifying_key(keys.vk), env.public_inputs(), env.proof)
    except InvalidProof as exc:
        raise Rejected(f"invalid proof: {exc}") from None
    return VerifiedEnvelope(_TOKEN, env, bytes(context))


def _verify_chunk(keys: VerifierKeys, items: Sequence[tuple[bytes, bytes]]) -> list[str | None]:
    """Worker: per item None (valid) or the rejection reason. Module-level so it pickles."""
    pvk = prepare_verifying_key(keys.vk)
    out: list[str | None] = []
    for data, context in items:
        try:
            verify_envelope(keys, data, context, pvk)
            out.append(None)
        except Rejected as exc:
            out.append(str(exc))
    return out


def verify_on_executor(keys: VerifierKeys, items: Sequence[tuple[bytes, bytes]], executor: Executor,
                       chunk_size: int = 8) -> list[str | None]:
    """Spread stateless verification of ``(envelope bytes, context)`` pairs over any
    :class:`concurrent.futures.Executor` (a process pool, or a cluster engine's executor).
    Returns, per item, None if valid or the rejection reason. Admission (replay state) stays
    with the :class:`Server`: pass the valid ones to :meth:`Server.admit`."""
    futures = [executor.submit(_verify_chunk, keys, list(items[i:i + chunk_size]))
               for i in range(0, len(items), chunk_size)]
    return [r for f in futures for r in f.result()]


class Server:
    """Holds the verifier keys and the set of admitted message contexts (thread-safe)."""

    def __init__(self, keys: VerifierKeys) -> None:
        self.keys = keys
        self._pvk = prepare_verifying_key(keys.vk)
        self._admitted: set[bytes] = set()
        self._lock = threading.Lock()

    def verify(self, data: bytes | Envelope, context: bytes) -> VerifiedEnvelope:
        """Verify without admitting: refuses an already admitted context but records nothing,
        so the result cannot be forwarded (use :meth:`admit`). Raises :class:`Rejected`."""
        self._check_fresh(context)
        return verify_envelope(self.keys, data, context, self._pvk)

    def admit(self, data: bytes | Envelope, context: bytes) -> AdmittedEnvelope:
        """Verify, refuse a replayed context, and record it. Raises :class:`Rejected`."""
        verified = self.verify(data, context)
        self._record(verified.context)
        return AdmittedEnvelope(_TOKEN, verified._env, verified.context)

    def admit_batch(self, items: Sequence[tuple[bytes, bytes]]) -> list[AdmittedEnvelope | Rejected]:
        """Verify many envelopes with one batched pairing check; on failure of the batch, fall
        back to one-by-one verification so each bad envelope gets its own reason. Duplicate
        contexts within the batch: the first is admitted, later ones are replays."""
        results: list[AdmittedEnvelope | Rejected | None] = [None] * len(items)
        good: list[tuple[int, Envelope]] = []
        seen: set[bytes] = set()
        for i, (data, context) in enumerate(items):
            try:
                self._check_fresh(context)
                if bytes(context) in seen:
                    raise ReplayRejected("message context repeated within the batch")
                env = _precheck(self.keys, data, context)
                seen.add(bytes(context))
                good.append((i, env))
            except Rejected as exc:
                results[i] = exc
        if good:
            try:
                verify_batch(self._pvk, [(env.public_inputs(), env.proof) for _, env in good])
                batch_ok = True
            except InvalidProof:
                batch_ok = False
            for i, env in good:
                ctxt = bytes(items[i][1])
                try:
                    if not batch_ok:
                        verify_envelope(self.keys, env, ctxt, self._pvk)
                    self._record(ctxt)
                    results[i] = AdmittedEnvelope(_TOKEN, env, ctxt)
                except Rejected as exc:
                    results[i] = exc
        return results  # type: ignore[return-value]

    def _check_fresh(self, context: bytes) -> None:
        context = _context_bytes(context)
        with self._lock:
            if context in self._admitted:
                raise ReplayRejected("message context already admitted (replay)")

    def _record(self, context: bytes) -> None:
        with self._lock:
            if context in self._admitted:
                raise ReplayRejected("message context already admitted (replay)")
            self._admitted.add(context)
