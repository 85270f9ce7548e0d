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
