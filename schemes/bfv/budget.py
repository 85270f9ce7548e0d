"""Worst-case noise budget of the reference scanner pipeline (see specs/bfv.md, "Noise budget").

Pipeline: fresh public-key encryptions of pixel chunks under an n-party joint key, a plaintext
dot product with signed integer weights ``w`` (``||w||_1 <= L1``, summed over chunks), a
plaintext bias, a masking encryption, and an n-party threshold decryption where each party
adds flooding noise uniform in ``[-F, F]``.

Worst-case bounds (honest committee: key shares ``|s_i| <= 1``, ``|e_i| <= B``; *any* sender
randomness the encryption relation admits: ``|u| <= 1``, ``|e0|, |e1| <= B``):

* fresh noise   ``v = e*u + e0 + e1*s``,  ``|v|_inf <= n_par*N*B + B + N*B*n_par = B (2 n_par N + 1)``
* dot product   ``|(w*v)_k| <= ||w||_1 |v|_inf <= L1 * B (2 n_par N + 1)``
* mask          one more fresh encryption: ``+ B (2 n_par N + 1)``
* flooding      ``+ n_par * F``

Decryption of coefficient k with integer plaintext ``P_k`` and noise ``V`` is correct iff
``t |V| + r_t |P_k| < q/2`` where ``r_t = q mod t`` (see :func:`noise_limit`). With
``|P_k| <= (t-1)/2`` the largest admissible ``V`` is ``noise_limit``, and the flooding bound
``F`` is whatever the limit leaves after the other terms, split among the parties.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NoiseBudget", "compute_noise_budget", "fresh_noise_bound", "noise_limit"]


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


@dataclass(frozen=True)
class NoiseBudget:
    """All terms of the worst-case budget (integers, in units of the noise coefficient)."""

    fresh: int          #: B (2 n_par N + 1)
    dot_product: int    #: L1 * fresh
    mask: int           #: fresh (the masking encryption)
    flooding_per_party: int  #: F
    flooding_total: int      #: n_par * F
    total: int          #: dot_product + mask + flooding_total
    limit: int          #: noise_limit(q, t)
    score_max: int      #: (t - 1) // 2 : largest |score + bias| that does not wrap mod t
    bias_max: int       #: score_max - pixel_max * L1

    @property
    def slack(self) -> int:
        """``limit - total`` (>= 0 for a valid parameter set)."""
        return self.limit - self.total


def compute_noise_budget(n: int, q: int, t: int, error_bound: int, parties: int,
                         weight_l1_max: int, pixel_max: int) -> NoiseBudget:
    """The budget for the given numbers; ``flooding_per_party`` may come out < 1 (invalid set)."""
    fresh = fresh_noise_bound(n, error_bound, parties)
    dot = weight_l1_max * fresh
    limit = noise_limit(q, t)
    flood = (limit - dot - fresh) // parties
    score_max = (t - 1) // 2
    return NoiseBudget(
        fresh=fresh, dot_product=dot, mask=fresh, flooding_per_party=flood,
        flooding_total=parties * flood, total=dot + fresh + parties * flood, limit=limit,
        score_max=score_max, bias_max=score_max - pixel_max * weight_l1_max,
    )
