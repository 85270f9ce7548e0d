"""Soundness audit of the R1CS core: dense blocks in degenerate shapes, and range gadgets by brute force.

The Groth16 setup uses ``transpose_evaluate``, the prover ``evaluate``, ``check`` uses
``first_failure`` and the file writers ``iter_rows``. They must describe one matrix, also for
blocks with zero coefficients, repeated inputs whose columns cancel, and the constant wire as
an input.
"""

from __future__ import annotations

import random

from schemes.r1cs import ConstraintSystem, LinearCombination
from schemes.r1cs.bits import assert_in_range, assert_in_signed_range, to_bits

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617


def _dense(r1cs):
    n = r1cs.num_variables
    mats = ([], [], [])
    for row in r1cs.iter_rows():
        for side, mat in zip(row, mats):
            dense = [0] * n
            for var, coeff in side:
                assert dense[var] == 0 and 0 < coeff < R  # merged, no zero entries
                dense[var] = coeff
            mat.append(dense)
    return mats


def test_degenerate_blocks_agree_across_all_views():
    rng = random.Random(2024)
    cs = ConstraintSystem(with_witness=True)
    x = [cs.witness(rng.randrange(R), f"x{i}") for i in range(3)]
    n = 4
    # wire 0 as an input, a repeated wire whose two columns cancel in some rows, zero coefficients
    poly = [5, 0, 5, 0]
    inputs = [cs.one, x[0], x[1], x[0]]  # row 1: M[1][1] + M[1][3] = poly[0] - poly[2] = 0
    outs = [cs.witness(0, f"o{i}") for i in range(n)]
    cs.enforce_negacyclic(poly, inputs, outs, "blk")
    cs.enforce(x[2], x[2] + 1, cs.witness(lambda: x[2].value * (x[2].value + 1), "sq"), "sparse")
    r1cs = cs.freeze()
    A, B, C = _dense(r1cs)
    x0 = x[0].variable_index()
    assert A[1][x0] == 0 and A[3][x0] == 10 and A[0][0] == 5  # cancelled / merged / constant wire
    w = cs.assignment
    # M[i][j] by the definition of specs/r1cs.md section 3, summed over the input wires
    want_a = []
    for i in range(n):
        acc = 0
        for j, lc in enumerate(inputs):
            mij = poly[i - j] if j <= i else -poly[n + i - j]
            acc += mij * lc.value
        want_a.append(acc % R)
    a, b, c = r1cs.evaluate(w)
    assert a[:n] == want_a
    for rows, got in zip((A, B, C), (a, b, c)):
        assert got == [sum(m * v for m, v in zip(row, w)) % R for row in rows]
    y = [rng.randrange(R) for _ in range(r1cs.num_constraints)]
    for rows, got in zip((A, B, C), r1cs.transpose_evaluate(y)):
        assert got == [sum(rows[i][j] * y[i] for i in range(len(rows))) % R for j in range(len(w))]
    # satisfy the block, then break one output: every view must agree on which row fails
    for i in range(n):
        cs.set_value(outs[i].variable_index(), want_a[i])
    assert cs.is_satisfied()
    for i in range(n):
        cs.set_value(outs[i].variable_index(), want_a[i] + 1)
        assert cs.freeze().first_failure(cs.assignment) == i
        cs.set_value(outs[i].variable_index(), want_a[i])


def test_to_bits_and_ranges_have_no_witness_outside_the_range_near_r():
    """x = R - k (negative) and x = 2^n + k must be unprovable; try every bit pattern."""
    n = 5
    for x in [R - 1, R - 2, 1 << n, (1 << n) + 3, R - (1 << n)]:
        cs = ConstraintSystem(with_witness=True)
        xv = cs.public_input(x, "x")
        bits = to_bits(cs, xv, n, "x")
        r1cs = cs.freeze()
        idx = [b.variable_index() for b in bits]
        for pattern in range(1 << n):
            w = cs.assignment
            for i, k in enumerate(idx):
                w[k] = (pattern >> i) & 1
            assert not r1cs.is_satisfied(w)
    # assert_in_range / assert_in_signed_range accept exactly the interval (values around 0 and R)
    for lo, hi in [(0, 0), (3, 10), (0, 38), (R - 9, R - 1)]:
        for x in list(range(0, 45)) + [R - k for k in range(1, 12)]:
            cs = ConstraintSystem(with_witness=True)
            assert_in_range(cs, cs.public_input(x, "x"), lo, hi, "r")
            assert cs.is_satisfied() == (lo <= x <= hi), (lo, hi, x)
    for x in list(range(0, 25)) + [R - k for k in range(1, 25)]:
        cs = ConstraintSystem(with_witness=True)
        assert_in_signed_range(cs, cs.public_input(x, "x"), 19, "s")
        assert cs.is_satisfied() == (x <= 19 or x >= R - 19), x


def test_block_input_must_be_a_single_wire():
    cs = ConstraintSystem(with_witness=True)
    x = cs.witness(1, "x")
    for bad in (x * 2, x + 1, x + x):
        try:
            cs.enforce_negacyclic([1, 2], [bad, x], [0, 0], "blk")
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} accepted as a block input")
    assert isinstance(x, LinearCombination)
