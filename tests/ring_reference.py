"""The negacyclic product by its definition, for the BFV tests' independent references.

In Z[X]/(X^N + 1), X^N = -1, so ``(a b)_k = sum_{i+j=k} a_i b_j - sum_{i+j=k+N} a_i b_j``.
"""

from __future__ import annotations

from collections.abc import Sequence


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
