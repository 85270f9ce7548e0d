"""Key types and single-party key generation.

Single party:  ``s <- ternary``, ``e <- chi_B``, ``a <- U(R_q)``, ``pk = (-a*s + e, a)``.

The committee's n-of-n key is made without a dealer, each member proving its share well formed:
:mod:`.dkg` (native) and :mod:`.dkg_gadget` (the proof's relation). Its joint key is a
:class:`PublicKey` like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import as_int_tuple
from .params import BfvParams
from .ring import get_ring
from .sampling import RandomSource, resolve_rng, sample_gaussian, sample_ternary, sample_uniform_mod

__all__ = ["SecretKey", "PublicKey", "keygen"]


@dataclass(frozen=True)
class SecretKey:
    """Secret ``s`` as signed integers (ternary for one party; in [-n, n] for a joint key)."""

    s: tuple = field(repr=False)


@dataclass(frozen=True)
class PublicKey:
    """``pk = (p0, p1) = (-a*s + e, a)``, coefficients in [0, q)."""

    p0: tuple
    p1: tuple


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
