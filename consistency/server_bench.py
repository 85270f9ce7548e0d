"""``python -m consistency bench --server [PARAMS]``: admissions per second of a server, per
store and executor, and the share of an admission's time spent in the store.

One set of envelopes (``--server-envelopes``, each under its own issued context) is admitted by
a fresh server and a fresh store in each configuration, three times (median):

- SQLite, one process, ``admit`` one by one; and ``admit_many`` (batched pairing check);
- SQLite, ``admit_many`` on a process pool with one worker per core;
- SQLite, ``admit_many`` on a Dask ``LocalCluster`` (loopback, one worker per core);
- PostgreSQL, one process, ``admit`` one by one (DSN from ``CONSISTENCY_POSTGRES_DSN`` or
  ``CONSISTENCY_TEST_POSTGRES_DSN``; the row is skipped without one).

Every configuration also writes the JSON Lines decision log, and the clock runs until the
server holds each admitted envelope's inference input (so the parse of envelopes verified on
workers is counted). Columns: admissions/s; ms per
admission; store ms per admission (time inside the store's methods); its share of the time;
log ms per admission. Pools and clusters are started before the clock starts.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import Rejected
    from .keys import ProverKeys
    from .store import ReplayStore

__all__ = ["run_server_bench"]


class _Timed:
    """Delegates to a store or sink and adds the time spent in its methods to ``seconds``."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.seconds = inner, 0.0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def timed(*a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return attr(*a, **k)
            finally:
                self.seconds += time.perf_counter() - t0

        return timed


def _keys(params_name: str, say: Callable[[str], None]) -> ProverKeys:
    from schemes.bfv.keys import keygen

    from .demo import default_cache_dir
    from .errors import KeyMismatch
    from .keys import load_prover_keys, run_setup, write_keydir
    from .params import get_parameter_set

    params = get_parameter_set(params_name, allow_insecure=True)
    keydir = default_cache_dir(params.name).parent / f"bench-keys-{params.name}-v1"
    try:
        return load_prover_keys(keydir, allow_insecure=True)
    except KeyMismatch:
        say(f"setting up {params.name} keys in {keydir} (once)")
        # a single-party key stands in for a committee's: verification does not depend on who holds it
        keys = run_setup(params, keygen(params.bfv)[1])
        write_keydir(keydir, keys)
        return keys


def _envelopes(keys: ProverKeys, n: int, key: bytes, say: Callable[[str], None]) -> list[tuple[bytes, bytes]]:
    from schemes.key_agreement import generate_recipient_key

    from .contexts import issue_context
    from .demo import _shipped_image
    from .envelope import encode
    from .sender import send

    image = _shipped_image(keys.params.data_name, "benign")
    bob = generate_recipient_key().public_bytes()
    out = []
    t0 = time.perf_counter()
    for i in range(n):
        ctx = issue_context(key, int(time.time()) + 86400, sender=f"bench{i}")
        out.append((encode(send(image, bob, keys, ctx), allow_insecure=True), ctx))
        if (i + 1) % 8 == 0 or i + 1 == n:
            say(f"{i + 1}/{n} envelopes ({(time.perf_counter() - t0) / (i + 1):.2f} s each)")
    return out


def _run(
    make_store: Callable[[Path], ReplayStore],
    keys: ProverKeys,
    items: list[tuple[bytes, bytes]],
    key: bytes,
    mode: str,
    executor: Any = None,
    runs: int = 3,
) -> dict[str, float]:
    from .audit import JsonlAuditSink
    from .server import AdmittedEnvelope, Server

    rows = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="grc-bench-") as tmp:
            store = _Timed(make_store(Path(tmp)))
            audit = _Timed(JsonlAuditSink(Path(tmp) / "decisions.jsonl"))
            server = Server(keys.verifier, store, audit=audit, context_key=key)
            store.seconds = 0.0
            t0 = time.perf_counter()
            results: list[AdmittedEnvelope | Rejected]
            if mode == "admit":
                results = [server.admit(d, c) for d, c in items]
            elif mode == "batch":
                results = [r for i in range(0, len(items), 16) for r in server.admit_many(items[i : i + 16])]
            else:
                results = server.admit_many(items, executor)
            admitted = [r for r in results if isinstance(r, AdmittedEnvelope)]
            if len(admitted) != len(results):
                raise RuntimeError("an honest envelope was not admitted")
            for r in admitted:  # what a server hands on (parsed here when a worker verified)
                _ = r.inference_input
            wall = time.perf_counter() - t0
            rows.append((wall, store.seconds, audit.seconds))
            server.close()
    wall, st, au = (statistics.median(r[i] for r in rows) for i in range(3))
    n = len(items)
    return {
        "rate": n / wall,
        "ms": 1000 * wall / n,
        "store_ms": 1000 * st / n,
        "share": st / wall,
        "log_ms": 1000 * au / n,
    }


