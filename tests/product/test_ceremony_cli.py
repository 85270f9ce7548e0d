"""Production keys on the toy set: the README's "Production keys" commands run as processes
(from a snarkjs powers-of-tau file through a mixed phase-2 ceremony to a verified key directory
that proves and verifies), the toy circuit's initial zkey byte-identical to ``snarkjs groth16
setup``, key provenance, and the exit codes (1 rejected, 2 usage, 3 unreadable).

The power-12 ptau is made once per run by snarkjs (about 100 s: the slow test of the suite).
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from consistency.cli import main

pytestmark = pytest.mark.interop

ROOT = Path(__file__).resolve().parents[2]
BEACON = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"


def run(*args, cwd):
    proc = subprocess.run(
        [sys.executable, "-m", "consistency", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    return proc


def ok(proc):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def ceremony(tmp_path_factory, snarkjs, snarkjs_ptau):
    """The README's walk-through, command by command (snarkjs contributes in the middle)."""
    d = tmp_path_factory.mktemp("production-keys")
    ptau = snarkjs_ptau(12)
    shutil.copy(ptau, d / "pot12_final.ptau")
    ins = "--insecure"
    (d / "member1").mkdir(mode=0o700)
    ok(run("committee", "init", "committee", "--params", "toy", "--parties", "1", "--id", "readme", ins, cwd=d))
    ok(run("committee", "join", "committee", "--member", "1", "--secret", "member1/share.secret", ins, cwd=d))
    ok(run("committee", "finalize", "committee", ins, cwd=d))
    ok(
        run(
            "setup",
            "--ptau",
            "pot12_final.ptau",
            "--zkey-out",
            "circuit_0000.zkey",
            "--params",
            "toy",
            "--committee",
            "committee",
            ins,
            cwd=d,
        )
    )
    ok(
        run(
            "ceremony",
            "contribute",
            "circuit_0000.zkey",
            "circuit_0001.zkey",
            "--name",
            "alice",
            "--entropy",
            "alice's dice rolls",
            cwd=d,
        )
    )
    proc = snarkjs(
        "zkey", "contribute", d / "circuit_0001.zkey", d / "circuit_0002.zkey", "--name=bob", "-e=bob's entropy"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ok(
        run(
            "ceremony",
            "beacon",
            "circuit_0002.zkey",
            "circuit_final.zkey",
            BEACON,
            "10",
            "--name",
            "final beacon",
            cwd=d,
        )
    )
    verified = ok(
        run(
            "ceremony",
            "verify",
            "circuit_final.zkey",
            "--ptau",
            "pot12_final.ptau",
            "--params",
            "toy",
            "--committee",
            "committee",
            ins,
            cwd=d,
        )
    )
    ok(
        run(
            "setup",
            "--from-zkey",
            "circuit_final.zkey",
            "--ptau",
            "pot12_final.ptau",
            "--params",
            "toy",
            "--committee",
            "committee",
            "--out",
            "keys",
            ins,
            cwd=d,
        )
    )
    return d, verified


def test_readme_flow_verifies_and_proves(ceremony, snarkjs):
    d, verified = ceremony
    assert "ZKEY OK: 3 phase-2 contributions verified" in verified
    ins = "--insecure"
    text = ok(run("inspect-keys", "keys", ins, cwd=d))
    assert "setup: phase2" in text and "phase-2 contributions: 3 (chain verified at setup)" in text
    rec = json.loads(ok(run("inspect-keys", "keys", "--json", ins, cwd=d)))["provenance"]
    assert [c["name"] for c in rec["contributions"]] == ["alice", "bob", "final beacon"]
    assert rec["contributions"][2]["type"] == "beacon" and rec["contributions"][2]["beacon_hash"] == BEACON
    assert rec["ptau"]["power"] == 12 and rec["chain_verified"] is True
    # the key directory works: send and verify an envelope
    data = ROOT / "consistency" / "data"
    ok(run("keygen", "--out", "bob", cwd=d))
    ok(
        run(
            "send",
            data / "toy_benign.png",
            "--keys",
            "keys",
            "--recipient",
            "bob.pub",
            "--ctx",
            "m1",
            "--out",
            "e.env",
            ins,
            cwd=d,
        )
    )
    assert "VALID" in ok(run("verify", "e.env", "--keys", "keys", "--ctx", "m1", ins, cwd=d))
    # no key directory is ever made from a key with no contribution (delta = gamma: forgeable)
    base = ["--params", "toy", "--committee", "committee", ins]
    refused = run("setup", "--ptau", "pot12_final.ptau", "--zkey-out", "again.zkey", "--out", "keys_init", *base, cwd=d)
    assert refused.returncode == 2 and "forgeable" in refused.stderr and not (d / "keys_init").exists()
    refused = run(
        "setup", "--from-zkey", "circuit_0000.zkey", "--ptau", "pot12_final.ptau", "--out", "keys_init", *base, cwd=d
    )
    assert refused.returncode == 1 and "no phase-2 contribution" in refused.stderr and not (d / "keys_init").exists()


def test_toy_initial_zkey_is_byte_identical_to_snarkjs(ceremony, snarkjs):
    d, _ = ceremony
    from consistency.circuit import build_circuit
    from consistency.committee.keygen import load_committee
    from schemes.r1cs.iden3 import write_r1cs

    committee = load_committee(d / "committee", allow_insecure=True)
    write_r1cs(build_circuit(committee.params, committee.pk).freeze(), d / "toy.r1cs")
    proc = snarkjs("groth16", "setup", d / "toy.r1cs", d / "pot12_final.ptau", d / "snarkjs_0000.zkey")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (d / "snarkjs_0000.zkey").read_bytes() == (d / "circuit_0000.zkey").read_bytes()
    proc = snarkjs("zkey", "verify", d / "toy.r1cs", d / "pot12_final.ptau", d / "circuit_final.zkey")
    assert "ZKey Ok!" in proc.stdout + proc.stderr


def _sections(data: bytes) -> dict:
    (n,) = struct.unpack_from("<I", data, 8)
    pos, out = 12, {}
    for _ in range(n):
        sid, size = struct.unpack_from("<IQ", data, pos)
        out[sid] = (pos + 12, size)
        pos += 12 + size
    return out


def test_from_zkey_for_another_circuit_exits_1(ceremony, tmp_path, capsys):
    d, _ = ceremony
    data = bytearray((d / "circuit_final.zkey").read_bytes())
    off, _size = _sections(bytes(data))[4]
    data[off + 4 + 12] ^= 1  # the first A coefficient: same sizes, another matrix
    (tmp_path / "other.zkey").write_bytes(bytes(data))
    base = ["--params", "toy", "--committee", str(d / "committee"), "--insecure"]
    assert main(["setup", "--from-zkey", str(tmp_path / "other.zkey"), *base, "--out", str(tmp_path / "k")]) == 1
    assert "another circuit" in capsys.readouterr().err
    assert main(["ceremony", "verify", str(tmp_path / "other.zkey"), "--ptau", str(d / "pot12_final.ptau"), *base]) == 1
    assert "differs" in capsys.readouterr().err
    assert not (tmp_path / "k").exists()


def test_from_zkey_with_bad_chain_exits_1(ceremony, tmp_path, capsys):
    d, _ = ceremony
    data = bytearray((d / "circuit_final.zkey").read_bytes())
    off, size = _sections(bytes(data))[8]
    data[off : off + 64] = data[off + 64 : off + 128]  # L[0] := L[1]
    (tmp_path / "bad.zkey").write_bytes(bytes(data))
    base = ["--params", "toy", "--committee", str(d / "committee"), "--insecure"]
    assert (
        main(
            [
                "setup",
                "--from-zkey",
                str(tmp_path / "bad.zkey"),
                "--ptau",
                str(d / "pot12_final.ptau"),
                *base,
                "--out",
                str(tmp_path / "k"),
            ]
        )
        == 1
    )
    assert "L section" in capsys.readouterr().err


def test_exit_codes(ceremony, tmp_path, capsys):
    d, _ = ceremony
    z = str(d / "circuit_final.zkey")
    out = str(tmp_path / "o.zkey")
    assert main(["ceremony", "beacon", z, out, "xyz", "10"]) == 2  # not hex
    assert main(["ceremony", "beacon", z, out, BEACON, "9"]) == 2  # exponent below 10
    with pytest.raises(SystemExit) as e:
        main(["ceremony", "beacon", z, out, BEACON])  # missing argument
    assert e.value.code == 2
    assert main(["ceremony", "contribute", str(tmp_path / "missing.zkey"), out]) == 3
    (tmp_path / "garbage.zkey").write_bytes(b"zkey\x01\x00\x00\x00\x0a\x00\x00\x00junk")
    assert main(["ceremony", "contribute", str(tmp_path / "garbage.zkey"), out]) == 1
    assert "error:" in capsys.readouterr().err
    assert main(["ceremony", "verify", z, "--ptau", str(tmp_path / "missing.ptau"), "--r1cs", "x.r1cs"]) == 3
    (tmp_path / "half.ptau").write_bytes((d / "pot12_final.ptau").read_bytes()[:5000])
    assert (
        main(
            [
                "ceremony",
                "verify",
                z,
                "--ptau",
                str(tmp_path / "half.ptau"),
                "--params",
                "toy",
                "--committee",
                str(d / "committee"),
                "--insecure",
            ]
        )
        == 1
    )
    assert "truncated" in capsys.readouterr().err
    assert main(["ceremony", "verify", z, "--ptau", str(d / "pot12_final.ptau")]) == 2  # no circuit


def test_provenance_legacy_and_tampered(ceremony, tmp_path, capsys):
    d, _ = ceremony
    k = tmp_path / "keys"
    shutil.copytree(d / "keys", k)
    rec = json.loads((k / "provenance.json").read_text())
    rec["verifying_key_sha256"] = "00" * 32
    (k / "provenance.json").write_text(json.dumps(rec))
    assert main(["inspect-keys", str(k), "--insecure"]) == 1
    assert "another verifying key" in capsys.readouterr().err
    (k / "provenance.json").unlink()  # a directory from before provenance.json: single-party, legacy
    assert main(["inspect-keys", str(k), "--json", "--insecure"]) == 0
    got = json.loads(capsys.readouterr().out)["provenance"]
    assert got["setup"] == "single-party" and got["legacy"] is True


def test_single_party_setup_records_its_provenance(tmp_path, capsys, toy):
    from consistency.keys import write_keydir

    write_keydir(tmp_path / "k", toy.keys)
    assert main(["inspect-keys", str(tmp_path / "k"), "--insecure"]) == 0
    assert "single-party" in capsys.readouterr().out
