"""Coefficient encoding of uint8 images, split into N-pixel chunks.

An image is its pixels in row-major (HWC) order, ``x_0 .. x_{P-1}`` in [0, pixel_max]. Chunk c
is the plaintext polynomial with ``m_i = x_{cN+i}`` for ``cN + i < P`` and ``m_i = 0`` after
the last pixel; there are ``ceil(P / N)`` chunks (a 28x28 or 32x32x3 image is one chunk on N = 4096,
a 64x64x3 image is three).
"""

from __future__ import annotations

from collections.abc import Sequence

from .encryption import Ciphertext, EncryptionWitness, decrypt, encrypt
from .errors import InvalidPlaintextError
from .keys import PublicKey, SecretKey
from .params import BfvParams
from .sampling import RandomSource, resolve_rng

__all__ = ["num_chunks", "image_to_plaintexts", "plaintexts_to_image", "encrypt_image", "decrypt_image"]


def num_chunks(params: BfvParams, num_pixels: int) -> int:
    """``ceil(num_pixels / N)`` (at least one pixel)."""
    if isinstance(num_pixels, bool) or not isinstance(num_pixels, int) or num_pixels < 1:
        raise InvalidPlaintextError(f"an image needs at least one pixel, got {num_pixels!r}")
    return -(-num_pixels // params.n)


def _pixels(params: BfvParams, pixels: Sequence[int] | bytes) -> list[int]:
    vals = list(pixels)
    for v in vals:
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= params.pixel_max:
            raise InvalidPlaintextError(f"pixels must be ints in [0, {params.pixel_max}], got {v!r}")
    return vals


def image_to_plaintexts(params: BfvParams, pixels: Sequence[int] | bytes) -> list[list[int]]:
    """The chunk plaintexts (lists of N ints) of a row-major pixel sequence."""
    vals = _pixels(params, pixels)
    n = params.n
    chunks = []
    for c in range(num_chunks(params, len(vals))):
        block = vals[c * n : (c + 1) * n]
        chunks.append(block + [0] * (n - len(block)))
    return chunks


def plaintexts_to_image(params: BfvParams, plaintexts: Sequence[Sequence[int]], num_pixels: int) -> list[int]:
    """Inverse of :func:`image_to_plaintexts`; rejects bad counts, non-zero padding, non-pixels."""
    if len(plaintexts) != num_chunks(params, num_pixels):
        raise InvalidPlaintextError(
            f"{num_pixels} pixels need {num_chunks(params, num_pixels)} chunks, got {len(plaintexts)}"
        )
    flat = [int(v) for chunk in plaintexts for v in chunk]
    if any(len(chunk) != params.n for chunk in plaintexts):
        raise InvalidPlaintextError(f"every chunk must have N = {params.n} coefficients")
    if any(flat[num_pixels:]):
        raise InvalidPlaintextError("non-zero coefficient after the last pixel")
    return _pixels(params, flat[:num_pixels])


def encrypt_image(
    params: BfvParams, pk: PublicKey, pixels: Sequence[int] | bytes, rng: RandomSource | None = None
) -> list[tuple[Ciphertext, EncryptionWitness]]:
    """``[(Ciphertext, EncryptionWitness)]``, one per chunk."""
    rng = resolve_rng(rng)
    return [encrypt(params, pk, m, rng) for m in image_to_plaintexts(params, pixels)]


def decrypt_image(params: BfvParams, sk: SecretKey, cts: Sequence[Ciphertext], num_pixels: int) -> list[int]:
    """Pixels of a chunked image ciphertext under ``sk`` (single or joint secret)."""
    return plaintexts_to_image(params, [decrypt(params, sk, ct) for ct in cts], num_pixels)
