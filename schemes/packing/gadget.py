"""Packing in R1CS: byte range proofs and the linear packing map.

The packed element ``k`` is the linear combination ``sum_j p[31k + j] * 256^j`` of the pixel
combinations; it costs no constraint. It equals the native :func:`schemes.packing.pack`
(and is injective) only if every pixel is proven to be a byte: then
``e_k < 256^31 = 2^248 < R``, so the field sum does not wrap and the base-256 digits of
``e_k`` are the pixels. Both entry points below prove that:

- :func:`alloc_bytes` allocates 8 boolean wires per byte and returns the byte as
  ``sum_i 2^i b_i`` (8 constraints, 8 private wires per byte, no pixel wire). The result is
  a :class:`ByteWires`, which records that its entries are proven bytes.
- :func:`pack_gadget` packs a :class:`ByteWires` of the same system at no cost; any other
  sequence of combinations first gets a ``to_bits(p, 8)`` range proof per pixel
  (9 constraints, 8 private wires per pixel).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import SupportsIndex, overload

from ..r1cs import ConstraintSystem, LinearCombination
from ..r1cs.bits import to_bits
from . import BYTES_PER_ELEMENT, PackingError

__all__ = ["ByteWires", "alloc_bytes", "pack_gadget"]


#: Capability held by this module: only :func:`alloc_bytes` (and slicing) can tag proven bytes.
_PROVEN = object()


class ByteWires(tuple[LinearCombination, ...]):
    """An immutable sequence of combinations, each proven to be in ``[0, 255]`` in ``cs``.

    Only :func:`alloc_bytes` can create one (direct construction raises ``TypeError``):
    :func:`pack_gadget` trusts the tag and adds no range proof for it.
    """

    cs: ConstraintSystem

    def __new__(cls, items: Sequence[LinearCombination], cs: ConstraintSystem, *, _proof: object = None) -> ByteWires:
        if _proof is not _PROVEN:
            raise TypeError("ByteWires are created by alloc_bytes only (the tag skips the byte range proof)")
        self = super().__new__(cls, items)
        self.cs = cs
        return self

    @overload
    def __getitem__(self, index: SupportsIndex) -> LinearCombination: ...

    @overload
    def __getitem__(self, index: slice) -> ByteWires: ...

    def __getitem__(self, index: SupportsIndex | slice) -> LinearCombination | ByteWires:
        # a slice of proven bytes is still proven bytes
        if isinstance(index, slice):
            return ByteWires(super().__getitem__(index), self.cs, _proof=_PROVEN)
        return super().__getitem__(index)


def _byte_value(v: object, i: int, name: str) -> int:
    """``v`` as an int in [0, 255] (ints, numpy integers, mpz); bools and others refused."""
    try:
        if isinstance(v, bool):
            raise TypeError
        value = operator.index(v)  # type: ignore[arg-type]
    except TypeError:
        raise PackingError(f"alloc_bytes {name!r}: value {i} is not an int: {v!r}") from None
    if not 0 <= value <= 255:
        raise PackingError(f"alloc_bytes {name!r}: value {i} is not a byte: {value}")
    return value


def alloc_bytes(cs: ConstraintSystem, values: bytes | Sequence[int] | None, n: int, name: str) -> ByteWires:
    """Allocate ``n`` private bytes as ``8 n`` boolean wires ``name[i].b[j]``.

    Constraints: ``b (b - 1) = 0`` for each bit (``name[i].bool[j]``), 8 per byte. Byte ``i``
    is returned as ``sum_j 2^j b_j`` (a combination in ``[0, 255]``). ``values`` is required in
    witness mode (``n`` ints in ``[0, 255]``, or a bytes object); it is ignored in shape mode.
    Raises :class:`~schemes.packing.PackingError` for a wrong count or a value that is not a
    byte (it could not be represented, so it is refused rather than truncated).
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"alloc_bytes: n must be a non-negative int, got {n!r}")
    vals: Sequence[int] | None = None
    if cs.with_witness:
        if values is None:
            raise PackingError(f"alloc_bytes {name!r}: values are required in witness mode")
        if len(values) != n:
            raise PackingError(f"alloc_bytes {name!r}: expected {n} values, got {len(values)}")
        vals = [_byte_value(v, i, name) for i, v in enumerate(values)]
    out = []
    for i in range(n):
        byte = LinearCombination.constant(0, cs)
        for j in range(8):
            b = cs.witness(None if vals is None else (vals[i] >> j) & 1, f"{name}[{i}].b[{j}]")
            cs.enforce(b, b - 1, 0, f"{name}[{i}].bool[{j}]")
            byte.add_in_place(b, 1 << j)
        out.append(byte)
    return ByteWires(out, cs, _proof=_PROVEN)


def _pack_linear(pixels: Sequence[LinearCombination], cs: ConstraintSystem) -> list[LinearCombination]:
    elements: list[LinearCombination] = []
    for start in range(0, len(pixels), BYTES_PER_ELEMENT):
        acc = LinearCombination.constant(0, cs)
        for j, p in enumerate(pixels[start : start + BYTES_PER_ELEMENT]):
            acc.add_in_place(p, 1 << (8 * j))
        elements.append(acc)
    return elements


def pack_gadget(
    cs: ConstraintSystem, pixels: Sequence[LinearCombination], name: str = "pack"
) -> list[LinearCombination]:
    """Range-check every pixel as a byte and return the packed elements (combinations).

    For a :class:`ByteWires` from ``cs`` the range proof already exists: 0 constraints.
    Otherwise ``to_bits(cs, p, 8, f"{name}.byte[{i}]")`` per pixel: 9 constraints each.
    The packing itself is linear (no constraint): element ``k`` is
    ``sum_{j<31} pixels[31k + j] * 256^j``.
    """
    if isinstance(pixels, ByteWires):
        if pixels.cs is not cs:
            raise ValueError("pack_gadget: the bytes belong to another constraint system")
    else:
        for i, p in enumerate(pixels):
            to_bits(cs, p, 8, f"{name}.byte[{i}]")
    return _pack_linear(pixels, cs)
