"""Files circom and snarkjs wrote (tests/data/circom, provenance in its README) through our
reader, prover and verifier, and snarkjs's keys and proofs for the same circuit through ours.

These tests need Node.js; the ``snarkjs`` fixture FAILS them when it is missing (never skips).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from schemes.groth16 import insecure_setup_from_seed, prepare_verifying_key, prove, verify
from schemes.groth16.snarkjs import read_proof, read_public, write_proof, write_public, write_verification_key
from schemes.groth16.zkey import read_zkey
from schemes.poseidon import poseidon
from schemes.r1cs.iden3 import read_r1cs, read_wtns

pytestmark = pytest.mark.interop
DATA = Path(__file__).parent / "data" / "circom"
R1CS_FILE = DATA / "circomlib_check.r1cs"
WTNS_FILE = DATA / "circomlib_check.wtns"


def _raw_combinations(data: bytes):
    """Every linear combination of section 2 as its list of ``(wire, coeff)`` terms, in file
    order (a parser of the iden3 layout written here, independent of schemes.r1cs.iden3)."""
    pos = 12
    sections = {}
    for _ in range(struct.unpack_from("<I", data, 8)[0]):
        stype, size = struct.unpack_from("<IQ", data, pos)
        sections[stype] = (pos + 12, size)
        pos += 12 + size
    hdr = sections[1][0]
    m = struct.unpack_from("<I", data, hdr + 4 + 32 + 4 * 4 + 8)[0]
    pos = sections[2][0]
    for _ in range(3 * m):
        (n,) = struct.unpack_from("<I", data, pos)
        pos += 4
        yield [
            (
                struct.unpack_from("<I", data, pos + 36 * k)[0],
                int.from_bytes(data[pos + 36 * k + 4 : pos + 36 * k + 36], "little"),
            )
            for k in range(n)
        ]
        pos += 36 * n


@pytest.fixture(scope="module")
def circuit():
    f = read_r1cs(R1CS_FILE)
    return f, f.to_r1cs(), read_wtns(WTNS_FILE)


def test_circoms_file_really_has_unsorted_terms_and_the_reader_sorts_them(circuit):
    f, _, _ = circuit
    raw = list(_raw_combinations(R1CS_FILE.read_bytes()))
    unsorted = [terms for terms in raw if [w for w, _ in terms] != sorted(w for w, _ in terms)]
    assert unsorted, "the fixture no longer exercises unsorted terms"
    read = [side for triple in f.constraints for side in triple]
    assert len(read) == len(raw)
    for terms, got in zip(raw, read):
        # no wire repeats and no zero coefficient in this file: normalising = sorting
        assert [w for w, _ in got] == sorted({w for w, _ in got})
        assert got == sorted((w, k) for w, k in terms if k)


def test_read_and_satisfied(circuit):
    f, r1cs, w = circuit
    assert (f.n_wires, f.n_pub_out, f.n_pub_in, r1cs.num_constraints) == (557, 2, 1, 555)
    inputs = json.loads((DATA / "input.json").read_text())
    # wires 1..3 are the public outputs h, ok and the public input threshold (circom's order)
    assert w[3] == int(inputs["threshold"]) and w[2] == 1  # ok = (a >= threshold) = 1
    # h: circomlib's Poseidon(2) is our poseidon (specs/poseidon.md)
    assert w[1] == poseidon([int(inputs["a"]), int(inputs["b"])])
    assert r1cs.is_satisfied(w)
    bad = list(w)
    bad[2] = 0  # claim a < threshold
    assert not r1cs.is_satisfied(bad)


def test_our_proof_verifies_with_snarkjs(circuit, snarkjs, tmp_path):
    _, r1cs, w = circuit
    pk = insecure_setup_from_seed(r1cs, b"circom-fixture")
    proof = prove(pk, r1cs, w)
    write_verification_key(tmp_path / "vk.json", pk.vk)
    write_proof(tmp_path / "proof.json", proof)
    write_public(tmp_path / "public.json", w[1:4])
    done = snarkjs("groth16", "verify", tmp_path / "vk.json", tmp_path / "public.json", tmp_path / "proof.json")
    assert done.returncode == 0 and "OK!" in done.stdout + done.stderr, done.stdout + done.stderr


def test_snarkjs_keys_and_proof_verify_with_ours(circuit, snarkjs, tmp_path):
    """snarkjs does its own setup from a small powers-of-tau it makes, and proves; we read its
    .zkey, verify its proof, and prove with its key."""
    _, r1cs, w = circuit
    t = tmp_path

    def ok(*args):
        done = snarkjs(*args, cwd=t)
        assert done.returncode == 0, done.stdout + done.stderr

    ok("powersoftau", "new", "bn128", "10", t / "p0.ptau")
    ok("powersoftau", "contribute", t / "p0.ptau", t / "p1.ptau", "--name=test", "-e=circom fixture entropy")
    ok("powersoftau", "prepare", "phase2", t / "p1.ptau", t / "final.ptau")
    ok("groth16", "setup", R1CS_FILE, t / "final.ptau", t / "c.zkey")
    ok("groth16", "prove", t / "c.zkey", WTNS_FILE, t / "proof.json", t / "public.json")
    pk = read_zkey(t / "c.zkey")
    pvk = prepare_verifying_key(pk.vk)
    assert read_public(t / "public.json") == w[1:4]
    verify(pvk, read_public(t / "public.json"), read_proof(t / "proof.json"))
    verify(pvk, w[1:4], prove(pk, r1cs, w))
