"""BFV parameter sets: primality, congruences, security table, toy gating, noise budget."""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import gmpy2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemes.bfv import (
    DEFAULT,
    BfvParams,
    InsecureParametersError,
    InvalidParametersError,
    NoiseBudgetError,
    leaky_2048_params,
    num_chunks,
    params_digest,
    toy_params,
)
from schemes.bfv.budget import log2_fraction, noise_limit
from schemes.bfv.params import INSECURE_ENV_VAR, is_prime, security_problem


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


Q1, Q2 = 25476206438645761, 25476206405091329
SQRT_2_109 = math.isqrt(2**109)  # floor(2^54.5)


def test_default_moduli_are_the_two_largest_ntt_primes_below_2_to_54_5():
    """specs/bfv.md section 2: q1, q2 are the two largest primes p < 2^54.5 with p = 1 mod 2^24."""
    assert DEFAULT.moduli == (Q1, Q2) and DEFAULT.n == 4096
    for q in (Q1, Q2):
        assert _lucas_prime_certificate(q) and gmpy2.is_prime(q)
        assert q % 2**24 == 1 and (q - 1) % (2 * DEFAULT.n) == 0 and q < 2**55
        assert q * q < 2**109
    # nothing of the form 1 + j 2^24 between Q1 and 2^54.5, or between Q2 and Q1, is prime
    for p in range(Q1 + 2**24, SQRT_2_109 + 1, 2**24):
        assert not gmpy2.is_prime(p)
    assert all(not gmpy2.is_prime(p) for p in range(Q2 + 2**24, Q1, 2**24))
    assert DEFAULT.q == Q1 * Q2 and DEFAULT.q.bit_length() == 109


def test_default_is_within_the_he_standard_table():
    # HomomorphicEncryption.org standard v1.1, 128-bit classical, ternary secret: N = 4096 -> log q <= 109.
    assert DEFAULT.n == 4096 and DEFAULT.q.bit_length() <= 109
    assert DEFAULT.sigma == 3.2 and DEFAULT.error_bound == 19 == int(6 * 3.2)
    assert not DEFAULT.insecure


def test_default_derived_values():
    assert DEFAULT.t == 2**23
    assert DEFAULT.delta == (Q1 * Q2) // 2**23
    assert DEFAULT.t_residue == 1  # both primes are 1 mod 2^24
    assert DEFAULT.coeff_bytes == 14 and DEFAULT.residue_bytes == 7
    assert DEFAULT.score_index == 4095


