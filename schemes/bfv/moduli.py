"""The RNS view of a parameter set for the committee's per-prime code: its moduli, residues per
modulus, and CRT recombination.

The committee's key generation (:mod:`.dkg`) and partial decryption (:mod:`.partial`) work one
RNS prime ``q_k`` at a time on lists of Python ints; these helpers move between that view and
integers mod ``q = q_1 ... q_K``. The recombination itself is :class:`.rns.RnsBasis` (Garner's
algorithm), shared with the encryption code.

- :func:`moduli`: the tuple ``(q_1, .., q_K)`` of a parameter set;
- :func:`residues`: an integer polynomial (or integers mod q) as its residues mod each ``q_k``;
- :func:`crt`, :func:`crt_poly`: the unique ``x`` in ``[0, q)`` with ``x = r_k (mod q_k)`` for every
  k (residues canonical, in ``[0, q_k)``), for one value or coefficient-wise.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from .params import BfvParams
from .rns import RnsBasis

__all__ = ["moduli", "residues", "crt", "crt_poly"]


def moduli(params: BfvParams) -> tuple[int, ...]:
    """``(q_1, .., q_K)``."""
    return tuple(int(x) for x in params.moduli)


def residues(values: Sequence[int], mods: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """``((v mod q_1 for v in values), ..., (v mod q_K for v in values))`` for integer ``values``."""
    vals = [int(v) for v in values]
    return tuple(tuple(v % q for v in vals) for q in mods)


@functools.cache
def _basis(mods: tuple[int, ...]) -> RnsBasis:
    return RnsBasis(mods)


def crt(rs: Sequence[int], mods: Sequence[int]) -> int:
    """The ``x`` in ``[0, prod q_k)`` with ``x = rs[k] (mod mods[k])`` (canonical residues)."""
    if len(rs) != len(mods) or not mods:
        raise ValueError("crt needs one residue per modulus")
    return _basis(tuple(int(q) for q in mods)).crt(rs)


def crt_poly(polys: Sequence[Sequence[int]], mods: Sequence[int]) -> tuple[int, ...]:
    """:func:`crt` coefficient-wise: per-modulus residue polynomials -> one polynomial mod q."""
    if len(polys) != len(mods):
        raise ValueError("crt_poly needs one polynomial per modulus")
    rows = np.array([[int(v) for v in p] for p in polys], dtype=np.uint64)
    return tuple(_basis(tuple(int(q) for q in mods)).from_rns(rows))
