"""Groth16 setup / prove / verify: round trips, input binding, the QAP identities, determinism."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemes.bn254.curve import G1_GEN, G2_GEN, g1_add, g1_mul, g2_mul
from schemes.bn254.fields import R
from schemes.bn254.pairing import pairing
from schemes.bn254.tower import fp12_eq, fp12_mul
from schemes.groth16 import (
    InvalidProof,
    KeyMismatch,
    Proof,
    UnsatisfiedWitness,
    insecure_setup_from_seed,
    is_valid_proof,
    prepare_verifying_key,
    prove,
    setup,
    verify,
    verify_proof,
)
from schemes.groth16.domain import Domain
from schemes.groth16.example import cubic_circuit, synthetic_circuit
from schemes.groth16.generator import ToxicWaste, setup_with_toxic_waste
from schemes.groth16.prover import prove_with_randomness
from schemes.groth16.r1cs_to_qap import domain_for, h_scalars, qap_at, row_values
from schemes.r1cs import ConstraintSystem

R_INT = int(R)


@pytest.fixture(scope="module")
def cubic():
    r1cs = cubic_circuit().freeze()
    pk = insecure_setup_from_seed(r1cs, b"test-cubic")
    return r1cs, pk, prepare_verifying_key(pk.vk)


@pytest.fixture(scope="module")
def mixed():
    """Sparse rows plus a dense negacyclic block (N = 8), 2 public inputs."""
    cs = synthetic_circuit(20, 2, negacyclic_n=8, seed=3)
    r1cs = cs.freeze()
    pk = insecure_setup_from_seed(r1cs, b"test-mixed")
    return cs, r1cs, pk, prepare_verifying_key(pk.vk)


@settings(max_examples=6, deadline=None)
@given(st.integers(min_value=0, max_value=R_INT - 1), st.integers(min_value=0, max_value=R_INT - 1))
def test_round_trip_cubic(cubic, x, ctx):
    r1cs, pk, pvk = cubic
    cs = cubic_circuit(x, ctx)
    proof = prove(pk, r1cs, cs.assignment)
    y = (pow(x, 3, R_INT) + x + 5) % R_INT
    assert cs.public_values == [y, ctx]
    verify(pvk, [y, ctx], proof)
    assert is_valid_proof(pvk, [y, ctx], proof)
    assert not is_valid_proof(pvk, [(y + 1) % R_INT, ctx], proof)


def test_round_trip_with_dense_block(mixed):
    cs, r1cs, pk, pvk = mixed
    proof = prove(pk, r1cs, cs.assignment)
    verify(pvk, cs.public_values, proof)
    verify_proof(pk.vk, cs.public_values, proof)
    with pytest.raises(InvalidProof):
        verify(pvk, [cs.public_values[0], (cs.public_values[1] + 1) % R_INT], proof)


def test_unused_public_input_is_bound(cubic):
    # ctx (public input #2) appears in no constraint; the input-consistency rows bind it.
    r1cs, pk, pvk = cubic
    assert all(wire != 2 for a, b, c in r1cs.iter_rows() for side in (a, b, c) for wire, _ in side)
    cs = cubic_circuit(7, 1000)
    proof = prove(pk, r1cs, cs.assignment)
    y = cs.public_values[0]
    verify(pvk, [y, 1000], proof)
    for other in (0, 999, 1001, R_INT - 1):
        with pytest.raises(InvalidProof, match="pairing equation"):
            verify(pvk, [y, other], proof)
    assert pk.vk.ic[2] is not None


def test_public_input_only_circuit_is_bound():
    # No constraint at all: both public inputs live only in the extra rows.
    cs = ConstraintSystem()
    cs.public_input(11, "a")
    cs.public_input(22, "b")
    r1cs = cs.freeze()
    assert r1cs.num_constraints == 0
    pk = insecure_setup_from_seed(r1cs, b"empty")
    pvk = prepare_verifying_key(pk.vk)
    proof = prove(pk, r1cs, cs.assignment)
    verify(pvk, [11, 22], proof)
    for bad in ([11, 23], [12, 22], [22, 11]):
        with pytest.raises(InvalidProof):
            verify(pvk, bad, proof)


def test_proofs_are_randomised(cubic):
    r1cs, pk, pvk = cubic
    cs = cubic_circuit(5, 6)
    p1 = prove(pk, r1cs, cs.assignment)
    p2 = prove(pk, r1cs, cs.assignment)
    assert p1 != p2
    verify(pvk, cs.public_values, p1)
    verify(pvk, cs.public_values, p2)


def test_prover_formula_against_toxic_waste():
    # With known toxic waste and r = s = 0, A = [alpha + sum w_k u_k(tau)]_1 and
    # B = [beta + sum w_k v_k(tau)]_2 (the definition of the key), and the pairing equation holds.
    cs = cubic_circuit(4, 9)
    r1cs = cs.freeze()
    tw = ToxicWaste(tau=123456789, alpha=11, beta=13, gamma=17, delta=19)
    pk = setup_with_toxic_waste(r1cs, tw)
    w = cs.assignment
    u, v, _ = qap_at(r1cs, domain_for(r1cs), tw.tau)
    proof = prove_with_randomness(pk, r1cs, w, 0, 0)
    assert proof.a == g1_mul(G1_GEN, (tw.alpha + sum(a * b for a, b in zip(w, u))) % R_INT)
    assert proof.b == g2_mul(G2_GEN, (tw.beta + sum(a * b for a, b in zip(w, v))) % R_INT)
    verify(prepare_verifying_key(pk.vk), cs.public_values, proof)
    # r, s only re-randomise: any values still verify
    verify(prepare_verifying_key(pk.vk), cs.public_values, prove_with_randomness(pk, r1cs, w, 5, 7))


def test_h_scalars_satisfy_the_qap_identity(mixed):
    # sum_j p_j L'_{2j+1}(tau) = A(tau) B(tau) - C(tau) with A(tau) = sum_i a_i L_i(tau), etc.
    cs, r1cs, _, _ = mixed
    d = domain_for(r1cs)
    a, b, c = row_values(r1cs, cs.assignment)
    p = h_scalars(r1cs, d, cs.assignment)
    tau = 987654321987654321
    lag = d.lagrange_at(tau)

    def at_tau(vals):
        return sum(x * y for x, y in zip(vals, lag)) % R_INT

    lhs = sum(x * y for x, y in zip(p, d.odd_coset_lagrange_at(tau))) % R_INT
    assert lhs == (at_tau(a) * at_tau(b) - at_tau(c)) % R_INT
    # and the extra rows carry the public wires: row m + k has a = w_k
    m = r1cs.num_constraints
    assert a[m:] == cs.assignment[: r1cs.num_public + 1]


def test_domain_rule_matches_snarkjs():
    # snarkjs: 2^(log2(nConstraints + nPublic) + 1) with log2 = floor(log2), log2(0) = 0.
    for m, l, size in ((3, 2, 8), (5, 2, 8), (6, 2, 16), (0, 2, 4), (0, 1, 2), (13, 2, 16), (14, 2, 32)):
        cs = ConstraintSystem(with_witness=False)
        for i in range(l):
            cs.public_input(None, f"p{i}")
        x = cs.witness(None, "x")
        for i in range(m):
            cs.enforce(x, x, x, f"c{i}")
        assert domain_for(cs.freeze()).size == size, (m, l)


def test_seeded_setup_is_deterministic(cubic):
    r1cs, pk, _ = cubic
    assert insecure_setup_from_seed(r1cs, b"test-cubic") == pk
    assert insecure_setup_from_seed(r1cs, b"other").vk != pk.vk


def test_random_setup_differs_and_works(cubic):
    r1cs, pk, _ = cubic
    pk1 = setup(r1cs)
    assert pk1.vk != pk.vk and pk1.vk != setup(r1cs).vk
    cs = cubic_circuit(2, 3)
    verify(prepare_verifying_key(pk1.vk), cs.public_values, prove(pk1, r1cs, cs.assignment))
    assert "redacted" in repr(ToxicWaste.random(Domain(2)))


def test_progress_callback(cubic):
    r1cs, pk, _ = cubic
    messages = []
    insecure_setup_from_seed(r1cs, b"p", progress=messages.append)
    cs = cubic_circuit(2, 3)
    prove(pk, r1cs, cs.assignment, progress=messages.append)
    assert any(m.startswith("setup:") for m in messages)
    assert any(m.startswith("prove:") for m in messages)


def test_prover_rejects_bad_witness(cubic):
    r1cs, pk, _ = cubic
    cs = cubic_circuit(3, 4)
    w = cs.assignment
    bad = list(w)
    bad[3] = (bad[3] + 1) % R_INT  # x
    with pytest.raises(UnsatisfiedWitness, match="constraint #0"):
        prove(pk, r1cs, bad)
    bad = list(w)
    bad[0] = 2
    with pytest.raises(UnsatisfiedWitness, match="constant-one"):
        prove(pk, r1cs, bad)
    with pytest.raises(UnsatisfiedWitness, match="wires"):
        prove(pk, r1cs, w[:-1])


def test_prover_rejects_key_of_another_circuit(cubic, mixed):
    r1cs, pk, _ = cubic
    cs2, r1cs2, _, _ = mixed
    with pytest.raises(KeyMismatch):
        prove(pk, r1cs2, cs2.assignment)
    # same shape, different coefficients: caught by the R1CS digest
    cs = ConstraintSystem()
    y = cs.public_input((27 + 3 + 6) % R_INT, "y")
    cs.public_input(0, "ctx")
    x = cs.witness(3, "x")
    x2 = cs.mul(x, x, "x2")
    x3 = cs.mul(x2, x, "x3")
    cs.enforce_equal(x3 + x + 6, y, "y = x^3 + x + 6")
    with pytest.raises(KeyMismatch, match="digest"):
        prove(pk, cs.freeze(), cs.assignment)


def test_verification_equation_by_hand(cubic):
    # e(A, B) = e(alpha, beta) e(S, gamma) e(C, delta), checked with plain pairings.
    r1cs, pk, _ = cubic
    cs = cubic_circuit(10, 20)
    proof = prove(pk, r1cs, cs.assignment)
    vk = pk.vk
    s = vk.ic[0]
    for x, ic in zip(cs.public_values, vk.ic[1:]):
        s = g1_add(s, g1_mul(ic, x))
    lhs = pairing(proof.a, proof.b)
    rhs = fp12_mul(fp12_mul(pairing(vk.alpha_g1, vk.beta_g2), pairing(s, vk.gamma_g2)), pairing(proof.c, vk.delta_g2))
    assert fp12_eq(lhs, rhs)


def test_forged_proof_from_random_points_rejected(cubic):
    r1cs, pk, pvk = cubic
    rng = random.Random(9)
    for _ in range(3):
        fake = Proof(
            a=g1_mul(G1_GEN, rng.randrange(1, R_INT)),
            b=g2_mul(G2_GEN, rng.randrange(1, R_INT)),
            c=g1_mul(G1_GEN, rng.randrange(1, R_INT)),
        )
        with pytest.raises(InvalidProof):
            verify(pvk, [1, 2], fake)


def test_cli_example_and_verify(tmp_path, capsys):
    from schemes.groth16.__main__ import main
    from schemes.groth16.example import EXAMPLE_FILES

    out = tmp_path / "ex"
    assert main(["example", "--out", str(out), "--insecure-seed", "0102"]) == 0
    assert "insecure" in capsys.readouterr().err
    for name in EXAMPLE_FILES:
        assert (out / name).stat().st_size > 0
    files = [str(out / n) for n in ("verification_key.json", "proof.json", "public.json")]
    assert main(["verify", *files]) == 0
    (tmp_path / "bad.json").write_text('["35", "43"]')  # ctx changed
    assert main(["verify", files[0], files[1], str(tmp_path / "bad.json")]) == 1
    assert "pairing equation" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text('["35"]')
    assert main(["verify", files[0], files[1], str(tmp_path / "bad.json")]) == 1
    assert main(["verify", files[0], files[1], str(tmp_path / "missing.json")]) == 2
    assert main(["verify", files[0]]) == 2
    assert main(["nonsense"]) == 2
    assert main(["example", "--out", str(out), "--insecure-seed", "xyz"]) == 2


def test_missing_node_is_a_clear_error(monkeypatch, tmp_path):
    # The interop fixture turns this into a test FAILURE (never a skip).
    import schemes.groth16.snarkjs_cli as cli

    monkeypatch.setattr(cli.shutil, "which", lambda name: None)
    with pytest.raises(cli.SnarkjsUnavailable, match="Node.js and npm are required"):
        cli.ensure_snarkjs(tmp_path)
