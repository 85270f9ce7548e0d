"""The replay stores, each behind the same contract tests (memory, SQLite, PostgreSQL).

Contract (consistency/store.py): ``claim`` is atomic and returns True exactly once per context;
``claim_many`` answers in order; ``prune(before)`` removes only entries whose expiry is set and
earlier than ``before``; the context key is created once and shared by every handle on the same
storage; storage failures are OperationalError. Plus the SQLite file's secrecy (0600 from the
first instant, refused when readable by others) and PostgreSQL reconnecting after a lost
connection.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consistency import MemoryReplayStore, OperationalError, ReplayStore, SqliteReplayStore
from consistency.store import Claim

from .conftest import needs

D = b"\x11" * 32  # an envelope digest


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def make_store(request, tmp_path):
    """A factory of handles on ONE storage (memory: the same object)."""
    kind = request.param
    opened = []
    if kind == "memory":
        mem = MemoryReplayStore()
        factory = lambda: mem  # noqa: E731
    elif kind == "sqlite":
        factory = lambda: SqliteReplayStore(tmp_path / "replay.db")  # noqa: E731
    else:
        from consistency import PostgresReplayStore

        dsn = request.getfixturevalue("postgres_dsn")
        prefix = request.getfixturevalue("pg_prefix")
        factory = lambda: PostgresReplayStore(dsn, prefix=prefix)  # noqa: E731

    def make():
        s = factory()
        opened.append(s)
        return s

    make.kind = kind
    yield make
    for s in opened:
        s.close()


def test_store_satisfies_the_protocol(make_store):
    assert isinstance(make_store(), ReplayStore)


def test_claim_wins_once(make_store):
    s = make_store()
    assert s.claim(b"ctx-1", D, None) is True
    assert s.claim(b"ctx-1", D, None) is False
    assert s.claim(b"ctx-1", b"\x22" * 32, 10**10) is False  # another envelope, same context
    assert s.claim(b"ctx-2", D, None) is True
    assert s.is_claimed(b"ctx-1") and s.is_claimed(b"ctx-2") and not s.is_claimed(b"ctx-3")


def test_claims_are_shared_by_every_handle(make_store):
    a, b = make_store(), make_store()
    assert a.claim(b"shared", D, None)
    assert not b.claim(b"shared", D, None)
    assert b.is_claimed(b"shared")


def test_claim_many_answers_in_order(make_store):
    s = make_store()
    s.claim(b"old", D, None)
    out = s.claim_many([Claim(b"a", D, None), Claim(b"old", D, None), Claim(b"b", D, 5), Claim(b"a", D, None)])
    assert out == [True, False, True, False]


def test_concurrent_claims_of_one_context_have_one_winner(make_store):
    """Eight threads, each with its own handle where the store has handles, race on 20
    contexts: each context is won exactly once."""
    handles = [make_store() for _ in range(8)]
    wins = [0] * 20
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def run(h):
        barrier.wait()
        for i in range(20):
            if h.claim(f"race-{i}".encode(), D, None):
                with lock:
                    wins[i] += 1

    threads = [threading.Thread(target=run, args=(h,)) for h in handles]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert wins == [1] * 20


def test_prune_removes_only_entries_that_expired_before_the_bound(make_store):
    s = make_store()
    before = 1_000_000
    for name, exp in [
        (b"long-ago", before - 100),
        (b"just-before", before - 1),
        (b"at", before),
        (b"after", before + 1),
        (b"never", None),
    ]:
        assert s.claim(name, D, exp)
    assert s.prune(before) == 2
    # freed: may be claimed again; kept: still refused
    assert s.claim(b"long-ago", D, before - 100) and s.claim(b"just-before", D, before - 1)
    for kept in (b"at", b"after", b"never"):
        assert not s.claim(kept, D, None), kept


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    expiries=st.lists(st.one_of(st.none(), st.integers(0, 100)), min_size=1, max_size=12), before=st.integers(0, 101)
)
def test_prune_never_frees_an_entry_that_is_still_valid(tmp_path_factory, expiries, before):
    """For any entries and bound: after prune(before), every entry expiring at or after
    ``before`` (or never) is still claimed (SQLite and memory)."""
    for s in (MemoryReplayStore(), SqliteReplayStore(tmp_path_factory.mktemp("p") / "r.db")):
        for i, exp in enumerate(expiries):
            s.claim(b"c%d" % i, D, exp)
        s.prune(before)
        for i, exp in enumerate(expiries):
            if exp is None or exp >= before:
                assert s.is_claimed(b"c%d" % i)
            else:
                assert not s.is_claimed(b"c%d" % i)
        s.close()


def test_context_key_is_created_once_and_shared(make_store):
    a = make_store()
    k = a.context_key()
    assert isinstance(k, bytes) and len(k) == 32
    assert make_store().context_key() == k
    assert a.context_key() == k


def test_context_keys_of_two_storages_differ(tmp_path):
    assert SqliteReplayStore(tmp_path / "a.db").context_key() != SqliteReplayStore(tmp_path / "b.db").context_key()
    assert MemoryReplayStore().context_key() != MemoryReplayStore().context_key()


@pytest.mark.parametrize(
    "bad",
    [
        Claim("text", D, None),
        Claim(b"c", b"short", None),
        Claim(b"c", D, -1),
        Claim(b"c", D, 1.5),
    ],
)
def test_malformed_claims_are_type_errors(make_store, bad):
    with pytest.raises(TypeError):
        make_store().claim_many([bad])


# -- SQLite: the file holds the context key ---------------------------------------------------------


def _mode(p: Path) -> int:
    return stat.S_IMODE(os.lstat(p).st_mode)


def test_sqlite_store_files_are_private_even_with_umask_zero(tmp_path):
    old = os.umask(0)
    try:
        s = SqliteReplayStore(tmp_path / "replay.db")
        s.context_key()
        s.claim(b"x", D, None)
    finally:
        os.umask(old)
    files = [p for p in tmp_path.iterdir() if p.name.startswith("replay.db")]
    assert {p.name for p in files} >= {"replay.db", "replay.db-wal"}
    for p in files:
        assert _mode(p) == 0o600, (p.name, oct(_mode(p)))
    s.close()


def test_sqlite_store_file_is_created_with_its_final_mode(tmp_path, monkeypatch):
    """No window in which the key file is readable: the file is created by os.open with mode
    0600 and O_EXCL (never created wider, then chmod-ed)."""
    calls = []
    real_open = os.open

    def spy(path, flags, mode=0o777, *a, **kw):
        if str(path).endswith("replay.db"):
            calls.append((flags, mode))
        return real_open(path, flags, mode, *a, **kw)

    monkeypatch.setattr(os, "open", spy)
    SqliteReplayStore(tmp_path / "replay.db").close()
    assert calls and calls[0][1] == 0o600 and calls[0][0] & os.O_EXCL and calls[0][0] & os.O_CREAT


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_sqlite_store_readable_by_others_is_refused(tmp_path, mode):
    SqliteReplayStore(tmp_path / "replay.db").close()
    os.chmod(tmp_path / "replay.db", mode)
    with pytest.raises(OperationalError, match="chmod 600"):
        SqliteReplayStore(tmp_path / "replay.db")


def test_sqlite_store_path_that_is_a_symlink_is_refused(tmp_path):
    target = tmp_path / "elsewhere.db"
    SqliteReplayStore(target).close()
    (tmp_path / "link.db").symlink_to(target)
    with pytest.raises(OperationalError):
        SqliteReplayStore(tmp_path / "link.db")


def test_sqlite_store_that_cannot_be_created_is_an_operational_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OperationalError):
        SqliteReplayStore(tmp_path / "file" / "replay.db")


def test_sqlite_store_locked_by_another_process_is_an_operational_error(tmp_path):
    """Another process holds the write lock longer than the store's timeout: the claim fails
    with OperationalError, and nothing is recorded."""
    path = tmp_path / "replay.db"
    SqliteReplayStore(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OperationalError, match="locked"):
            SqliteReplayStore(path, timeout=0.3).claim(b"ctx", D, None)
    finally:
        holder.kill()
        holder.wait(10)
    s = SqliteReplayStore(path)
    assert not s.is_claimed(b"ctx")
    assert s.claim(b"ctx", D, None)


def test_sqlite_store_on_a_full_disk_is_an_operational_error(tmp_path):
    """The file system refuses to grow the store (RLIMIT_FSIZE, as a full disk or a quota
    would): OperationalError, not an admission and not a crash."""
    code = r"""
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
from consistency import OperationalError, SqliteReplayStore
s = SqliteReplayStore(sys.argv[1])
s.context_key()
resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
try:
    for i in range(100000):
        s.claim(b"ctx-%d" % i, b"\x11" * 32, None)
