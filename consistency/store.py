"""Replay stores: the server's durable memory of admitted message contexts.

The core is one atomic operation, :meth:`ReplayStore.claim`: record a context as admitted and
return True, or return False if it was recorded before. Checking and recording are one step
(a UNIQUE key), so of any number of workers, processes or hosts sharing a store exactly one
wins a context. A claim returns only after the record is durable (committed): a server that
answered "admitted" and then crashes still refuses the context after its restart.

Entries carry the context's expiry (unix seconds, or None for contexts that never expire, such
as a deployment's own raw contexts). :meth:`ReplayStore.prune` deletes entries that expired
before a given time; the server passes ``now - grace``, so an entry is never pruned while its
context can still be admitted (specs/consistency.md section 4).

The store also holds the server's context MAC key (:meth:`ReplayStore.context_key`), created
once, atomically, so that every server sharing the store accepts the contexts of the others.
That key is secret: the SQLite file is created 0600 and refused if others can read it.

Implementations: :class:`MemoryReplayStore` (one process, tests), :class:`SqliteReplayStore`
(the default, one host, many processes), and
:class:`~consistency.store_postgres.PostgresReplayStore` (many hosts). Every failure of the
underlying storage is raised as :class:`~consistency.errors.OperationalError`.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import stat
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, Protocol, TypeVar, runtime_checkable

from .errors import OperationalError

__all__ = ["Claim", "ReplayStore", "MemoryReplayStore", "SqliteReplayStore", "context_digest", "CONTEXT_KEY_BYTES"]

_T = TypeVar("_T")

#: Length of the context MAC key held by a store.
CONTEXT_KEY_BYTES = 32


def context_digest(context: bytes) -> bytes:
    """The key under which a context is stored and logged: SHA-256 of the context bytes."""
    return hashlib.sha256(bytes(context)).digest()


@dataclass(frozen=True)
class Claim:
    """One entry to claim: the context, the digest of the admitted envelope's bytes, and the
    context's expiry in unix seconds (None: never expires)."""

    context: bytes
    envelope_digest: bytes
    expires_at: int | None


@runtime_checkable
class ReplayStore(Protocol):
    """What a :class:`~consistency.server.Server` needs from its store. Every method raises
    :class:`~consistency.errors.OperationalError` when the storage fails, never another error
    and never a wrong answer."""

    def claim(self, context: bytes, envelope_digest: bytes, expires_at: int | None) -> bool:
        """Atomically record ``context``; False if it was recorded before. Durable on return."""
        ...

    def claim_many(self, claims: Sequence[Claim]) -> list[bool]:
        """:meth:`claim` for each entry in order, in one transaction (all or none recorded)."""
        ...

    def is_claimed(self, context: bytes) -> bool:
        """Advisory: was ``context`` recorded? (A server still relies on :meth:`claim` alone.)"""
        ...

    def prune(self, before: int) -> int:
        """Delete entries whose expiry is set and earlier than ``before``; return how many."""
        ...

    def context_key(self) -> bytes:
        """The store's context MAC key (32 bytes), created at random on first use."""
        ...

    def close(self) -> None:
        """Release connections (the store must not be used afterwards)."""
        ...


def _check_claim(c: Claim) -> tuple[bytes, bytes, int | None]:
    if not isinstance(c.context, (bytes, bytearray)):
        raise TypeError("context must be bytes")
    if not isinstance(c.envelope_digest, (bytes, bytearray)) or len(c.envelope_digest) != 32:
        raise TypeError("envelope_digest must be 32 bytes")
    if c.expires_at is not None and (type(c.expires_at) is not int or c.expires_at < 0):
        raise TypeError("expires_at must be a non-negative int (unix seconds) or None")
    return context_digest(c.context), bytes(c.envelope_digest), c.expires_at


class _ClaimsMany(Protocol):
    def claim_many(self, claims: Sequence[Claim]) -> list[bool]: ...


class _ClaimOne:
    """``claim`` as a one-element ``claim_many`` (the stores implement the batch)."""

    def claim(self: _ClaimsMany, context: bytes, envelope_digest: bytes, expires_at: int | None) -> bool:
        return self.claim_many([Claim(context, envelope_digest, expires_at)])[0]


class MemoryReplayStore(_ClaimOne):
    """A store in this process's memory (thread-safe). It forgets everything when the process
    stops and is not shared with other processes: for tests and single-process tools only."""

    def __init__(self) -> None:
        self._entries: dict[bytes, tuple[bytes, int | None]] = {}
        self._key = secrets.token_bytes(CONTEXT_KEY_BYTES)
        self._lock = threading.Lock()

    def claim_many(self, claims: Sequence[Claim]) -> list[bool]:
        rows = [_check_claim(c) for c in claims]
        out = []
        with self._lock:
            for key, env, exp in rows:
                if key in self._entries:
                    out.append(False)
                else:
                    self._entries[key] = (env, exp)
                    out.append(True)
        return out

    def is_claimed(self, context: bytes) -> bool:
        with self._lock:
            return context_digest(context) in self._entries

    def prune(self, before: int) -> int:
        with self._lock:
            old = [k for k, (_, exp) in self._entries.items() if exp is not None and exp < before]
            for k in old:
                del self._entries[k]
        return len(old)

    def context_key(self) -> bytes:
        return self._key

    def close(self) -> None:
        pass


