"""Canonical byte encodings and digests.

Polynomials mod q: N coefficients, each ``w = ceil(bitlen(q-1)/8)`` bytes little-endian
(w = 7 for DEFAULT), in coefficient order; decoding rejects a wrong length and any
coefficient >= q (:class:`NonCanonicalEncodingError`).

* ciphertext: ``c0 || c1``                                      (2 N w bytes)
* public key: ``p0 || p1``                                      (2 N w bytes)

Digests (SHA-256):

* ``params_digest = SHA256("greco-consistency/bfv/params/v1" || 0x00 || J)`` with ``J`` the
  UTF-8 JSON object of the fields ``name, n, q, t, sigma, error_bound, parties,
  weight_l1_max, pixel_max, insecure, delta, flood_bound``, keys sorted, separators
  ``,`` and ``:``, integers as JSON numbers, ``sigma`` as the string ``repr(float)``;
* ``public_key_digest = SHA256("greco-consistency/bfv/public-key/v1" || 0x00 ||
  params_digest || public_key_bytes)``.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

from ._validate import as_int_tuple
from .encryption import Ciphertext, check_public_key, ciphertext_residues
from .errors import NonCanonicalEncodingError
from .keys import PublicKey
from .params import BfvParams

__all__ = [
    "poly_to_bytes", "poly_from_bytes", "ciphertext_to_bytes", "ciphertext_from_bytes",
    "public_key_to_bytes", "public_key_from_bytes", "params_canonical_json", "params_digest", "public_key_digest",
]

PARAMS_TAG = b"greco-consistency/bfv/params/v1"
PUBLIC_KEY_TAG = b"greco-consistency/bfv/public-key/v1"


def poly_to_bytes(params: BfvParams, residues: np.ndarray) -> bytes:
    """N canonical residues (uint64 array) -> N * coeff_bytes bytes."""
    w = params.coeff_bytes
    raw = np.ascontiguousarray(residues, dtype="<u8").view(np.uint8).reshape(params.n, 8)
    return raw[:, :w].tobytes()


def poly_from_bytes(params: BfvParams, data: bytes) -> np.ndarray:
    """Inverse of :func:`poly_to_bytes`; rejects wrong lengths and coefficients >= q."""
    w = params.coeff_bytes
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise NonCanonicalEncodingError("expected bytes")
    data = bytes(data)
    if len(data) != params.n * w:
        raise NonCanonicalEncodingError(f"polynomial encoding has {len(data)} bytes, expected {params.n * w}")
    raw = np.zeros((params.n, 8), dtype=np.uint8)
    raw[:, :w] = np.frombuffer(data, dtype=np.uint8).reshape(params.n, w)
    vals = raw.view("<u8").reshape(params.n).astype(np.uint64)
    if int(vals.max()) >= params.q:
        raise NonCanonicalEncodingError("coefficient >= q (non-canonical encoding)")
    return vals


def _split(params: BfvParams, data: bytes, parts: int, what: str) -> list:
    size = params.n * params.coeff_bytes
    if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) != parts * size:
        raise NonCanonicalEncodingError(f"{what} encoding must be exactly {parts * size} bytes")
    data = bytes(data)
    return [data[i * size:(i + 1) * size] for i in range(parts)]


def ciphertext_to_bytes(params: BfvParams, ct: Ciphertext) -> bytes:
    """``c0 || c1`` (checks the ciphertext first)."""
    c0, c1 = ciphertext_residues(params, ct)
    return poly_to_bytes(params, c0) + poly_to_bytes(params, c1)


def ciphertext_from_bytes(params: BfvParams, data: bytes) -> Ciphertext:
    """Parse ``c0 || c1`` strictly."""
    a, b = _split(params, data, 2, "ciphertext")
    return Ciphertext(as_int_tuple(poly_from_bytes(params, a)), as_int_tuple(poly_from_bytes(params, b)))


def public_key_to_bytes(params: BfvParams, pk: PublicKey) -> bytes:
    """``p0 || p1`` (checks the key first)."""
    p0, p1 = check_public_key(params, pk)
    return poly_to_bytes(params, p0) + poly_to_bytes(params, p1)


def public_key_from_bytes(params: BfvParams, data: bytes) -> PublicKey:
    """Parse ``p0 || p1`` strictly."""
    a, b = _split(params, data, 2, "public key")
    return PublicKey(as_int_tuple(poly_from_bytes(params, a)), as_int_tuple(poly_from_bytes(params, b)))


def params_canonical_json(params: BfvParams) -> bytes:
    """The canonical JSON encoding hashed by :func:`params_digest`."""
    obj = {
        "name": params.name, "n": params.n, "q": params.q, "t": params.t,
        "sigma": repr(params.sigma), "error_bound": params.error_bound, "parties": params.parties,
        "weight_l1_max": params.weight_l1_max, "pixel_max": params.pixel_max,
        "insecure": params.insecure, "delta": params.delta, "flood_bound": params.flood_bound,
    }
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def params_digest(params: BfvParams) -> bytes:
    """SHA-256 of the canonical parameter encoding (32 bytes)."""
    return hashlib.sha256(PARAMS_TAG + b"\x00" + params_canonical_json(params)).digest()


def public_key_digest(params: BfvParams, pk: PublicKey) -> bytes:
    """SHA-256 binding a public key to its parameter set (32 bytes)."""
    return hashlib.sha256(PUBLIC_KEY_TAG + b"\x00" + params_digest(params)
                          + public_key_to_bytes(params, pk)).digest()
