"""Exceptions raised by the R1CS builder, the frozen matrices and the file codecs."""

from __future__ import annotations

from ..errors import SchemesError

__all__ = [
    "R1CSError",
    "UnsatisfiedConstraint",
    "WitnessUnavailable",
    "InvalidAssignment",
    "R1CSFormatError",
]


class R1CSError(SchemesError, ValueError):
    """Base class of every error raised by :mod:`schemes.r1cs`."""


class UnsatisfiedConstraint(R1CSError):
    """An assignment violates a constraint ``A_i.w * B_i.w != C_i.w``.

    Attributes: ``index`` (row number), ``name`` (constraint name) and the three
    evaluated sides ``a``, ``b``, ``c`` (ints mod R).
    """

    def __init__(self, index: int, name: str, a: int, b: int, c: int) -> None:
        self.index = index
        self.name = name
        self.a, self.b, self.c = int(a), int(b), int(c)
        super().__init__(
            f"constraint #{index} {name!r} is not satisfied: A.w * B.w = {self.a} * {self.b} != C.w = {self.c} (mod R)"
        )


class WitnessUnavailable(R1CSError):
    """A value was requested from a shape-only constraint system, or a witness value is missing."""


class InvalidAssignment(R1CSError):
    """An assignment vector has the wrong length, a non-integer entry, or ``w[0] != 1``."""


class R1CSFormatError(R1CSError):
    """A ``.r1cs`` or ``.wtns`` file is malformed or uses an unsupported field or version."""
