"""Batch verification of many proofs under one key: a random linear combination checked with
one multi-Miller loop and one final exponentiation.

For proofs ``(A_i, B_i, C_i)`` with public-input combinations ``S_i`` and independent uniform
``r_i`` in [1, 2^128), every proof is valid iff (except with probability about 2^-128 over the
``r_i``)

    prod_i e(r_i A_i, B_i) * e(sum_i r_i S_i, -gamma) * e(sum_i r_i C_i, -delta)
        * e(-(sum_i r_i) alpha, beta) == 1.

``sum_i r_i S_i = (sum_i r_i) ic[0] + sum_j (sum_i r_i x_ij) ic[j]`` is a single MSM over the
key's ``ic``. Cost: n + 3 Miller loops, one final exponentiation, two MSMs, n 128-bit scalar
multiplications. A failed batch does not say which proof is bad; callers that need that
fall back to :func:`.verifier.verify` per proof.
"""

from __future__ import annotations

import secrets
from typing import Callable, Sequence

from ..bn254.curve import g1_mul, g1_neg
from ..bn254.fields import R
from ..bn254.msm import msm_g1
from ..bn254.pairing import FP12_ONE, final_exponentiation, multi_miller_loop, prepare_g2
from ..bn254.tower import fp12_eq
from .data_structures import PreparedVerifyingKey, Proof
from .errors import InvalidProof
from .verifier import _check_proof_points, _check_public_inputs

__all__ = ["verify_batch"]


def verify_batch(pvk: PreparedVerifyingKey, items: Sequence[tuple[Sequence[int], Proof]], *,
                 randomness: Callable[[], int] | None = None) -> None:
    """Return None if every ``(public_inputs, proof)`` in ``items`` is valid, else raise
    :class:`InvalidProof`. Malformed inputs are rejected with the reason and the item index.

    ``randomness`` (tests only) replaces the CSPRNG that draws each ``r_i``.
    """
    if not isinstance(pvk, PreparedVerifyingKey):
        raise TypeError("verify_batch needs a PreparedVerifyingKey (see prepare_verifying_key)")
    vk = pvk.vk
    draw = randomness or (lambda: 1 + secrets.randbelow((1 << 128) - 1))
    if not items:
        return
    checked = []
    for i, item in enumerate(items):
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise InvalidProof(f"item {i}: expected a (public_inputs, proof) pair")
        public_inputs, proof = item
        try:
            xs = _check_public_inputs(vk.num_public, public_inputs)
            _check_proof_points(proof)
        except InvalidProof as exc:
            raise InvalidProof(f"item {i}: {exc}") from None
        checked.append((xs, proof))

    rs = [draw() % R for _ in checked]
    if any(r == 0 for r in rs):
        raise ValueError("batch randomness must be non-zero")
    r_sum = sum(rs) % R
    ic_scalars = [r_sum] + [sum(r * xs[j] for r, (xs, _) in zip(rs, checked)) % R for j in range(vk.num_public)]
    s = msm_g1(list(vk.ic), ic_scalars)
    c = msm_g1([p.c for _, p in checked], rs)
    pairs = [(g1_mul(p.a, r), p.b) for r, (_, p) in zip(rs, checked)]
    pairs += [(s, pvk.neg_gamma_g2), (c, pvk.neg_delta_g2),
              (g1_mul(g1_neg(vk.alpha_g1), r_sum), prepare_g2(vk.beta_g2))]
    if not fp12_eq(final_exponentiation(multi_miller_loop(pairs)), FP12_ONE):
        raise InvalidProof("the batched pairing equation does not hold (at least one proof is invalid)")
