"""Exceptions of the Poseidon package."""

from __future__ import annotations

from ..errors import SchemesError

__all__ = ["InvalidFieldElement"]


class InvalidFieldElement(SchemesError, ValueError):
    """A value that should be a canonical BN254 scalar (an int in ``[0, R)``) is not."""
