"""LinearCombination arithmetic against a plain dict model over Z/RZ."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemes.bn254.fields import R
from schemes.r1cs import ConstraintSystem, LinearCombination, WitnessUnavailable

R = int(R)

terms_st = st.dictionaries(st.integers(0, 5), st.integers(-2 * R, 2 * R), max_size=6)
ints_st = st.integers(-2 * R, 2 * R)


def model(d):
    """Canonical form of a {wire: coeff} dict: coefficients mod R, zeros dropped."""
    return {k: v % R for k, v in d.items() if v % R}


def madd(d, e, k=1):
    out = dict(d)
    for var, c in e.items():
        out[var] = out.get(var, 0) + k * c
    return model(out)


def as_model(lc):
    return {k: int(v) for k, v in lc.terms.items()}


@settings(max_examples=60, deadline=None)
@given(terms_st, terms_st, ints_st)
def test_operators_match_model(d, e, k):
    a, b = LinearCombination(d), LinearCombination(e)
    assert as_model(a + b) == madd(d, e)
    assert as_model(a - b) == madd(d, e, -1)
    assert as_model(-a) == madd({}, d, -1)
    assert as_model(a * k) == as_model(k * a) == madd({}, d, k)
    assert as_model(a + k) == as_model(k + a) == madd(d, {0: k})
    assert as_model(a - k) == madd(d, {0: -k})
    assert as_model(k - a) == madd({0: k}, d, -1)
    # operands untouched
    assert as_model(a) == model(d) and as_model(b) == model(e)


@settings(max_examples=60, deadline=None)
@given(terms_st, terms_st, ints_st)
def test_in_place_helpers_match_model(d, e, k):
    a = LinearCombination(d)
    assert as_model(a.copy().add_in_place(LinearCombination(e), k)) == madd(d, e, k)
    assert as_model(a.copy().add_in_place(k)) == madd(d, {0: k})
    assert as_model(a.copy().scale_in_place(k)) == madd({}, d, k)
    assert as_model(a.copy().add_term(3, k)) == madd(d, {3: k})
    assert as_model(a) == model(d)


def test_sum_and_weighted_sum():
    lcs = [LinearCombination({i: i + 1}) for i in range(5)]
    assert as_model(LinearCombination.sum(lcs)) == {i: i + 1 for i in range(1, 5)} | {0: 1}
    assert as_model(LinearCombination.sum(lcs, [2] * 5)) == {i: 2 * (i + 1) for i in range(5)}
    with pytest.raises(ValueError):
        LinearCombination.sum(lcs, [1])


def test_values_and_constants():
    cs = ConstraintSystem()
    x = cs.witness(5, "x")
    y = cs.witness(R - 1, "y")  # -1
    assert (3 * x + y - 7).value == (15 - 1 - 7) % R
    assert (x - x).terms == {}
    assert LinearCombination.constant(-1).value == R - 1
    assert (x * 0).value == 0
    assert x.variable_index() == 1 and (2 * x).variable_index() is None
    assert cs.one.value == 1 and cs.one.is_constant()
    assert LinearCombination.constant(R + 4).constant_term == 4


def test_lc_times_lc_is_rejected():
    cs = ConstraintSystem()
    x = cs.witness(2, "x")
    with pytest.raises(TypeError, match="cs.mul"):
        x * x


def test_shape_mode_value_raises():
    cs = ConstraintSystem(with_witness=False)
    x = cs.witness(None, "x")
    with pytest.raises(WitnessUnavailable):
        _ = x.value
    assert (x - x + 3).value == 3  # constants still evaluate


def test_mixing_systems_rejected():
    a, b = ConstraintSystem(), ConstraintSystem()
    with pytest.raises(ValueError):
        a.witness(1, "x") + b.witness(1, "y")


def test_bad_inputs():
    with pytest.raises(TypeError):
        LinearCombination({1: 1.5})
    with pytest.raises(ValueError):
        LinearCombination({-1: 1})
    with pytest.raises(TypeError):
        LinearCombination({1: 1}) + 1.0
    cs = ConstraintSystem()
    with pytest.raises(ValueError):
        LinearCombination({3: 1}, cs)  # wire 3 does not exist yet
