"""Exceptions of the Poseidon cipher. All are ``ValueError`` subclasses."""

from __future__ import annotations

from ..errors import SchemesError

__all__ = ["DecryptionError", "InvalidTag", "InvalidPadding", "InvalidNonce", "MalformedCiphertext"]


class DecryptionError(SchemesError, ValueError):
    """A ciphertext was rejected; nothing of the plaintext is returned."""


class InvalidTag(DecryptionError):
    """The authentication tag does not match (wrong key, nonce, length, or a modified ciphertext)."""


class InvalidPadding(DecryptionError):
    """The tag is valid but the zero padding after the last plaintext element is not zero."""


class InvalidNonce(DecryptionError):
    """The nonce is not an integer in ``[0, 2^128)``."""


class MalformedCiphertext(DecryptionError):
    """The ciphertext has the wrong number of elements or an element outside ``[0, R)``."""
