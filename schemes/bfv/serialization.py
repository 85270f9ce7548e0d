"""Canonical byte encodings and digests.

Polynomials mod q: N coefficients (integers in [0, q), the CRT form of the RNS residues),
each ``w = ceil(bitlen(q-1)/8)`` bytes little-endian (w = 14 for DEFAULT), in coefficient
order; decoding rejects a wrong length and any coefficient >= q
(:class:`NonCanonicalEncodingError`).

* ciphertext: ``c0 || c1``                                      (2 N w bytes)
* public key: ``p0 || p1``                                      (2 N w bytes)

Digests (SHA-256):

* ``params_digest = SHA256("greco-consistency/bfv/params/v2" || 0x00 || J)`` with ``J`` the
  UTF-8 JSON object of the fields ``name, n, moduli, q, t, sigma, error_bound, parties,
  weight_l1_max, pixel_max, insecure, delta, flood_bound, decryption_budget``, keys sorted,
  separators ``,`` and ``:``, ``moduli`` a list of decimal strings, ``q``, ``delta`` and
  ``flood_bound`` decimal strings, the other integers JSON numbers, ``sigma`` the string
  ``repr(float)``;
* ``public_key_digest = SHA256("greco-consistency/bfv/public-key/v1" || 0x00 ||
  params_digest || public_key_bytes)``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from ._validate import ints_mod_q
from .encryption import Ciphertext, check_ciphertext
from .errors import InvalidKeyError, NonCanonicalEncodingError
from .keys import PublicKey
from .params import BfvParams

__all__ = [
    "poly_to_bytes",
    "poly_from_bytes",
    "ciphertext_to_bytes",
    "ciphertext_from_bytes",
    "public_key_to_bytes",
    "public_key_from_bytes",
    "params_canonical_json",
    "params_digest",
    "public_key_digest",
]

PARAMS_TAG = b"greco-consistency/bfv/params/v2"
PUBLIC_KEY_TAG = b"greco-consistency/bfv/public-key/v1"


def poly_to_bytes(params: BfvParams, coeffs: Sequence[int]) -> bytes:
    """N canonical coefficients (ints in [0, q)) -> N * coeff_bytes bytes."""
    w = params.coeff_bytes
    return b"".join(int(v).to_bytes(w, "little") for v in coeffs)


def poly_from_bytes(params: BfvParams, data: bytes) -> tuple[int, ...]:
    """Inverse of :func:`poly_to_bytes`; rejects wrong lengths and coefficients >= q."""
    w = params.coeff_bytes
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise NonCanonicalEncodingError("expected bytes")
    data = bytes(data)
    if len(data) != params.n * w:
        raise NonCanonicalEncodingError(f"polynomial encoding has {len(data)} bytes, expected {params.n * w}")
    q = params.q
    vals = tuple(int.from_bytes(data[i : i + w], "little") for i in range(0, len(data), w))
    if max(vals) >= q:
        raise NonCanonicalEncodingError("coefficient >= q (non-canonical encoding)")
    return vals


def _split(params: BfvParams, data: bytes, parts: int, what: str) -> list[bytes]:
    size = params.n * params.coeff_bytes
    if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) != parts * size:
        raise NonCanonicalEncodingError(f"{what} encoding must be exactly {parts * size} bytes")
    data = bytes(data)
    return [data[i * size : (i + 1) * size] for i in range(parts)]


def ciphertext_to_bytes(params: BfvParams, ct: Ciphertext) -> bytes:
    """``c0 || c1`` (checks the ciphertext first)."""
    c0, c1 = check_ciphertext(params, ct)
    return poly_to_bytes(params, c0) + poly_to_bytes(params, c1)


def ciphertext_from_bytes(params: BfvParams, data: bytes) -> Ciphertext:
    """Parse ``c0 || c1`` strictly."""
    a, b = _split(params, data, 2, "ciphertext")
    return Ciphertext(poly_from_bytes(params, a), poly_from_bytes(params, b))


def public_key_to_bytes(params: BfvParams, pk: PublicKey) -> bytes:
    """``p0 || p1`` (checks the key first)."""
    if not isinstance(pk, PublicKey):
        raise InvalidKeyError(f"expected a PublicKey, got {type(pk).__name__}")
    return poly_to_bytes(params, ints_mod_q(params, pk.p0, "public key p0", InvalidKeyError)) + poly_to_bytes(
        params, ints_mod_q(params, pk.p1, "public key p1", InvalidKeyError)
    )


def public_key_from_bytes(params: BfvParams, data: bytes) -> PublicKey:
    """Parse ``p0 || p1`` strictly."""
    a, b = _split(params, data, 2, "public key")
    return PublicKey(poly_from_bytes(params, a), poly_from_bytes(params, b))


def params_canonical_json(params: BfvParams) -> bytes:
    """The canonical JSON encoding hashed by :func:`params_digest`."""
    obj = {
        "name": params.name,
        "n": params.n,
        "moduli": [str(m) for m in params.moduli],
        "q": str(params.q),
        "t": params.t,
        "sigma": repr(params.sigma),
        "error_bound": params.error_bound,
        "parties": params.parties,
        "weight_l1_max": params.weight_l1_max,
        "pixel_max": params.pixel_max,
        "insecure": params.insecure,
        "delta": str(params.delta),
        "flood_bound": str(params.flood_bound),
        "decryption_budget": params.decryption_budget,
    }
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def params_digest(params: BfvParams) -> bytes:
    """SHA-256 of the canonical parameter encoding (32 bytes)."""
    return hashlib.sha256(PARAMS_TAG + b"\x00" + params_canonical_json(params)).digest()


def public_key_digest(params: BfvParams, pk: PublicKey) -> bytes:
    """SHA-256 binding a public key to its parameter set (32 bytes)."""
    return hashlib.sha256(PUBLIC_KEY_TAG + b"\x00" + params_digest(params) + public_key_to_bytes(params, pk)).digest()
