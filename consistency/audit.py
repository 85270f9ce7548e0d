"""The decision log: an append-only record of every admission and rejection.

One :class:`AuditEvent` per decision of :meth:`Server.admit` / :meth:`Server.admit_many`:
the time, the envelope digest (SHA-256 of the envelope bytes), the context digest (SHA-256 of
the context), the parameter set, the decision and the reason. Nothing secret: no context, no
key, no envelope contents.

:class:`JsonlAuditSink` (the default) appends one JSON object per line to a file::

    {"v": 1, "time": "2025-01-01T12:00:00.000000Z", "decision": "admitted", "reason": null,
     "envelope_digest": "<64 hex>", "context_digest": "<64 hex>", "params_id": "default"}

Each batch of events is one ``write`` on a file opened with ``O_APPEND`` under an exclusive
``flock``, so the lines of servers that share the file never interleave; the file is created
0600 and is never rewritten. A failed write raises
:class:`~consistency.errors.OperationalError`. Other sinks implement :class:`AuditSink`.

:func:`check_audit_log` reads such a file back strictly (``python -m consistency audit-log``).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from .errors import OperationalError, RejectReason

__all__ = [
    "AuditEvent",
    "AuditSink",
    "JsonlAuditSink",
    "MemoryAuditSink",
    "AuditSummary",
    "check_audit_log",
    "format_time",
]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_PARAMS = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
_KEYS = {"v", "time", "decision", "reason", "envelope_digest", "context_digest", "params_id"}
_REASONS = {r.value for r in RejectReason}


def format_time(t: float) -> str:
    """Unix seconds as ISO 8601 UTC with microseconds (the log's ``time``)."""
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class AuditEvent:
    """One decision. ``reason`` is None exactly for admissions; ``envelope_digest`` is None only
    when the envelope object could not be encoded; ``params_id`` is the envelope's claimed
    parameter set when it is a plain name, else None."""

    time: float
    admitted: bool
    reason: RejectReason | None
    envelope_digest: bytes | None
    context_digest: bytes
    params_id: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "v": 1,
            "time": format_time(self.time),
            "decision": "admitted" if self.admitted else "rejected",
            "reason": None if self.reason is None else self.reason.value,
            "envelope_digest": None if self.envelope_digest is None else self.envelope_digest.hex(),
            "context_digest": self.context_digest.hex(),
            "params_id": self.params_id if self.params_id and _PARAMS.match(self.params_id) else None,
        }


@runtime_checkable
class AuditSink(Protocol):
    """Where a server records its decisions. ``record`` returns once the events are written
    (as durably as the sink promises) and raises OperationalError if they cannot be."""

    def record(self, events: Sequence[AuditEvent]) -> None: ...


class MemoryAuditSink:
    """Keeps the events in a list (tests, embedding)."""

    def __init__(self) -> None:
        self.events: list[AuditEvent] = []
        self._lock = threading.Lock()

    def record(self, events: Sequence[AuditEvent]) -> None:
        with self._lock:
            self.events.extend(events)


class JsonlAuditSink:
    """Appends JSON Lines to ``path`` (created 0600 if missing). ``fsync=True`` makes each
    record survive a power loss, at the cost of a disk sync per batch; without it a record
    survives a crash of the process (it is in the kernel once ``record`` returns)."""

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = False) -> None:
        self.path = Path(path)
        self._fsync = fsync
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._pid = -1
        with self._lock:
            self._open()

    def __repr__(self) -> str:
        return f"JsonlAuditSink({str(self.path)!r})"

    def _open(self) -> int:
        if self._fd is not None and self._pid == os.getpid():
            return self._fd
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            raise OperationalError(f"cannot open the audit log {self.path}: {exc.strerror or exc}") from None
        self._fd, self._pid = fd, os.getpid()
        return fd

    def record(self, events: Sequence[AuditEvent]) -> None:
        if not events:
            return
        data = "".join(json.dumps(e.to_json(), separators=(",", ":")) + "\n" for e in events).encode()
        with self._lock:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    view = memoryview(data)
                    while view:
                        n = os.write(fd, view)
                        view = view[n:]
                    if self._fsync:
                        os.fsync(fd)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            except OSError as exc:
                raise OperationalError(f"cannot write the audit log {self.path}: {exc.strerror or exc}") from None

    def close(self) -> None:
        with self._lock:
            if self._fd is not None and self._pid == os.getpid():
                os.close(self._fd)
            self._fd = None


