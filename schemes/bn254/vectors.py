"""Vectors of BN254 points held by the native engine, and the byte exchange with it.

The native engine (:mod:`schemes._native`, arkworks) takes whole vectors as bytes:

- a scalar is 32 bytes little-endian, below R (:func:`scalars_to_bytes` reduces ints mod R);
- a G1 point is ``x || y`` and a G2 point ``x.c0 || x.c1 || y.c0 || y.c1``, each coordinate 32
  bytes little-endian below P (layout ``"le"``); infinity is all zero bytes. The engine also
  reads and writes ``"be"`` (big-endian, EIP-197 G2 order: our key files) and ``"lem"``
  (little-endian Montgomery form: snarkjs ``.zkey`` sections).

:class:`G1Vector` and :class:`G2Vector` are read-only sequences of affine points (the tuples of
:mod:`.curve`) whose points live in native memory: decoded and checked once, then used by the
MSM and the prover without ever becoming Python integers again. Indexing or iterating converts
points to tuples on demand (for export and tests; it is slow for large vectors).

Decoding checks every point: canonical coordinates and on the curve (G1 has cofactor 1); for G2
also the order-R subgroup unless ``subgroup=False`` is passed (proving-key queries, where a bad
point can only make proofs that every verifier rejects). Errors raise :class:`InvalidPoint`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, overload

from .. import _native
from .curve import G1Point, G2Point, InvalidPoint
from .fields import R

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "G1Vector",
    "G2Vector",
    "scalars_to_bytes",
    "scalars_from_bytes",
    "g1_to_le",
    "g2_to_le",
    "g1_from_le",
    "g2_from_le",
    "native_call",
]

_R = int(R)
_ZERO_G1 = bytes(64)
_ZERO_G2 = bytes(128)

_Args = ParamSpec("_Args")
_T = TypeVar("_T")
#: The point type of a vector (G1Point or G2Point) and its native vector type.
_Pt = TypeVar("_Pt")
_Native = TypeVar("_Native", _native.G1Points, _native.G2Points)
_Vec = TypeVar("_Vec", bound="_PointVector[Any, Any]")


def native_call(func: Callable[_Args, _T], *args: _Args.args, **kwargs: _Args.kwargs) -> _T:
    """Call the native engine, turning its decoding errors into :class:`InvalidPoint`."""
    try:
        return func(*args, **kwargs)
    except _native.DecodeError as exc:
        raise InvalidPoint(str(exc)) from None


def scalars_to_bytes(scalars: Iterable[int]) -> bytes:
    """Concatenated 32-byte little-endian scalars, each reduced mod R. Raises TypeError on a
    non-integer (bools included)."""
    try:
        return b"".join((s % _R).to_bytes(32, "little") for s in scalars)
    except (TypeError, AttributeError):
        pass
    out = []
    for i, s in enumerate(scalars):
        if isinstance(s, bool) or not hasattr(s, "__index__"):
            raise TypeError(f"scalar #{i} is not an integer ({type(s).__name__})")
        out.append((int(s) % _R).to_bytes(32, "little"))
    return b"".join(out)


def scalars_from_bytes(data: bytes) -> list[int]:
    """Inverse of :func:`scalars_to_bytes` for canonical input."""
    return [int.from_bytes(data[i : i + 32], "little") for i in range(0, len(data), 32)]


def _coord(v: int, what: str) -> bytes:
    if isinstance(v, bool) or not hasattr(v, "__index__"):
        raise InvalidPoint(f"{what} must be an integer, got {type(v).__name__}")
    try:
        return int(v).to_bytes(32, "little")
    except OverflowError:
        raise InvalidPoint(f"{what} is not a canonical field element (must be in [0, P))") from None


def g1_to_le(pt: G1Point) -> bytes:
    """64 bytes, layout ``"le"``; raises InvalidPoint for a malformed tuple (not for off-curve)."""
    if pt is None:
        return _ZERO_G1
    try:
        x, y = pt
    except (TypeError, ValueError):
        raise InvalidPoint("a G1 point must be None or a pair (x, y)") from None
    return _coord(x, "G1 x") + _coord(y, "G1 y")


def g2_to_le(pt: G2Point) -> bytes:
    """128 bytes, layout ``"le"``; raises InvalidPoint for a malformed tuple (not for off-curve)."""
    if pt is None:
        return _ZERO_G2
    try:
        (x0, x1), (y0, y1) = pt
    except (TypeError, ValueError):
        raise InvalidPoint("a G2 point must be None or ((x0, x1), (y0, y1))") from None
    return b"".join(_coord(c, f"G2 {n}") for c, n in ((x0, "x.c0"), (x1, "x.c1"), (y0, "y.c0"), (y1, "y.c1")))


def g1_from_le(data: bytes) -> G1Point:
    """Inverse of :func:`g1_to_le` for bytes the engine produced (no checks)."""
    if data == _ZERO_G1:
        return None
    return (int.from_bytes(data[:32], "little"), int.from_bytes(data[32:64], "little"))


def g2_from_le(data: bytes) -> G2Point:
    """Inverse of :func:`g2_to_le` for bytes the engine produced (no checks)."""
    if data == _ZERO_G2:
        return None
    c = [int.from_bytes(data[i : i + 32], "little") for i in range(0, 128, 32)]
    return ((c[0], c[1]), (c[2], c[3]))


class _PointVector(Sequence[_Pt], Generic[_Pt, _Native]):
    """A read-only sequence of points backed by a native vector (see the module docstring)."""

    _native_type: type[_Native]
    _size: int
    # staticmethods in the subclasses
    _to_le: Callable[[_Pt], bytes]
    _from_le: Callable[[bytes], _Pt]

    __slots__ = ("native",)
    native: _Native

    def __init__(self, native: _Native) -> None:
        if not isinstance(native, self._native_type):
            raise TypeError(f"{type(self).__name__} wraps a {self._native_type.__name__}")
        self.native = native

    @classmethod
    def from_bytes(cls, data: bytes, layout: str = "le", *, subgroup: bool = True, what: str = "point") -> Self:
        """Decode concatenated points (every point checked; see the module docstring)."""
        return cls(native_call(cls._native_type.from_bytes, bytes(data), layout, subgroup, what))

    @classmethod
    def from_points(cls, points: Iterable[_Pt] | Self, *, subgroup: bool = True, what: str = "point") -> Self:
        """A vector of affine tuples (``None`` for infinity), each checked."""
        if isinstance(points, cls):
            return points
        return cls.from_bytes(b"".join(cls._to_le(p) for p in points), "le", subgroup=subgroup, what=what)

    def to_bytes(self, layout: str = "le") -> bytes:
        return self.native.to_bytes(layout)

    def msm(self, scalars: Sequence[int]) -> _Pt:
        """``sum_i scalars[i] * self[i]``: ints taken mod R, or bytes already encoded by
        :func:`scalars_to_bytes` (32 bytes each, one per point)."""
        data = bytes(scalars) if isinstance(scalars, (bytes, bytearray)) else scalars_to_bytes(scalars)
        if len(data) != 32 * len(self):
            raise ValueError(f"msm: {len(self)} points but {len(data) // 32} scalars")
        return self._from_le(self.native.msm(data))

    def __len__(self) -> int:
        return len(self.native)

    @overload
    def __getitem__(self, index: int) -> _Pt: ...

    @overload
    def __getitem__(self, index: slice) -> Self | list[_Pt]: ...

    def __getitem__(self, index: int | slice) -> _Pt | Self | list[_Pt]:
        n = len(self)
        if isinstance(index, slice):
            start, stop, step = index.indices(n)
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return type(self)(self.native.slice(start, max(start, stop)))
        i = index.__index__()
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("point index out of range")
        return self._from_le(self.native.slice(i, i + 1).to_bytes())

    def __iter__(self) -> Iterator[_Pt]:
        data = self.native.to_bytes()
        size = self._size
        return (self._from_le(data[k : k + size]) for k in range(0, len(data), size))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, type(self)):
            return self.native.equals(other.native)
        if isinstance(other, (list, tuple)):
            return len(other) == len(self) and list(self) == list(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<{len(self)} points>)"


class G1Vector(_PointVector[G1Point, _native.G1Points]):
    """A vector of G1 points in native memory."""

    __slots__ = ()
    _native_type = _native.G1Points
    _size = 64
    _to_le = staticmethod(g1_to_le)
    _from_le = staticmethod(g1_from_le)


class G2Vector(_PointVector[G2Point, _native.G2Points]):
    """A vector of G2 points in native memory."""

    __slots__ = ()
    _native_type = _native.G2Points
    _size = 128
    _to_le = staticmethod(g2_to_le)
    _from_le = staticmethod(g2_from_le)


def as_vector(cls: type[_Vec], points: Iterable[Any], *, subgroup: bool = True, what: str = "point") -> _Vec:
    """``points`` as a ``cls`` vector (unchanged if it already is one)."""
    return points if isinstance(points, cls) else cls.from_points(points, subgroup=subgroup, what=what)
