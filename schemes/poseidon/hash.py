"""circomlib's Poseidon hash of 1..16 field elements.

``poseidon(m_1..m_n) = permute([0, m_1, ..., m_n])[0]`` with the width ``t = n + 1``
instance of :mod:`.permutation`. This is circomlib's ``Poseidon(n)`` template and
circomlibjs's ``poseidon`` function.
"""

from __future__ import annotations

from collections.abc import Sequence

from .field import canonical_list
from .parameters import MAX_WIDTH
from .permutation import _permute_unchecked

__all__ = ["MAX_INPUTS", "poseidon"]

#: Largest number of inputs of :func:`poseidon` (width 17).
MAX_INPUTS = MAX_WIDTH - 1


def poseidon(inputs: Sequence[int]) -> int:
    """Poseidon hash of 1..16 canonical field elements (circomlib compatible).

    Raises ``ValueError`` for 0 or more than 16 inputs and
    :class:`~schemes.poseidon.errors.InvalidFieldElement` for an input outside ``[0, R)``.
    """
    values = canonical_list(inputs, "input")
    if not 1 <= len(values) <= MAX_INPUTS:
        raise ValueError(f"poseidon takes 1..{MAX_INPUTS} inputs, got {len(values)}")
    return int(_permute_unchecked([0] + values)[0])
