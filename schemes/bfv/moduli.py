"""The RNS view of a parameter set: its moduli ``q_1 .. q_K``, residues per modulus, and CRT.

The committee's key generation (:mod:`.dkg`) and partial decryption (:mod:`.partial`) work per
RNS prime, so that a parameter set with ``q = q_1 ... q_K`` (each ``q_k`` an NTT-friendly prime
below 2^55) needs no change to them. A set that states ``moduli`` uses them; a set with a
single prime ``q`` is the list ``(q,)``.

- :func:`moduli`: the tuple ``(q_1, .., q_K)``;
- :func:`residues`: an integer polynomial (or integers mod q) as its residues mod each ``q_k``;
- :func:`crt`: the unique ``x`` in ``[0, q)`` with ``x = r_k (mod q_k)`` for every k.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = ["moduli", "residues", "crt", "crt_poly"]


def moduli(params: Any) -> tuple[int, ...]:
    """``params.moduli`` if the set states them, else ``(params.q,)``."""
    m = getattr(params, "moduli", None)
    if m:
        return tuple(int(x) for x in m)
    return (int(params.q),)


def residues(values: Sequence[int], mods: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """``((v mod q_1 for v in values), ..., (v mod q_K for v in values))`` for integer ``values``."""
    vals = [int(v) for v in values]
    return tuple(tuple(v % q for v in vals) for q in mods)


def crt(rs: Sequence[int], mods: Sequence[int]) -> int:
    """The ``x`` in ``[0, prod q_k)`` with ``x = rs[k] (mod mods[k])`` (pairwise coprime moduli)."""
    if len(rs) != len(mods) or not mods:
        raise ValueError("crt needs one residue per modulus")
    q = math.prod(mods)
    x = 0
    for r, qk in zip(rs, mods):
        rest = q // qk
        x += int(r) * rest * pow(rest, -1, qk)
    return x % q


def crt_poly(polys: Sequence[Sequence[int]], mods: Sequence[int]) -> tuple[int, ...]:
    """:func:`crt` coefficient-wise: per-modulus residue polynomials -> one polynomial mod q."""
    if len(polys) != len(mods):
        raise ValueError("crt_poly needs one polynomial per modulus")
    if len(mods) == 1:
        return tuple(int(v) for v in polys[0])
    return tuple(crt(col, mods) for col in zip(*polys))
