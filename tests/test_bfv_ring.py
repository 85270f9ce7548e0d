"""Exact arithmetic mod one RNS prime: the float64-quotient mulmod and the negacyclic NTT vs
independent products (every prime of every parameter set). The RNS layer on top is tested in
tests/test_bfv_rns.py."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemes.bfv import DEFAULT, leaky_2048_params, toy_params
from schemes.bfv.gadget import negacyclic_mul_exact
from schemes.bfv.ring import get_ring, mulmod

TOY = toy_params(i_know_this_is_insecure=True)
LEAKY = leaky_2048_params(i_know_this_leaks=True)
#: every (N, prime) pair the library uses
PRIMES = [(p.n, q) for p in (TOY, DEFAULT, LEAKY) for q in p.moduli]


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
@given(
    st.integers(2, 2**55 - 1).flatmap(
        lambda q: st.tuples(
            st.just(q), st.lists(st.tuples(st.integers(0, q - 1), st.integers(0, q - 1)), min_size=1, max_size=50)
        )
    )
)
def test_mulmod_is_exact(case):
    q, pairs = case
    a = _arr([x for x, _ in pairs] + [q - 1])
    b = _arr([y for _, y in pairs] + [q - 1])
    got = mulmod(a, b, q).tolist()
    assert got == [int(x) * int(y) % q for x, y in zip(a.tolist(), b.tolist())]


@pytest.mark.parametrize("q", sorted({q for _, q in PRIMES}))
def test_mulmod_extremes_of_every_prime(q):
    vals = [0, 1, 2, q - 1, q - 2, q // 2, q // 2 + 1, 2**53 % q, (2**53 + 1) % q, q - 2**24]
    a = _arr([x for x in vals for _ in vals])
    b = _arr([y for _ in vals for y in vals])
    assert mulmod(a, b, q).tolist() == [x * y % q for x in vals for y in vals]


@pytest.mark.parametrize("n, q", PRIMES)
def test_psi_is_a_primitive_2n_th_root(n, q):
    ring = get_ring(n, q)
    assert pow(ring.psi, n, q) == q - 1


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_ntt_product_equals_schoolbook_toy(data):
    n, q = TOY.n, data.draw(st.sampled_from(TOY.moduli))
    coeff = st.integers(0, q - 1)
    a = data.draw(st.lists(coeff, min_size=n, max_size=n))
    b = data.draw(st.lists(coeff, min_size=n, max_size=n))
    ring = get_ring(n, q)
    assert ring.mul(_arr(a), _arr(b)).tolist() == schoolbook(a, b, q)


@pytest.mark.parametrize("seed, q", [(1, DEFAULT.moduli[0]), (2, DEFAULT.moduli[1]), (3, LEAKY.moduli[0])])
def test_ntt_product_equals_independent_product_default(seed, q):
    rnd = random.Random(seed)
    n = DEFAULT.n if q in DEFAULT.moduli else LEAKY.n
    a = [rnd.randrange(q) for _ in range(n)]
    b = [rnd.randrange(q) for _ in range(n)]
    ring = get_ring(n, q)
    assert ring.mul(_arr(a), _arr(b)).tolist() == kronecker(a, b, q)


@pytest.mark.parametrize("q", DEFAULT.moduli)
def test_ntt_product_default_sparse_schoolbook(q):
    # a sparse operand keeps the O(N^2) definition cheap at N = 4096, wrap-around included
    n = DEFAULT.n
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


@pytest.mark.parametrize("n, q", PRIMES)
def test_x_to_the_n_is_minus_one(n, q):
    ring = get_ring(n, q)
    x = [0] * n
    x[1] = 1
    x_to_n_minus_1 = [0] * n
    x_to_n_minus_1[n - 1] = 1
    got = ring.mul(_arr(x), _arr(x_to_n_minus_1)).tolist()
    assert got == [q - 1] + [0] * (n - 1)


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_ntt_round_trip_and_linearity(data):
    n, q = TOY.n, data.draw(st.sampled_from(TOY.moduli))
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
    """The gadget's exact product, for coefficients as large as the packed pk0 + 2^S pk1 (2^240)."""
    n = TOY.n
    size = data.draw(st.sampled_from([2**54, 2**110, 2**240]))
    big = data.draw(st.lists(st.integers(-size + 1, size - 1), min_size=n, max_size=n))
    small = data.draw(st.lists(st.integers(-1, 1), min_size=n, max_size=n))
    assert negacyclic_mul_exact(big, small) == schoolbook(big, small, None)


def test_exact_integer_negacyclic_product_refuses_a_possible_wrap():
    with pytest.raises(ValueError):
        negacyclic_mul_exact([2**250] * 8, [1] * 8)
