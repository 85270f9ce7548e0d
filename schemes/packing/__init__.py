"""Bytes <-> BN254 scalar-field elements, 31 bytes per element (see ``specs/packing.md``).

Element ``k`` holds bytes ``31k .. 31k + 30`` little-endian::

    e_k = sum_{j=0}^{m_k - 1} data[31k + j] * 256^j,   m_k = min(31, n - 31k)

so an input of ``n`` bytes gives ``ceil(n / 31)`` elements and the last one holds the
remaining ``n - 31 (ceil(n/31) - 1)`` bytes. The length ``n`` is not encoded; it is a
parameter of the shape. Every element is below ``256^31 = 2^248 < R``, so for a fixed
``n`` the map is injective and :func:`unpack` inverts it.

The in-circuit side lives in :mod:`schemes.packing.gadget`.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

from ..bn254.fields import R
from ..errors import SchemesError

__all__ = ["BYTES_PER_ELEMENT", "PackingError", "packed_length", "element_widths", "pack", "unpack"]

#: Bytes per field element: the largest m with 256^m < R (256^31 = 2^248 < R < 2^254 = 256^31.75).
BYTES_PER_ELEMENT = 31

_R = int(R)


class PackingError(SchemesError, ValueError):
    """Packed data is malformed: wrong element count, or an element out of range."""


def _check_length(length: object) -> int:
    if isinstance(length, bool) or not isinstance(length, int):
        raise TypeError(f"length must be an int, not {type(length).__name__}")
    if length < 0:
        raise PackingError(f"length must be non-negative, got {length}")
    return length


def _as_int(value: object, k: int) -> int:
    """An int (or gmpy2 mpz, via ``__index__``); bools, floats and strings are rejected."""
    if isinstance(value, bool):
        raise PackingError(f"element {k} must be an int, not bool")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise PackingError(f"element {k} must be an int, not {type(value).__name__}") from None


def packed_length(length: int) -> int:
    """Number of field elements that hold ``length`` bytes: ``ceil(length / 31)``."""
    n = _check_length(length)
    return -(-n // BYTES_PER_ELEMENT)


def element_widths(length: int) -> list[int]:
    """Number of bytes held by each element for a ``length``-byte input (31, ..., 31, rest)."""
    n = _check_length(length)
    return [min(BYTES_PER_ELEMENT, n - start) for start in range(0, n, BYTES_PER_ELEMENT)]


def pack(data: bytes | bytearray) -> list[int]:
    """Pack bytes into field elements (31 per element, little-endian within an element)."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"pack expects bytes, not {type(data).__name__}")
    raw = bytes(data)
    return [
        int.from_bytes(raw[start : start + BYTES_PER_ELEMENT], "little")
        for start in range(0, len(raw), BYTES_PER_ELEMENT)
    ]


def unpack(elements: Sequence[int], length: int) -> bytes:
    """Inverse of :func:`pack` for a known byte ``length``.

    Raises :class:`PackingError` if the element count is not ``ceil(length / 31)``, or an
    element is not an int in ``[0, R)`` or does not fit in the bytes it should hold
    (``e_k >= 256^{m_k}``).
    """
    widths = element_widths(length)
    if len(elements) != len(widths):
        raise PackingError(f"{length} bytes pack into {len(widths)} elements, got {len(elements)}")
    out = bytearray()
    for k, (element, width) in enumerate(zip(elements, widths)):
        element = _as_int(element, k)
        if not 0 <= element < _R:
            raise PackingError(f"element {k} is not a canonical field element (not in [0, R))")
        if element >> (8 * width):
            raise PackingError(f"element {k} does not fit in the {width} bytes it should hold")
        out += element.to_bytes(width, "little")
    return bytes(out)
