"""Validation of BN254 scalar-field elements at the Poseidon API boundary.

Values are accepted only in canonical form: Python ints (or int-like values such as
gmpy2 ``mpz``, but not ``bool``) in ``[0, R)``. Nothing is reduced silently, so two
different integers never hash to the same value.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable

from ..bn254.fields import R
from .errors import InvalidFieldElement

__all__ = ["canonical", "canonical_list"]


def canonical(value: object, what: str = "value") -> int:
    """``value`` as a plain int; raises :class:`InvalidFieldElement` unless ``0 <= value < R``."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, got bool")
    try:
        x = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{what} must be an integer, got {type(value).__name__}") from None
    if not 0 <= x < R:
        raise InvalidFieldElement(f"{what} is not a canonical field element (need 0 <= x < R)")
    return int(x)


def canonical_list(values: Iterable[object], what: str = "input") -> list[int]:
    """Every element checked with :func:`canonical`; raises on the first bad one."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what}s must be a sequence of integers, got {type(values).__name__}")
    return [canonical(v, f"{what}[{i}]") for i, v in enumerate(values)]
