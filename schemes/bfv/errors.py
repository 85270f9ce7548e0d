"""Exceptions of the BFV package. All subclass :class:`ValueError` (bad input)."""

from __future__ import annotations

from ..errors import SchemesError

__all__ = [
    "BfvError",
    "InsecureParametersError",
    "InvalidParametersError",
    "NoiseBudgetError",
    "NonCanonicalEncodingError",
    "InvalidPlaintextError",
    "InvalidCiphertextError",
    "InvalidKeyError",
    "ScannerBudgetError",
    "InvalidWitnessError",
]


class BfvError(SchemesError, ValueError):
    """Base class of every error raised by :mod:`schemes.bfv`."""


class InvalidParametersError(BfvError):
    """A parameter set is malformed (q not prime, q != 1 mod 2N, N not a power of two, ...)."""


class InsecureParametersError(BfvError):
    """A parameter set below the security table was requested without explicit acknowledgement."""


class NoiseBudgetError(InvalidParametersError):
    """A parameter set whose worst-case noise budget does not close (no room for flooding)."""


class NonCanonicalEncodingError(BfvError):
    """Bytes that are not the canonical encoding (wrong length, coefficient >= q, ...)."""


class InvalidPlaintextError(BfvError):
    """A message coefficient outside its range, or a message longer than N."""


class InvalidCiphertextError(BfvError):
    """A ciphertext of the wrong length or with a coefficient outside [0, q)."""


class InvalidKeyError(BfvError):
    """A key or key share of the wrong shape or with out-of-range coefficients."""


class ScannerBudgetError(BfvError):
    """A scanner's weights or bias exceed the parameter set's noise/no-wrap budget."""


class InvalidWitnessError(BfvError):
    """Encryption randomness outside its bounds (u not ternary, |e| > B) or of the wrong length."""
