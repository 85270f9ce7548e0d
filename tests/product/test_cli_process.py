"""``python -m consistency`` as a real process: the exit-code contract of the CLI
(0 valid, 1 rejected with the reason on stderr, 2 bad usage) as a shell or a server sees it,
i.e. through ``consistency/__main__.py`` and ``sys.exit``, not by calling ``main()``.

The key directory and the envelope come from the session's toy world (tests/product/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from consistency.envelope import encode
from consistency.keys import write_keydir
from schemes.bn254.curve import g1_to_bytes, g2_to_bytes

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "consistency", *map(str, args)],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def files(toy, tmp_path_factory):
    d = tmp_path_factory.mktemp("cli-process")
    write_keydir(d / "keys", toy.keys)  # verifier side: no committee secrets needed
    data = encode(toy.env_benign, allow_insecure=True)
    (d / "env.bin").write_bytes(data)
    # tampered: one bit in the middle of the proof, the last field of the encoding
    proof = toy.env_benign.proof
    proof_bytes = g1_to_bytes(proof.a) + g2_to_bytes(proof.b) + g1_to_bytes(proof.c)
    assert data.endswith(proof_bytes)
    bad = bytearray(data)
    bad[len(data) - len(proof_bytes) // 2] ^= 0x01
    (d / "bad.bin").write_bytes(bytes(bad))
    return d, toy.ctx_benign.decode()


@pytest.mark.parametrize(
    "args",
    [
        [],  # no command
        ["frobnicate"],  # unknown command
        ["verify", "ENV"],  # missing --keys and --ctx
        ["verify", "ENV", "--keys", "KEYS", "--ctx", "x", "--frobnicate"],  # unknown option
    ],
    ids=["no-command", "unknown-command", "missing-options", "unknown-option"],
)
def test_bad_usage_exits_2(files, args):
    d, _ = files
    args = [str(d / "env.bin") if a == "ENV" else str(d / "keys") if a == "KEYS" else a for a in args]
    p = cli(*args)
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "usage:" in p.stderr and "error:" in p.stderr
    assert p.stdout == ""


def test_verify_valid_envelope_exits_0(toy, files):
    d, ctx = files
    p = cli("verify", d / "env.bin", "--keys", d / "keys", "--ctx", ctx, "--insecure")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == f"VALID: C = {toy.env_benign.C}"


def test_verify_tampered_envelope_exits_1(files):
    d, ctx = files
    p = cli("verify", d / "bad.bin", "--keys", d / "keys", "--ctx", ctx, "--insecure")
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert p.stderr.startswith("REJECTED: ") and p.stdout == ""


def test_verify_wrong_context_exits_1(files):
    """An untouched envelope presented under another message context (replay elsewhere)."""
    d, ctx = files
    p = cli("verify", d / "env.bin", "--keys", d / "keys", "--ctx", ctx + ";again", "--insecure")
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert p.stderr.startswith("REJECTED: ") and p.stdout == ""
