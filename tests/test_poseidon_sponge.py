"""The domain-separated sponge of specs/poseidon.md, checked against its definition.

The definition is restated here with :func:`permute`, whose width-17 instance is validated
by the circomlibjs vectors (``poseidon`` of 16 inputs is ``permute([0] + inputs)[0]``).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemes.bn254.fields import R
from schemes.poseidon import InvalidFieldElement, permute, poseidon, poseidon_sponge

TWO64 = 1 << 64

# Test vectors stated in specs/poseidon.md ("Sponge test vectors").
SPEC_VECTORS = [
    ([], 0, 6961025786505490270790487869888725702980364259855350215456397845563605340881),
    (list(range(1, 17)), 1, 1669923925342329011190897339549867982022818692550424951958706430633311068770),
    (list(range(1, 21)), 1, 8054905488397049115422623692501583161046361246423196482505240543519283810410),
]


def sponge_by_definition(inputs, domain):
    state = [domain + len(inputs) * TWO64] + [0] * 16
    chunks = [inputs[i : i + 16] for i in range(0, len(inputs), 16)] or [[]]
    for chunk in chunks:
        for k, x in enumerate(chunk):
            state[1 + k] = (state[1 + k] + x) % R
        state = permute(state)
    return state[0]


@pytest.mark.parametrize("inputs,domain,expected", SPEC_VECTORS, ids=["empty", "16", "20"])
def test_spec_vectors(inputs, domain, expected):
    assert sponge_by_definition(inputs, domain) == expected
    assert poseidon_sponge(inputs, domain) == expected


def test_one_chunk_is_poseidonex_permutation():
    """One full chunk = circomlib PoseidonEx(16, 1) with initialState = domain + 16 * 2^64."""
    xs = [(7**i) % R for i in range(16)]
    assert poseidon_sponge(xs, 5) == permute([5 + 16 * TWO64, *xs])[0]


def test_relation_to_circomlib_hash():
    """With capacity 0 the permutation is circomlib's Poseidon(16); the sponge never has
    capacity 0 for a non-empty input, so it is domain-separated from poseidon()."""
    xs = list(range(16))
    assert permute([0, *xs])[0] == poseidon(xs)
    assert poseidon_sponge(xs, 0) != poseidon(xs)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, int(R) - 1), max_size=40), st.integers(0, TWO64 - 1))
def test_matches_definition(xs, domain):
    assert poseidon_sponge(xs, domain) == sponge_by_definition(xs, domain)


def test_length_and_domain_separate():
    assert poseidon_sponge([1], 0) != poseidon_sponge([1, 0], 0)  # zero padding is not ambiguous
    assert poseidon_sponge([], 0) != poseidon_sponge([0], 0)
    assert poseidon_sponge([1, 2], 0) != poseidon_sponge([1, 2], 1)


@pytest.mark.parametrize("domain", [-1, TWO64, TWO64 + 1])
def test_domain_out_of_range(domain):
    with pytest.raises(ValueError, match="domain"):
        poseidon_sponge([1], domain)


@pytest.mark.parametrize("domain", [1.0, True, "1"])
def test_domain_type(domain):
    with pytest.raises(TypeError):
        poseidon_sponge([1], domain)


def test_non_canonical_input():
    with pytest.raises(InvalidFieldElement):
        poseidon_sponge([int(R)], 0)