_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (
    context_digest  BLOB PRIMARY KEY CHECK (length(context_digest) = 32),
    envelope_digest BLOB NOT NULL CHECK (length(envelope_digest) = 32),
    expires_at      INTEGER,
    claimed_at      REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claims_expiry ON claims (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS context_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB NOT NULL CHECK (length(key) = 32)
);
"""


def _create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 from the first instant (O_EXCL, no symlink), unless
    it exists; then refuse it if it is not a regular file of ours that only we can read."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise OperationalError(f"cannot create the replay store {path}: {exc.strerror or exc}") from None
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise OperationalError(f"cannot open the replay store {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise OperationalError(f"the replay store {path} is not a regular file")
    if st.st_mode & 0o077:
        raise OperationalError(
            f"the replay store {path} holds the context MAC key but is accessible to "
            f"others (mode {stat.S_IMODE(st.st_mode):04o}); chmod 600 it"
        )
    if st.st_uid != os.geteuid():
        raise OperationalError(f"the replay store {path} belongs to another user")


class SqliteReplayStore(_ClaimOne):
    """A store in one SQLite file (standard library ``sqlite3``, WAL mode, UNIQUE key), safe for
    many threads and many processes on one host (not on a network file system).

    ``synchronous`` is SQLite's durability setting: ``"FULL"`` (default) syncs the log at every
    commit, so an answered admission survives a power loss; ``"NORMAL"`` survives a crash of the
    process (SIGKILL) but may lose the last commits on power loss. ``timeout`` bounds how long a
    claim waits for another process's transaction before it raises OperationalError.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 10.0, synchronous: str = "FULL") -> None:
        if synchronous not in ("FULL", "NORMAL", "EXTRA"):
            raise ValueError("synchronous must be FULL, NORMAL or EXTRA")
        self.path = Path(path)
        self._timeout = float(timeout)
        self._synchronous = synchronous
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._key: bytes | None = None
        with self._lock:
            self._connection()

    def __repr__(self) -> str:
        return f"SqliteReplayStore({str(self.path)!r})"

    def __getstate__(self) -> NoReturn:
        raise TypeError("a replay store is not sent to other processes; open it there by its path")

    # -- connection ------------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        """The connection of this process (reopened after a fork). Caller holds the lock."""
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        _create_private_file(self.path)
        try:
            conn = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False)
            try:
                conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise sqlite3.OperationalError(f"cannot switch to WAL mode (got {mode})")
                conn.execute(f"PRAGMA synchronous = {self._synchronous}")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _SQLITE_SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except BaseException:
                conn.close()
                raise
        except sqlite3.Error as exc:
            raise OperationalError(f"replay store {self.path}: {exc}") from None
        self._conn, self._pid = conn, os.getpid()
        return conn

    def _transaction(self, fn: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``fn(conn)`` in one IMMEDIATE transaction; storage errors -> OperationalError."""
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    out = fn(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise OperationalError(f"replay store {self.path}: {exc}") from None
            return out

    # -- protocol --------------------------------------------------------------------------------

    def claim_many(self, claims: Sequence[Claim]) -> list[bool]:
        import time

        rows = [_check_claim(c) for c in claims]
        if not rows:
            return []
        now = time.time()

        def run(conn: sqlite3.Connection) -> list[bool]:
            out = []
            for key, env, exp in rows:
                cur = conn.execute(
                    "INSERT INTO claims (context_digest, envelope_digest, expires_at, claimed_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (context_digest) DO NOTHING",
                    (key, env, exp, now),
                )
                out.append(cur.rowcount == 1)
            return out

        return self._transaction(run)

    def is_claimed(self, context: bytes) -> bool:
        key = context_digest(context)
        with self._lock:
            conn = self._connection()
            try:
                row = conn.execute("SELECT 1 FROM claims WHERE context_digest = ?", (key,)).fetchone()
            except sqlite3.Error as exc:
                raise OperationalError(f"replay store {self.path}: {exc}") from None
        return row is not None

    def prune(self, before: int) -> int:
        return self._transaction(
            lambda conn: (
                conn.execute(
                    "DELETE FROM claims WHERE expires_at IS NOT NULL AND expires_at < ?", (int(before),)
                ).rowcount
            )
        )

    def context_key(self) -> bytes:
        if self._key is None:
            fresh = secrets.token_bytes(CONTEXT_KEY_BYTES)

            def run(conn: sqlite3.Connection) -> bytes:
                conn.execute("INSERT INTO context_key (id, key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", (fresh,))
                return bytes(conn.execute("SELECT key FROM context_key WHERE id = 1").fetchone()[0])

            self._key = self._transaction(run)
        return self._key

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None
