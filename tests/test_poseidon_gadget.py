"""Poseidon R1CS gadgets: equality with the native code, constraint counts, mutation tests,
and identical shapes in shape-only mode."""

from __future__ import annotations

import random

import pytest

from schemes.bn254.fields import R
from schemes.poseidon import permute, poseidon, poseidon_sponge
from schemes.poseidon.gadget import (
    permutation_constraints,
    permute_gadget,
    poseidon_gadget,
    poseidon_sponge_gadget,
)
from schemes.poseidon.parameters import PARTIAL_ROUNDS, parameters
from schemes.r1cs import ConstraintSystem, LinearCombination
from schemes.r1cs.lc import as_lc
from schemes.r1cs.testing import assert_witness_mutations_fail

R_INT = int(R)
WIDTHS = range(2, 18)


def rand_elems(rng, n):
    return [rng.randrange(R_INT) for _ in range(n)]


@pytest.mark.parametrize("t", WIDTHS)
def test_permute_gadget_matches_native(t):
    rng = random.Random(1000 + t)
    for _ in range(2):
        xs = rand_elems(rng, t)
        cs = ConstraintSystem(with_witness=True)
        out = permute_gadget(cs, [cs.witness(x, f"s{i}") for i, x in enumerate(xs)])
        assert [lc.value for lc in out] == permute(xs)
        assert cs.num_constraints == 3 * (8 * t + PARTIAL_ROUNDS[t - 2]) == permutation_constraints(t)
        cs.check()


@pytest.mark.parametrize("n", range(1, 17))
def test_poseidon_gadget_matches_native(n):
    rng = random.Random(2000 + n)
    xs = rand_elems(rng, n)
    cs = ConstraintSystem(with_witness=True)
    out = poseidon_gadget(cs, [cs.witness(x, f"in{i}") for i, x in enumerate(xs)])
    assert out.value == poseidon(xs)
    assert cs.num_constraints == permutation_constraints(n + 1) - 3
    cs.check()


def test_circom_counts():
    """circom's Poseidon(2) has 240 constraints and Poseidon(16) 609."""
    for n, circom in ((2, 240), (16, 609)):
        cs = ConstraintSystem(with_witness=False)
        poseidon_gadget(cs, [cs.witness(None, f"in{i}") for i in range(n)])
        assert cs.num_constraints <= circom
        assert cs.num_constraints == circom


def naive_permute_gadget(cs, state):
    """Round-by-round construction straight from the definition (no partial-round algebra)."""
    spec = parameters(len(state))
    s = [as_lc(x, cs) for x in state]
    for r in range(spec.rounds):
        s = [x + c for x, c in zip(s, spec.round_constants[r])]
        idx = range(len(s)) if spec.is_full_round(r) else [0]
        for i in idx:
            if not s[i].is_constant():
                x2 = cs.mul(s[i], s[i], "x2")
                x4 = cs.mul(x2, x2, "x4")
                s[i] = cs.mul(x4, s[i], "x5")
            else:
                s[i] = as_lc(pow(s[i].constant_term, 5, R_INT), cs)
        s = [LinearCombination.sum(s, row) for row in spec.mds]
    return s


@pytest.mark.parametrize("t", [2, 4, 17])
def test_partial_round_algebra_builds_the_naive_system(t):
    """The affine shortcut of schemes.poseidon.partial_rounds yields exactly the constraint
    rows (and outputs) of the plain round-by-round construction."""
    xs = rand_elems(random.Random(t), t)
    systems, outputs = [], []
    for build in (permute_gadget, naive_permute_gadget):
        cs = ConstraintSystem(with_witness=True)
        outs = build(cs, [cs.witness(x, f"s{i}") for i, x in enumerate(xs)])
        systems.append(cs.freeze())
        outputs.append([dict(o.terms) for o in outs])
    assert list(systems[0].iter_rows()) == list(systems[1].iter_rows())
    assert outputs[0] == outputs[1]


def test_constant_inputs_are_free_in_round_zero():
    cs = ConstraintSystem(with_witness=True)
    x = cs.witness(5, "x")
    out = permute_gadget(cs, [1, x, 2])
    assert [lc.value for lc in out] == permute([1, 5, 2])
    assert cs.num_constraints == permutation_constraints(3, constant_inputs=2)


@pytest.mark.parametrize("length", [0, 1, 16, 17, 33])
def test_sponge_gadget_matches_native(length):
    rng = random.Random(3000 + length)
    xs = rand_elems(rng, length)
    cs = ConstraintSystem(with_witness=True)
    out = poseidon_sponge_gadget(cs, [cs.witness(x, f"in{i}") for i, x in enumerate(xs)], 42)
    assert out.value == poseidon_sponge(xs, 42)
    chunks = max(1, -(-length // 16))
    expected = 612 * chunks - 3 * (17 - min(length, 16)) if length else 0
    assert cs.num_constraints == expected
    cs.check()


def test_sponge_gadget_validates_domain():
    cs = ConstraintSystem(with_witness=False)
    with pytest.raises(ValueError):
        poseidon_sponge_gadget(cs, [cs.one], 1 << 64)


@pytest.mark.parametrize("n", [0, 17])
def test_poseidon_gadget_input_count(n):
    cs = ConstraintSystem(with_witness=False)
    with pytest.raises(ValueError):
        poseidon_gadget(cs, [cs.one] * n)


def bound_hash_circuit(n, xs, with_witness=True):
    """Public output, private inputs, as a caller would use the gadget."""
    cs = ConstraintSystem(with_witness=with_witness)
    pub = cs.public_input(poseidon(xs) if with_witness else None, "digest")
    ins = [cs.witness(x if with_witness else None, f"in{i}") for i, x in enumerate(xs)]
    cs.enforce_equal(poseidon_gadget(cs, ins), pub, "bind")
    return cs


@pytest.mark.parametrize("n", [1, 2, 16])
def test_poseidon_gadget_mutations(n):
    rng = random.Random(4000 + n)
    cs = bound_hash_circuit(n, rand_elems(rng, n))
    mutated = assert_witness_mutations_fail(cs)
    assert mutated == cs.num_private


def test_sponge_gadget_mutations():
    rng = random.Random(5)
    xs = rand_elems(rng, 20)
    cs = ConstraintSystem(with_witness=True)
    pub = cs.public_input(poseidon_sponge(xs, 3), "digest")
    ins = [cs.witness(x, f"in{i}") for i, x in enumerate(xs)]
    cs.enforce_equal(poseidon_sponge_gadget(cs, ins, 3), pub, "bind")
    assert assert_witness_mutations_fail(cs) == cs.num_private  # every private wire


def test_wrong_output_is_rejected():
    cs = ConstraintSystem(with_witness=True)
    pub = cs.public_input((poseidon([1, 2]) + 1) % R_INT, "digest")
    ins = [cs.witness(1, "a"), cs.witness(2, "b")]
    cs.enforce_equal(poseidon_gadget(cs, ins), pub, "bind")
    assert not cs.is_satisfied()


@pytest.mark.parametrize("n", [1, 2, 7, 16])
def test_shape_mode_builds_same_matrices(n):
    xs = list(range(1, n + 1))
    wit = bound_hash_circuit(n, xs).freeze()
    shape = bound_hash_circuit(n, xs, with_witness=False).freeze()
    assert shape.num_constraints == wit.num_constraints
    assert shape.num_variables == wit.num_variables
    assert list(shape.iter_rows()) == list(wit.iter_rows())
    assert shape.digest() == wit.digest()
