"""ConstraintSystem and frozen R1CS: wire order, names, modes, evaluation against dense matrices."""

import random

import pytest

from schemes.bn254.fields import R
from schemes.r1cs import (
    ConstraintSystem,
    InvalidAssignment,
    LinearCombination,
    UnsatisfiedConstraint,
    WitnessUnavailable,
)
from schemes.r1cs.bits import assert_in_range, to_bits

R = int(R)


def test_wire_order_and_counts():
    cs = ConstraintSystem()
    a = cs.public_input(3, "a")
    b = cs.public_input(4, "b")
    x = cs.witness(5, "x")
    assert (a.variable_index(), b.variable_index(), x.variable_index()) == (1, 2, 3)
    assert cs.num_public == 2 and cs.num_private == 1 and cs.num_variables == 4
    assert cs.assignment == [1, 3, 4, 5]
    assert cs.public_values == [3, 4]
    with pytest.raises(ValueError, match="public"):
        cs.public_input(1, "late")


def test_mul_enforce_and_failure_names():
    cs = ConstraintSystem()
    x = cs.public_input(6, "x")
    y = cs.witness(7, "y")
    z = cs.mul(x, y + 1, "z")
    assert z.value == 48
    cs.enforce_equal(z, 48, "z_is_48")
    cs.enforce(x, 2, 12, "double")
    assert cs.num_constraints == 3 and cs.is_satisfied()
    cs.set_value(y.variable_index(), 8)
    assert not cs.is_satisfied()
    with pytest.raises(UnsatisfiedConstraint) as exc:
        cs.check()
    assert exc.value.index == 0 and exc.value.name == "z"
    assert isinstance(exc.value, ValueError)


def test_namespaces_prefix_names():
    cs = ConstraintSystem()
    with cs.namespace("poseidon"):
        with cs.namespace("round0"):
            x = cs.witness(1, "x")
            cs.enforce(x, x, x, "sq")
    assert cs.wire_name(x.variable_index()) == "poseidon/round0/x"
    assert cs.constraint_name(0) == "poseidon/round0/sq"
    assert cs.freeze().names == ("poseidon/round0/sq",)


def test_strict_mode_raises_at_the_bad_constraint():
    cs = ConstraintSystem(strict=True)
    x = cs.witness(3, "x")
    cs.enforce(x, x, 9, "ok")
    with pytest.raises(UnsatisfiedConstraint, match="bad"):
        cs.enforce(x, x, 10, "bad")


def test_witness_values_callables_and_missing_values():
    calls = []
    shape = ConstraintSystem(with_witness=False)
    shape.witness(lambda: calls.append(1) or 5, "x")
    assert calls == []
    full = ConstraintSystem()
    x = full.witness(lambda: calls.append(1) or 5, "x")
    assert calls == [1] and x.value == 5
    assert full.witness(lambda: x * 3 + 1, "y").value == 16
    assert full.witness(-1, "neg").value == R - 1
    with pytest.raises(WitnessUnavailable):
        full.witness(None, "missing")
    with pytest.raises(TypeError):
        full.witness(1.5, "float")
    with pytest.raises(WitnessUnavailable):
        _ = shape.assignment


def _circuit(cs, vals):
    """A circuit touching every builder feature; vals are ignored in shape mode."""
    w = (lambda k: vals[k]) if cs.with_witness else (lambda k: None)
    p = cs.public_input(w("p"), "p")
    x = cs.witness(w("x"), "x")
    y = cs.mul(x, p + 2, "y")
    bits = to_bits(cs, y, 16, "yb")
    assert_in_range(cs, x, 3, 1000, "xr")
    n = 8
    poly = [(-1) ** i * (i + 3) for i in range(n)]
    u = [cs.witness((lambda i=i: (w("x") >> i) % 3) if cs.with_witness else None, f"u[{i}]") for i in range(n)]
    if cs.with_witness:
        from schemes.r1cs.negacyclic import negacyclic_mul

        outs = negacyclic_mul(poly, [v.value for v in u])
    o = [cs.witness(outs[i] if cs.with_witness else None, f"o[{i}]") for i in range(n)]
    cs.enforce_negacyclic(poly, u, [oi + bits[0] - bits[0] for oi in o], "blk")
    return cs


def test_shape_mode_builds_identical_system():
    vals = {"p": 5, "x": 77}
    full = _circuit(ConstraintSystem(), vals)
    shape = _circuit(ConstraintSystem(with_witness=False), vals)
    full.check()
    a, b = full.freeze(), shape.freeze()
    assert (a.num_constraints, a.num_variables, a.num_public) == (b.num_constraints, b.num_variables, b.num_public)
    assert a.names == b.names and a.wire_names == b.wire_names
    assert list(a.iter_rows()) == list(b.iter_rows())
    assert a.digest() == b.digest()


def test_freeze_is_a_snapshot_and_digest_tracks_content():
    cs = ConstraintSystem()
    x = cs.witness(2, "x")
    cs.enforce(x, x, 4, "sq")
    r1 = cs.freeze()
    cs.enforce(x, 1, 2, "eq")
    r2 = cs.freeze()
    assert r1.num_constraints == 1 and r2.num_constraints == 2
    assert r1.digest() != r2.digest()
    other = ConstraintSystem()
    y = other.witness(2, "renamed")
    other.enforce(y, y, 4, "renamed_too")
    assert other.freeze().digest() == r1.digest()  # names are not part of the digest


