"""References for the BFV tests: the negacyclic product by its definition, and a committee.

In Z[X]/(X^N + 1), X^N = -1, so ``(a b)_k = sum_{i+j=k} a_i b_j - sum_{i+j=k+N} a_i b_j``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def negacyclic(a: Sequence[int], b: Sequence[int], q: int | None = None) -> list[int]:
    """``a * b`` in Z[X]/(X^N + 1) over the integers, reduced mod ``q`` if given (O(N^2))."""
    n = len(a)
    c = [0] * n
    for i, ai in enumerate(a):
        if ai:
            for j, bj in enumerate(b):
                if i + j < n:
                    c[i + j] += ai * bj
                else:
                    c[i + j - n] -= ai * bj
    return [v % q for v in c] if q else c


def dealerless_committee(params: Any, seed: bytes, rng: Any, parties: int = 3) -> tuple[list[Any], list[Any], Any]:
    """``(secret shares, contributions, joint key)`` of members 1..parties, made as ``committee
    join`` makes them (schemes.bfv.dkg, without the proofs, which do not change the key)."""
    from schemes.bfv.dkg import crs_polynomials, generate_share, joint_public_key

    crs = crs_polynomials(params, seed)
    made = [generate_share(params, crs, i, rng)[:2] for i in range(1, parties + 1)]
    return [s for s, _ in made], [c for _, c in made], joint_public_key(params, crs, [c for _, c in made])
