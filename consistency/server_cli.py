"""The server's commands of ``python -m consistency`` (registered by :mod:`consistency.cli`).

- ``issue-context --store DB [--sender S] [--recipient R] [--ttl SECONDS]``: print a context
  issued under the store's key (for ``send --ctx``).
- ``admit ENVELOPE --keys KEYDIR --store DB --ctx CTX [--audit FILE] [--raw-contexts]``: the
  server's admission. Exit 0 admitted, 1 rejected (``REJECTED <reason>: ...`` on stderr),
  2 bad usage, 3 operational error (store or audit log unavailable: nothing was admitted).
- ``audit-log FILE``: check a decision log and print its summary; exit 0 if every line is well
  formed and no context was admitted twice, else 1.

The SQLite store is the default (``--store`` is its path); ``--postgres-dsn`` selects
PostgreSQL instead (or the environment variable ``CONSISTENCY_POSTGRES_DSN``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from .errors import OperationalError, Rejected

__all__ = ["add_commands", "EXIT_OPERATIONAL"]

#: Exit status of a command that could not reach its store or log.
EXIT_OPERATIONAL = 3


def _open_store(a: argparse.Namespace) -> Any:
    dsn = a.postgres_dsn or os.environ.get("CONSISTENCY_POSTGRES_DSN")
    if dsn:
        from .store_postgres import PostgresReplayStore

        return PostgresReplayStore(dsn)
    if not a.store:
        print("error: give --store PATH (SQLite) or --postgres-dsn", file=sys.stderr)
        raise SystemExit(2)
    from .store import SqliteReplayStore

    return SqliteReplayStore(a.store)


def cmd_issue_context(a: argparse.Namespace) -> int:
    import time

    from . import contexts

    if not 0 < a.ttl <= 7 * 86400:
        print("error: --ttl must be in (0, 604800] seconds", file=sys.stderr)
        return 2
    try:
        store = _open_store(a)
        key = store.context_key()
    except OperationalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_OPERATIONAL
    print(contexts.issue_context(key, int(time.time()) + a.ttl, a.sender, a.recipient).decode())
    return 0


def cmd_admit(a: argparse.Namespace) -> int:
    from .cli import _read_bytes
    from .keys import load_verifier_keys
    from .server import Server

    keys = load_verifier_keys(a.keys, allow_insecure=a.insecure)
    data = _read_bytes(a.envelope)
    try:
        server = Server(
            keys,
            _open_store(a),
            issue_contexts=not a.raw_contexts,
            audit=a.audit or (a.store + ".audit.jsonl" if a.store else None),
        )
        v = server.admit(data, a.ctx.encode())
    except Rejected as exc:
        print(f"REJECTED {exc.reason.value}: {exc}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        print(f"error (nothing admitted): {exc}", file=sys.stderr)
        return EXIT_OPERATIONAL
    print(f"ADMITTED: C = {v.C}")
    return 0


def cmd_audit_log(a: argparse.Namespace) -> int:
    from .audit import check_audit_log

    try:
        summary = check_audit_log(a.file)
    except OSError as exc:
        print(f"error: cannot read {a.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(summary.render())
    for e in summary.errors:
        print(f"MALFORMED {e}", file=sys.stderr)
    return 0 if summary.ok else 1


def add_commands(add: Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]) -> None:
    """Register the server's subcommands with the CLI's ``add(name, fn, help)``."""

    def store_args(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--store", help="SQLite replay store (created 0600 if missing)")
        sp.add_argument("--postgres-dsn", default=None, help="use a PostgreSQL store instead")

    sp = add("issue-context", cmd_issue_context, "print a message context issued under the store's key")
    store_args(sp)
    sp.add_argument("--sender", default=None)
    sp.add_argument("--recipient", default=None)
    sp.add_argument("--ttl", type=int, default=int(timedelta(minutes=15).total_seconds()), help="seconds")
    sp = add("admit", cmd_admit, "admit an envelope: exit 0 admitted, 1 rejected, 2 usage, 3 store/log down")
    sp.add_argument("envelope")
    sp.add_argument("--keys", required=True)
    store_args(sp)
    sp.add_argument("--ctx", required=True, help="the context issued for this message")
    sp.add_argument("--audit", default=None, help="decision log (default: STORE.audit.jsonl)")
    sp.add_argument("--raw-contexts", action="store_true", help="accept contexts this server did not issue")
    sp = add("audit-log", cmd_audit_log, "check a decision log and summarize it (exit 1 if malformed)")
    sp.add_argument("file")