def test_default_noise_budget_matches_the_formulas_of_the_spec():
    b = DEFAULT.noise_budget
    n, big_b, parties, l1, t, q = 4096, 19, 3, 12288, 2**23, Q1 * Q2
    fresh = big_b * (2 * parties * n + 1)
    assert b.fresh == fresh == 466963
    assert b.dot_product == l1 * fresh == 5738041344
    assert b.mask == fresh and b.worst_case == (l1 + 1) * fresh == 5738508307
    # the largest V with t V + r_t (t - 1)/2 < q/2, r_t = 1
    limit = (q - (t - 1) - 1) // (2 * t)
    assert 2 * (t * limit + (t - 1) // 2) < q <= 2 * (t * (limit + 1) + (t - 1) // 2)
    assert b.limit == limit
    assert b.flooding_per_party == (limit - b.worst_case) // parties == 12895208471013228020984746
    assert b.total <= b.limit and b.slack < parties
    assert b.score_max == 2**22 - 1
    assert b.bias_max == 2**22 - 1 - 255 * l1 == 1060863


def test_default_flooding_targets():
    """Worst case per decryption <= 2^-48 and a budget >= 2^18 (the targets of the issue)."""
    b = DEFAULT.noise_budget
    sd = Fraction(b.worst_case, 2 * b.flooding_per_party + 1)
    assert DEFAULT.sd_per_decryption == sd and sd <= Fraction(1, 2**48)
    assert abs(DEFAULT.log2_sd_per_decryption - math.log2(b.worst_case / (2 * b.flooding_per_party + 1))) < 1e-9
    budget = DEFAULT.decryption_budget
    assert budget * sd <= Fraction(1, 2**30) < (budget + 1) * sd
    assert budget == 4185616 and budget >= 2**18


def test_log2_fraction_is_accurate_for_big_operands():
    for num, den in ((1, 3), (2**200 + 1, 3**90), (5738508307, 2 * 12895208471013228020984746 + 1)):
        assert abs(log2_fraction(Fraction(num, den)) - (math.log2(num) - math.log2(den))) < 1e-9


@settings(max_examples=60, deadline=None)
@given(q=st.integers(3, 2**110), t=st.integers(2, 2**30))
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
    assert num_chunks(DEFAULT, 32 * 32 * 3) == 1
    assert num_chunks(DEFAULT, 4096) == 1 and num_chunks(DEFAULT, 4097) == 2
    assert DEFAULT.max_abs_weight(28 * 28) == 15
    assert DEFAULT.max_abs_weight(32 * 32 * 3) == 4
    assert DEFAULT.max_abs_weight(4096) == 3


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


def test_toy_moduli_are_prime_and_ntt_friendly():
    toy = toy_params(i_know_this_is_insecure=True)
    assert len(toy.moduli) == 2 and toy.q.bit_length() == 88
    for q in toy.moduli:
        assert gmpy2.is_prime(q) and q % 2**18 == 1 and q < 2**44
    assert toy.max_abs_weight(64) == 7
    assert toy.decryption_budget > 2**16  # room for the tests, far from a security claim


def test_leaky_set_is_opt_in_and_has_no_decryption_budget(monkeypatch):
    monkeypatch.delenv(INSECURE_ENV_VAR, raising=False)
    with pytest.raises(InsecureParametersError, match="LEAKS"):
        leaky_2048_params()
    leaky = leaky_2048_params(i_know_this_leaks=True)
    assert leaky.insecure and "LEAKY" in leaky.name and leaky.n == 2048
    (q,) = leaky.moduli
    assert q == 18014398492704769 == 2**54 - 2**24 + 1 and _lucas_prime_certificate(q)
    # RLWE-wise it is in the table; flooding-wise it gives nothing: V > 2F + 1
    assert security_problem(leaky) is not None and "statistical distance" in security_problem(leaky)
    b = leaky.noise_budget
    assert b.worst_case > 2 * b.flooding_per_party + 1
    assert leaky.sd_per_decryption == 1 and leaky.decryption_budget == 0
    with pytest.raises(InsecureParametersError):  # it cannot be relabelled secure
        dataclasses.replace(leaky, insecure=False)


def test_secure_label_requires_the_table(monkeypatch):
    monkeypatch.delenv(INSECURE_ENV_VAR, raising=False)
    toy = toy_params(i_know_this_is_insecure=True)
    fields = {f.name: getattr(toy, f.name) for f in dataclasses.fields(toy)}
    fields.update(insecure=False, name="n64-claimed-secure")
    with pytest.raises(InsecureParametersError):
        BfvParams(**fields)
    with pytest.raises(InsecureParametersError):  # too-narrow error truncation
        dataclasses.replace(DEFAULT, error_bound=12)
    # log2 q = 110 > 109 for N = 4096 (a third prime pushes q over the table)
    big = 36028796800860161  # the largest prime < 2^55 that is 1 mod 2^24
    assert gmpy2.is_prime(big) and big % 2**24 == 1
    with pytest.raises(InsecureParametersError, match="exceeds 109"):
        dataclasses.replace(DEFAULT, moduli=(big, Q1))


def test_secure_label_requires_the_flooding_target(monkeypatch):
    """One 55-bit prime at N = 4096 is in the table but cannot flood to 2^-48: refused."""
    monkeypatch.delenv(INSECURE_ENV_VAR, raising=False)
    with pytest.raises(InsecureParametersError, match="statistical distance"):
        dataclasses.replace(DEFAULT, moduli=(Q1,), t=2**12, weight_l1_max=8)


@pytest.mark.parametrize(
    "change, error",
    [
        ({"moduli": (Q1, 8193)}, InvalidParametersError),  # 3 * 2731, = 1 mod 8192
        ({"moduli": (Q1, 1152921504606904321)}, InvalidParametersError),  # 61 bits: above 2^55
        ({"moduli": (Q1, Q1)}, InvalidParametersError),  # not distinct
        ({"moduli": ()}, InvalidParametersError),
        ({"moduli": Q1}, InvalidParametersError),  # not a tuple
        ({"n": 3000}, InvalidParametersError),  # not a power of two
        ({"n": 2**26}, InvalidParametersError),  # q_i = 1 mod 2^24 only, 2N = 2^27
        ({"t": 2**22}, NoiseBudgetError),  # scores would wrap
        ({"weight_l1_max": 16500}, NoiseBudgetError),  # 255 * 16500 > (t-1)/2
        ({"t": 2**80}, NoiseBudgetError),  # limit 2^28 < worst-case noise
        ({"parties": 0}, InvalidParametersError),
        ({"t": True}, InvalidParametersError),
    ],
)
def test_invalid_parameter_sets_are_rejected(change, error):
    with pytest.raises(error):
        dataclasses.replace(DEFAULT, **change)


def test_q_congruence_is_checked():
    # a prime below 2^55 that is 1 mod 4096 but not 1 mod 8192 must be rejected for N = 4096
    p = next(p for p in range(Q2 - 4096, 0, -8192) if gmpy2.is_prime(p))
    assert p % 4096 == 1 and p % 8192 != 1
    with pytest.raises(InvalidParametersError, match="1 mod 2N"):
        dataclasses.replace(DEFAULT, moduli=(Q1, p))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**62))
def test_is_prime_agrees_with_gmpy2(n):
    assert is_prime(n) == bool(gmpy2.is_prime(n))


def test_is_prime_on_strong_pseudoprimes():
    # strong pseudoprimes to several small bases (OEIS A014233 entries) and a Carmichael number
    for n in (
        2047,
        1373653,
        25326001,
        3215031751,
        2152302898747,
        3474749660383,
        341550071728321,
        3825123056546413051,
        561,
    ):
        assert not is_prime(n)


def test_params_digest_is_stable_and_distinguishing():
    assert params_digest(DEFAULT) == params_digest(dataclasses.replace(DEFAULT))
    assert len(params_digest(DEFAULT)) == 32
    assert params_digest(DEFAULT) != params_digest(toy_params(i_know_this_is_insecure=True))
    assert params_digest(DEFAULT) != params_digest(dataclasses.replace(DEFAULT, name="other"))
    assert params_digest(DEFAULT) != params_digest(leaky_2048_params(i_know_this_leaks=True))
    assert params_digest(DEFAULT) != params_digest(dataclasses.replace(DEFAULT, moduli=(Q2, Q1)))
