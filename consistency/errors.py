"""Exceptions of the consistency product.

Every rejection is a :class:`Rejected` carrying a machine-readable :class:`RejectReason` (its
``reason``) and a human-readable message (``str(exc)``). A server that cannot record a decision
(store down, unwritable file, failed executor) raises :class:`OperationalError`, which is never a
rejection and never comes with an admission.

Hierarchy: ``SchemesError`` > ``ConsistencyError`` > the classes below. Malformed input
(``EnvelopeFormatError``, ``UnknownParameterSet``, ``KeyMismatch``) is also a ``ValueError``;
``Rejected``, ``OpeningError`` (failed checks) and ``OperationalError`` are not, so ``except
ValueError`` never swallows a rejection.
"""

from __future__ import annotations

import enum

from schemes.errors import SchemesError

__all__ = [
    "ConsistencyError",
    "EnvelopeFormatError",
    "UnknownParameterSet",
    "KeyMismatch",
    "RejectReason",
    "Rejected",
    "ReplayRejected",
    "OperationalError",
    "OpeningError",
]


class RejectReason(enum.Enum):
    """Why a server refused an envelope. Each value is the member's lower-case name; the values
    are stable (they appear in audit logs, specs/consistency.md section 9)."""

    FORMAT = "format"  #: not the canonical encoding of an envelope (or a malformed object)
    TOO_LARGE = "too_large"  #: the envelope or the context is longer than any valid one
    PARAMS = "params"  #: an envelope for another parameter set than the server's
    CONTEXT = "context"  #: a context this server did not issue (bad format or MAC)
    EXPIRED = "expired"  #: an issued context past its expiry
    BINDING = "binding"  #: ``ctx`` is not derived from this context and ``eph_pub``
    REPLAY = "replay"  #: the context was admitted before
    PROOF = "proof"  #: the Groth16 proof does not verify for the envelope's inputs


class ConsistencyError(SchemesError):
    """Base class of every error raised by :mod:`consistency`."""


class EnvelopeFormatError(ConsistencyError, ValueError):
    """The bytes (or JSON) are not the canonical encoding of an envelope.

    This is the only exception the envelope parser raises, whatever the input.
    """


class UnknownParameterSet(ConsistencyError, ValueError):
    """The parameter-set name is not one this library knows."""


class KeyMismatch(ConsistencyError, ValueError):
    """A key file does not belong to the parameter set (digest mismatch) or is malformed."""


class Rejected(ConsistencyError):
    """The server refuses an envelope: ``reason`` is the :class:`RejectReason`, ``str(exc)`` the
    explanation."""

    def __init__(self, message: str, reason: RejectReason) -> None:
        if not isinstance(reason, RejectReason):
            raise TypeError("reason must be a RejectReason")
        super().__init__(message)
        self.reason = reason

    def __reduce__(
        self,
    ) -> tuple[type[Rejected], tuple[str, RejectReason]]:  # picklable across executors with its reason
        return (type(self), (str(self), self.reason))


class ReplayRejected(Rejected):
    """The envelope's message context was already admitted (reason ``replay``)."""

    def __init__(
        self, message: str = "message context already admitted (replay)", reason: RejectReason = RejectReason.REPLAY
    ) -> None:
        super().__init__(message, RejectReason.REPLAY)


class OperationalError(ConsistencyError):
    """The server could not check or record a decision: the replay store or the audit sink is
    unavailable, a file cannot be written, an executor failed. Not a rejection: the envelope was
    neither admitted nor refused, and nothing may be forwarded. Retry later (with a fresh context
    if the old one may have been claimed)."""


class OpeningError(ConsistencyError):
    """A recipient-side failure: bad tag, bad padding, or a commitment that does not match."""
