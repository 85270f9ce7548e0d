"""The root of every exception this library raises on purpose.

``SchemesError`` is the common base of the errors of :mod:`schemes` and :mod:`consistency`
(``ConsistencyError`` derives from it). Errors about a bad argument or a malformed encoding are
also ``ValueError``s; a failed cryptographic check (an invalid proof, a refused envelope, a
recipient-side opening failure) and an operational failure are not, so that ``except
ValueError`` around an API call never swallows a rejection.
"""

from __future__ import annotations

__all__ = ["SchemesError"]


class SchemesError(Exception):
    """Base class of every exception raised on purpose by ``schemes`` and ``consistency``."""
