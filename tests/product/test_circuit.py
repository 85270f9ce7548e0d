"""The consistency circuit on the toy set: shape = witness mode, mutation test, constraint count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from consistency.circuit import build_circuit
from consistency.demo import _shipped_image
from consistency.image import image_bytes
from consistency.params import get_parameter_set
from consistency.sender import prepare_statement
from schemes.bfv.gadget import encryption_gadget
from schemes.bfv.keys import keygen
from schemes.commitment.gadget import commit_gadget
from schemes.key_agreement import generate_recipient_key
from schemes.poseidon_cipher.gadget import encrypt_constraints
from schemes.r1cs import ConstraintSystem
from schemes.r1cs.testing import assert_witness_mutations_fail

R_INT = 21888242871839275222246405745257275088548364400416034343698204186575808495617
SPEC = Path(__file__).resolve().parents[2] / "specs" / "consistency.md"


def _honest_cs(toy):
    p = toy.params
    stmt, wit, _ = prepare_statement(p, toy.keys.pk_fhe, image_bytes(toy.banned, p), toy.recipient.public_bytes(), b"t")
    return build_circuit(p, toy.keys.pk_fhe, stmt, wit)


def test_shape_only_equals_witness_mode(toy):
    shape = build_circuit(toy.params, toy.keys.pk_fhe).freeze()
    full = _honest_cs(toy)
    assert full.is_satisfied()
    assert full.freeze().digest() == shape.digest()


def test_witness_only_synthesis_gives_the_same_assignment(toy):
    """What a sender with a cached system computes: the same wires, values and row count."""
    p = toy.params
    stmt, wit, _ = prepare_statement(p, toy.keys.pk_fhe, image_bytes(toy.banned, p), toy.recipient.public_bytes(), b"t")
    full = build_circuit(p, toy.keys.pk_fhe, stmt, wit)
    only = build_circuit(p, toy.keys.pk_fhe, stmt, wit, constraints=False)
    assert only.assignment == full.assignment
    assert (only.num_variables, only.num_public, only.num_constraints) == (
        full.num_variables,
        full.num_public,
        full.num_constraints,
    )
    for refused in (only.freeze, only.check, only.is_satisfied):
        with pytest.raises(ValueError, match="constraints=False"):
            refused()
    with pytest.raises(ValueError):
        ConstraintSystem(with_witness=False, constraints=False)


def test_a_cached_system_is_reused_and_still_checked(toy):
    """After the first proof the sender reuses the frozen system; the prover still checks every
    row of it against the new assignment."""
    from consistency.keys import ProverKeys
    from consistency.sender import send
    from schemes.groth16 import UnsatisfiedWitness

    keys = ProverKeys(toy.keys.verifier, toy.keys.pk)
    send(toy.benign, toy.recipient.public_bytes(), keys, b"c1")
    cached = keys.circuit_cache["r1cs"]
    send(toy.benign, toy.recipient.public_bytes(), keys, b"c2")
    assert keys.circuit_cache["r1cs"] is cached
    # a system for another key does not fit the assignment: the prover refuses, whatever the cache says
    other = build_circuit(toy.params, toy.keys.pk_fhe).freeze()
    cs = _honest_cs(toy)
    values = cs.assignment
    values[-1] = (values[-1] + 1) % R_INT
    with pytest.raises(UnsatisfiedWitness):
        from schemes.groth16 import prove

        prove(keys.pk, other, values)


def test_every_private_wire_is_bound(toy):
    cs = _honest_cs(toy)
    assert toy.params.num_chunks * toy.params.bfv.n == toy.params.num_pixels  # toy: no padding rows
    assert assert_witness_mutations_fail(cs) == cs.num_private  # every private wire, no sampling


@pytest.mark.slow
def test_every_private_wire_is_bound_default_with_padding_rows():
    """The default set: 784 pixels in one N = 4096 chunk, so 3312 BFV rows carry the constant 0
    as message (padding). Every private wire of the whole circuit is mutated."""
    p = get_parameter_set("default")
    assert p.num_pixels < p.bfv.n
    pk_fhe = keygen(p.bfv)[1]  # any key of the ring: the circuit reads its coefficients only
    stmt, wit, _ = prepare_statement(
        p, pk_fhe, image_bytes(_shipped_image("default", "banned"), p), generate_recipient_key().public_bytes(), b"t"
    )
    cs = build_circuit(p, pk_fhe, stmt, wit)
    assert assert_witness_mutations_fail(cs) == cs.num_private


def _component_counts(toy) -> tuple[int, int]:
    """(fixed part, BFV per chunk), each part counted by its own gadget in a fresh system."""
    p = toy.params
    npix = p.num_pixels
    cs = ConstraintSystem(with_witness=False)
    vals = [cs.witness(None, f"v{i}") for i in range(p.packed_len)]
    commit_gadget(cs, vals, cs.witness(None, "rho"))
    commitment = cs.num_constraints
    cs = ConstraintSystem(with_witness=False)
    packed = [cs.public_input(None, f"ct[{i}]") for i in range(p.bfv.n)]
    m = [cs.witness(None, f"m{i}") for i in range(p.bfv.n)]
    encryption_gadget(cs, p.bfv, toy.keys.pk_fhe, m, packed, None)
    bfv = cs.num_constraints
    return 8 * npix + commitment + 1 + encrypt_constraints(p.plaintext_len) + p.ct_msg_len + 1, bfv


def test_constraint_count_is_the_sum_of_the_parts_and_in_the_spec(toy):
    r1cs = build_circuit(toy.params, toy.keys.pk_fhe).freeze()
    fixed, bfv = _component_counts(toy)
    assert r1cs.num_constraints == fixed + toy.params.num_chunks * bfv
    row = re.search(r"^\| toy \| (\d+) \|", SPEC.read_text(), re.M)
    assert row, "specs/consistency.md needs a constraint-count row for toy"
    assert int(row.group(1)) == fixed
