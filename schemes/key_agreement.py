"""Ephemeral-static X25519 key agreement and HKDF-SHA256 to a Poseidon-cipher key.

The sender draws a fresh ephemeral X25519 key pair per message, computes the shared
secret ``Z = X25519(e, recipient_pub)`` (RFC 7748) and derives the cipher key, two
elements of the BN254 scalar field, as specified in ``specs/key-agreement.md``:

    PRK      = HKDF-Extract(salt = HKDF_SALT, IKM = Z)                       (RFC 5869)
    T_j      = HKDF-Expand(PRK, HKDF_INFO_LABEL || eph_pub || recipient_pub || I2OSP(j, 4), 32)
    c_j      = int.from_bytes(T_j, "big") mod 2^254                          for j = 0, 1, ...
    key      = the first two c_j with c_j < R                                (rejection sampling)

Each accepted ``c_j`` is uniform in ``[0, R)``: ``T_j`` is a pseudorandom 256-bit string,
its low 254 bits are uniform in ``[0, 2^254)``, and conditioning on ``c_j < R`` leaves the
uniform distribution on ``[0, R)``. A candidate is accepted with probability
``R / 2^254 > 0.756``; the loop gives up after ``MAX_CANDIDATES`` candidates (probability
below 2^-511 for honest HKDF output).

The shared secret is contributory: a low-order or all-zero result raises
:class:`LowOrderPointError` (RFC 7748, section 6.1). Public keys on the wire are the
32-byte RFC 7748 encoding and must be canonical (``u < 2^255 - 19``, top bit clear).

Secret keys are stored as the raw 32-byte RFC 7748 scalar string (clamped on use).

Only pycryptodome is used for X25519 and HKDF.
"""

from __future__ import annotations

import hmac
import os
from pathlib import Path

from Crypto.Hash import SHA256
from Crypto.Protocol.DH import import_x25519_private_key, import_x25519_public_key, key_agreement
from Crypto.Protocol.KDF import HKDF
from Crypto.PublicKey import ECC

from .bn254.fields import R
from .errors import SchemesError
from .secret_file import write_secret_file

__all__ = [
    "KEY_BYTES",
    "HKDF_SALT",
    "HKDF_INFO_LABEL",
    "MAX_CANDIDATES",
    "CipherKey",
    "KeyAgreementError",
    "InvalidPublicKeyError",
    "InvalidSecretKeyError",
    "LowOrderPointError",
    "RecipientSecretKey",
    "generate_recipient_key",
    "validate_public_key",
    "x25519",
    "derive_cipher_key",
    "sender_derive",
    "recipient_derive",
]

#: Length of X25519 public keys, secret keys and shared secrets (RFC 7748).
KEY_BYTES = 32
#: HKDF-Extract salt (public, fixed; RFC 5869 section 3.1).
HKDF_SALT = b"GRC/KA1/salt x25519-hkdf-sha256"
#: Prefix of the HKDF-Expand info string; followed by eph_pub, recipient_pub, counter.
HKDF_INFO_LABEL = b"GRC/KA1/poseidon-cipher-key"
#: Upper bound on rejection-sampling candidates (each is rejected w.p. < 1/4).
MAX_CANDIDATES = 256

_P25519 = 2**255 - 19
_R = int(R)
_CANDIDATE_MASK = (1 << 254) - 1

CipherKey = tuple[int, int]


class KeyAgreementError(SchemesError, ValueError):
    """Base class of key-agreement errors."""


class InvalidPublicKeyError(KeyAgreementError):
    """A public key is not a canonical 32-byte X25519 u-coordinate."""


class InvalidSecretKeyError(KeyAgreementError):
    """A secret key is not a 32-byte string."""


class LowOrderPointError(InvalidPublicKeyError):
    """The peer's public key has small order: the shared secret would not be contributory."""


def _require_bytes(data: object, what: str, error: type[KeyAgreementError]) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise error(f"{what} must be bytes, not {type(data).__name__}")
    raw = bytes(data)
    if len(raw) != KEY_BYTES:
        raise error(f"{what} must be {KEY_BYTES} bytes, got {len(raw)}")
    return raw


# u-coordinates (mod p) of the points of order 1, 2, 4 and 8 on Curve25519 and its twist
# (cr.yp.to/ecdh.html#validate): X25519 of any of them with a clamped scalar (a multiple of
# the cofactor 8) is the point at infinity, encoded as all zeros.
_SMALL_ORDER_U = frozenset(
    {
        0,
        1,
        325606250916557431795983626356110631294008115727848805560023387167927233504,
        39382357235489614581723060781553021112529911719440698176882885853963445705823,
        _P25519 - 1,
    }
)


def validate_public_key(data: bytes, what: str = "X25519 public key") -> bytes:
    """Check the strict wire encoding of a public key and return it as ``bytes``.

    Rejects (with :class:`InvalidPublicKeyError`) a wrong type or length and non-canonical
    encodings: the top bit of the last byte set, or ``u >= 2^255 - 19``; and (with its
    subclass :class:`LowOrderPointError`) the small-order points.
    """
    raw = _require_bytes(data, what, InvalidPublicKeyError)
    if raw[31] & 0x80:
        raise InvalidPublicKeyError(f"{what} is not canonical: the top bit is set")
    u = int.from_bytes(raw, "little")
    if u >= _P25519:
        raise InvalidPublicKeyError(f"{what} is not canonical: u >= 2^255 - 19")
    if u in _SMALL_ORDER_U:
        raise LowOrderPointError(f"{what} has small order; the shared secret would not be contributory")
    return raw


