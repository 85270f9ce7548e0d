"""A member's decryption log: once per envelope, at most the budget per key, across restarts.

The log is a JSON Lines file beside the member's secret file (``FILE.log``), created 0600 and
only ever appended to. One line per decryption the member agreed to::

    {"v": 1, "time": "<ISO 8601 UTC>", "envelope_id": hex(32), "score_ciphertext": hex(32),
     "request": hex(32)}

:meth:`DecryptionLog.claim` takes an exclusive ``flock`` on the file, reads every line back
strictly, refuses a score ciphertext that is already there (:class:`ReplayRefused`): the same
envelope, also with a re-randomized proof, and any envelope that reuses its inference input have
the same score ciphertext (the envelope id and the request digest are recorded for the member's
own audit); it refuses a claim beyond the budget (:class:`BudgetExhausted`); then it appends the
line and ``fsync``\\ s it, all before the member computes anything secret. A decryption that
later fails (the process dies while proving) still counts: a member errs towards refusing. A log
that does not read back (a torn or edited line) refuses everything (:class:`CorruptLog`): the
member cannot tell what it already decrypted.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import time
from datetime import datetime, timezone
from pathlib import Path

from .errors import BudgetExhausted, CorruptLog, ReplayRefused

__all__ = ["DecryptionLog"]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_KEYS = {"v", "time", "envelope_id", "score_ciphertext", "request"}


def _parse(line: bytes, n: int) -> tuple[bytes, bytes, bytes]:
    try:
        obj = json.loads(line)
    except ValueError:
        raise CorruptLog(f"decryption log line {n} is not JSON") from None
    if not isinstance(obj, dict) or set(obj) != _KEYS or obj["v"] != 1 or not isinstance(obj["time"], str):
        raise CorruptLog(f"decryption log line {n} is not a log record")
    out = []
    for k in ("envelope_id", "score_ciphertext", "request"):
        if not isinstance(obj[k], str) or not _HEX64.match(obj[k]):
            raise CorruptLog(f"decryption log line {n}: {k} is not a digest")
        out.append(bytes.fromhex(obj[k]))
    return out[0], out[1], out[2]


class DecryptionLog:
    """The persistent log at ``path`` (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def _open(self) -> int:
        return os.open(
            self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0), 0o600
        )

    @staticmethod
    def _entries(fd: int) -> list[tuple[bytes, bytes, bytes]]:
        os.lseek(fd, 0, os.SEEK_SET)
        chunks = []
        while True:
            b = os.read(fd, 1 << 20)
            if not b:
                break
            chunks.append(b)
        data = b"".join(chunks)
        if data and not data.endswith(b"\n"):
            raise CorruptLog("the decryption log ends in a torn line")
        return [_parse(line, n) for n, line in enumerate(data.splitlines(), 1)]

    def entries(self) -> list[tuple[bytes, bytes, bytes]]:
        """Every recorded decryption (read under a shared lock)."""
        if not self.path.exists():
            return []
        fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            return self._entries(fd)
        finally:
            os.close(fd)

    def claim(self, envelope: bytes, score_ciphertext: bytes, request: bytes, budget: int) -> int:
        """Record one decryption; returns how many the log then holds. Raises
        :class:`ReplayRefused`, :class:`BudgetExhausted` or :class:`CorruptLog`."""
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            entries = self._entries(fd)
            for _, score, _ in entries:
                if score == score_ciphertext:
                    raise ReplayRefused(
                        "this member already decrypted the score of this envelope (or of "
                        "another envelope with the same inference input)"
                    )
            if len(entries) >= budget:
                raise BudgetExhausted(
                    f"the committee key's decryption budget ({budget}) is used up: "
                    "the committee key must be rotated (a new committee)"
                )
            line = (
                json.dumps(
                    {
                        "v": 1,
                        "time": datetime.fromtimestamp(time.time(), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                        "envelope_id": envelope.hex(),
                        "score_ciphertext": score_ciphertext.hex(),
                        "request": request.hex(),
                    },
                    separators=(",", ":"),
                )
                + "\n"
            )
            view = memoryview(line.encode())
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            return len(entries) + 1
        finally:
            os.close(fd)  # releases the lock
