"""Radix-2 domains over F_R: FFTs against the naive DFT, roots of unity, Lagrange bases."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemes.bn254.fields import R
from schemes.groth16.domain import MAX_LOG_SIZE, Domain, DomainTooLarge, batch_inverse, root_of_unity

R_INT = int(R)
scalars = st.integers(min_value=0, max_value=R_INT - 1)


def naive_eval(coeffs, x):
    """Horner evaluation of sum_i coeffs[i] x^i mod R."""
    acc = 0
    for c in reversed(coeffs):
        acc = (acc * x + c) % R_INT
    return acc


def naive_dft(coeffs, points):
    return [naive_eval(coeffs, x) for x in points]


def test_roots_follow_ffjavascript_definition():
    # R - 1 = 2^28 * t with t odd; 5 is the smallest quadratic non-residue (Euler's criterion);
    # w_28 = 5^t and w_{k-1} = w_k^2 (ffjavascript's Fr.w).
    t = (R_INT - 1) >> 28
    assert t % 2 == 1
    for q in (2, 3, 4):
        assert pow(q, (R_INT - 1) // 2, R_INT) == 1
    assert pow(5, (R_INT - 1) // 2, R_INT) == R_INT - 1
    assert root_of_unity(28) == pow(5, t, R_INT)
    for k in range(1, 29):
        w = root_of_unity(k)
        assert pow(w, 1 << k, R_INT) == 1
        assert pow(w, 1 << (k - 1), R_INT) == R_INT - 1  # order exactly 2^k
        assert root_of_unity(k - 1) == w * w % R_INT


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=5), st.data())
def test_fft_matches_naive_dft(log_n, data):
    d = Domain(log_n)
    coeffs = data.draw(st.lists(scalars, min_size=0, max_size=d.size))
    padded = coeffs + [0] * (d.size - len(coeffs))
    points = [pow(d.omega, j, R_INT) for j in range(d.size)]
    assert d.fft(coeffs) == naive_dft(padded, points)
    assert d.ifft(d.fft(coeffs)) == padded
    coset = [d.coset_shift * x % R_INT for x in points]
    assert d.odd_coset_fft(coeffs) == naive_dft(padded, coset)
    assert d.evals_to_odd_coset(d.fft(coeffs)) == naive_dft(padded, coset)


def test_ifft_interpolates():
    rng = random.Random(1)
    d = Domain(4)
    evals = [rng.randrange(R_INT) for _ in range(d.size)]
    coeffs = d.ifft(evals)
    assert [naive_eval(coeffs, pow(d.omega, j, R_INT)) for j in range(d.size)] == evals


def test_odd_coset_is_where_the_vanishing_polynomial_is_minus_two():
    d = Domain(3)
    u = d.coset_shift
    assert pow(u, 2, R_INT) == d.omega
    for j in range(d.size):
        x = u * pow(d.omega, j, R_INT) % R_INT
        assert d.vanishing_at(x) == R_INT - 2


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=0, max_value=4), scalars, st.data())
def test_lagrange_basis_interpolates(log_n, tau, data):
    d = Domain(log_n)
    if pow(tau, d.size, R_INT) == 1:
        with pytest.raises(ValueError):
            d.lagrange_at(tau)
        return
    coeffs = data.draw(st.lists(scalars, min_size=d.size, max_size=d.size))
    evals = d.fft(coeffs)
    lag = d.lagrange_at(tau)
    assert sum(l * e for l, e in zip(lag, evals)) % R_INT == naive_eval(coeffs, tau)


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=0, max_value=4), scalars, st.data())
def test_odd_coset_lagrange_recovers_multiples_of_z(log_n, tau, data):
    # For P = h * Z with deg h < n (so deg P < 2n and P vanishes on the n-domain):
    # P(tau) = sum_j P(u w^j) L'_{2j+1}(tau) over the 2n-th roots of unity.
    d = Domain(log_n)
    if pow(tau, 2 * d.size, R_INT) == 1:
        return
    h = data.draw(st.lists(scalars, min_size=d.size, max_size=d.size))
    z = [R_INT - 1] + [0] * (d.size - 1) + [1]  # X^n - 1
    prod = [0] * (2 * d.size)
    for i, a in enumerate(h):
        for j, b in enumerate(z):
            if i + j < len(prod):
                prod[i + j] = (prod[i + j] + a * b) % R_INT
    coset = [d.coset_shift * pow(d.omega, j, R_INT) % R_INT for j in range(d.size)]
    values = naive_dft(prod, coset)
    lag = d.odd_coset_lagrange_at(tau)
    assert sum(l * v for l, v in zip(lag, values)) % R_INT == naive_eval(prod, tau)


def test_domain_limits_and_sizes():
    assert Domain.for_size(1).size == 1
    assert Domain.for_size(5).size == 8
    assert Domain.for_size(8).size == 8
    with pytest.raises(DomainTooLarge):
        Domain(MAX_LOG_SIZE + 1)
    with pytest.raises(ValueError):
        Domain(-1)
    with pytest.raises(ValueError):
        Domain(2).fft([1] * 5)


def test_batch_inverse():
    rng = random.Random(2)
    xs = [rng.randrange(1, R_INT) for _ in range(20)]
    assert [x * y % R_INT for x, y in zip(xs, batch_inverse(xs))] == [1] * 20
    assert batch_inverse([]) == []
    with pytest.raises(ZeroDivisionError):
        batch_inverse([3, 0, 5])