def _import_public(raw: bytes) -> ECC.EccKey:
    u = (int.from_bytes(raw, "little") & ((1 << 255) - 1)) % _P25519
    if u in _SMALL_ORDER_U:
        raise LowOrderPointError("X25519 public key has small order; the shared secret would not be contributory")
    try:
        return import_x25519_public_key(raw)
    except ValueError as exc:
        raise InvalidPublicKeyError(f"X25519 public key rejected by pycryptodome: {exc}") from exc


def x25519(scalar: bytes, u: bytes) -> bytes:
    """The RFC 7748 function ``X25519(k, u)`` through pycryptodome (hazmat).

    Follows RFC 7748 section 5 exactly: ``k`` is clamped, the top bit of ``u`` is masked and
    ``u`` is reduced mod ``p``. Raises :class:`LowOrderPointError` for a small-order ``u``
    or an all-zero result.
    """
    k = _require_bytes(scalar, "X25519 scalar", InvalidSecretKeyError)
    u_raw = _require_bytes(u, "X25519 u-coordinate", InvalidPublicKeyError)
    peer = _import_public(u_raw)
    try:
        shared = key_agreement(static_priv=import_x25519_private_key(k), static_pub=peer, kdf=bytes)
    except ValueError as exc:  # pycryptodome: the result is the point at infinity
        raise LowOrderPointError("X25519 result is the point at infinity") from exc
    if hmac.compare_digest(shared, bytes(KEY_BYTES)):
        raise LowOrderPointError("X25519 shared secret is all zero (non-contributory)")
    return shared


class RecipientSecretKey:
    """A recipient's static X25519 secret key.

    Serialized as the raw 32-byte RFC 7748 scalar string (:meth:`to_bytes`); the file
    format of :meth:`write` / :meth:`read` is exactly those 32 bytes.
    """

    __slots__ = ("_secret", "_public")

    def __init__(self, secret: bytes) -> None:
        raw = _require_bytes(secret, "X25519 secret key", InvalidSecretKeyError)
        key = import_x25519_private_key(raw)
        self._secret = raw
        self._public = key.public_key().export_key(format="raw")

    @classmethod
    def generate(cls) -> RecipientSecretKey:
        """A fresh key from the operating system's CSPRNG."""
        return cls(os.urandom(KEY_BYTES))

    @classmethod
    def from_bytes(cls, secret: bytes) -> RecipientSecretKey:
        return cls(secret)

    def to_bytes(self) -> bytes:
        """The 32-byte secret scalar string (keep it secret)."""
        return self._secret

    def public_bytes(self) -> bytes:
        """The 32-byte public key ``X25519(secret, 9)``."""
        return self._public

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the raw 32 bytes to a new file readable by its owner only (0600, atomically;
        an existing file is refused)."""
        write_secret_file(path, self._secret)

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> RecipientSecretKey:
        data = Path(path).read_bytes()
        if len(data) != KEY_BYTES:
            raise InvalidSecretKeyError(
                f"secret key file {os.fspath(path)!r} must hold exactly {KEY_BYTES} bytes, got {len(data)}"
            )
        return cls(data)

    def __repr__(self) -> str:
        return f"RecipientSecretKey(public={self._public.hex()})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RecipientSecretKey):
            return NotImplemented
        return hmac.compare_digest(self._secret, other._secret)

    __hash__ = None  # type: ignore[assignment]


def generate_recipient_key() -> RecipientSecretKey:
    """A fresh recipient key pair; the public key is ``.public_bytes()``."""
    return RecipientSecretKey.generate()


def derive_cipher_key(shared_secret: bytes, eph_pub: bytes, recipient_pub: bytes) -> CipherKey:
    """HKDF-SHA256 from the X25519 shared secret to two field elements (hazmat).

    See the module docstring for the exact construction; every output is uniform in
    ``[0, R)`` by rejection sampling (no modular reduction bias).
    """
    ikm = _require_bytes(shared_secret, "shared secret", KeyAgreementError)
    eph = validate_public_key(eph_pub, "ephemeral public key")
    rec = validate_public_key(recipient_pub, "recipient public key")
    prefix = HKDF_INFO_LABEL + eph + rec
    out: list[int] = []
    for counter in range(MAX_CANDIDATES):
        block = HKDF(ikm, KEY_BYTES, HKDF_SALT, SHA256, context=prefix + counter.to_bytes(4, "big"))
        candidate = int.from_bytes(block, "big") & _CANDIDATE_MASK
        if candidate < _R:
            out.append(candidate)
            if len(out) == 2:
                return (out[0], out[1])
    raise KeyAgreementError(f"no cipher key after {MAX_CANDIDATES} HKDF candidates")


def sender_derive(recipient_pub: bytes) -> tuple[bytes, CipherKey]:
    """Fresh ephemeral key agreement with ``recipient_pub``.

    Returns ``(eph_pub, key)``: the 32-byte ephemeral public key to send along and the
    cipher key. A new ephemeral key is drawn on every call, so two messages never share a
    key (the Poseidon cipher must never reuse a (key, nonce) pair).
    """
    rec = validate_public_key(recipient_pub, "recipient public key")
    eph_secret = os.urandom(KEY_BYTES)
    eph_pub = import_x25519_private_key(eph_secret).public_key().export_key(format="raw")
    shared = x25519(eph_secret, rec)
    return eph_pub, derive_cipher_key(shared, eph_pub, rec)


def recipient_derive(recipient_secret: RecipientSecretKey | bytes, eph_pub: bytes) -> CipherKey:
    """The recipient's side: the cipher key for a message carrying ``eph_pub``."""
    if not isinstance(recipient_secret, RecipientSecretKey):
        recipient_secret = RecipientSecretKey(recipient_secret)
    eph = validate_public_key(eph_pub, "ephemeral public key")
    shared = x25519(recipient_secret.to_bytes(), eph)
    return derive_cipher_key(shared, eph, recipient_secret.public_bytes())
