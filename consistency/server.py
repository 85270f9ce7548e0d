"""The server: strict parsing, verification, issued contexts, replay protection in a durable
store, a decision log; only then forwarding.

The safe API cannot forward an unverified or unadmitted envelope: :class:`AdmittedEnvelope` is
created only by :meth:`Server.admit` / :meth:`Server.admit_many` after every check passed and
the context was claimed in the store, and only it exposes the inference input (for the
scanner) and the payload to forward (for the recipient). Stateless verification
(:func:`verify_envelope`, :meth:`Server.verify`) returns a :class:`VerifiedEnvelope`, which
does not. No public method turns a caller's claim "this was verified" into an admission:
:meth:`Server.admit_many` runs the verification itself (in this process or on the executor it
is given) and claims the contexts of what its own verification accepted.

Admission procedure (specs/consistency.md section 9), each failure a
:class:`~consistency.errors.Rejected` with its :class:`~consistency.errors.RejectReason`:

1. screen the input: parameter set in the header (``params``), exact size, context size
   (``too_large``), type (``format``);
2. the context: issued by this server's key and not expired (``context``, ``expired``), unless
   issuing was turned off; not claimed before (``replay``, an early exit that saves work);
3. parse canonically (``format``), check ``ctx = derive_ctx(context, eph_pub)`` (``binding``);
4. verify the Groth16 proof (``proof``);
5. claim the context in the store, atomically (``replay`` if another worker won), and check
   the expiry again after the claim (``expired``), so that a context pruned while this
   admission stalled is never admitted twice;
6. record the decision in the audit sink and the ``consistency`` logger; return.

A store or sink failure raises :class:`~consistency.errors.OperationalError`: nothing is
admitted without being recorded.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from schemes.bfv.encryption import Ciphertext
from schemes.groth16 import PreparedVerifyingKey, prepare_verifying_key
from schemes.groth16.snarkjs import proof_to_json, public_to_json

from . import contexts as _contexts
from .audit import AuditEvent, AuditSink, JsonlAuditSink
from .envelope import Envelope, decode
from .errors import OperationalError, Rejected, RejectReason, ReplayRejected
from .keys import VerifierKeys
from .payload import ForwardPayload
from .store import Claim, MemoryReplayStore, ReplayStore, SqliteReplayStore, context_digest
from .verification import (
    Screened,
    check_context_size,
    context_bytes,
    peek_params_id,
    screen_envelope,
    submit_chunks,
    verify_decoded,
    verify_on_executor,
)

__all__ = ["Server", "VerifiedEnvelope", "AdmittedEnvelope", "ForwardPayload", "verify_envelope", "verify_on_executor"]

_TOKEN = object()
_log = logging.getLogger("consistency")


class _Verified:
    """Envelope bytes that were verified on a worker, parsed here on first use (the same bytes,
    whose digest matched the worker's, through the same strict parser)."""

    __slots__ = ("data", "allow_insecure", "env")

    def __init__(self, data: bytes, allow_insecure: bool) -> None:
        self.data, self.allow_insecure = data, allow_insecure
        self.env: Envelope | None = None

    def get(self) -> Envelope:
        if self.env is None:
            self.env = decode(self.data, allow_insecure=self.allow_insecure)
        return self.env


class VerifiedEnvelope:
    """An envelope whose proof verified, from stateless verification (:func:`verify_envelope`,
    :meth:`Server.verify`): nothing was recorded, so it exposes facts for logs and audits but
    not the data to act on. Only an :class:`AdmittedEnvelope` does that."""

    __slots__ = ("_holder", "_context")

    def __init__(self, token: object, env: Envelope | _Verified, context: bytes) -> None:
        if token is not _TOKEN:
            raise TypeError("verified envelopes are created by this module's verification only")
        self._holder = env
        self._context = context

    @property
    def _env(self) -> Envelope:
        h = self._holder
        return h.get() if isinstance(h, _Verified) else h

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
        """The third-party audit entry, in snarkjs JSON form: ``C``, the public inputs and the
        proof (``snarkjs groth16 verify``), plus the context and ``eph_pub`` so that a third
        party can recompute ``ctx`` (specs/consistency.md, section 4).

        Groth16 proofs are re-randomizable: key the log by ``C``, never by the proof bytes.
        """
        e = self._env
        return {
            "params_id": e.params_id,
            "C": str(e.C),
            "context": self._context.hex(),
            "eph_pub": e.eph_pub.hex(),
            "public": public_to_json(e.public_inputs()),
            "proof": proof_to_json(e.proof),
        }


class AdmittedEnvelope(VerifiedEnvelope):
    """Verified *and* admitted by a :class:`Server`: its context is claimed in the store, so a
    replay is refused. Only this exposes the inference input (for the scanner) and the payload
    to forward (for the recipient). Created by :meth:`Server.admit` / :meth:`Server.admit_many`
    only."""

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
        return ForwardPayload(e.params_id, e.C, e.nonce, e.eph_pub, e.ct_msg, e.params)


def verify_envelope(
    keys: VerifierKeys, data: bytes | Envelope, context: bytes, pvk: PreparedVerifyingKey | None = None
) -> VerifiedEnvelope:
    """Stateless verification (no issued-context, replay or store check): the size and format
    of the envelope, its parameter set, the binding of ``ctx`` to ``context``, the proof.
    Raises :class:`Rejected`."""
    context = context_bytes(context)
    check_context_size(context)
    screened = screen_envelope(keys.params, data)
    ((env, rej),) = verify_decoded(
        keys, pvk or prepare_verifying_key(keys.vk), [(screened.env or screened.data, context)]
    )
    if rej is not None:
        raise rej
    return VerifiedEnvelope(_TOKEN, env, context)  # type: ignore[arg-type]  # env is set when rej is None


@dataclass
class _Item:
    """One input of an admission, as it moves through the procedure."""

    context: bytes
    context_digest: bytes
    screened: Screened | None = None
    params_id: str | None = None
    expires_at: int | None = None
    rejection: Rejected | None = None
    verified: Envelope | _Verified | None = None

    @property
    def passed(self) -> Screened:
        """``screened``, for an item past screening (only those are verified and claimed)."""
        assert self.screened is not None, "an item that was not screened"
        return self.screened


def _claimed_params_id(data: Any) -> str | None:
    """The parameter set an input claims (for the decision log), if it names one."""
    if isinstance(data, Envelope):
        return data.params_id if isinstance(data.params_id, str) else None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return peek_params_id(bytes(data[:262]))
    return None


def _ttl_seconds(ttl: timedelta | float | int) -> int:
    s = ttl.total_seconds() if isinstance(ttl, timedelta) else float(ttl)
    return int(s)


class Server:
    """A verifying server: its keys, a replay store, its context key, an optional audit sink.

    ``store`` is a :class:`~consistency.store.ReplayStore`, or a path for a
    :class:`~consistency.store.SqliteReplayStore` (the durable default of a deployment), or None
    for a :class:`~consistency.store.MemoryReplayStore` (one process; forgotten on exit).
    Servers on the same store share its replay records and its context key, so each accepts
    the contexts the others issued.

    ``issue_contexts`` (default True): :meth:`admit` accepts only contexts from
    :meth:`issue_context` (MAC'd under the store's key, or ``context_key`` if given) that have
    not expired. A deployment with its own context scheme turns it off and passes its own
    bytes; those never expire, so their records are never pruned.

    ``audit`` is an :class:`~consistency.audit.AuditSink` or a path for a
    :class:`~consistency.audit.JsonlAuditSink`; every decision of :meth:`admit` /
    :meth:`admit_many` goes there and, one line each, to the ``consistency`` logger.

    ``grace`` is how long after its expiry a record is kept: it must exceed the clock skew
    between the servers sharing the store. ``clock`` returns unix seconds (tests replace it).
    Thread-safe.
    """

    def __init__(
        self,
        keys: VerifierKeys,
        store: ReplayStore | str | os.PathLike[str] | None = None,
        *,
        issue_contexts: bool = True,
        context_key: bytes | None = None,
        audit: AuditSink | str | os.PathLike[str] | None = None,
        default_ttl: timedelta = timedelta(minutes=15),
        max_ttl: timedelta = timedelta(days=7),
        grace: timedelta = timedelta(minutes=10),
        prune_interval: timedelta = timedelta(minutes=5),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.keys = keys
        self._pvk = prepare_verifying_key(keys.vk)
        if store is None:
            store = MemoryReplayStore()
        elif isinstance(store, (str, os.PathLike)):
            store = SqliteReplayStore(store)
        if not isinstance(store, ReplayStore):
            raise TypeError("store must be a ReplayStore, a path, or None")
        self.store: ReplayStore = store
        if isinstance(audit, (str, os.PathLike)):
            audit = JsonlAuditSink(audit)
        if audit is not None and not isinstance(audit, AuditSink):
            raise TypeError("audit must be an AuditSink, a path, or None")
        self.audit: AuditSink | None = audit
        self.issue_contexts = bool(issue_contexts)
        self._key: bytes | None = None
        if self.issue_contexts:
            if context_key is not None:
                if not isinstance(context_key, (bytes, bytearray)) or len(context_key) < 32:
                    raise TypeError("context_key must be at least 32 bytes")
                self._key = bytes(context_key)
            else:
                self._key = store.context_key()
        elif context_key is not None:
            raise ValueError("context_key given but issue_contexts is False")
        self._default_ttl = _ttl_seconds(default_ttl)
        self._max_ttl = _ttl_seconds(max_ttl)
        self._grace = _ttl_seconds(grace)
        self._prune_interval = _ttl_seconds(prune_interval)
        self._clock = clock
        self._last_prune = float("-inf")
        self._prune_lock = threading.Lock()

    def __repr__(self) -> str:  # no key material
        return f"Server(params={self.keys.params.name!r}, store={self.store!r}, issue_contexts={self.issue_contexts})"

    # -- contexts --------------------------------------------------------------------------------

    def issue_context(
        self, sender: str | None = None, ttl: timedelta | None = None, *, recipient: str | None = None
    ) -> bytes:
        """A fresh context for one message (printable ASCII, for ``send --ctx`` and HTTP
        headers), valid for ``ttl`` (default ``default_ttl``, at most ``max_ttl``) and accepted
        by every server that shares this server's store."""
        if self._key is None:
            raise RuntimeError("this server does not issue contexts (issue_contexts=False)")
        seconds = self._default_ttl if ttl is None else _ttl_seconds(ttl)
        if not 0 < seconds <= self._max_ttl:
            raise ValueError(f"ttl must be positive and at most {self._max_ttl} s")
        expires_at = int(self._clock()) + seconds
        return _contexts.issue_context(self._key, expires_at, sender, recipient)

    # -- verification and admission ----------------------------------------------------------------

    def verify(self, data: bytes | Envelope, context: bytes) -> VerifiedEnvelope:
        """Run every check of an admission except the claim, and record nothing: the result
        cannot be forwarded (use :meth:`admit`). Raises :class:`Rejected`."""
        item = self._screen(data, context_bytes(context), self._clock())
        if item.rejection is None:
            self._verify_here([item])
        if item.rejection is not None:
            raise item.rejection
        return VerifiedEnvelope(_TOKEN, item.verified, item.context)  # type: ignore[arg-type]  # set if not rejected

    def admit(self, data: bytes | Envelope, context: bytes) -> AdmittedEnvelope:
        """Verify, claim the context, record the decision. Raises :class:`Rejected` (with its
        reason) or :class:`~consistency.errors.OperationalError`."""
        (result,) = self.admit_many([(data, context)])
        if isinstance(result, Rejected):
            raise result
        return result

    def admit_many(
        self, items: Sequence[tuple[bytes | Envelope, bytes]], executor: Executor | Any = None, *, confirm: bool = False
    ) -> list[AdmittedEnvelope | Rejected]:
        """Admit many envelopes: per item an :class:`AdmittedEnvelope` or the :class:`Rejected`.

        Verification runs in this process (one batched pairing check, then each envelope alone
        if the batch fails) or, given ``executor`` (a ``concurrent.futures`` pool or a Dask
        ``distributed.Client``), on its workers in about one chunk per worker. Either way this
        method then claims the contexts of the envelopes that its verification accepted, in one
        store transaction, without verifying again. Each worker answer names its item and the
        SHA-256 of the bytes it verified; an answer that does not match raises OperationalError.

        The workers are trusted like this process (they run the verifier for it): run them on
        hosts of the same deployment, with Dask's TLS between hosts. ``confirm=True`` re-checks
        the workers' acceptances here (parsing, binding, and one batched pairing check under
        this process's randomness: about 40 % of the cost of verifying them one by one), for
        workers that are not trusted.

        A context repeated within ``items``: the first is considered, later ones are replays.
        A store, sink or executor failure raises OperationalError and admits nothing (after a
        sink failure the contexts stay claimed: their senders need new ones).
        """
        now = self._clock()
        ctxs = [context_bytes(c) for _, c in items]
        self._maybe_prune(now)
        work: list[_Item] = []
        seen: set[bytes] = set()
        for (data, _), context in zip(items, ctxs):
            item = self._screen(data, context, now)
            if item.rejection is None:
                if item.context_digest in seen:
                    item.rejection = ReplayRejected("message context repeated within the batch")
                seen.add(item.context_digest)
            work.append(item)
        pending = [it for it in work if it.rejection is None]
        if executor is None:
            self._verify_here(pending)
        else:
            self._verify_on(executor, pending, confirm)
        return self._claim_and_record(work)

    def admit_batch(self, items: Sequence[tuple[bytes | Envelope, bytes]]) -> list[AdmittedEnvelope | Rejected]:
        """:meth:`admit_many` in this process (kept for callers of the earlier API)."""
        return self.admit_many(items)

    def prune(self) -> int:
        """Delete store records whose contexts expired more than ``grace`` ago."""
        now = self._clock()
        with self._prune_lock:
            self._last_prune = now
        return self.store.prune(int(now) - self._grace)

    def close(self) -> None:
        self.store.close()
        close = getattr(self.audit, "close", None)
        if callable(close):
            close()

    # -- the steps -------------------------------------------------------------------------------

    def _maybe_prune(self, now: float) -> None:
        with self._prune_lock:
            due = now - self._last_prune >= self._prune_interval
            if due:
                self._last_prune = now
        if due:
            self.store.prune(int(now) - self._grace)

    def _screen(self, data: Any, context: bytes, now: float) -> _Item:
        """Steps 1-2: everything before parsing the envelope."""
        item = _Item(context, context_digest(context), params_id=_claimed_params_id(data))
        try:
            item.screened = screen_envelope(self.keys.params, data)
            if self._key is not None:
                item.expires_at = _contexts.check_context(self._key, context, now).expires_at
            else:
                check_context_size(context)
            if self.store.is_claimed(context):
                raise ReplayRejected()
        except Rejected as exc:
            item.rejection = exc
        return item

    def _verify_here(self, items: Sequence[_Item]) -> None:
        """Steps 3-4 in this process."""
        results = verify_decoded(self.keys, self._pvk, [(it.passed.env or it.passed.data, it.context) for it in items])
        for it, (env, rej) in zip(items, results):
            it.verified, it.rejection = env, rej

    def _verify_on(self, executor: Any, items: Sequence[_Item], confirm: bool) -> None:
        """Steps 3-4 on ``executor``; each answer must name one of our items and its digest."""
        if not items:
            return
        todo = [(i, it.passed.data, it.context) for i, it in enumerate(items)]
        answered: set[int] = set()
        try:
            futures = submit_chunks(executor, self.keys, todo)
            answers = [a for f in futures for a in f.result()]
        except Exception as exc:
            raise OperationalError(f"verification on the executor failed: {type(exc).__name__}: {exc}") from None
        for answer in answers:
            try:
                i, digest, reason, message = answer
                it: _Item = items[i]
                if i in answered or digest != it.passed.digest:
                    raise ValueError
                rej = None if reason is None else Rejected(str(message), RejectReason(reason))
            except (ValueError, TypeError, IndexError):
                raise OperationalError("the executor answered for an envelope it was not given") from None
            answered.add(i)
            it.rejection = rej
            if rej is None:
                it.verified = _Verified(it.passed.data, self.keys.params.insecure)
        if len(answered) != len(items):
            raise OperationalError("the executor left envelopes unanswered")
        if confirm:  # the workers' acceptances, checked again here (parse, binding, batched pairing)
            accepted = [it for it in items if it.rejection is None]
            self._verify_here(accepted)

    def _claim_and_record(self, work: Sequence[_Item]) -> list[AdmittedEnvelope | Rejected]:
        """Steps 5-6."""
        passed = [it for it in work if it.rejection is None]
        won = self.store.claim_many([Claim(it.context, it.passed.digest, it.expires_at) for it in passed])
        after = self._clock()
        for it, ok in zip(passed, won):
            if not ok:
                it.rejection = ReplayRejected()
            elif it.expires_at is not None and after >= it.expires_at:
                it.rejection = Rejected("context expired while the envelope was being admitted", RejectReason.EXPIRED)
        events = [
            AuditEvent(
                after,
                it.rejection is None,
                None if it.rejection is None else it.rejection.reason,
                it.screened.digest if it.screened else None,
                it.context_digest,
                it.params_id,
            )
            for it in work
        ]
        if self.audit is not None:
            self.audit.record(events)
        out: list[AdmittedEnvelope | Rejected] = []
        for it, ev in zip(work, events):
            env_hex = ev.envelope_digest.hex() if ev.envelope_digest else "-"
            if it.rejection is None:
                _log.info(
                    "admitted envelope=%s context=%s params=%s", env_hex, ev.context_digest.hex(), self.keys.params.name
                )
                out.append(AdmittedEnvelope(_TOKEN, it.verified, it.context))  # type: ignore[arg-type]  # set if not rejected
            else:
                _log.info(
                    "rejected reason=%s envelope=%s context=%s: %.200r",
                    it.rejection.reason.value,
                    env_hex,
                    ev.context_digest.hex(),
                    str(it.rejection),
                )
                out.append(it.rejection)
        return out
