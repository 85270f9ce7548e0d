"""Noise measurement (needs the secret key: tests, audits and parameter studies only).

For a ciphertext that encrypts the *integer* polynomial ``P`` (e.g. ``m*w + bias``, before any
reduction mod t), the noise is ``v = [c0 + c1*s - Delta*P]_q`` in (-q/2, q/2]. Decryption of
coefficient k is correct iff ``t |v_k| + (q mod t) |P_k| < q/2`` (:func:`decryption_is_correct`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ._validate import rns_ring, small_signed
from .encryption import Ciphertext, ciphertext_residues
from .errors import InvalidKeyError
from .keys import SecretKey
from .params import BfvParams

__all__ = ["decryption_noise", "decryption_is_correct"]


def decryption_noise(params: BfvParams, sk: SecretKey, ct: Ciphertext, plaintext: Sequence[int]) -> list[int]:
    """``[c0 + c1*s - Delta*P]_q`` centered, for the integer plaintext ``P`` (length <= N, signed)."""
    ring = rns_ring(params)
    c0, c1 = ciphertext_residues(params, ct)
    s = small_signed(params, sk.s, params.parties, "secret key", InvalidKeyError)
    p = [int(v) for v in plaintext] + [0] * (params.n - len(plaintext))
    if len(p) != params.n:
        raise ValueError(f"plaintext longer than N = {params.n}")
    x = ring.sub(ring.add(c0, ring.mul(c1, ring.from_small(s))), ring.from_ints([params.delta * v for v in p]))
    return ring.centered(x)


def decryption_is_correct(params: BfvParams, noise: int, plaintext: int) -> bool:
    """The exact rounding condition ``t |v| + (q mod t) |P| < q/2`` for one coefficient."""
    return 2 * (params.t * abs(noise) + params.t_residue * abs(plaintext)) < params.q