except OperationalError as exc:
    print("operational", i, exc)
    sys.exit(0)
print("no error")
sys.exit(1)
"""
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "replay.db")], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0 and proc.stdout.startswith("operational"), proc.stdout + proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


# -- PostgreSQL -----------------------------------------------------------------------------------


def test_postgres_store_unreachable_is_an_operational_error():
    import importlib.util
    import socket

    from consistency import PostgresReplayStore

    if importlib.util.find_spec("psycopg") is None:
        needs("psycopg (the 'postgres' extra)")

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(OperationalError) as e:
        PostgresReplayStore(f"postgresql://u:secret-pw@127.0.0.1:{port}/db", connect_timeout=2)
    assert "secret-pw" not in str(e.value)


def test_postgres_store_survives_a_lost_connection(postgres_dsn, pg_prefix):
    """The database drops our connection (a restart, an administrator): the call that meets it
    raises OperationalError and records nothing; the next call reconnects and works."""
    import psycopg

    from consistency import PostgresReplayStore

    s = PostgresReplayStore(postgres_dsn, prefix=pg_prefix)
    assert s.claim(b"before", D, None)
    pid = s._conn.info.backend_pid
    with psycopg.connect(postgres_dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(OperationalError):
        s.claim(b"during", D, None)
    assert not s.is_claimed(b"during")  # reconnected
    assert s.claim(b"during", D, None)
    assert not s.claim(b"before", D, None)
    assert postgres_dsn not in repr(s) and "@" not in repr(s)  # the DSN holds the password
    s.close()
