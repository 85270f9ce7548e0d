"""A replay store in PostgreSQL, for servers on many hosts (psycopg 3, the ``postgres`` extra).

Claims are one ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` on a primary key per batch, in
autocommit: one atomic statement, one round trip, durable on return with PostgreSQL's default
``synchronous_commit``. The tables are created on
first use under a transaction-scoped advisory lock, so that several servers starting at once do
not race on ``CREATE TABLE``. A lost connection (database restarted, connection killed) raises
:class:`~consistency.errors.OperationalError` for the call that met it; the next call
reconnects.

Access control is the database's: the context MAC key sits in ``<prefix>context_key``, so grant
the server's role, and only it, access to these tables.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn, TypeVar

from .errors import OperationalError
from .store import CONTEXT_KEY_BYTES, Claim, _check_claim, _ClaimOne, context_digest

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg.rows import TupleRow

__all__ = ["PostgresReplayStore"]

_PREFIX = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")
_LOCK_ID = 0x4752435354  # "GRCST": the advisory lock that serializes schema creation
_T = TypeVar("_T")


def _require_psycopg() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError("PostgresReplayStore needs psycopg 3: pip install 'greco-consistency[postgres]'") from None


class PostgresReplayStore(_ClaimOne):
    """A store in a PostgreSQL database given by ``dsn`` (a libpq connection string or URL).

    ``prefix`` names the tables (``<prefix>claims``, ``<prefix>context_key``); servers that share
    a store use the same DSN and prefix. ``connect_timeout`` (seconds) bounds how long a call
    waits for an unreachable database before raising OperationalError.
    """

    def __init__(self, dsn: str, *, prefix: str = "consistency_", connect_timeout: float = 5.0) -> None:
        if not isinstance(dsn, str):
            raise TypeError("dsn must be a string")
        if not _PREFIX.match(prefix):
            raise ValueError("prefix must be a lower-case SQL identifier prefix ([a-z_][a-z0-9_]*)")
        _require_psycopg()
        self._dsn = dsn
        self._claims = f"{prefix}claims"
        self._keys = f"{prefix}context_key"
        self._connect_timeout = max(1, int(round(connect_timeout)))
        self._lock = threading.Lock()
        self._conn: Connection[TupleRow] | None = None
        self._key: bytes | None = None
        with self._lock:
            self._connection()

    def __repr__(self) -> str:
        return f"PostgresReplayStore(prefix={self._claims[: -len('claims')]!r})"  # never the DSN (password)

    def __getstate__(self) -> NoReturn:
        raise TypeError("a replay store is not sent to other processes; open it there by its DSN")

    # -- connection ------------------------------------------------------------------------------

    def _error(self, exc: BaseException) -> OperationalError:
        # psycopg's messages name the host and port, not the password
        return OperationalError(f"replay store (PostgreSQL): {str(exc).strip() or type(exc).__name__}")

    def _connection(self) -> Connection[TupleRow]:
        """The open connection, (re)connecting and creating the tables if needed. Caller holds
        the lock."""
        if self._conn is not None and not self._conn.closed:
            return self._conn
        import psycopg  # checked by __init__; imported here so that the module loads without it

        try:
            conn = psycopg.connect(self._dsn, autocommit=True, connect_timeout=self._connect_timeout)
        except psycopg.Error as exc:
            raise self._error(exc) from None
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
                conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {self._claims} ("
                    " context_digest bytea PRIMARY KEY CHECK (length(context_digest) = 32),"
                    " envelope_digest bytea NOT NULL CHECK (length(envelope_digest) = 32),"
                    " expires_at bigint,"
                    " claimed_at double precision NOT NULL)"
                )
                conn.execute(
                    f"CREATE INDEX IF NOT EXISTS {self._claims}_expiry ON {self._claims} (expires_at)"
                    " WHERE expires_at IS NOT NULL"
                )
                conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {self._keys} ("
                    " id int PRIMARY KEY CHECK (id = 1),"
                    " key bytea NOT NULL CHECK (length(key) = 32))"
                )
        except psycopg.Error as exc:
            conn.close()
            raise self._error(exc) from None
        self._conn = conn
        return conn

    def _run(self, fn: Callable[[Connection[TupleRow]], _T]) -> _T:
        """``fn(conn)`` under the lock; a storage error closes the connection (the next call
        reconnects) and is raised as OperationalError."""
        import psycopg

        with self._lock:
            conn = self._connection()
            try:
                return fn(conn)
            except psycopg.Error as exc:
                try:
                    conn.close()
                finally:
                    self._conn = None
                raise self._error(exc) from None

    # -- protocol --------------------------------------------------------------------------------

    def claim_many(self, claims: Sequence[Claim]) -> list[bool]:
        rows = [_check_claim(c) for c in claims]
        if not rows:
            return []
        now = time.time()

        def run(conn: Connection[TupleRow]) -> list[bool]:
            # one statement (atomic on its own, one round trip); a key repeated within it is
            # inserted once, by its first occurrence
            won = {
                bytes(r[0])
                for r in conn.execute(
                    f"INSERT INTO {self._claims} (context_digest, envelope_digest, expires_at, claimed_at)"
                    " SELECT * FROM unnest(%s::bytea[], %s::bytea[], %s::bigint[], %s::float8[])"
                    " ON CONFLICT (context_digest) DO NOTHING RETURNING context_digest",
                    ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [now] * len(rows)),
                ).fetchall()
            }
            out = []
            for key, _, _ in rows:
                out.append(key in won)
                won.discard(key)
            return out

        return self._run(run)

    def is_claimed(self, context: bytes) -> bool:
        key = context_digest(context)
        return self._run(
            lambda conn: (
                conn.execute(f"SELECT 1 FROM {self._claims} WHERE context_digest = %s", (key,)).fetchone() is not None
            )
        )

    def prune(self, before: int) -> int:
        return self._run(
            lambda conn: (
                conn.execute(
                    f"DELETE FROM {self._claims} WHERE expires_at IS NOT NULL AND expires_at < %s", (int(before),)
                ).rowcount
            )
        )

    def context_key(self) -> bytes:
        if self._key is None:
            fresh = secrets.token_bytes(CONTEXT_KEY_BYTES)

            def run(conn: Connection[TupleRow]) -> bytes:
                with conn.transaction():
                    conn.execute(
                        f"INSERT INTO {self._keys} (id, key) VALUES (1, %s) ON CONFLICT (id) DO NOTHING", (fresh,)
                    )
                    row = conn.execute(f"SELECT key FROM {self._keys} WHERE id = 1").fetchone()
                    assert row is not None  # inserted above unless it was there already
                    return bytes(row[0])

            self._key = self._run(run)
        return self._key

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
