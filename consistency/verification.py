"""Stateless envelope verification, in this process or on executors (the server's hazmat layer).

Everything here checks and reports; nothing records or exposes an envelope to act on (that is
:class:`consistency.server.Server`'s, which alone creates an ``AdmittedEnvelope``). Every
failure is a :class:`~consistency.errors.Rejected` with its :class:`RejectReason`.

- :func:`screen_envelope`: the cheap checks on the raw input, before any parsing beyond the
  header: the parameter set (``params``), the exact size (``too_large``), the type (``format``).
- :func:`check_envelope`: strict parsing (``format``), the parameter set, and the binding of
  ``ctx`` to the context and ``eph_pub`` (``binding``).
- :func:`verify_items`: the two above and the Groth16 proofs of many envelopes, with one
  batched pairing check and a fallback per envelope (``proof``); module-level, so it runs on a
  process pool or a Dask worker.
- :func:`plan_chunks`: about one chunk per worker and round (at most ``max_chunk`` per chunk).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from schemes.groth16 import InvalidProof, PreparedVerifyingKey, prepare_verifying_key, verify
from schemes.groth16.batch import verify_batch

from .context import MAX_CONTEXT_BYTES, derive_ctx
from .envelope import MAGIC, Envelope, decode, encode, validate
from .errors import EnvelopeFormatError, Rejected, RejectReason
from .keys import VerifierKeys
from .params import ParameterSet

__all__ = [
    "Screened",
    "envelope_size",
    "peek_params_id",
    "screen_envelope",
    "check_context_size",
    "context_bytes",
    "check_envelope",
    "verify_items",
    "plan_chunks",
    "worker_count",
    "verify_on_executor",
]

#: A worker's answer for one item: (index, SHA-256 of the bytes it verified, reason value or
#: None when valid, message).
ItemResult = tuple[int, bytes, str | None, str]


def envelope_size(params: ParameterSet) -> int:
    """The exact length of every envelope of ``params`` (specs/consistency.md section 7)."""
    fields = (
        32 + 32 + 16 + 32 + 32 * params.ct_msg_len + params.num_chunks * 2 * params.bfv.n * params.bfv.coeff_bytes + 256
    )
    return len(MAGIC) + 2 + len(params.name.encode("ascii")) + 7 * 4 + fields


def peek_params_id(data: bytes) -> str | None:
    """The parameter-set name in an envelope's header, if the header is well formed ASCII."""
    if len(data) < 6 or data[:4] != MAGIC:
        return None
    n = data[5]
    raw = data[6 : 6 + n]
    if len(raw) != n or not raw.isascii():
        return None
    name = raw.decode("ascii")
    return name if name.isprintable() else None


@dataclass(frozen=True)
class Screened:
    """An input that passed :func:`screen_envelope`: its canonical bytes and their digest, and
    (for an :class:`Envelope` object) the validated immutable copy."""

    data: bytes
    digest: bytes
    params_id: str
    env: Envelope | None = None


def _reject(reason: RejectReason, message: str) -> Rejected:
    return Rejected(message, reason)


def screen_envelope(params: ParameterSet, data: Any) -> Screened:
    """Type, parameter set and size; for an :class:`Envelope` object also its shape and
    ranges. Raises Rejected (``format``, ``params``, ``too_large``)."""
    if isinstance(data, Envelope):
        if data.params_id != params.name:
            raise _reject(
                RejectReason.PARAMS if isinstance(data.params_id, str) else RejectReason.FORMAT,
                f"envelope is for parameter set {data.params_id!r}, this server verifies {params.name!r}",
            )
        try:
            validate(data, params)
            raw = encode(data, allow_insecure=params.insecure)
            env = decode(raw, allow_insecure=params.insecure)  # plain ints and tuples: immutable
        except EnvelopeFormatError as exc:
            raise _reject(RejectReason.FORMAT, f"malformed envelope: {exc}") from None
        return Screened(raw, hashlib.sha256(raw).digest(), params.name, env)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise _reject(RejectReason.FORMAT, "malformed envelope: an envelope is a byte string")
    raw = bytes(data)
    pid = peek_params_id(raw)
    if pid is not None and pid != params.name:
        raise _reject(
            RejectReason.PARAMS, f"envelope is for parameter set {pid!r}, this server verifies {params.name!r}"
        )
    size = envelope_size(params)
    if len(raw) > size:
        raise _reject(RejectReason.TOO_LARGE, f"envelope is {len(raw)} bytes; a {params.name} envelope has {size}")
    return Screened(raw, hashlib.sha256(raw).digest(), pid or "")


def context_bytes(context: Any) -> bytes:
    """The context as immutable bytes; a wrong type is a programming error (TypeError), never
    silently converted (``bytes(5)``)."""
    if not isinstance(context, (bytes, bytearray)):
        raise TypeError(f"context must be bytes, got {type(context).__name__}")
    return bytes(context)


def check_context_size(context: bytes) -> None:
    if len(context) > MAX_CONTEXT_BYTES:
        raise _reject(RejectReason.TOO_LARGE, f"context is {len(context)} bytes; at most {MAX_CONTEXT_BYTES}")


def check_envelope(params: ParameterSet, data: bytes | Envelope, context: bytes) -> Envelope:
    """Parse (unless already an Envelope checked by :func:`screen_envelope`) and check the
    parameter set and the binding of ``ctx``. Raises Rejected (``format``, ``params``,
    ``binding``, ``too_large``)."""
    if isinstance(data, Envelope):
        env = data
    else:
        try:
            env = decode(data, allow_insecure=params.insecure)
        except EnvelopeFormatError as exc:
            raise _reject(RejectReason.FORMAT, f"malformed envelope: {exc}") from None
    if env.params_id != params.name:
        raise _reject(
            RejectReason.PARAMS,
            f"envelope is for parameter set {env.params_id!r}, this server verifies {params.name!r}",
        )
    check_context_size(context)
    if env.ctx != derive_ctx(context, env.eph_pub):
        raise _reject(RejectReason.BINDING, "ctx does not bind this message context and ephemeral key")
    return env


