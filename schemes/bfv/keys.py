"""Key generation: single-party and n-of-n threshold (common random polynomial ``a``).

Single party:  ``s <- ternary``, ``e <- chi_B``, ``a <- U(R_q)``, ``pk = (-a*s + e, a)``.

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

from ._validate import as_int_tuple, residues_mod_q, small_signed
from .errors import InvalidKeyError
from .params import BfvParams
from .ring import get_ring
from .sampling import (RandomSource, expand_uniform_mod, resolve_rng, sample_gaussian,
                       sample_ternary, sample_uniform_mod)

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


def _pk_part(params: BfvParams, a: np.ndarray, s: np.ndarray, e: np.ndarray) -> np.ndarray:
    ring = get_ring(params.n, params.q)
    return ring.add(ring.neg(ring.mul(a, ring.residues(s.tolist()))), ring.residues(e.tolist()))


def keygen(params: BfvParams, rng: RandomSource | None = None) -> tuple[SecretKey, PublicKey]:
    """Single-party key pair ``(s, (-a*s + e, a))`` with ``a`` uniform from ``rng``."""
    rng = resolve_rng(rng)
    a = sample_uniform_mod(rng, params.n, params.q)
    s = sample_ternary(rng, params.n)
    e = sample_gaussian(rng, params.n, params.sigma, params.error_bound)
    b = _pk_part(params, a, s, e)
    return SecretKey(as_int_tuple(s)), PublicKey(as_int_tuple(b), as_int_tuple(a))


def common_random_polynomial(params: BfvParams, seed: bytes) -> tuple:
    """The committee's public ``a``: SHAKE256(CRS_TAG || 0x00 || seed) as uniform residues mod q."""
    if not isinstance(seed, (bytes, bytearray)) or len(seed) < 16:
        raise InvalidKeyError("the common random polynomial needs a seed of at least 16 bytes")
    return as_int_tuple(expand_uniform_mod(bytes(seed), params.n, params.q, CRS_TAG))


def generate_key_share(params: BfvParams, crs_seed: bytes, party: int,
                       rng: RandomSource | None = None) -> tuple[SecretKeyShare, PublicKeyShare]:
    """Party ``party`` (0-based) draws ``s_i, e_i`` and returns its secret and public shares."""
    if not 0 <= party < params.parties:
        raise InvalidKeyError(f"party index must be in [0, {params.parties}), got {party}")
    rng = resolve_rng(rng)
    a = np.array(common_random_polynomial(params, crs_seed), dtype=np.uint64)
    s = sample_ternary(rng, params.n)
    e = sample_gaussian(rng, params.n, params.sigma, params.error_bound)
    b = _pk_part(params, a, s, e)
    return SecretKeyShare(party, as_int_tuple(s)), PublicKeyShare(party, as_int_tuple(b))


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
    ring = get_ring(params.n, params.q)
    total = np.zeros(params.n, dtype=np.uint64)
    for sh in shares:
        total = ring.add(total, residues_mod_q(params, sh.b, f"public key share {sh.party}", InvalidKeyError))
    return PublicKey(as_int_tuple(total), common_random_polynomial(params, crs_seed))


def joint_secret_key(params: BfvParams, shares: Sequence[SecretKeyShare]) -> SecretKey:
    """``s = sum_i s_i`` -- FOR TESTS AND AUDITS ONLY: in deployment nobody holds every share."""
    _check_parties(params, [sh.party for sh in shares])
    total = np.zeros(params.n, dtype=np.int64)
    for sh in shares:
        total += small_signed(params, sh.s, 1, f"secret share {sh.party}", InvalidKeyError)
    return SecretKey(as_int_tuple(total))