def _random_system(rng, n_pub=2, n_priv=10, n_sparse=12, n=8):
    """A random system plus its dense A, B, C built independently from the definitions."""
    cs = ConstraintSystem()
    for i in range(n_pub):
        cs.public_input(rng.randrange(R), f"p{i}")
    for i in range(n_priv):
        cs.witness(rng.randrange(R), f"x{i}")
    nv = cs.num_variables
    A, B, C = [], [], []

    def rand_lc():
        d = {v: rng.randrange(R) for v in rng.sample(range(nv), rng.randrange(0, 4))}
        return d, LinearCombination(d, cs)

    for k in range(n_sparse):
        rows = [rand_lc() for _ in range(3)]
        cs.enforce(rows[0][1], rows[1][1], rows[2][1], f"s{k}")
        for M, (d, _) in zip((A, B, C), rows):
            M.append([d.get(j, 0) for j in range(nv)])
    poly = [rng.randrange(R) for _ in range(n)]
    inputs = [rng.randrange(1, nv) for _ in range(n)]  # repeats allowed
    outs = [rand_lc() for _ in range(n)]
    cs.enforce_negacyclic(poly, [LinearCombination({v: 1}, cs) for v in inputs], [o[1] for o in outs], "blk")
    for i in range(n):
        row = [0] * nv
        for j, var in enumerate(inputs):
            row[var] += poly[i - j] if j <= i else -poly[n + i - j]
        A.append([c % R for c in row])
        B.append([1] + [0] * (nv - 1))
        C.append([outs[i][0].get(j, 0) for j in range(nv)])
    return cs, (A, B, C)


@pytest.mark.parametrize("seed", range(4))
def test_evaluate_and_transpose_match_dense_matrices(seed):
    rng = random.Random(seed)
    cs, dense = _random_system(rng)
    r = cs.freeze()
    w = cs.assignment
    got = r.evaluate(w)
    for M, g in zip(dense, got):
        assert g == [sum(m * x for m, x in zip(row, w)) % R for row in M]
    y = [rng.randrange(R) for _ in range(r.num_constraints)]
    got_t = r.transpose_evaluate(y)
    for M, g in zip(dense, got_t):
        assert g == [sum(M[i][j] * y[i] for i in range(len(M))) % R for j in range(r.num_variables)]
    rows = list(r.iter_rows())
    for M, side in zip(dense, range(3)):
        assert [[(j, c) for j, c in enumerate(row) if c] for row in M] == [rw[side] for rw in rows]


def test_assignment_validation_and_first_failure():
    cs = ConstraintSystem()
    x = cs.witness(3, "x")
    cs.enforce(x, x, 9, "sq")
    cs.enforce(x, 1, 3, "eq")
    r = cs.freeze()
    assert r.is_satisfied([1, 3]) and r.first_failure([1, 3]) is None
    assert r.first_failure([1, 4]) == 0
    with pytest.raises(UnsatisfiedConstraint, match="sq"):
        r.check([1, 4])
    for bad in ([1], [1, 3, 0], [1, R], [1, -1], [2, 3], [1, 3.0]):
        with pytest.raises(InvalidAssignment):
            r.check(bad)
    with pytest.raises(InvalidAssignment):
        r.transpose_evaluate([1])


def test_block_failures_name_the_row():
    cs = ConstraintSystem()
    u = [cs.witness(1, f"u{i}") for i in range(4)]
    o = [cs.witness(0, f"o{i}") for i in range(4)]
    cs.enforce_negacyclic([0, 0, 0, 0], u, o, "blk")
    assert cs.is_satisfied()
    cs.set_value(o[2].variable_index(), 5)
    with pytest.raises(UnsatisfiedConstraint) as exc:
        cs.check()
    assert exc.value.index == 2 and exc.value.name == "blk[2]"


def test_bad_constraint_arguments():
    cs = ConstraintSystem()
    x = cs.witness(1, "x")
    with pytest.raises(ValueError):
        cs.enforce(LinearCombination({5: 1}), 1, 1, "ghost wire")
    with pytest.raises(ValueError, match="single wire"):
        cs.enforce_negacyclic([1], [2 * x], [x], "scaled input")
    with pytest.raises(ValueError):
        cs.enforce_negacyclic([1, 2], [x], [x], "length")
    with pytest.raises(TypeError):
        cs.enforce(x, x, x, 7)


def test_enforce_bool_is_the_row_of_enforce_x_times_x_minus_one():
    """cs.enforce_bool(x) builds exactly enforce(x, x - 1, 0): same matrices, same digest, same
    verdicts; a combination that is not one wire takes the general form."""

    def build(use_bool, value):
        cs = ConstraintSystem()
        x = cs.witness(value, "x")
        y = cs.witness(3, "y")
        if use_bool:
            cs.enforce_bool(x, "b")
            cs.enforce_bool(x + y, "c")
        else:
            cs.enforce(x, x - 1, 0, "b")
            cs.enforce(x + y, x + y - 1, 0, "c")
        return cs

    for value in (0, 1, 2, -1):
        fast, slow = build(True, value), build(False, value)
        assert fast.freeze().digest() == slow.freeze().digest()
        assert [r for r in fast.freeze().iter_rows()] == [r for r in slow.freeze().iter_rows()]
        assert fast.is_satisfied() == slow.is_satisfied()
    only = ConstraintSystem(with_witness=True, constraints=False)
    only.enforce_bool(only.witness(1, "x"), "b")
    assert only.num_constraints == 1
