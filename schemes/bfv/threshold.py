"""n-of-n threshold decryption with flooding noise.

Party i publishes ``d_i = ct1 * s_i + E_i (mod q)`` with ``E_i`` uniform in ``[-F, F]``
coefficient-wise, ``F = params.flood_bound``. Anyone combines

    x = ct0 + sum_i d_i = Delta*P + v + sum_i E_i   (mod q)

and decodes ``round(t x / q) mod t``. The flooding terms are what stops the published
``x`` from revealing the noise ``v`` (which depends on the secret key); how much they hide
with a 54-bit q is discussed in specs/bfv.md ("Flooding and its statistical security").
Every party must take part: a missing partial decryption leaves ``ct1 * s_i`` in ``x`` and
the result is garbage (n-of-n, no robustness).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ._validate import as_int_tuple, residues_mod_q, small_signed
from .encryption import Ciphertext, ciphertext_residues, decode_coefficients
from .errors import InvalidCiphertextError, InvalidKeyError
from .keys import SecretKeyShare
from .params import BfvParams
from .ring import get_ring
from .sampling import RandomSource, resolve_rng, sample_uniform_signed

__all__ = ["PartialDecryption", "partial_decrypt", "combine_partial_decryptions"]


@dataclass(frozen=True)
class PartialDecryption:
    """Party ``party``'s share ``d_i = ct1 * s_i + E_i`` of one ciphertext (residues mod q)."""

    party: int
    d: tuple


def partial_decrypt(params: BfvParams, share: SecretKeyShare, ct: Ciphertext,
                    rng: RandomSource | None = None) -> PartialDecryption:
    """``ct1 * s_i + E_i`` with fresh flooding noise ``E_i`` uniform in [-F, F]^N."""
    rng = resolve_rng(rng)
    ring = get_ring(params.n, params.q)
    _, c1 = ciphertext_residues(params, ct)
    s = small_signed(params, share.s, 1, f"secret share {share.party}", InvalidKeyError)
    flood = sample_uniform_signed(rng, params.n, params.flood_bound)
    d = ring.add(ring.mul(c1, ring.residues(s.tolist())), ring.residues(flood.tolist()))
    return PartialDecryption(share.party, as_int_tuple(d))


def combine_partial_decryptions(params: BfvParams, ct: Ciphertext,
                                partials: Sequence[PartialDecryption]) -> list:
    """Plaintext coefficients in [0, t) from the partial decryptions of parties 0..n-1."""
    parties = sorted(p.party for p in partials)
    if not parties or parties != list(range(len(parties))) or len(parties) > params.parties:
        raise InvalidKeyError(
            f"need exactly one partial decryption from each of parties 0..n-1 (n <= {params.parties}), got {parties}")
    ring = get_ring(params.n, params.q)
    c0, _ = ciphertext_residues(params, ct)
    x = c0
    for p in partials:
        x = ring.add(x, residues_mod_q(params, p.d, f"partial decryption {p.party}", InvalidCiphertextError))
    return decode_coefficients(params, x)
