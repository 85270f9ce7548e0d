"""BFV parameter sets: primality, congruences, security table, toy gating, noise budget."""

from __future__ import annotations

import dataclasses

import gmpy2
import pytest
from hypothesis import given, settings, strategies as st

from schemes.bfv import (DEFAULT, BfvParams, InsecureParametersError, InvalidParametersError,
                         NoiseBudgetError, num_chunks, params_digest, toy_params)
from schemes.bfv.budget import noise_limit
from schemes.bfv.params import INSECURE_ENV_VAR, is_prime


def _factor(n: int) -> dict:
    """Trial division (fine for the smooth q - 1 used here)."""
    out, d = {}, 2
    while d * d <= n:
        while n % d == 0:
            out[d] = out.get(d, 0) + 1
            n //= d
        d += 1
    if n > 1:
        out[n] = out.get(n, 0) + 1
    return out


def _lucas_prime_certificate(q: int) -> bool:
    """Lucas test: some a has order exactly q - 1 mod q  =>  q is prime."""
    factors = _factor(q - 1)
    assert all(gmpy2.is_prime(p) for p in factors)
    for a in range(2, 200):
        if pow(a, q - 1, q) == 1 and all(pow(a, (q - 1) // p, q) != 1 for p in factors):
            return True
    return False


def test_default_q_is_the_54_bit_ntt_prime():
    q = DEFAULT.q
    assert q == 18014398492704769 == 2**54 - 2**24 + 1
    assert q.bit_length() == 54
    assert _lucas_prime_certificate(q)
    assert gmpy2.is_prime(q)
    assert (q - 1) % (2 * DEFAULT.n) == 0 and DEFAULT.n == 2048


def test_default_is_within_the_he_standard_table():
    # HomomorphicEncryption.org standard v1.1, 128-bit classical, ternary secret: N = 2048 -> log q <= 54.
    assert DEFAULT.n == 2048 and DEFAULT.q.bit_length() <= 54
    assert DEFAULT.sigma == 3.2 and DEFAULT.error_bound == 19 == int(6 * 3.2)
    assert not DEFAULT.insecure


def test_default_derived_values():
    assert DEFAULT.t == 2**22
    assert DEFAULT.delta == DEFAULT.q // DEFAULT.t == 4294967292
    assert DEFAULT.t_residue == 1  # q = 2^54 - 2^24 + 1 = 1 mod 2^22
    assert DEFAULT.coeff_bytes == 7
    assert DEFAULT.score_index == 2047


def test_default_noise_budget_matches_the_formulas_of_the_spec():
    b = DEFAULT.noise_budget
    n, big_b, parties, l1 = 2048, 19, 3, 6144
    fresh = big_b * (2 * parties * n + 1)
    assert b.fresh == fresh == 233491
    assert b.dot_product == l1 * fresh == 1434568704
    assert b.mask == fresh
    assert b.limit == 2147483645
    assert b.flooding_per_party == (b.limit - b.dot_product - b.mask) // parties == 237560483
    assert b.total <= b.limit and b.slack < parties
    assert b.score_max == 2**21 - 1
    assert b.bias_max == 2**21 - 1 - 255 * l1 == 530431


@settings(max_examples=60, deadline=None)
@given(q=st.integers(3, 2**55), t=st.integers(2, 2**30))
def test_noise_limit_is_the_largest_admissible_noise(q, t):
    if t >= q:
        return
    lim = noise_limit(q, t)
    smax, r_t = (t - 1) // 2, q % t
    if lim >= 0:
        assert 2 * (t * lim + r_t * smax) < q
    assert 2 * (t * (lim + 1) + r_t * smax) >= q


def test_shapes_and_weight_budgets():
    assert num_chunks(DEFAULT, 28 * 28) == 1
    assert num_chunks(DEFAULT, 32 * 32 * 3) == 2
    assert num_chunks(DEFAULT, 2048) == 1 and num_chunks(DEFAULT, 2049) == 2
    assert DEFAULT.max_abs_weight(28 * 28) == 7
    assert DEFAULT.max_abs_weight(32 * 32 * 3) == 2
    assert DEFAULT.max_abs_weight(2048) == 3


def test_toy_requires_explicit_acknowledgement(monkeypatch):
    monkeypatch.delenv(INSECURE_ENV_VAR, raising=False)
    with pytest.raises(InsecureParametersError):
        toy_params()
    toy = toy_params(i_know_this_is_insecure=True)
    assert toy.insecure and toy.n == 64 and "INSECURE" in toy.name
    with pytest.raises(InsecureParametersError):  # direct construction is gated too
        dataclasses.replace(toy, name="sneaky")
    monkeypatch.setenv(INSECURE_ENV_VAR, "1")
    assert toy_params() == toy


def test_toy_q_is_prime_and_ntt_friendly():
    toy = toy_params(i_know_this_is_insecure=True)
    assert gmpy2.is_prime(toy.q) and toy.q % 128 == 1 and toy.q.bit_length() == 45
    assert toy.max_abs_weight(64) == 7


def test_secure_label_requires_the_table(monkeypatch):
    monkeypatch.delenv(INSECURE_ENV_VAR, raising=False)
    toy = toy_params(i_know_this_is_insecure=True)
    fields = {f.name: getattr(toy, f.name) for f in dataclasses.fields(toy)}
    fields.update(insecure=False, name="n64-claimed-secure")
    with pytest.raises(InsecureParametersError):
        BfvParams(**fields)
    with pytest.raises(InsecureParametersError):  # too-narrow error truncation
        dataclasses.replace(DEFAULT, error_bound=12)


@pytest.mark.parametrize("change, error", [
    ({"q": 4097}, InvalidParametersError),                          # 17 * 241, = 1 mod 4096
    ({"q": 1152921504606846883}, InvalidParametersError),          # 60-bit: above 2^55
    ({"n": 3000}, InvalidParametersError),                          # not a power of two
    ({"n": 2**26}, InvalidParametersError),                         # q = 1 mod 2^25 only, 2N = 2^27
    ({"t": 2**21}, NoiseBudgetError),                               # scores would wrap
    ({"weight_l1_max": 8300}, NoiseBudgetError),                    # 255 * 8300 > (t-1)/2
    ({"t": 2**23}, NoiseBudgetError),                               # limit 2^30 < dot-product noise
    ({"parties": 0}, InvalidParametersError),
    ({"t": True}, InvalidParametersError),
])
def test_invalid_parameter_sets_are_rejected(change, error):
    with pytest.raises(error):
        dataclasses.replace(DEFAULT, **change)


def test_q_congruence_is_checked():
    # 2^54 - 2^24 + 1 = 1 mod 2^24 but a prime that is 1 mod 2 only must be rejected for N = 2048.
    p = 18014398509481951  # largest prime below 2^54 (= 2^54 - 33), is 3 mod 4
    assert gmpy2.is_prime(p) and p % 4096 != 1
    with pytest.raises(InvalidParametersError, match="1 mod 2N"):
        dataclasses.replace(DEFAULT, q=p)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**62))
def test_is_prime_agrees_with_gmpy2(n):
    assert is_prime(n) == bool(gmpy2.is_prime(n))


def test_is_prime_on_strong_pseudoprimes():
    # strong pseudoprimes to several small bases (OEIS A014233 entries) and a Carmichael number
    for n in (2047, 1373653, 25326001, 3215031751, 2152302898747, 3474749660383,
              341550071728321, 3825123056546413051, 561):
        assert not is_prime(n)


def test_params_digest_is_stable_and_distinguishing():
    assert params_digest(DEFAULT) == params_digest(dataclasses.replace(DEFAULT))
    assert len(params_digest(DEFAULT)) == 32
    assert params_digest(DEFAULT) != params_digest(toy_params(i_know_this_is_insecure=True))
    assert params_digest(DEFAULT) != params_digest(dataclasses.replace(DEFAULT, name="other"))