@dataclass
class AuditSummary:
    """What :func:`check_audit_log` found. ``errors`` lists malformed lines (line number and
    why) and contexts admitted more than once; the log is sound iff it is empty."""

    lines: int = 0
    admitted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    params: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def render(self) -> str:
        out = [f"{self.lines} decisions: {self.admitted} admitted, {sum(self.rejected.values())} rejected"]
        for reason, n in sorted(self.rejected.items()):
            out.append(f"  rejected {reason}: {n}")
        for p, n in sorted(self.params.items()):
            out.append(f"  parameter set {p}: {n}")
        if self.first:
            out.append(f"  from {self.first} to {self.last}")
        return "\n".join(out)


def _check_record(obj: object) -> str | None:
    """Why ``obj`` is not a well-formed record, or None."""
    if not isinstance(obj, dict) or set(obj) != _KEYS:
        return f"expected exactly the keys {sorted(_KEYS)}"
    if obj["v"] != 1 or type(obj["v"]) is not int:
        return "unknown record version"
    if not isinstance(obj["time"], str) or not _TIME.match(obj["time"]):
        return "time is not ISO 8601 UTC with microseconds"
    try:
        datetime.strptime(obj["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        return "time is not a valid date"
    if obj["decision"] == "admitted":
        if obj["reason"] is not None:
            return "an admission has no reason"
        if obj["envelope_digest"] is None:
            return "an admission must carry its envelope digest"
    elif obj["decision"] == "rejected":
        if obj["reason"] not in _REASONS:
            return f"unknown reason {obj['reason']!r}"
    else:
        return "decision must be 'admitted' or 'rejected'"
    if obj["envelope_digest"] is not None and not (
        isinstance(obj["envelope_digest"], str) and _HEX64.match(obj["envelope_digest"])
    ):
        return "envelope_digest is not 64 lower-case hex digits"
    if not isinstance(obj["context_digest"], str) or not _HEX64.match(obj["context_digest"]):
        return "context_digest is not 64 lower-case hex digits"
    if obj["params_id"] is not None and not (isinstance(obj["params_id"], str) and _PARAMS.match(obj["params_id"])):
        return "params_id is not a parameter-set name"
    return None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("repeated key")
    return obj


def check_audit_log(path: str | os.PathLike[str], *, max_errors: int = 20) -> AuditSummary:
    """Read a JSON Lines decision log strictly and summarize it. Raises OSError if the file
    cannot be read; reports (in ``errors``) malformed lines, a truncated last line and any
    context admitted twice."""
    from schemes import strict_json

    s = AuditSummary()
    seen: set[str] = set()
    all_errors: list[str] = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            s.lines += 1
            if not raw.endswith(b"\n"):
                all_errors.append(f"line {n}: truncated (no end of line)")
                continue
            try:
                obj = strict_json.loads(raw, max_depth=2, object_pairs_hook=_unique_keys)
            except ValueError as exc:
                all_errors.append(f"line {n}: not JSON ({exc})")
                continue
            why = _check_record(obj)
            if why:
                all_errors.append(f"line {n}: {why}")
                continue
            s.first = s.first or obj["time"]
            s.last = obj["time"]
            if obj["params_id"]:
                s.params[obj["params_id"]] += 1
            if obj["decision"] == "admitted":
                s.admitted += 1
                if obj["context_digest"] in seen:
                    all_errors.append(f"line {n}: context {obj['context_digest'][:16]}... admitted twice")
                seen.add(obj["context_digest"])
            else:
                s.rejected[obj["reason"]] += 1
    s.errors = all_errors[:max_errors] + (
        [f"... and {len(all_errors) - max_errors} more"] if len(all_errors) > max_errors else []
    )
    return s
