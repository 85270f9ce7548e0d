"""Groth16 interoperability with the pinned snarkjs (0.7.6), in both directions.

These tests need Node.js; the ``snarkjs`` fixture (tests/conftest.py) installs the pinned
package with ``npm ci`` once and FAILS the tests when Node.js is missing (never skips).
"""

import json
import re
import struct

import pytest

from schemes.bn254.fields import R
from schemes.groth16 import InvalidProof, insecure_setup_from_seed, prepare_verifying_key, prove, verify
from schemes.groth16.example import EXAMPLE_FILES, run_example, synthetic_circuit
from schemes.groth16.snarkjs import (
    proof_to_json,
    public_to_json,
    read_proof,
    read_public,
    read_verification_key,
    vk_to_json,
    write_proof,
    write_public,
    write_verification_key,
)
from schemes.groth16.zkey import read_zkey, write_zkey
from schemes.r1cs.iden3 import write_r1cs, write_wtns

pytestmark = pytest.mark.interop
R_INT = int(R)


def ok(proc):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("example")
    public = run_example(out, x=3, ctx=42, insecure_seed=b"interop")
    for name in EXAMPLE_FILES:
        assert (out / name).is_file()
    return out, public


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A circuit with sparse rows, a dense negacyclic block and 3 public inputs, with its files."""
    out = tmp_path_factory.mktemp("mixed")
    cs = synthetic_circuit(40, 3, negacyclic_n=16, seed=7)
    r1cs = cs.freeze()
    pk = insecure_setup_from_seed(r1cs, b"interop-mixed")
    write_r1cs(r1cs, out / "c.r1cs")
    write_wtns(cs.assignment, out / "w.wtns")
    write_zkey(pk, r1cs, out / "c.zkey")
    write_verification_key(out / "vk.json", pk.vk)
    return out, cs, r1cs, pk


def test_our_proof_verifies_with_snarkjs(snarkjs, example):
    out, public = example
    assert json.loads((out / "public.json").read_text()) == [str(x) for x in public]
    text = ok(snarkjs("groth16", "verify", out / "verification_key.json", out / "public.json", out / "proof.json"))
    assert "OK!" in text


@pytest.mark.parametrize("index", [0, 1])
def test_tampered_public_input_fails_in_snarkjs(snarkjs, example, tmp_path, index):
    # index 1 is ctx, which appears in no constraint: the extra rows must still bind it.
    out, public = example
    bad = list(public)
    bad[index] = (bad[index] + 1) % R_INT
    write_public(tmp_path / "public.json", bad)
    proc = snarkjs("groth16", "verify", out / "verification_key.json", tmp_path / "public.json", out / "proof.json")
    assert proc.returncode != 0
    assert "Invalid proof" in plain(proc.stdout + proc.stderr)


def test_wtns_check_and_r1cs_info(snarkjs, example, mixed):
    out, _ = example
    assert "WITNESS IS CORRECT" in ok(snarkjs("wtns", "check", out / "circuit.r1cs", out / "witness.wtns"))
    mout, cs, r1cs, _ = mixed
    assert "WITNESS IS CORRECT" in ok(snarkjs("wtns", "check", mout / "c.r1cs", mout / "w.wtns"))
    info = plain(ok(snarkjs("r1cs", "info", mout / "c.r1cs")))
    assert f"# of Wires: {r1cs.num_variables}" in info
    assert f"# of Constraints: {r1cs.num_constraints}" in info
    assert f"# of Public Inputs: {r1cs.num_public}" in info


def test_snarkjs_exports_our_verifying_key_from_our_zkey(snarkjs, example, tmp_path):
    # Header, IC section and vk_alphabeta_12 (snarkjs's pairing convention) agree exactly.
    out, _ = example
    ok(snarkjs("zkey", "export", "verificationkey", out / "circuit.zkey", tmp_path / "vk.json"))
    theirs = json.loads((tmp_path / "vk.json").read_text())
    ours = json.loads((out / "verification_key.json").read_text())
    assert theirs == ours


@pytest.mark.parametrize("which", ["example", "mixed"])
def test_snarkjs_prover_with_our_zkey(snarkjs, example, mixed, tmp_path, which):
    if which == "example":
        out, public = example
        zkey, wtns, vk_path = out / "circuit.zkey", out / "witness.wtns", out / "verification_key.json"
    else:
        out, cs, _, _ = mixed
        public = cs.public_values
        zkey, wtns, vk_path = out / "c.zkey", out / "w.wtns", out / "vk.json"
    ok(snarkjs("groth16", "prove", zkey, wtns, tmp_path / "proof.json", tmp_path / "public.json"))
    proof = read_proof(tmp_path / "proof.json")
    assert read_public(tmp_path / "public.json") == public
    pvk = prepare_verifying_key(read_verification_key(vk_path))
    verify(pvk, public, proof)
    ok(snarkjs("groth16", "verify", vk_path, tmp_path / "public.json", tmp_path / "proof.json"))
    bad = list(public)
    bad[-1] = (bad[-1] + 1) % R_INT
    with pytest.raises(InvalidProof):
        verify(pvk, bad, proof)


def test_mixed_proof_verifies_with_snarkjs(snarkjs, mixed, tmp_path):
    out, cs, r1cs, pk = mixed
    proof = prove(pk, r1cs, cs.assignment)
    (tmp_path / "proof.json").write_text(json.dumps(proof_to_json(proof)))
    (tmp_path / "public.json").write_text(json.dumps(public_to_json(cs.public_values)))
    assert "OK!" in ok(snarkjs("groth16", "verify", out / "vk.json", tmp_path / "public.json", tmp_path / "proof.json"))


def _sections(path):
    data = path.read_bytes()
    n = struct.unpack_from("<I", data, 8)[0]
    pos, out = 12, {}
    for _ in range(n):
        sid, size = struct.unpack_from("<IQ", data, pos)
        out[sid] = data[pos + 12 : pos + 12 + size]
        pos += 12 + size
    return out


def test_snarkjs_ceremony_key_structure_and_our_prover(snarkjs, mixed, tmp_path):
    """snarkjs `zkey new` on our .r1cs yields our layout; our prover works with snarkjs's key."""
    out, cs, r1cs, pk = mixed
    t = tmp_path
    ok(snarkjs("powersoftau", "new", "bn128", "7", t / "p0.ptau"))
    ok(snarkjs("powersoftau", "contribute", t / "p0.ptau", t / "p1.ptau", "-e=interop test entropy"))
    ok(snarkjs("powersoftau", "prepare", "phase2", t / "p1.ptau", t / "p.ptau"))
    ok(snarkjs("zkey", "new", out / "c.r1cs", t / "p.ptau", t / "s0.zkey"))
    ok(snarkjs("zkey", "contribute", t / "s0.zkey", t / "s1.zkey", "-e=more entropy"))
    ok(snarkjs("zkey", "export", "verificationkey", t / "s1.zkey", t / "vk.json"))

    ours, theirs = _sections(out / "c.zkey"), _sections(t / "s0.zkey")
    assert sorted(ours) == sorted(theirs) == list(range(1, 11))
    assert ours[1] == theirs[1]
    assert ours[2][:84] == theirs[2][:84]  # moduli, nVars, nPublic, domain size
    assert ours[4] == theirs[4]  # the A/B coefficients (R^2 form) and the extra rows, byte for byte
    for sid in (3, 5, 6, 7, 8, 9):
        assert len(ours[sid]) == len(theirs[sid])

    spk = read_zkey(t / "s1.zkey")
    assert spk.num_constraints == r1cs.num_constraints
    vk = read_verification_key(t / "vk.json")
    assert spk.vk == vk
    proof = prove(spk, r1cs, cs.assignment)
    verify(prepare_verifying_key(vk), cs.public_values, proof)
    write_proof(t / "proof.json", proof)
    write_public(t / "public.json", cs.public_values)
    assert "OK!" in ok(snarkjs("groth16", "verify", t / "vk.json", t / "public.json", t / "proof.json"))
    assert vk_to_json(vk) == json.loads((t / "vk.json").read_text())