def run_server_bench(args: argparse.Namespace) -> int:
    """Print the table; 0 on success."""
    from .cli import progress_printer
    from .store import SqliteReplayStore

    say = progress_printer("server bench: ")
    params_name = args.server if isinstance(args.server, str) else "default"
    n = max(2, int(getattr(args, "server_envelopes", 48)))
    cores = os.cpu_count() or 1
    keys = _keys(params_name, say)
    key = secrets.token_bytes(32)
    say(f"making {n} {keys.params.name} envelopes under issued contexts")
    items = _envelopes(keys, n, key, say)
    sqlite = lambda d: SqliteReplayStore(d / "replay.db")  # noqa: E731
    table: list[tuple[str, dict[str, float] | None, str]] = []

    say("SQLite, one process")
    table.append(("SQLite, 1 process, admit", _run(sqlite, keys, items, key, "admit"), ""))
    table.append(("SQLite, 1 process, admit_many", _run(sqlite, keys, items, key, "batch"), ""))

    say(f"SQLite, process pool of {cores}")
    with ProcessPoolExecutor(max_workers=cores) as pool:
        list(pool.map(abs, range(cores)))  # start the workers
        table.append((f"SQLite, process pool x{cores}", _run(sqlite, keys, items, key, "pool", pool), ""))

    try:
        from distributed import Client, LocalCluster
    except ImportError:
        table.append(("SQLite, Dask LocalCluster", None, "skipped: pip install '.[cluster]'"))
    else:
        say(f"SQLite, Dask LocalCluster of {cores}")
        with (
            LocalCluster(
                n_workers=cores,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                worker_dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(lambda: None)
            table.append((f"SQLite, Dask LocalCluster x{cores}", _run(sqlite, keys, items, key, "dask", client), ""))

    dsn = os.environ.get("CONSISTENCY_POSTGRES_DSN") or os.environ.get("CONSISTENCY_TEST_POSTGRES_DSN")
    if not dsn:
        table.append(("PostgreSQL, 1 process, admit", None, "skipped: set CONSISTENCY_POSTGRES_DSN"))
    else:
        from .store_postgres import PostgresReplayStore

        say("PostgreSQL, one process")
        prefixes: list[str] = []

        def pg(_d: Path) -> ReplayStore:
            prefixes.append(f"bench{secrets.token_hex(4)}_")
            return PostgresReplayStore(dsn, prefix=prefixes[-1])

        table.append(("PostgreSQL, 1 process, admit", _run(pg, keys, items, key, "admit"), ""))
        with ProcessPoolExecutor(max_workers=cores) as pool:
            list(pool.map(abs, range(cores)))
            table.append((f"PostgreSQL, process pool x{cores}", _run(pg, keys, items, key, "pool", pool), ""))
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as conn:
            for p in prefixes:
                conn.execute(f"DROP TABLE IF EXISTS {p}claims, {p}context_key")

    print(
        f"\nserver admissions: parameter set {keys.params.name}, {n} envelopes, {cores} cores, "
        f"median of 3 runs, JSON Lines decision log on"
    )
    head = f"{'configuration':<34} {'adm/s':>8} {'ms/adm':>8} {'store ms':>9} {'store %':>8} {'log ms':>7}"
    print(head)
    print("-" * len(head))
    for name, r, note in table:
        if r is None:
            print(f"{name:<34} {note}")
        else:
            print(
                f"{name:<34} {r['rate']:8.1f} {r['ms']:8.2f} {r['store_ms']:9.3f} {100 * r['share']:7.1f}% "
                f"{r['log_ms']:7.3f}"
            )
    sys.stdout.flush()
    return 0
