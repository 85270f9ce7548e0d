"""What the server forwards to the recipient, and its canonical binary encoding.

``ForwardPayload = (params_id, C, nonce, eph_pub, ct_msg)`` (specs/consistency.md, "Forward
payload")::

    magic     "GRCF"
    version   u8 = 1
    params_id u8 length + ASCII name
    C         32 bytes big-endian, < r
    nonce     16 bytes big-endian
    eph_pub   32 bytes, a canonical X25519 public key of large order
    ct_msg    |ct_msg| x 32 bytes big-endian, each < r (|ct_msg| from the parameter set)
    no trailing bytes

:func:`decode_payload` is strict: one byte string per payload, and it raises
:class:`PayloadFormatError` and nothing else. The recipient still checks everything that
matters cryptographically (the cipher's tag, the commitment) in :mod:`consistency.recipient`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from schemes.bn254.fields import R
from schemes.key_agreement import KeyAgreementError, validate_public_key

from .errors import ConsistencyError, UnknownParameterSet
from .params import ENVELOPE_VERSION, ParameterSet, resolve_parameter_set

__all__ = ["ForwardPayload", "PayloadFormatError", "PAYLOAD_MAGIC", "encode_payload", "decode_payload"]

PAYLOAD_MAGIC = b"GRCF"
_R = int(R)


class PayloadFormatError(ConsistencyError, ValueError):
    """The bytes are not the canonical encoding of a forward payload."""


@dataclass(frozen=True)
class ForwardPayload:
    """What the recipient receives: ``(params_id, C, nonce, eph_pub, ct_msg)``."""

    params_id: str
    C: int
    nonce: int
    eph_pub: bytes
    ct_msg: tuple[int, ...]
    #: The parameter set it was made or decoded for (``params.name == params_id``).
    params: ParameterSet | None = field(default=None, compare=False, repr=False)

    def to_bytes(self, *, allow_insecure: bool = False) -> bytes:
        """The canonical encoding (see the module docstring)."""
        return encode_payload(self, allow_insecure=allow_insecure)

    @classmethod
    def from_bytes(
        cls, data: bytes, *, params: ParameterSet | None = None, allow_insecure: bool = False
    ) -> ForwardPayload:
        return decode_payload(data, params=params, allow_insecure=allow_insecure)


def _params(params_id: str, expected: ParameterSet | None, allow_insecure: bool) -> ParameterSet:
    try:
        return resolve_parameter_set(params_id, expected, allow_insecure=allow_insecure)
    except UnknownParameterSet as exc:
        raise PayloadFormatError(str(exc)) from None


def _check(p: ForwardPayload, allow_insecure: bool) -> int:
    """Validate ``p``; return its parameter set's ``ct_msg`` length."""
    params = _params(p.params_id, p.params, allow_insecure)
    if type(p.C) is not int or not 0 <= p.C < _R:
        raise PayloadFormatError("C is not a canonical field element (< r)")
    if type(p.nonce) is not int or not 0 <= p.nonce < 1 << 128:
        raise PayloadFormatError("nonce must be an integer in [0, 2^128)")
    try:
        validate_public_key(p.eph_pub, "eph_pub")
    except KeyAgreementError as exc:
        raise PayloadFormatError(str(exc)) from None
    if not isinstance(p.ct_msg, (tuple, list)) or len(p.ct_msg) != params.ct_msg_len:
        raise PayloadFormatError(f"ct_msg must hold {params.ct_msg_len} field elements")
    for i, v in enumerate(p.ct_msg):
        if type(v) is not int or not 0 <= v < _R:
            raise PayloadFormatError(f"ct_msg[{i}] is not a canonical field element (< r)")
    return params.ct_msg_len


def encode_payload(p: ForwardPayload, *, allow_insecure: bool = False) -> bytes:
    """Validate ``p`` and return its canonical bytes. Raises :class:`PayloadFormatError`."""
    _check(p, allow_insecure)
    name = p.params_id.encode("ascii")
    return b"".join(
        [
            PAYLOAD_MAGIC,
            struct.pack(">BB", ENVELOPE_VERSION, len(name)),
            name,
            p.C.to_bytes(32, "big"),
            p.nonce.to_bytes(16, "big"),
            bytes(p.eph_pub),
            *(v.to_bytes(32, "big") for v in p.ct_msg),
        ]
    )


def decode_payload(data: bytes, *, params: ParameterSet | None = None, allow_insecure: bool = False) -> ForwardPayload:
    """Parse canonical payload bytes strictly. Raises only :class:`PayloadFormatError`.
    ``params``: the set it must be for (the opt-in to an insecure one); by default any secure set."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise PayloadFormatError("a forward payload is a byte string")
    data = bytes(data)
    if len(data) < 6 or data[:4] != PAYLOAD_MAGIC:
        raise PayloadFormatError("bad magic: not a forward payload")
    version, n = data[4], data[5]
    if version != ENVELOPE_VERSION:
        raise PayloadFormatError(f"unknown forward-payload version {version}")
    try:
        params_id = data[6 : 6 + n].decode("ascii")
    except UnicodeDecodeError:
        raise PayloadFormatError("params_id is not ASCII") from None
    if len(params_id) != n:
        raise PayloadFormatError("truncated forward payload")
    pos = 6 + n
    ps = _params(params_id, params, allow_insecure)
    ct_len = ps.ct_msg_len
    if len(data) != pos + 32 + 16 + 32 + 32 * ct_len:
        raise PayloadFormatError(
            f"a {params_id} forward payload has exactly {pos + 80 + 32 * ct_len} bytes, got {len(data)}"
        )
    C = int.from_bytes(data[pos : pos + 32], "big")
    nonce = int.from_bytes(data[pos + 32 : pos + 48], "big")
    eph_pub = data[pos + 48 : pos + 80]
    ct = data[pos + 80 :]
    ct_msg = tuple(int.from_bytes(ct[i : i + 32], "big") for i in range(0, len(ct), 32))
    p = ForwardPayload(params_id, C, nonce, eph_pub, ct_msg, ps)
    _check(p, allow_insecure)
    return p