def test_snarkjs_uses_the_same_roots_of_unity(snarkjs_cli):
    """ffjavascript's Fr.w[k] equals our domain generator (the key's Lagrange basis depends on it)."""
    import subprocess

    from schemes.groth16.domain import root_of_unity

    ffjs = snarkjs_cli.parents[2] / "ffjavascript"
    script = (
        f"const ff = require({json.dumps(str(ffjs))});"
        "ff.buildBn128(true).then(c => {"
        "const out = [];"
        "for (let k = 0; k <= 28; k++) out.push(c.Fr.toString(c.Fr.w[k]));"
        "console.log(JSON.stringify(out)); return c.terminate(); });"
    )
    proc = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [str(root_of_unity(k)) for k in range(29)]


def test_phase2_contribution_on_our_zkey(snarkjs, example, tmp_path):
    """A snarkjs phase-2 contribution continues from our key; both provers work with the result."""
    out, public = example
    t = tmp_path
    ok(snarkjs("zkey", "contribute", out / "circuit.zkey", t / "c1.zkey", "-e=phase two entropy", "-n=interop"))
    ok(snarkjs("zkey", "export", "verificationkey", t / "c1.zkey", t / "vk.json"))
    vk = read_verification_key(t / "vk.json")
    ours = read_verification_key(out / "verification_key.json")
    assert vk.delta_g2 != ours.delta_g2 and vk.alpha_g1 == ours.alpha_g1 and vk.ic == ours.ic
    pvk = prepare_verifying_key(vk)
    # snarkjs proves with the contributed key, we verify
    ok(snarkjs("groth16", "prove", t / "c1.zkey", out / "witness.wtns", t / "p.json", t / "pub.json"))
    verify(pvk, read_public(t / "pub.json"), read_proof(t / "p.json"))
    # we prove with the contributed key (read back), snarkjs verifies
    from schemes.groth16.example import cubic_circuit

    cs = cubic_circuit(3, 42)
    proof = prove(read_zkey(t / "c1.zkey"), cs.freeze(), cs.assignment)
    write_proof(t / "q.json", proof)
    write_public(t / "qpub.json", public)
    assert "OK!" in ok(snarkjs("groth16", "verify", t / "vk.json", t / "qpub.json", t / "q.json"))
    # the previous verifying key no longer accepts proofs made with the contributed key
    with pytest.raises(InvalidProof):
        verify(prepare_verifying_key(ours), public, proof)


def test_bench_compares_with_snarkjs(snarkjs_cli):
    from consistency.bench.groth16 import run_size

    row = run_size(6, runs=1, verify_runs=1)
    assert row["snarkjs_prove_s"] > 0  # snarkjs ran on our .zkey/.wtns and our verifier accepted its proof
    assert row["ratio"] == row["ours_prove_s"] / row["snarkjs_prove_s"]
