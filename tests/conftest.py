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


@pytest.fixture(scope="session")
def snarkjs_ptau(snarkjs, tmp_path_factory):
    """``make(power) -> Path``: a phase-2-prepared powers-of-tau file made by the pinned snarkjs
    (``powersoftau new bn128 power``, one ``contribute -e``, ``prepare phase2``), built once per
    test run under a file lock in the directory shared by the xdist workers (power 12 takes
    about 100 s: ``prepare phase2`` dominates)."""
    from schemes.groth16.snarkjs_cli import _exclusive_lock

    shared = tmp_path_factory.getbasetemp().parent / "snarkjs-ptau"
    shared.mkdir(exist_ok=True)

    def make(power: int) -> Path:
        out = shared / f"pot{power}_final.ptau"
        with _exclusive_lock(shared / f"pot{power}.lock"):
            if not out.is_file():
                for args in (
                    ["powersoftau", "new", "bn128", power, shared / f"pot{power}_0.ptau"],
                    [
                        "powersoftau",
                        "contribute",
                        shared / f"pot{power}_0.ptau",
                        shared / f"pot{power}_1.ptau",
                        "--name=test",
                        "-e=test entropy",
                    ],
                    ["powersoftau", "prepare", "phase2", shared / f"pot{power}_1.ptau", shared / f"pot{power}.tmp"],
                ):
                    proc = snarkjs(*args, timeout=900)
                    assert proc.returncode == 0, proc.stdout + proc.stderr
                (shared / f"pot{power}.tmp").rename(out)
        return out

    return make
