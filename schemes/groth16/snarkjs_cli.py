"""Locating (and if needed installing) the pinned snarkjs of ``tests/interop`` and running it.

Used by the interoperability tests and by :mod:`.bench`. The npm project in ``tests/interop``
pins snarkjs (``package.json`` + ``package-lock.json``). :func:`ensure_snarkjs` runs ``npm ci``
there once, under an exclusive file lock in the temporary directory (safe when several test
workers start together; ``npm ci`` deletes ``node_modules``, so the lock lives elsewhere), and
records the SHA-256 of the lock file in ``node_modules/.greco-lock-sha256``; later calls reuse
``node_modules`` while that stamp matches. Only available from a source checkout.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["SnarkjsUnavailable", "interop_dir", "ensure_snarkjs", "run_snarkjs", "SNARKJS_VERSION"]

SNARKJS_VERSION = "0.7.6"
_STAMP = ".greco-lock-sha256"


class SnarkjsUnavailable(RuntimeError):
    """Node.js / npm are missing, or installing the pinned snarkjs failed."""


def interop_dir() -> Path:
    """``tests/interop`` of the source checkout this package was imported from."""
    return Path(__file__).resolve().parents[2] / "tests" / "interop"


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    with open(path, "a+b") as f:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - non-POSIX: fall back to no locking
            yield
            return
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _installed(directory: Path, lock_digest: str) -> bool:
    stamp = directory / "node_modules" / _STAMP
    cli = directory / "node_modules" / "snarkjs" / "build" / "cli.cjs"
    return cli.is_file() and stamp.is_file() and stamp.read_text().strip() == lock_digest


def ensure_snarkjs(directory: Path | None = None, *, timeout: float = 900.0) -> Path:
    """Path of the snarkjs CLI script, running ``npm ci`` first if ``node_modules`` is stale.

    Raises :class:`SnarkjsUnavailable` with a clear message when node or npm is missing or the
    installation fails.
    """
    directory = Path(directory) if directory is not None else interop_dir()
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise SnarkjsUnavailable(
            "Node.js and npm are required for the snarkjs interoperability checks "
            "(install Node.js >= 18; `npm ci` is then run in tests/interop automatically)"
        )
    lock = directory / "package-lock.json"
    if not lock.is_file():
        raise SnarkjsUnavailable(f"{lock} is missing")
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    cli = directory / "node_modules" / "snarkjs" / "build" / "cli.cjs"
    if _installed(directory, digest):
        return cli
    lock_name = "greco-npm-ci-" + hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:16] + ".lock"
    with _exclusive_lock(Path(tempfile.gettempdir()) / lock_name):
        if not _installed(directory, digest):
            try:
                proc = subprocess.run(
                    ["npm", "ci", "--no-audit", "--no-fund"],
                    cwd=directory,
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                )
            except subprocess.TimeoutExpired:
                raise SnarkjsUnavailable(f"`npm ci` in {directory} timed out") from None
            if proc.returncode != 0:
                raise SnarkjsUnavailable(f"`npm ci` in {directory} failed:\n{proc.stderr[-4000:]}")
            (directory / "node_modules" / _STAMP).write_text(digest + "\n")
    if not cli.is_file():
        raise SnarkjsUnavailable(f"snarkjs CLI not found at {cli} after `npm ci`")
    return cli


def run_snarkjs(
    cli: Path, args: Sequence[str], *, cwd: os.PathLike[str] | None = None, timeout: float = 600.0
) -> subprocess.CompletedProcess[str]:
    """Run ``node cli args...``; returns the completed process (stdout/stderr as text)."""
    return subprocess.run(["node", str(cli), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
