"""Sparse linear combinations of R1CS wires over the BN254 scalar field F_R.

A :class:`LinearCombination` is ``sum_j coeff_j * w_j`` stored as a dict
``{wire index: coeff}`` with every coefficient in ``[1, R)`` (zero terms are dropped).
Wire 0 is the constant one, so an integer ``k`` is the combination ``{0: k mod R}``.

Operators (``+``, ``-``, unary ``-``, ``*`` by an integer) return new objects and never
modify their operands, so a combination can be shared freely. Hot loops (Poseidon MDS
layers, long sums) should use the in-place helpers :meth:`LinearCombination.add_in_place`,
:meth:`LinearCombination.add_term` and :meth:`LinearCombination.scale_in_place` on a
combination they own (e.g. one returned by :meth:`LinearCombination.copy`), or build a sum in
one pass with :meth:`LinearCombination.sum`.

Multiplying two combinations is not linear: use ``cs.mul(a, b, name)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, TypeGuard

from ..bigint import big
from ..bn254.fields import R as _R_MPZ
from .errors import WitnessUnavailable

if TYPE_CHECKING:  # pragma: no cover
    from .system import ConstraintSystem

#: The field modulus as a plain int (faster than mpz for 254-bit operands).
R = int(_R_MPZ)

__all__ = ["LinearCombination", "LCLike", "as_lc", "is_int"]

_INT_TYPES: tuple[type, ...] = (int, type(big(0)))


def is_int(x: object) -> TypeGuard[int]:
    """True for Python ints and gmpy2 mpz values (the integer types accepted everywhere)."""
    return isinstance(x, _INT_TYPES)


def _merge_cs(a: ConstraintSystem | None, b: ConstraintSystem | None) -> ConstraintSystem | None:
    if a is None:
        return b
    if b is None or a is b:
        return a
    raise ValueError("cannot combine linear combinations from two different constraint systems")


class LinearCombination:
    """``sum_j terms[j] * w_j`` over F_R; ``cs`` is the owning system (None for pure constants)."""

    __slots__ = ("terms", "cs")
    terms: dict[int, int]
    cs: ConstraintSystem | None

    def __init__(self, terms: Mapping[int, int] | None = None, cs: ConstraintSystem | None = None) -> None:
        clean: dict[int, int] = {}
        if terms:
            for var, coeff in terms.items():
                if not is_int(var) or var < 0:
                    raise ValueError(f"wire index must be a non-negative int, got {var!r}")
                if not is_int(coeff):
                    raise TypeError(f"coefficient must be an int, got {type(coeff).__name__}")
                c = int(coeff) % R
                if c:
                    clean[int(var)] = c
        if cs is not None:
            for var in clean:
                if var >= cs.num_variables:
                    raise ValueError(f"wire {var} does not exist (the system has {cs.num_variables} wires)")
        self.terms = clean
        self.cs = cs

    @classmethod
    def _raw(cls, terms: dict[int, int], cs: ConstraintSystem | None) -> LinearCombination:
        """Wrap an already normalised dict (coefficients in [1, R)) without copying."""
        lc = cls.__new__(cls)
        lc.terms = terms
        lc.cs = cs
        return lc

    @classmethod
    def constant(cls, k: int, cs: ConstraintSystem | None = None) -> LinearCombination:
        """The constant ``k mod R`` (a multiple of wire 0)."""
        if not is_int(k):
            raise TypeError(f"constant must be an int, got {type(k).__name__}")
        c = int(k) % R
        return cls._raw({0: c} if c else {}, cs)

    @classmethod
    def sum(cls, items: Iterable[LCLike], scales: Iterable[int] | None = None) -> LinearCombination:
        """``sum_i scales[i] * items[i]`` in one pass (all scales 1 when omitted)."""
        acc = cls._raw({}, None)
        if scales is None:
            for it in items:
                acc.add_in_place(it)
        else:
            items = list(items)
            scales = list(scales)
            if len(items) != len(scales):
                raise ValueError(f"{len(items)} items but {len(scales)} scales")
            for it, k in zip(items, scales):
                acc.add_in_place(it, k)
        return acc

    # -- inspection -------------------------------------------------------------------------

    def copy(self) -> LinearCombination:
        return LinearCombination._raw(dict(self.terms), self.cs)

    @property
    def num_terms(self) -> int:
        return len(self.terms)

    def is_constant(self) -> bool:
        """True when only wire 0 (the constant one) appears."""
        t = self.terms
        return not t or (len(t) == 1 and 0 in t)

    @property
    def constant_term(self) -> int:
        """The coefficient of wire 0, as an int in [0, R)."""
        return int(self.terms.get(0, 0))

    def variable_index(self) -> int | None:
        """The wire index when this is exactly one wire with coefficient 1, else None."""
        t = self.terms
        if len(t) == 1:
            ((var, coeff),) = t.items()
            if coeff == 1:
                return var
        return None

    @property
    def value(self) -> int:
        """The value in [0, R) under the owning system's witness.

        Raises :class:`WitnessUnavailable` in shape-only mode (constants always evaluate).
        """
        t = self.terms
        if self.is_constant():
            return int(t.get(0, 0))
        cs = self.cs
        if cs is None:
            raise WitnessUnavailable("linear combination is not attached to a constraint system")
        values = cs._values
        if values is None:
            raise WitnessUnavailable("no witness in shape-only mode (with_witness=False)")
        acc = 0
        for var, coeff in t.items():
            acc += values[var] * coeff
        return int(acc % R)

    # -- in-place helpers (use only on combinations you own) ---------------------------------

    def add_term(self, var: int, coeff: int = 1) -> LinearCombination:
        """``self += coeff * w_var`` in place; returns self."""
        t = self.terms
        c = (t.get(var, 0) + int(coeff)) % R
        if c:
            t[var] = c
        else:
            t.pop(var, None)
        return self

    def add_in_place(self, other: LCLike, scale: int = 1) -> LinearCombination:
        """``self += scale * other`` in place (other: combination or int); returns self."""
        t = self.terms
        if isinstance(other, LinearCombination):
            self.cs = _merge_cs(self.cs, other.cs)
            if scale == 1:
                for var, coeff in other.terms.items():
                    c = (t.get(var, 0) + coeff) % R
                    if c:
                        t[var] = c
                    else:
                        del t[var]
            else:
                if not is_int(scale):
                    raise TypeError(f"scale must be an int, got {type(scale).__name__}")
                scale = int(scale)
                for var, coeff in other.terms.items():
                    c = (t.get(var, 0) + coeff * scale) % R
                    if c:
                        t[var] = c
                    else:
                        t.pop(var, None)
        elif is_int(other):
            c = (t.get(0, 0) + int(other) * int(scale)) % R
            if c:
                t[0] = c
            else:
                t.pop(0, None)
        else:
            raise TypeError(f"cannot add {type(other).__name__} to a LinearCombination")
        return self

    def scale_in_place(self, k: int) -> LinearCombination:
        """``self *= k`` in place; returns self."""
        if not is_int(k):
            raise TypeError(f"scale must be an int, got {type(k).__name__}")
        k = int(k) % R
        if not k:
            self.terms.clear()
        elif k != 1:
            t = self.terms
            for var in t:
                t[var] = t[var] * k % R
        return self

    # -- operators (return new objects) -----------------------------------------------------

    def __add__(self, other: LCLike) -> LinearCombination:
        if isinstance(other, LinearCombination) or is_int(other):
            return self.copy().add_in_place(other)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: LCLike) -> LinearCombination:
        if isinstance(other, LinearCombination) or is_int(other):
            return self.copy().add_in_place(other, -1)
        return NotImplemented

    def __rsub__(self, other: LCLike) -> LinearCombination:
        if is_int(other):
            return (-self).add_in_place(other)
        return NotImplemented

    def __neg__(self) -> LinearCombination:
        return LinearCombination._raw({v: R - c for v, c in self.terms.items()}, self.cs)

    def __mul__(self, k: int) -> LinearCombination:
        if isinstance(k, LinearCombination):
            raise TypeError("LinearCombination * LinearCombination is not linear; use cs.mul(a, b, name)")
        if is_int(k):
            return self.copy().scale_in_place(k)
        return NotImplemented

    __rmul__ = __mul__

    def __repr__(self) -> str:
        parts = []
        for var in sorted(self.terms):
            c = int(self.terms[var])
            if c > R // 2:
                c -= int(R)
            parts.append(f"{c}" if var == 0 else f"{c}*w{var}")
        return f"LinearCombination({' + '.join(parts) or '0'})"


LCLike = LinearCombination | int


def as_lc(x: LCLike, cs: ConstraintSystem | None = None) -> LinearCombination:
    """Return ``x`` as a combination (ints become constants); checks it belongs to ``cs``."""
    if isinstance(x, LinearCombination):
        if cs is not None and x.cs is not None and x.cs is not cs:
            raise ValueError("linear combination belongs to a different constraint system")
        return x
    if is_int(x):
        return LinearCombination.constant(x, cs)
    raise TypeError(f"expected a LinearCombination or an int, got {type(x).__name__}")
