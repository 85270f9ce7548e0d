"""Bit-decomposition and range gadgets: native equality, soundness, mutations, constraint counts."""

import itertools
import random

import pytest

from schemes.bn254.fields import R
from schemes.r1cs import ConstraintSystem
from schemes.r1cs.bits import (
    MAX_BITS,
    alloc_bounded,
    assert_bool,
    assert_in_range,
    assert_in_signed_range,
    bounded_weights,
    to_bits,
)
from schemes.r1cs.testing import assert_witness_mutations_fail

R = int(R)


def decompose(x, n):
    cs = ConstraintSystem()
    xv = cs.witness(x, "x")
    bits = to_bits(cs, xv, n, "bits")
    return cs, bits


@pytest.mark.parametrize("n", [1, 2, 8, 64, 200, MAX_BITS])
def test_to_bits_matches_native_binary_expansion(n):
    rng = random.Random(n)
    for x in {0, 1, (1 << n) - 1, rng.randrange(1 << n)}:
        cs, bits = decompose(x, n)
        assert [b.value for b in bits] == [(x >> i) & 1 for i in range(n)]
        assert cs.is_satisfied()
        assert cs.num_constraints == n + 1 and cs.num_private == 1 + n


@pytest.mark.parametrize("n", [1, 8, 64, MAX_BITS])
def test_to_bits_rejects_out_of_range_values(n):
    for x in (1 << n, (1 << n) + 5, R - 1, R - 12345, R - (1 << n)):
        cs, _ = decompose(x, n)
        assert not cs.is_satisfied(), x


def test_to_bits_no_alternative_witness_exhaustive():
    """For n = 3 no assignment of the bit wires from {0, 1, 2, R-1} other than the binary
    expansion satisfies the gadget, and values >= 8 have no satisfying assignment at all."""
    n = 3
    pool = [0, 1, 2, R - 1]
    for x in list(range(12)) + [R - 1, R - 8]:
        cs, bits = decompose(x, n)
        idx = [b.variable_index() for b in bits]
        ok = []
        for combo in itertools.product(pool, repeat=n):
            for k, v in zip(idx, combo):
                cs.set_value(k, v)
            if cs.is_satisfied():
                ok.append(combo)
        expected = [tuple((x >> i) & 1 for i in range(n))] if x < 8 else []
        assert ok == expected, x


def test_to_bits_zero_width_and_bad_n():
    cs, bits = decompose(0, 0)
    assert bits == [] and cs.is_satisfied() and cs.num_constraints == 1
    assert not decompose(1, 0)[0].is_satisfied()
    for n in (-1, MAX_BITS + 1, 2.0, True):
        with pytest.raises(ValueError):
            decompose(0, n)


def test_to_bits_mutations_fail():
    cs, _ = decompose(0xB00B5, 24)
    assert assert_witness_mutations_fail(cs) == 25


def test_assert_bool():
    for x, ok in ((0, True), (1, True), (2, False), (R - 1, False)):
        cs = ConstraintSystem()
        assert_bool(cs, cs.witness(x, "b"), "bool")
        assert cs.num_constraints == 1 and cs.is_satisfied() is ok


def range_system(x, lo, hi):
    cs = ConstraintSystem()
    assert_in_range(cs, cs.witness(x, "x"), lo, hi, "rng")
    return cs


def expected_count(lo, hi):
    """Constraint counts from the table in specs/r1cs.md."""
    w = hi - lo
    if w == 0:
        return 1
    k = w.bit_length()
    return k + 1 if w == (1 << k) - 1 else 2 * (k + 1)


RANGES = [
    (0, 0),
    (5, 5),
    (0, 1),
    (0, 255),
    (3, 10),
    (100, 355),
    (0, 1000),
    (R - 10, R - 1),
    (1 << 100, (1 << 100) + (1 << 60)),
    (0, (1 << MAX_BITS) - 1),
    (7, 7 + (1 << MAX_BITS) - 2),
]


@pytest.mark.parametrize("lo,hi", RANGES)
def test_assert_in_range_matches_native_comparison(lo, hi):
    probes = {
        lo,
        hi,
        lo + 1,
        hi - 1,
        (lo + hi) // 2,
        lo - 1,
        hi + 1,
        0,
        R - 1,
        R - 2,
        lo + (1 << (hi - lo).bit_length()),
        hi + (1 << (hi - lo).bit_length()),
    }
    for x in probes:
        xf = x % R
        cs = range_system(xf, lo, hi)
        assert cs.is_satisfied() is (lo <= xf <= hi), (lo, hi, x)
        assert cs.num_constraints == expected_count(lo, hi)


def test_assert_in_range_no_alternative_witness_exhaustive():
    """lo=2, hi=6 (width 4, two 3-bit decompositions): over all 2^6 boolean assignments of the
    helper bits, some assignment satisfies the gadget iff 2 <= x <= 6."""
    lo, hi = 2, 6
    for x in list(range(0, 12)) + [R - 1, R - 3]:
        cs = range_system(x, lo, hi)
        wires = list(range(2, cs.num_variables))
        assert len(wires) == 6
        sat = False
        for combo in itertools.product((0, 1), repeat=6):
            for k, v in zip(wires, combo):
                cs.set_value(k, v)
            sat = sat or cs.is_satisfied()
        assert sat is (lo <= x <= hi), x


@pytest.mark.parametrize("lo,hi,x", [(0, 255, 200), (3, 10, 4), (100, 355, 355)])
def test_assert_in_range_mutations_fail(lo, hi, x):
    assert_witness_mutations_fail(range_system(x, lo, hi))


