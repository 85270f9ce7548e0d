"""Exceptions of the consistency product. Every rejection carries a human-readable reason."""

from __future__ import annotations

__all__ = [
    "ConsistencyError", "EnvelopeFormatError", "UnknownParameterSet", "KeyMismatch",
    "Rejected", "ReplayRejected", "OpeningError",
]


class ConsistencyError(ValueError):
    """Base class of every error raised by :mod:`consistency`."""


class EnvelopeFormatError(ConsistencyError):
    """The bytes (or JSON) are not the canonical encoding of an envelope.

    This is the only exception the envelope parser raises, whatever the input.
    """


class UnknownParameterSet(ConsistencyError):
    """The parameter-set name is not one this library knows."""


class KeyMismatch(ConsistencyError):
    """A key file does not belong to the parameter set (digest mismatch) or is malformed."""


class Rejected(ConsistencyError):
    """The server refuses an envelope; ``str(exc)`` is the reason."""


class ReplayRejected(Rejected):
    """The envelope's message context was already admitted."""


class OpeningError(ConsistencyError):
    """A recipient-side failure: bad tag, bad padding, or a commitment that does not match."""
