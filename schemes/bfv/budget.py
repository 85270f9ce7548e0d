"""Worst-case noise budget, flooding bound and decryption budget (specs/bfv.md section 8).

Pipeline: fresh public-key encryptions of pixel chunks under an n-party joint key, a plaintext
dot product with signed integer weights ``w`` (``||w||_1 <= L1``, summed over chunks), a
plaintext bias, a masking encryption, and an n-party threshold decryption of the score
coefficient N-1 where each party adds flooding noise uniform in ``[-F, F]``.

Worst-case bounds (honest committee: key shares ``|s_i| <= 1``, ``|e_i| <= B``; *any* sender
randomness the encryption relation admits: ``|u| <= 1``, ``|e0|, |e1| <= B``):

* fresh noise   ``v = e*u + e0 + e1*s``,  ``|v|_inf <= n_par*N*B + B + N*B*n_par = B (2 n_par N + 1)``
* dot product   ``|(w*v)_k| <= ||w||_1 |v|_inf <= L1 * B (2 n_par N + 1)``
* mask          one more fresh encryption: ``+ B (2 n_par N + 1)``
* worst case    ``V = (L1 + 1) B (2 n_par N + 1)``
* flooding      ``+ n_par * F``

Decryption of coefficient k with integer plaintext ``P_k`` and noise ``V`` is correct iff
``t |V| + r_t |P_k| < q/2`` where ``r_t = q mod t`` (see :func:`noise_limit`). With
``|P_k| <= (t-1)/2`` the largest admissible noise is ``noise_limit``, and the flooding bound
is ``F = floor((noise_limit - V) / n_par)``: decryption is correct for ``V`` plus ``n_par F``.

Statistical distance. The decryption of the score reveals ``Delta P + v + sum_i E_i``. Against
the sender and any ``n_par - 1`` colluding members, one honest member's ``E_i`` (uniform on
``[-F, F]``, ``2F + 1`` values) hides ``v``: the real and the simulated views differ by the
shift ``v``, and ``SD(E, E + v) = |v| / (2F + 1)`` exactly for ``|v| <= 2F + 1``. With
``|v| <= V`` the distance per decryption is at most ``V / (2F + 1)``; over ``D`` decryptions it
is at most ``D V / (2F + 1)`` (hybrid argument). The decryption budget is the largest ``D`` with
``D V / (2F + 1) <= 2^-30``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "NoiseBudget",
    "compute_noise_budget",
    "fresh_noise_bound",
    "noise_limit",
    "LOG2_SD_TARGET",
    "LOG2_CUMULATIVE_SD",
    "MIN_DECRYPTION_BUDGET",
    "log2_fraction",
]

#: Largest log2 of the worst-case statistical distance per decryption a secure set may have.
LOG2_SD_TARGET = -48
#: The cumulative statistical distance per committee key at which the key must be rotated.
LOG2_CUMULATIVE_SD = -30
#: The smallest decryption budget a secure set may have.
MIN_DECRYPTION_BUDGET = 1 << 18


def fresh_noise_bound(n: int, error_bound: int, parties: int) -> int:
    """``B (2 n_par N + 1)``: worst-case ``|e*u + e0 + e1*s|_inf`` for a fresh encryption."""
    return error_bound * (2 * parties * n + 1)


def noise_limit(q: int, t: int) -> int:
    """Largest integer ``V`` with ``t V + (q mod t) (t-1)/2 < q/2``.

    Any coefficient whose integer plaintext ``P`` has ``|P| <= (t-1)/2`` and whose noise has
    ``|V| <= noise_limit`` decrypts to ``P mod t``.
    """
    r_t = q % t
    score_max = (t - 1) // 2
    # 2 t V < q - 2 r_t score_max  <=>  2 t V <= q - 2 r_t score_max - 1
    return (q - 2 * r_t * score_max - 1) // (2 * t)


def log2_fraction(x: Fraction) -> float:
    """log2 of a positive rational, accurate for numerators and denominators of any size."""
    if x <= 0:
        raise ValueError("log2 of a non-positive number")
    num, den = x.numerator, x.denominator
    a, b = max(0, num.bit_length() - 64), max(0, den.bit_length() - 64)
    return a - b + math.log2((num >> a) / (den >> b))


@dataclass(frozen=True)
class NoiseBudget:
    """All terms of the worst-case budget (integers, in units of the noise coefficient)."""

    fresh: int  #: B (2 n_par N + 1)
    dot_product: int  #: L1 * fresh
    mask: int  #: fresh (the masking encryption)
    worst_case: int  #: V = dot_product + mask: largest |noise| of the decrypted score coefficient
    flooding_per_party: int  #: F
    flooding_total: int  #: n_par * F
    total: int  #: worst_case + flooding_total
    limit: int  #: noise_limit(q, t)
    score_max: int  #: (t - 1) // 2 : largest |score + bias| that does not wrap mod t
    bias_max: int  #: score_max - pixel_max * L1

    @property
    def slack(self) -> int:
        """``limit - total`` (>= 0 for a valid parameter set)."""
        return self.limit - self.total

    @property
    def sd_per_decryption(self) -> Fraction:
        """``min(1, V / (2F + 1))``: the worst-case statistical distance of one decryption."""
        if self.flooding_per_party < 0:
            return Fraction(1)
        return min(Fraction(1), Fraction(self.worst_case, 2 * self.flooding_per_party + 1))

    @property
    def log2_sd_per_decryption(self) -> float:
        """log2 of :attr:`sd_per_decryption` (0.0 when the bound gives nothing)."""
        return log2_fraction(self.sd_per_decryption)

    @property
    def decryption_budget(self) -> int:
        """Largest D with ``D V / (2F + 1) <= 2^-30``: ``floor((2F + 1) / (V 2^30))`` (0 if none)."""
        if self.flooding_per_party < 0:
            return 0
        return (2 * self.flooding_per_party + 1) // (self.worst_case << -LOG2_CUMULATIVE_SD)


def compute_noise_budget(
    n: int, q: int, t: int, error_bound: int, parties: int, weight_l1_max: int, pixel_max: int
) -> NoiseBudget:
    """The budget for the given numbers; ``flooding_per_party`` may come out < 1 (invalid set)."""
    fresh = fresh_noise_bound(n, error_bound, parties)
    dot = weight_l1_max * fresh
    worst = dot + fresh
    limit = noise_limit(q, t)
    flood = (limit - worst) // parties
    score_max = (t - 1) // 2
    return NoiseBudget(
        fresh=fresh,
        dot_product=dot,
        mask=fresh,
        worst_case=worst,
        flooding_per_party=flood,
        flooding_total=parties * flood,
        total=worst + parties * flood,
        limit=limit,
        score_max=score_max,
        bias_max=score_max - pixel_max * weight_l1_max,
    )
