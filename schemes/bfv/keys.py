"""Key types and single-party key generation.

Single party:  ``s <- ternary``, ``e <- chi_B``, ``a <- U(R_q)``, ``pk = (-a*s + e, a)``.

All arithmetic is in RNS (:mod:`.rns`): ``a`` is drawn as one uniform residue row per prime,
and keys are stored as coefficients in [0, q) (Python ints).

The committee's n-of-n key is made without a dealer, each member proving its share well formed:
:mod:`.dkg` (native) and :mod:`.dkg_gadget` (the proof's relation). Its joint key is a
:class:`PublicKey` like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import as_int_tuple, rns_ring
from .params import BfvParams
from .sampling import RandomSource, resolve_rng, sample_gaussian, sample_ternary, sample_uniform_rns

__all__ = ["SecretKey", "PublicKey", "keygen"]


@dataclass(frozen=True)
class SecretKey:
    """Secret ``s`` as signed integers (ternary for one party; in [-n, n] for a joint key)."""

    s: tuple[int, ...] = field(repr=False)


@dataclass(frozen=True)
class PublicKey:
    """``pk = (p0, p1) = (-a*s + e, a)``, coefficients in [0, q)."""

    p0: tuple[int, ...]
    p1: tuple[int, ...]


def _pk_part(params: BfvParams, a: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple[int, ...]:
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
