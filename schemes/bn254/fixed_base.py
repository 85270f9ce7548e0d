"""Many multiples of one base point (the setup's queries), by the native engine.

``fixed_base_mul_g1(B, [k_1, ..., k_n])`` is ``[[k_1] B, ..., [k_n] B]`` (``None`` where
``k_i = 0 mod R``), returned as a :class:`~.vectors.G1Vector` that stays in native memory
(a proving key uses it as it is). The engine builds one table of ``[j 2^(c w)] B`` for windows of
about ``log2 n`` bits, then adds one table entry per window for each scalar, in parallel
(``ark_ec::scalar_mul::BatchMulPreprocessing``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .. import _native
from .curve import G1Point, G2Point, InvalidPoint
from .msm import MSMInputError
from .vectors import G1Vector, G2Vector, g1_to_le, g2_to_le, native_call, scalars_to_bytes

__all__ = ["fixed_base_mul_g1", "fixed_base_mul_g2"]

_Pt = TypeVar("_Pt")
_Vec = TypeVar("_Vec", G1Vector, G2Vector)


def _fixed_base(
    cls: type[_Vec],
    native_fn: Callable[[bytes, bytes], Any],
    encode: Callable[[_Pt], bytes],
    base: _Pt | None,
    scalars: Sequence[int],
) -> _Vec:
    """``native_fn`` returns the native vector that ``cls`` wraps (G1Points or G2Points)."""
    try:
        data = scalars_to_bytes(scalars)
        if base is None:
            return cls.from_bytes(bytes(cls._size * len(scalars)))
        return cls(native_call(native_fn, encode(base), data))
    except (TypeError, InvalidPoint) as exc:
        raise MSMInputError(str(exc)) from None


def fixed_base_mul_g1(base: G1Point, scalars: Sequence[int]) -> G1Vector:
    """``[[k] base for k in scalars]`` in G1; the base is checked to be on the curve. Raises
    :class:`MSMInputError` for a malformed base or a non-integer scalar."""
    return _fixed_base(G1Vector, _native.g1_fixed_base, g1_to_le, base, scalars)


def fixed_base_mul_g2(base: G2Point, scalars: Sequence[int]) -> G2Vector:
    """``[[k] base for k in scalars]`` in G2; the base is checked to be on the twist and in the
    order-R subgroup."""
    return _fixed_base(G2Vector, _native.g2_fixed_base, g2_to_le, base, scalars)
