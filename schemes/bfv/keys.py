"""Key generation: single-party and n-of-n threshold (common random polynomial ``a``).

Single party:  ``s <- ternary``, ``e <- chi_B``, ``a <- U(R_q)``, ``pk = (-a*s + e, a)``.

All arithmetic is in RNS (:mod:`.rns`): ``a`` is drawn as one uniform residue row per prime,
and keys are stored as coefficients in [0, q) (Python ints).

Threshold (n parties, n <= params.parties): a public seed expands to ``a`` (SHAKE256);
party i draws ``s_i <- ternary``, ``e_i <- chi_B`` and publishes ``b_i = -a*s_i + e_i``. The
joint key is ``pk = (sum_i b_i, a) = (-a*s + e, a)`` for ``s = sum s_i``, ``e = sum e_i``
(so ``|s|_inf <= n``, ``|e|_inf <= n B``, the bounds the noise budget uses). Nobody learns
``s``; decryption needs every party (:mod:`.threshold`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ._validate import as_int_tuple, ints_mod_q, rns_ring, small_signed
from .errors import InvalidKeyError
from .params import BfvParams
from .sampling import (RandomSource, expand_uniform_rns, resolve_rng, sample_gaussian,
                       sample_ternary, sample_uniform_rns)

__all__ = [
    "SecretKey", "PublicKey", "SecretKeyShare", "PublicKeyShare", "keygen",
    "common_random_polynomial", "generate_key_share", "combine_public_key",
    "joint_secret_key", "CRS_TAG",
]

#: Domain tag of the SHAKE256 expansion of the common random polynomial ``a``.
CRS_TAG = b"bfv/common-random-polynomial/v1"


@dataclass(frozen=True)
class SecretKey:
    """Secret ``s`` as signed integers (ternary for one party; in [-n, n] for a joint key)."""

    s: tuple = field(repr=False)


@dataclass(frozen=True)
class PublicKey:
    """``pk = (p0, p1) = (-a*s + e, a)``, coefficients in [0, q)."""

    p0: tuple
    p1: tuple


@dataclass(frozen=True)
class SecretKeyShare:
    """Party ``party``'s ternary share ``s_i`` (keep private)."""

    party: int
    s: tuple = field(repr=False)


@dataclass(frozen=True)
class PublicKeyShare:
    """Party ``party``'s public share ``b_i = -a*s_i + e_i`` (coefficients in [0, q))."""

    party: int
    b: tuple


def _pk_part(params: BfvParams, a: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple:
    """``-a*s + e`` in R_q for residues ``a`` and small ``s, e``; coefficients in [0, q)."""
    ring = rns_ring(params)
    return tuple(ring.to_ints(ring.add(ring.neg(ring.mul(a, ring.from_small(s))), ring.from_small(e))))


def keygen(params: BfvParams, rng: RandomSource | None = None) -> tuple[SecretKey, PublicKey]:
    """Single-party key pair ``(s, (-a*s + e, a))`` with ``a`` uniform from ``rng``."""
    rng = resolve_rng(rng)
    a = sample_uniform_rns(rng, params.n, params.moduli)
    s = sample_ternary(rng, params.n)
    e = sample_gaussian(rng, params.n, params.sigma, params.error_bound)
    return SecretKey(as_int_tuple(s)), PublicKey(_pk_part(params, a, s, e), tuple(rns_ring(params).to_ints(a)))


def _crs_residues(params: BfvParams, seed: bytes) -> np.ndarray:
    if not isinstance(seed, (bytes, bytearray)) or len(seed) < 16:
        raise InvalidKeyError("the common random polynomial needs a seed of at least 16 bytes")
    return expand_uniform_rns(bytes(seed), params.n, params.moduli, CRS_TAG)


def common_random_polynomial(params: BfvParams, seed: bytes) -> tuple:
    """The committee's public ``a``: SHAKE256(CRS_TAG || 0x00 || seed) as one uniform residue row
    per RNS prime, returned as coefficients in [0, q)."""
    return tuple(rns_ring(params).to_ints(_crs_residues(params, seed)))


def generate_key_share(params: BfvParams, crs_seed: bytes, party: int,
                       rng: RandomSource | None = None) -> tuple[SecretKeyShare, PublicKeyShare]:
    """Party ``party`` (0-based) draws ``s_i, e_i`` and returns its secret and public shares."""
    if not 0 <= party < params.parties:
        raise InvalidKeyError(f"party index must be in [0, {params.parties}), got {party}")
    rng = resolve_rng(rng)
    a = _crs_residues(params, crs_seed)
    s = sample_ternary(rng, params.n)
    e = sample_gaussian(rng, params.n, params.sigma, params.error_bound)
    return SecretKeyShare(party, as_int_tuple(s)), PublicKeyShare(party, _pk_part(params, a, s, e))


def _check_parties(params: BfvParams, parties: Sequence[int]) -> None:
    if not parties:
        raise InvalidKeyError("need at least one share")
    if len(parties) > params.parties:
        raise InvalidKeyError(
            f"{len(parties)} parties exceed the {params.parties} the noise budget of {params.name} covers")
    if sorted(parties) != list(range(len(parties))):
        raise InvalidKeyError(f"party indices must be exactly 0..{len(parties) - 1}, got {sorted(parties)}")


def combine_public_key(params: BfvParams, crs_seed: bytes,
                       shares: Sequence[PublicKeyShare]) -> PublicKey:
    """Joint key ``(sum_i b_i mod q, a)`` from the shares of parties 0..n-1 (each exactly once)."""
    _check_parties(params, [sh.party for sh in shares])
    q = params.q
    total = [0] * params.n
    for sh in shares:
        b = ints_mod_q(params, sh.b, f"public key share {sh.party}", InvalidKeyError)
        total = [(x + y) % q for x, y in zip(total, b)]
    return PublicKey(tuple(total), common_random_polynomial(params, crs_seed))


def joint_secret_key(params: BfvParams, shares: Sequence[SecretKeyShare]) -> SecretKey:
    """``s = sum_i s_i`` -- FOR TESTS AND AUDITS ONLY: in deployment nobody holds every share."""
    _check_parties(params, [sh.party for sh in shares])
    total = np.zeros(params.n, dtype=np.int64)
    for sh in shares:
        total += small_signed(params, sh.s, 1, f"secret share {sh.party}", InvalidKeyError)
    return SecretKey(as_int_tuple(total))
