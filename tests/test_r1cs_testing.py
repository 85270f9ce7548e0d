"""The witness-mutation helper finds free wires and passes correct circuits."""

import random

import pytest

from schemes.r1cs import ConstraintSystem, UnsatisfiedConstraint
from schemes.r1cs.negacyclic import negacyclic_mul
from schemes.r1cs.testing import assert_witness_mutations_fail, free_private_wires


def toy(under_constrained: bool):
    cs = ConstraintSystem()
    out = cs.public_input(42, "out")
    a = cs.witness(6, "a")
    b = cs.witness(7, "b")
    cs.enforce(a, b, out, "product")
    cs.enforce(a, 1, 6, "a_is_6")
    flag = cs.witness(0, "flag")
    cs.enforce(flag, flag - 1, 0, "flag_bool")
    if not under_constrained:
        cs.enforce(flag, 1, 0, "flag_zero")
    return cs


def test_correct_toy_passes():
    assert assert_witness_mutations_fail(toy(False)) == 3


def test_under_constrained_toy_reports_the_free_wire():
    cs = toy(True)
    with pytest.raises(AssertionError, match="'flag'") as exc:
        assert_witness_mutations_fail(cs)
    assert "'a'" not in str(exc.value) and "'b'" not in str(exc.value)
    # flag=0 -> 1 keeps flag*(flag-1)=0: caught only for the random delta
    assert [(name, delta) for _, name, delta in free_private_wires(cs)] == [("flag", 1)]


def test_unused_wire_and_zero_multiplier_are_free():
    cs = ConstraintSystem()
    cs.witness(5, "unused")
    s = cs.witness(9, "times_zero")
    cs.enforce(s, 0, 0, "s*0=0")
    free = {name for _, name, _ in free_private_wires(cs)}
    assert free == {"unused", "times_zero"}


def test_allow_exempts_documented_wires_and_rejects_stale_entries():
    cs = toy(True)
    assert assert_witness_mutations_fail(cs, allow={"flag": "test: flag is a free selector"}) == 2
    with pytest.raises(ValueError, match="justification"):
        assert_witness_mutations_fail(cs, allow={"flag": "  "})
    with pytest.raises(ValueError, match="match no private wire"):
        assert_witness_mutations_fail(toy(False), allow={"nope": "stale"})


def test_sampling_checks_a_subset():
    cs = ConstraintSystem()
    for i in range(50):
        x = cs.witness(i, f"x{i}")
        cs.enforce_equal(x, i, f"x{i}")
    assert assert_witness_mutations_fail(cs, samples=10, rng=random.Random(3)) == 10


def test_unsatisfied_system_is_rejected_first():
    cs = toy(False)
    cs.set_value(2, 5)
    with pytest.raises(UnsatisfiedConstraint):
        assert_witness_mutations_fail(cs)


def block_system(poly, rng):
    n = len(poly)
    cs = ConstraintSystem()
    u = [cs.witness(rng.randrange(-1, 2), f"u[{i}]") for i in range(n)]
    out = negacyclic_mul(poly, [x.value for x in u])
    o = [cs.witness(v, f"o[{i}]") for i, v in enumerate(out)]
    cs.enforce_negacyclic(poly, u, o, "blk")
    return cs


def test_dense_block_inputs_and_outputs_are_pinned():
    rng = random.Random(1)
    cs = block_system([rng.randrange(1, 1000) for _ in range(16)], rng)
    assert assert_witness_mutations_fail(cs) == 32


def test_dense_block_with_zero_columns_reports_inputs():
    rng = random.Random(2)
    cs = block_system([0] * 8, rng)
    free = sorted({name for _, name, _ in free_private_wires(cs)})
    assert free == sorted(f"u[{i}]" for i in range(8))


def test_dense_block_single_nonzero_coefficient():
    # poly = X^3: every column has exactly one nonzero entry (+-1), all inputs pinned
    rng = random.Random(3)
    cs = block_system([0, 0, 0, 1, 0, 0, 0, 0], rng)
    assert assert_witness_mutations_fail(cs) == 16
