"""The message context ``ctx``: one field element binding the server's message id, the
sender, the recipient and the ephemeral key (specs/consistency.md, "Context").

    ctx = PoseidonSponge(pack(u32be(len(context)) || context || eph_pub), domain = CTX_DOMAIN)

``context`` is an opaque byte string the server issues for one message (for example
``b"msg-id=...;from=alice;to=bob"``); the server refuses a context it has already admitted.
Putting ``eph_pub`` under ``ctx`` binds the ephemeral key into the proven statement, so an
envelope whose ``eph_pub`` was swapped no longer verifies.
"""

from __future__ import annotations

import struct

from schemes.packing import pack
from schemes.poseidon import poseidon_sponge

from .params import CTX_DOMAIN

__all__ = ["MAX_CONTEXT_BYTES", "derive_ctx"]

#: Largest accepted context string, in bytes.
MAX_CONTEXT_BYTES = 4096


def derive_ctx(context: bytes, eph_pub: bytes) -> int:
    """The public input ``ctx`` for ``context`` and the 32-byte ephemeral public key."""
    if not isinstance(context, (bytes, bytearray)):
        raise TypeError("context must be bytes (encode text as UTF-8)")
    if len(context) > MAX_CONTEXT_BYTES:
        raise ValueError(f"context is {len(context)} bytes; at most {MAX_CONTEXT_BYTES}")
    if not isinstance(eph_pub, (bytes, bytearray)) or len(eph_pub) != 32:
        raise ValueError("eph_pub must be 32 bytes")
    data = struct.pack(">I", len(context)) + bytes(context) + bytes(eph_pub)
    return int(poseidon_sponge(pack(data), CTX_DOMAIN))