def verify_proofs(pvk: PreparedVerifyingKey, envs: Sequence[Envelope]) -> list[Rejected | None]:
    """Per envelope None (valid) or the ``proof`` rejection: one batched pairing check (its
    random coefficients drawn here), then each envelope alone if the batch fails."""
    if not envs:
        return []
    if len(envs) > 1:
        try:
            verify_batch(pvk, [(e.public_inputs(), e.proof) for e in envs])
            return [None] * len(envs)
        except InvalidProof:
            pass
    out: list[Rejected | None] = []
    for e in envs:
        try:
            verify(pvk, e.public_inputs(), e.proof)
            out.append(None)
        except InvalidProof as exc:
            out.append(_reject(RejectReason.PROOF, f"invalid proof: {exc}"))
    return out


def verify_decoded(
    keys: VerifierKeys, pvk: PreparedVerifyingKey, items: Sequence[tuple[bytes | Envelope, bytes]]
) -> list[tuple[Envelope | None, Rejected | None]]:
    """:func:`check_envelope` and :func:`verify_proofs` for ``(data, context)`` pairs: per item
    ``(envelope, None)`` if valid, else ``(None, rejection)``."""
    out: list[tuple[Envelope | None, Rejected | None]] = []
    good: list[int] = []
    for data, context in items:
        try:
            out.append((check_envelope(keys.params, data, context), None))
            good.append(len(out) - 1)
        except Rejected as exc:
            out.append((None, exc))
    for i, rej in zip(good, verify_proofs(pvk, [out[i][0] for i in good])):  # type: ignore[misc]
        if rej is not None:
            out[i] = (None, rej)
    return out


def verify_items(keys: VerifierKeys, items: Sequence[tuple[int, bytes, bytes]]) -> list[ItemResult]:
    """Worker entry point: verify ``(index, envelope bytes, context)`` items statelessly and
    answer ``(index, sha256(bytes), reason or None, message)`` for each."""
    pvk = prepare_verifying_key(keys.vk)
    results = verify_decoded(keys, pvk, [(data, ctx) for _, data, ctx in items])
    out: list[ItemResult] = []
    for (i, data, _), (_, rej) in zip(items, results):
        out.append(
            (
                i,
                hashlib.sha256(data).digest(),
                None if rej is None else rej.reason.value,
                "" if rej is None else str(rej),
            )
        )
    return out


def worker_count(executor: Any) -> int:
    """How many tasks ``executor`` runs at once: a pool's ``_max_workers``, the threads of a
    Dask client's workers, else this machine's CPU count."""
    n = getattr(executor, "_max_workers", None)
    if isinstance(n, int) and n > 0:
        return n
    client = executor if hasattr(executor, "nthreads") else getattr(executor, "_client", None)
    if client is not None and callable(getattr(client, "nthreads", None)):
        try:
            total = sum(int(v) for v in client.nthreads().values())
            if total > 0:
                return total
        except Exception:  # an unreachable scheduler: fall through to the local guess
            pass
    return os.cpu_count() or 1


def plan_chunks(n: int, workers: int, max_chunk: int = 64) -> list[range]:
    """Split ``n`` items into about one chunk per worker and round, each at most
    ``max_chunk`` long and the sizes differing by at most one."""
    if n <= 0:
        return []
    workers = max(1, workers)
    rounds = max(1, math.ceil(n / (workers * max_chunk)))
    k = min(n, workers * rounds)
    base, extra = divmod(n, k)
    out, start = [], 0
    for j in range(k):
        size = base + (1 if j < extra else 0)
        out.append(range(start, start + size))
        start += size
    return out


def submit_chunks(
    executor: Any, keys: VerifierKeys, items: Sequence[tuple[int, bytes, bytes]], chunk_size: int | None = None
) -> list[Any]:
    """Submit :func:`verify_items` over ``items`` in chunks; return the futures. A Dask client
    gets the keys scattered once rather than with every task."""
    if chunk_size is not None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        chunks = [range(i, min(i + chunk_size, len(items))) for i in range(0, len(items), chunk_size)]
    else:
        chunks = plan_chunks(len(items), worker_count(executor))
    keys_arg: Any = keys
    if callable(getattr(executor, "scatter", None)):
        keys_arg = executor.scatter(keys, broadcast=True)
    return [executor.submit(verify_items, keys_arg, [items[i] for i in c]) for c in chunks]


def verify_on_executor(
    keys: VerifierKeys, items: Sequence[tuple[bytes, bytes]], executor: Executor, chunk_size: int | None = None
) -> list[Rejected | None]:
    """Stateless verification of ``(envelope bytes, context)`` pairs on any executor (a process
    pool, a Dask client): per item None if valid or the :class:`Rejected` (with its reason).
    Nothing is admitted: use :meth:`Server.admit_many` for that, which claims without
    verifying again."""
    out: list[Rejected | None] = [None] * len(items)
    todo: list[tuple[int, bytes, bytes]] = []
    for _, context in items:
        context_bytes(context)
    for i, (data, context) in enumerate(items):
        try:
            todo.append((i, screen_envelope(keys.params, data).data, context_bytes(context)))
        except Rejected as exc:
            out[i] = exc
    for fut in submit_chunks(executor, keys, todo, chunk_size):
        for i, _digest, reason, message in fut.result():
            out[i] = None if reason is None else Rejected(message, RejectReason(reason))
    return out