def test_assert_in_range_bad_bounds():
    for lo, hi in ((5, 4), (-1, 3), (0, R), (0, 1 << MAX_BITS), (1.0, 2)):
        with pytest.raises((ValueError, TypeError)):
            range_system(0, lo, hi)


def test_assert_in_signed_range():
    B = 19
    for x in (-B - 1, -B, -1, 0, 1, B, B + 1, R // 2, 1 << 40):
        cs = ConstraintSystem()
        assert_in_signed_range(cs, cs.witness(x, "e"), B, "e")
        assert cs.is_satisfied() is (-B <= x <= B), x
    with pytest.raises(ValueError):
        assert_in_signed_range(ConstraintSystem(), 0, -1, "neg")


def signed_range_system(x, bound):
    cs = ConstraintSystem()
    assert_in_signed_range(cs, cs.witness(x % R, "e"), bound, "e")
    return cs


SIGNED = [
    (0, 0),
    (1, -1),
    (1, 1),
    (19, -19),
    (19, 0),
    (19, 19),
    (19, 7),
    (100, -63),
    ((1 << 200) + 3, -(1 << 199)),
    ((1 << (MAX_BITS - 1)) - 1, 5),
]


@pytest.mark.parametrize("bound,x", SIGNED)
def test_assert_in_signed_range_count(bound, x):
    """specs/r1cs.md: assert_in_signed_range(x, B) costs as assert_in_range(x + B, 0, 2B), with
    the same number of new private wires (B = 19: [0, 38], k = 6, 14 rows)."""
    cs = signed_range_system(x, bound)
    assert cs.is_satisfied()
    assert cs.num_constraints == expected_count(0, 2 * bound)
    width = 2 * bound
    k = width.bit_length()
    new_wires = 0 if width == 0 else (k if width == (1 << k) - 1 else 2 * k)
    assert cs.num_private == 1 + new_wires  # the input wire e plus the gadget's bits
    if bound == 19:
        assert cs.num_constraints == 14


@pytest.mark.parametrize("bound,x", SIGNED)
def test_assert_in_signed_range_mutations_fail(bound, x):
    cs = signed_range_system(x, bound)
    assert assert_witness_mutations_fail(cs) == cs.num_private


def test_shape_mode_counts_equal_witness_mode():
    for lo, hi in RANGES:
        shape = ConstraintSystem(with_witness=False)
        assert_in_range(shape, shape.witness(None, "x"), lo, hi, "r")
        full = range_system(lo, lo, hi)
        assert list(shape.freeze().iter_rows()) == list(full.freeze().iter_rows())
        assert shape.num_variables == full.num_variables


# --------------------------------------------------------------------------- alloc_bounded


@pytest.mark.parametrize("bound", list(range(0, 70)) + [2**20 - 1, 2**20, 3 * 2**19 + 5])
def test_alloc_bounded_represents_exactly_zero_to_bound(bound):
    """Native vs gadget: every x in [0, bound] gets a satisfying decomposition whose weighted sum is
    x (sampled for the big bounds), with bitlen(bound) rows and wires."""
    xs = range(bound + 1) if bound < 70 else {0, 1, bound // 2, bound - 1, bound}
    k = bound.bit_length()
    for x in xs:
        cs = ConstraintSystem()
        lc = alloc_bounded(cs, x, bound, "x")
        assert lc.value == x and cs.is_satisfied()
        assert cs.num_constraints == k and cs.num_private == k


@pytest.mark.parametrize("bound", [1, 2, 3, 5, 6, 7, 8, 21, 31, 32, 38, 63, 100])
def test_alloc_bounded_no_value_above_the_bound_exhaustive(bound):
    """Soundness by enumeration: every assignment of the k wires in {0, 1} (the only values the
    booleanity rows admit) sums to a value in [0, bound], and every value in [0, bound] occurs."""
    weights = bounded_weights(bound)
    assert len(weights) == bound.bit_length() and sum(weights) == bound
    sums = {sum(w * b for w, b in zip(weights, bits)) for bits in itertools.product((0, 1), repeat=len(weights))}
    assert sums == set(range(bound + 1))


@pytest.mark.parametrize("bound, x", [(38, 0), (38, 31), (38, 32), (38, 38), (2047, 1000), (4199, 4199)])
def test_alloc_bounded_mutations_fail(bound, x):
    cs = ConstraintSystem()
    lc = alloc_bounded(cs, x, bound, "x")
    cs.enforce_equal(lc, x, "pin")  # as a caller would use x in a row
    assert assert_witness_mutations_fail(cs) == cs.num_private == bound.bit_length()


@pytest.mark.parametrize("bound", [38, 1, 2047])
def test_alloc_bounded_out_of_range_values_fail_the_callers_row(bound):
    for x in (bound + 1, -1, 2 * bound + 7, R - 1):
        cs = ConstraintSystem()
        lc = alloc_bounded(cs, x, bound, "x")
        cs.enforce_equal(lc, x, "pin")
        assert not cs.is_satisfied(), (bound, x)


def test_alloc_bounded_zero_bound_and_bad_input():
    cs = ConstraintSystem()
    assert alloc_bounded(cs, 0, 0, "z").value == 0 and cs.num_constraints == 0
    with pytest.raises(ValueError):
        bounded_weights(-1)
    with pytest.raises(TypeError):
        alloc_bounded(ConstraintSystem(), None, 5, "x")
    shape = ConstraintSystem(with_witness=False)
    alloc_bounded(shape, None, 38, "x")
    assert shape.num_constraints == 6
