"""Load and faults, with real processes: four servers race on one envelope (SQLite and
PostgreSQL), and a server is SIGKILLed in the middle of a batch and restarted. Every child is
bounded by a timeout and stops by itself."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from consistency.audit import check_audit_log
from consistency.keys import write_keydir
from consistency.store import context_digest

CHILD = Path(__file__).with_name("_server_child.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def keydir(toy, tmp_path):
    d = tmp_path / "keys"
    write_keydir(d, toy.keys)
    return d


@pytest.fixture(params=["sqlite", "postgres"])
def store_spec(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "replay.db")
    request.getfixturevalue("postgres_dsn")
    return "postgres:" + request.getfixturevalue("pg_prefix")


def _child(*args: object) -> list[str]:
    return [sys.executable, str(CHILD), *map(str, args)]


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def test_four_processes_race_to_admit_one_envelope(issued, keydir, store_spec, tmp_path):
    """4 processes x 50 admissions of the same envelope: exactly one admission; the shared
    decision log shows 1 admission and 199 replays."""
    data, ctx = issued.items[0]
    env_file = tmp_path / "env.bin"
    env_file.write_bytes(data)
    audit = tmp_path / "decisions.jsonl"
    start_at = time.time() + 4.0  # after every child has imported and loaded its keys
    procs = [
        subprocess.Popen(
            _child("race", keydir, store_spec, audit, issued.key.hex(), env_file, ctx.decode(), 50, start_at),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for _ in range(4)
    ]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-3000:]
        outs.append(json.loads(out))
    assert sum(o.get("admitted", 0) for o in outs) == 1
    assert sum(o.get("replay", 0) for o in outs) == 199
    summary = check_audit_log(audit)
    assert summary.ok, summary.errors
    assert summary.lines == 200 and summary.admitted == 1 and dict(summary.rejected) == {"replay": 199}


def _items_file(issued, tmp_path) -> Path:
    items = []
    for i, (data, ctx) in enumerate(issued.items):
        f = tmp_path / f"env{i}.bin"
        f.write_bytes(data)
        items.append([str(f), ctx.decode()])
    path = tmp_path / "items.json"
    path.write_text(json.dumps(items))
    return path


def _answers(text: str) -> dict[str, str]:
    """context digest -> 'admitted' or the reason, for every complete answered line."""
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3:
            out[parts[2]] = "admitted" if parts[0] == "admitted" else parts[1]
    return out


@pytest.mark.parametrize("crash", ["random", "after-claim:2", "before-claim:2"])
def test_server_killed_mid_batch_then_restarted(issued, keydir, store_spec, tmp_path, crash):
    """SIGKILL in the middle of a batch (at a random moment, or exactly around the commit of the
    second batch's claims), then a restart on the same store that admits everything again: no
    context is admitted twice, and every context answered "admitted" before the kill is a replay
    after it (not lost)."""
    items = _items_file(issued, tmp_path)
    audit = tmp_path / "decisions.jsonl"
    ctx_digests = {context_digest(ctx).hex() for _, ctx in issued.items}
    args = ["batch", keydir, store_spec, audit, issued.key.hex(), items, 2]
    if crash == "random":
        p = subprocess.Popen(_child(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
        first = p.stdout.readline()  # the first answered line: we are inside the run now
        assert first.startswith("admitted "), first or p.stderr.read()[-3000:]
        time.sleep(random.uniform(0.0, 0.008))  # the 3 batches left need >= 6 verifications (~3 ms each)
        p.send_signal(signal.SIGKILL)
        rest, _ = p.communicate(timeout=60)
        before = first + rest
        assert p.returncode == -signal.SIGKILL and len(_answers(before)) < len(issued.items)
    else:
        p = subprocess.run(_child(*args, crash), capture_output=True, text=True, timeout=240, env=_env())
        assert p.returncode == -signal.SIGKILL, p.stderr[-3000:]
        before = p.stdout
    answered = _answers(before)
    admitted_before = {c for c, d in answered.items() if d == "admitted"}
    if crash != "random":
        assert len(admitted_before) == 2  # the first batch of two, answered before the crash

    p = subprocess.run(_child(*args), capture_output=True, text=True, timeout=240, env=_env())
    assert p.returncode == 0, p.stderr[-3000:]
    after = _answers(p.stdout)
    assert set(after) == ctx_digests
    admitted_after = {c for c, d in after.items() if d == "admitted"}
    assert not admitted_before & admitted_after, "a context was admitted twice"
    for c in admitted_before:
        assert after[c] == "replay", "an answered admission was lost"
    for c in ctx_digests - admitted_before - admitted_after:
        assert after[c] == "replay"  # claimed in the crash window and never answered: refused
    if crash == "before-claim:2":
        assert len(admitted_after) == len(ctx_digests) - 2  # nothing of the killed batch was recorded
    summary = check_audit_log(audit)
    assert summary.ok, summary.errors  # in particular: no context admitted twice in the log
