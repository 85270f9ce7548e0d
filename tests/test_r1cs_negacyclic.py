"""Kronecker-substitution negacyclic products against schoolbook multiplication mod X^N + 1."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemes.bn254.fields import R
from schemes.r1cs.negacyclic import negacyclic_matrix_entry, negacyclic_mul, transpose_poly

R = int(R)


def schoolbook_negacyclic(p, x):
    """Multiply p(X) x(X) over the integers, then fold X^N = -1 and reduce mod R."""
    n = len(p)
    prod = [0] * (2 * n - 1)
    for i, pi in enumerate(p):
        for j, xj in enumerate(x):
            prod[i + j] += pi * xj
    return [(prod[k] - (prod[k + n] if k + n < len(prod) else 0)) % R for k in range(n)]


def field_vec(rng, n):
    pool = [0, 1, 2, R - 1, R - 2, (R - 1) // 2]
    return [rng.choice(pool) if rng.random() < 0.2 else rng.randrange(R) for _ in range(n)]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 64, 128])
def test_matches_schoolbook_full_size_elements(n):
    rng = random.Random(n)
    for _ in range(3):
        p, x = field_vec(rng, n), field_vec(rng, n)
        assert negacyclic_mul(p, x) == schoolbook_negacyclic(p, x)


def test_extreme_values_do_not_overflow_slots():
    n = 64
    p = [R - 1] * n
    x = [R - 1] * n
    assert negacyclic_mul(p, x) == schoolbook_negacyclic(p, x)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 16).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(-(2**300), 2**300), min_size=n, max_size=n),
            st.lists(st.integers(0, R - 1), min_size=n, max_size=n),
        )
    )
)
def test_signed_and_oversized_polynomials_are_reduced(px):
    p, x = px
    assert negacyclic_mul(p, x) == schoolbook_negacyclic([v % R for v in p], x)


def test_matrix_entry_definition():
    # M[i][j] = p[i-j] for j <= i and -p[N+i-j] for j > i: the matrix of multiplication by p.
    rng = random.Random(7)
    n = 6
    p = field_vec(rng, n)
    for j in range(n):
        e_j = [1 if k == j else 0 for k in range(n)]
        column = schoolbook_negacyclic(p, e_j)  # p * X^j
        assert column == [negacyclic_matrix_entry(p, i, j) for i in range(n)]


@pytest.mark.parametrize("n", [1, 2, 7, 32])
def test_transpose_poly_gives_the_transposed_matrix(n):
    rng = random.Random(100 + n)
    p = field_vec(rng, n)
    pt = transpose_poly(p)
    for i in range(n):
        for j in range(n):
            assert negacyclic_matrix_entry(pt, j, i) == negacyclic_matrix_entry(p, i, j)
    y = field_vec(rng, n)
    naive = [sum(negacyclic_matrix_entry(p, i, j) * y[i] for i in range(n)) % R for j in range(n)]
    assert negacyclic_mul(pt, y) == naive


def test_length_mismatch_rejected():
    with pytest.raises(ValueError):
        negacyclic_mul([1, 2], [1])
    with pytest.raises(ValueError):
        negacyclic_mul([], [])
