"""Message contexts that a server issues: printable, self-describing, expiring, MAC'd
(specs/consistency.md section 4, "Issued contexts").

    context = "grc1." || b64url(body) || "." || b64url(tag)
    body    = u8 1 || u64be expires_at || id[16] || u8 len || sender || u8 len || recipient
    tag     = HMAC-SHA256(key, "GRC/CTX-MAC1" || 0x00 || body)

``b64url`` is base64url without padding (RFC 4648 section 5), canonical: a context whose text
is not exactly the encoding of its bytes is refused. ``expires_at`` is in unix seconds;
``id`` is 16 random bytes, so two issued contexts differ; ``sender`` and ``recipient`` are
UTF-8 (at most 255 bytes each, empty when not given). ``key`` is the store's 32-byte context
key, shared by every server on the store and by nothing else.

:func:`check_context` refuses, in this order, a context that is too long (``too_large``), not of
this form or not MAC'd under ``key`` (``context``), and one at or past its expiry
(``expired``). It does no replay check: that is the store's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import struct
from dataclasses import dataclass

from .errors import Rejected, RejectReason

__all__ = ["PREFIX", "MAX_ISSUED_CONTEXT_BYTES", "IssuedContext", "issue_context", "check_context"]

PREFIX = b"grc1."
_MAC_DOMAIN = b"GRC/CTX-MAC1\x00"
_FORMAT = 1
_NAME_MAX = 255
_BODY_MIN = 1 + 8 + 16 + 1 + 1
_BODY_MAX = _BODY_MIN + 2 * _NAME_MAX
_TAG_LEN = 32
_B64 = re.compile(rb"^[A-Za-z0-9_-]+$")


def _b64len(n: int) -> int:
    return (4 * n + 2) // 3


#: The longest issued context, in bytes.
MAX_ISSUED_CONTEXT_BYTES = len(PREFIX) + _b64len(_BODY_MAX) + 1 + _b64len(_TAG_LEN)


@dataclass(frozen=True)
class IssuedContext:
    """The fields of an issued context whose MAC verified."""

    expires_at: int
    message_id: bytes
    sender: str | None
    recipient: str | None


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _unb64(text: bytes) -> bytes:
    """Strict base64url without padding: only the alphabet, and canonical (re-encodes equal)."""
    if not _B64.match(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    try:
        data = base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None
    if _b64(data) != text:
        raise ValueError("non-canonical base64url")
    return data


def _name(value: str | None, what: str) -> bytes:
    if value is None:
        return b""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str or None")
    raw = value.encode("utf-8")
    if not raw or len(raw) > _NAME_MAX:
        raise ValueError(f"{what} must be 1..{_NAME_MAX} bytes of UTF-8")
    return raw


def _tag(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, _MAC_DOMAIN + body, hashlib.sha256).digest()


def _check_key(key: bytes) -> None:
    if not isinstance(key, (bytes, bytearray)) or len(key) < 32:
        raise TypeError("the context key must be at least 32 bytes")


def issue_context(key: bytes, expires_at: int, sender: str | None = None, recipient: str | None = None) -> bytes:
    """A fresh context (printable ASCII bytes) valid until ``expires_at`` (unix seconds)."""
    _check_key(key)
    if type(expires_at) is not int or not 0 <= expires_at < 1 << 64:
        raise ValueError("expires_at must be an int in [0, 2^64)")
    s, r = _name(sender, "sender"), _name(recipient, "recipient")
    body = struct.pack(">BQ", _FORMAT, expires_at) + secrets.token_bytes(16) + bytes([len(s)]) + s + bytes([len(r)]) + r
    return PREFIX + _b64(body) + b"." + _b64(_tag(bytes(key), body))


def _bad(message: str) -> Rejected:
    return Rejected(f"context not issued by this server: {message}", RejectReason.CONTEXT)


def check_context(key: bytes, context: bytes, now: float) -> IssuedContext:
    """The fields of ``context`` if this key issued it and it has not expired at ``now``;
    otherwise :class:`~consistency.errors.Rejected` (``too_large``, ``context``, ``expired``)."""
    _check_key(key)
    if len(context) > MAX_ISSUED_CONTEXT_BYTES:
        raise Rejected(
            f"context is {len(context)} bytes; an issued context has at most {MAX_ISSUED_CONTEXT_BYTES}",
            RejectReason.TOO_LARGE,
        )
    if not context.startswith(PREFIX):
        raise _bad("no 'grc1.' prefix")
    parts = bytes(context[len(PREFIX) :]).split(b".")
    if len(parts) != 2:
        raise _bad("expected body.tag")
    try:
        body, tag = _unb64(parts[0]), _unb64(parts[1])
    except ValueError as exc:
        raise _bad(str(exc)) from None
    if not hmac.compare_digest(tag, _tag(bytes(key), body)):
        raise _bad("bad MAC")
    # authentic from here on: only a holder of the key wrote this body; parse it strictly anyway
    try:
        version, expires_at = struct.unpack(">BQ", body[:9])
        message_id = body[9:25]
        ls = body[25]
        sender = body[26 : 26 + ls].decode("utf-8")
        lr = body[26 + ls]
        recipient = body[27 + ls : 27 + ls + lr].decode("utf-8")
    except (IndexError, struct.error, UnicodeDecodeError):
        raise _bad("malformed body") from None
    if version != _FORMAT or len(body) != 27 + ls + lr:
        raise _bad("unknown context format")
    if now >= expires_at:
        raise Rejected(f"context expired at {expires_at} (now {int(now)})", RejectReason.EXPIRED)
    return IssuedContext(expires_at, message_id, sender or None, recipient or None)
