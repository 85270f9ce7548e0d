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
from collections.abc import Callable, Sequence

from .. import _native
from ..bn254.fields import R
from ..bn254.vectors import scalars_to_bytes
from .data_structures import PreparedVerifyingKey, Proof
from .errors import InvalidProof
from .verifier import encode_statement

__all__ = ["verify_batch"]


def verify_batch(
    pvk: PreparedVerifyingKey,
    items: Sequence[tuple[Sequence[int], Proof]],
    *,
    randomness: Callable[[], int] | None = None,
) -> None:
    """Return None if every ``(public_inputs, proof)`` in ``items`` is valid, else raise
    :class:`InvalidProof`. Malformed inputs are rejected with the reason and the item index.

    ``randomness`` (tests only) replaces the CSPRNG that draws each ``r_i``.
    """
    if not isinstance(pvk, PreparedVerifyingKey):
        raise TypeError("verify_batch needs a PreparedVerifyingKey (see prepare_verifying_key)")
    draw = randomness or (lambda: 1 + secrets.randbelow((1 << 128) - 1))
    if not items:
        return
    statements = []
    for i, item in enumerate(items):
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise InvalidProof(f"item {i}: expected a (public_inputs, proof) pair")
        try:
            statements.append(encode_statement(pvk, *item))
        except InvalidProof as exc:
            raise InvalidProof(f"item {i}: {exc}") from None
    rs = [draw() % R for _ in statements]
    if any(r == 0 for r in rs):
        raise ValueError("batch randomness must be non-zero")
    try:
        ok = pvk.native.verify_batch(statements, scalars_to_bytes(rs))
    except _native.DecodeError as exc:
        raise InvalidProof(str(exc)) from None
    if not ok:
        raise InvalidProof("the batched pairing equation does not hold (at least one proof is invalid)")
