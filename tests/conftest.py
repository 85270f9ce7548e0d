"""Shared pytest fixtures.

``snarkjs_cli`` (session scope): the path of the pinned snarkjs CLI in ``tests/interop``. It runs
``npm ci`` there once per lock-file version (under a file lock, so ``pytest -n 2`` is safe) and
reuses ``node_modules`` afterwards. Without Node.js/npm the requesting test FAILS with a clear
message: interoperability with snarkjs is a requirement, never silently skipped.

``snarkjs`` (session scope): a callable ``snarkjs(*args, cwd=None)`` that runs the CLI and returns
the ``subprocess.CompletedProcess`` (text output).
"""

from __future__ import annotations

from pathlib import Path

import pytest

INTEROP_DIR = Path(__file__).parent / "interop"


@pytest.fixture(scope="session")
def snarkjs_cli() -> Path:
    # imported here so that collecting unrelated tests never depends on the Groth16 package
    from schemes.groth16.snarkjs_cli import SnarkjsUnavailable, ensure_snarkjs

    try:
        return ensure_snarkjs(INTEROP_DIR)
    except SnarkjsUnavailable as e:
        pytest.fail(f"snarkjs interoperability tests cannot run: {e}", pytrace=False)


@pytest.fixture(scope="session")
def snarkjs(snarkjs_cli):
    from schemes.groth16.snarkjs_cli import run_snarkjs

    def run(*args, cwd=None, timeout: float = 300.0):
        return run_snarkjs(snarkjs_cli, [str(a) for a in args], cwd=cwd, timeout=timeout)

    return run


@pytest.fixture
def forks(monkeypatch) -> list:
    """Make the forked code paths of :mod:`schemes.bn254.forking` run in this test and record
    each child started (the list of ``(func, args)`` it ran), so a test can assert that its
    parallel path really forked.

    Under pytest-xdist the worker runs execnet's receiver thread, and ``worker_count`` refuses to
    fork a threaded process (a child could deadlock on a lock another thread held). The children
    here only compute and write to their own pipe, so the tests lift that guard.
    """
    import schemes.bn254.forking as forking

    started: list = []
    real_start = forking._start_child

    def start(ctx, func, args):
        started.append((func, args))
        return real_start(ctx, func, args)

    monkeypatch.setattr(forking, "_other_threads", lambda: False)
    monkeypatch.setattr(forking, "_start_child", start)
    return started
