"""The server's commands: issue-context, admit (exit 0 admitted / 1 rejected / 2 usage / 3 store
unavailable), and the bench --server smoke run. Never a traceback."""

from __future__ import annotations

import pytest

from consistency import cli
from consistency.envelope import encode
from consistency.keys import write_keydir
from consistency.sender import send


def _run(args, capsys):
    try:
        code = cli.main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


def test_issue_then_admit_then_replay(toy, tmp_path, capsys):
    keydir = tmp_path / "keys"
    write_keydir(keydir, toy.keys)
    db = tmp_path / "replay.db"
    code, ctx, _ = _run(["issue-context", "--store", db, "--sender", "alice", "--ttl", 600], capsys)
    assert code == 0
    ctx = ctx.strip()
    assert ctx.startswith("grc1.") and ctx.isascii() and " " not in ctx
    env = tmp_path / "env.bin"
    env.write_bytes(encode(send(toy.benign, toy.recipient.public_bytes(), toy.keys, ctx.encode()), allow_insecure=True))
    admit = ["admit", env, "--keys", keydir, "--store", db, "--ctx", ctx, "--insecure"]
    code, out, _ = _run(admit, capsys)
    assert code == 0 and out.startswith("ADMITTED")
    code, _, err = _run(admit, capsys)
    assert code == 1 and "REJECTED replay" in err
    code, _, err = _run(["admit", env, "--keys", keydir, "--store", db, "--ctx", "made-up", "--insecure"], capsys)
    assert code == 1 and "REJECTED context" in err
    code, out, _ = _run(["audit-log", str(db) + ".audit.jsonl"], capsys)
    assert code == 0 and "3 decisions: 1 admitted, 2 rejected" in out


def test_admit_with_an_unusable_store_exits_3(toy, tmp_path, capsys):
    keydir = tmp_path / "keys"
    write_keydir(keydir, toy.keys)
    env = tmp_path / "env.bin"
    env.write_bytes(encode(toy.env_benign, allow_insecure=True))
    (tmp_path / "file").write_text("x")
    code, _, err = _run(
        ["admit", env, "--keys", keydir, "--store", tmp_path / "file" / "db", "--ctx", "c", "--insecure"], capsys
    )
    assert code == 3 and "nothing admitted" in err
    code, _, err = _run(["issue-context", "--store", tmp_path / "file" / "db"], capsys)
    assert code == 3
    code, _, err = _run(["admit", env, "--keys", keydir, "--ctx", "c", "--insecure"], capsys)
    assert code == 2


@pytest.mark.parametrize("args", [["issue-context", "--ttl", "0"], ["issue-context", "--ttl", "x"]])
def test_issue_context_usage_errors_exit_2(tmp_path, capsys, args):
    code, _, _ = _run([*args, "--store", tmp_path / "r.db"], capsys)
    assert code == 2


def test_server_bench_smoke(tmp_path, capsys, monkeypatch):
    """The bench runs on the toy set with a few envelopes and prints every configuration row."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    code, out, _ = _run(["bench", "--server", "toy", "--server-envelopes", "4"], capsys)
    assert code == 0
    for row in (
        "SQLite, 1 process, admit",
        "SQLite, 1 process, admit_many",
        "SQLite, process pool",
        "SQLite, Dask LocalCluster",
        "PostgreSQL, 1 process, admit",
    ):
        assert row in out
