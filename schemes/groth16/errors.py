"""Exceptions of :mod:`schemes.groth16`, under :class:`Groth16Error` (a ``SchemesError``). A bad
argument or encoding (``UnsatisfiedWitness``, ``KeyMismatch``, ``EncodingError``) is also a
``ValueError``; a failed verification (``InvalidProof``) is not."""

from __future__ import annotations

from ..errors import SchemesError

__all__ = [
    "Groth16Error",
    "InvalidProof",
    "UnsatisfiedWitness",
    "KeyMismatch",
    "EncodingError",
    "NonCanonicalScalar",
    "NonCanonicalCoordinate",
    "InvalidPointEncoding",
]


class Groth16Error(SchemesError):
    """Base class of every error raised by :mod:`schemes.groth16`."""


class InvalidProof(Groth16Error):
    """Verification failed. ``reason`` says which rule rejected the proof."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"invalid Groth16 proof: {reason}")


class UnsatisfiedWitness(Groth16Error, ValueError):
    """The prover was given an assignment that violates a row of the constraint system."""


class KeyMismatch(Groth16Error, ValueError):
    """A proving key does not belong to the constraint system it is used with."""


class EncodingError(Groth16Error, ValueError):
    """A serialized key, proof or public-input list is malformed (JSON shape, file layout)."""


class NonCanonicalScalar(EncodingError):
    """A scalar-field element (public input) is not an integer in [0, R)."""


class NonCanonicalCoordinate(EncodingError):
    """A base-field coordinate is not an integer in [0, P)."""


class InvalidPointEncoding(EncodingError):
    """A point is off the curve, outside the prime-order subgroup, or infinity where that is not allowed."""
