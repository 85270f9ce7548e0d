"""Exact arithmetic mod q: the float64-quotient mulmod and the negacyclic NTT vs independent products."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from schemes.bfv import DEFAULT, toy_params
from schemes.bfv.gadget import negacyclic_mul_exact
from schemes.bfv.ring import get_ring, mulmod

TOY = toy_params(i_know_this_is_insecure=True)
Q = DEFAULT.q


def schoolbook(a: list, b: list, q: int | None) -> list:
    """a * b in Z[X]/(X^N + 1) (reduced mod q when q is given), by the definition."""
    n = len(a)
    c = [0] * n
    for i in range(n):
        for j in range(n):
            k = i + j
            if k < n:
                c[k] += a[i] * b[j]
            else:
                c[k - n] -= a[i] * b[j]
    return [x % q for x in c] if q else c


def kronecker(a: list, b: list, q: int) -> list:
    """a * b mod (X^N + 1, q) via one big-integer product (independent of the NTT)."""
    n = len(a)
    width = (n * q * q).bit_length() + 1
    pa = sum(x << (width * i) for i, x in enumerate(a))
    pb = sum(x << (width * i) for i, x in enumerate(b))
    prod, mask = pa * pb, (1 << width) - 1
    c = [(prod >> (width * k)) & mask for k in range(2 * n)]
    return [(c[i] - c[i + n]) % q for i in range(n)]


def _arr(values):
    return np.array(values, dtype=np.uint64)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 2**55 - 1).flatmap(
    lambda q: st.tuples(st.just(q), st.lists(st.tuples(st.integers(0, q - 1), st.integers(0, q - 1)),
                                             min_size=1, max_size=50))))
def test_mulmod_is_exact(case):
    q, pairs = case
    a = _arr([x for x, _ in pairs] + [q - 1])
    b = _arr([y for _, y in pairs] + [q - 1])
    got = mulmod(a, b, q).tolist()
    assert got == [int(x) * int(y) % q for x, y in zip(a.tolist(), b.tolist())]


def test_mulmod_extremes_of_the_default_modulus():
    vals = [0, 1, 2, Q - 1, Q - 2, Q // 2, Q // 2 + 1, 2**53, 2**53 + 1, 2**54 - 2**24]
    a = _arr([x for x in vals for _ in vals])
    b = _arr([y for _ in vals for y in vals])
    assert mulmod(a, b, Q).tolist() == [x * y % Q for x in vals for y in vals]


def test_psi_is_a_primitive_2n_th_root():
    for params in (TOY, DEFAULT):
        ring = get_ring(params.n, params.q)
        assert pow(ring.psi, params.n, params.q) == params.q - 1


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_ntt_product_equals_schoolbook_toy(data):
    n, q = TOY.n, TOY.q
    coeff = st.integers(0, q - 1)
    a = data.draw(st.lists(coeff, min_size=n, max_size=n))
    b = data.draw(st.lists(coeff, min_size=n, max_size=n))
    ring = get_ring(n, q)
    assert ring.mul(_arr(a), _arr(b)).tolist() == schoolbook(a, b, q)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ntt_product_equals_independent_product_default(seed):
    rnd = random.Random(seed)
    n, q = DEFAULT.n, DEFAULT.q
    a = [rnd.randrange(q) for _ in range(n)]
    b = [rnd.randrange(q) for _ in range(n)]
    ring = get_ring(n, q)
    assert ring.mul(_arr(a), _arr(b)).tolist() == kronecker(a, b, q)


def test_ntt_product_default_sparse_schoolbook():
    # a sparse operand keeps the O(N^2) definition cheap at N = 2048, wrap-around included
    n, q = DEFAULT.n, DEFAULT.q
    a = [0] * n
    a[0], a[1], a[n - 1], a[1000] = q - 1, 12345, 2**53 + 7, 1
    b = [(i * 7919 + 3) * 1000003 % q for i in range(n)]
    expect = [0] * n
    for i, ai in enumerate(a):
        if ai:
            for j, bj in enumerate(b):
                k = i + j
                if k < n:
                    expect[k] += ai * bj
                else:
                    expect[k - n] -= ai * bj
    ring = get_ring(n, q)
    assert ring.mul(_arr(a), _arr(b)).tolist() == [x % q for x in expect]


def test_x_to_the_n_is_minus_one():
    for params in (TOY, DEFAULT):
        ring = get_ring(params.n, params.q)
        x = [0] * params.n
        x[1] = 1
        x_to_n_minus_1 = [0] * params.n
        x_to_n_minus_1[params.n - 1] = 1
        got = ring.mul(_arr(x), _arr(x_to_n_minus_1)).tolist()
        assert got == [params.q - 1] + [0] * (params.n - 1)


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_ntt_round_trip_and_linearity(data):
    n, q = TOY.n, TOY.q
    ring = get_ring(n, q)
    a = _arr(data.draw(st.lists(st.integers(0, q - 1), min_size=n, max_size=n)))
    b = _arr(data.draw(st.lists(st.integers(0, q - 1), min_size=n, max_size=n)))
    assert np.array_equal(ring.intt(ring.ntt(a)), a)
    assert np.array_equal(ring.ntt(ring.add(a, b)), ring.add(ring.ntt(a), ring.ntt(b)))
    assert np.array_equal(ring.sub(ring.add(a, b), b), a)
    assert np.array_equal(ring.add(a, ring.neg(a)), np.zeros(n, dtype=np.uint64))


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_exact_integer_negacyclic_product(data):
    n = TOY.n
    big = data.draw(st.lists(st.integers(-(2**54) + 1, 2**54 - 1), min_size=n, max_size=n))
    small = data.draw(st.lists(st.integers(-1, 1), min_size=n, max_size=n))
    assert negacyclic_mul_exact(big, small) == schoolbook(big, small, None)
