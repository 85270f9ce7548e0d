"""Poseidon authenticated encryption (duplex sponge), compatible with zk-kit.

This is ``poseidonEncrypt`` / ``poseidonDecrypt`` of ``@zk-kit/poseidon-cipher`` (after
Khovratovich's "Encryption with Poseidon"), over the BN254 scalar field with circomlib's
width-4 permutation ``P`` (:func:`schemes.poseidon.permute`).

Encryption of ``m_0..m_{l-1}`` under key ``(k0, k1)`` and nonce ``N < 2^128``:

1. pad the message with zeros to a multiple of 3 elements;
2. ``S = [0, k0, k1, N + l * 2^128]``;
3. for each block ``(a, b, c)``: ``S = P(S)``; ``S[1] += a``, ``S[2] += b``, ``S[3] += c``
   (mod R); output ``S[1], S[2], S[3]``;
4. ``S = P(S)``; output the tag ``S[1]``.

The ciphertext has ``3 * ceil(l / 3) + 1`` elements. Decryption runs the same duplex,
recovering each block as ``ct - S`` and setting ``S[1..3] = ct``; it then checks the tag
and that every padding element is zero.

Differences from zk-kit, all of them stricter: inputs are never reduced mod R (non-canonical
values raise), the ciphertext length must match ``length``, the padding is checked for
every ``length`` (zk-kit skips the check when ``length <= 3``), and the tag is checked
before the padding so that a modified ciphertext reports :class:`InvalidTag`.

A (key, nonce) pair must never encrypt two messages: the keystream would repeat.
"""

from __future__ import annotations

import hmac
import operator
from collections.abc import Sequence

from ..bn254.fields import R
from ..poseidon.field import canonical_list
from ..poseidon.permutation import _permute_unchecked
from .errors import InvalidNonce, InvalidPadding, InvalidTag, MalformedCiphertext

__all__ = [
    "KEY_ELEMENTS",
    "MAX_LENGTH",
    "NONCE_BITS",
    "RATE",
    "WIDTH",
    "ciphertext_length",
    "encrypt",
    "decrypt",
    "initial_state",
]

WIDTH = 4
RATE = 3
KEY_ELEMENTS = 2
#: Nonces are below 2^NONCE_BITS; the message length is placed above them.
NONCE_BITS = 128
_LENGTH_SHIFT = NONCE_BITS
#: Largest length for which ``N + l * 2^128 < R`` for every nonce ``N``.
MAX_LENGTH = (int(R) >> _LENGTH_SHIFT) - 1


def _as_int(value: object, what: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, got bool")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{what} must be an integer, got {type(value).__name__}") from None


def _check_length(length: object) -> int:
    n = _as_int(length, "length")
    if not 0 <= n <= MAX_LENGTH:
        raise ValueError(f"plaintext length must be in 0..{MAX_LENGTH}, got {n}")
    return n


def _check_nonce(nonce: object, error: type[ValueError]) -> int:
    n = _as_int(nonce, "nonce")
    if not 0 <= n < (1 << NONCE_BITS):
        raise error(f"nonce must be in [0, 2^{NONCE_BITS}), got {n}")
    return n


def _check_key(key: Sequence[int]) -> list[int]:
    k = canonical_list(key, "key")
    if len(k) != KEY_ELEMENTS:
        raise ValueError(f"key must have {KEY_ELEMENTS} field elements, got {len(k)}")
    return k


def ciphertext_length(length: int) -> int:
    """Number of ciphertext elements (tag included) for a plaintext of ``length`` elements."""
    n = _check_length(length)
    return RATE * -(-n // RATE) + 1


def initial_state(key: Sequence[int], nonce: int, length: int) -> list[int]:
    """``[0, k0, k1, nonce + length * 2^128]`` after validating all three."""
    k = _check_key(key)
    n = _check_nonce(nonce, ValueError)
    return [0, k[0], k[1], n + (_check_length(length) << _LENGTH_SHIFT)]


def encrypt(plaintext: Sequence[int], key: Sequence[int], nonce: int) -> list[int]:
    """zk-kit ``poseidonEncrypt``: ``3 * ceil(l / 3)`` ciphertext elements, then the tag.

    ``plaintext`` and ``key`` (two elements) must be canonical field elements and
    ``0 <= nonce < 2^128``; raises ``ValueError`` (a subclass) otherwise.
    """
    message = canonical_list(plaintext, "plaintext")
    state = initial_state(key, nonce, len(message))
    message += [0] * (-len(message) % RATE)
    ciphertext: list[int] = []
    for i in range(0, len(message), RATE):
        state = _permute_unchecked(state)
        for k in range(RATE):
            state[1 + k] = (state[1 + k] + message[i + k]) % R
        ciphertext.extend(int(x) for x in state[1:])
    state = _permute_unchecked(state)
    ciphertext.append(int(state[1]))
    return ciphertext


def _equal(a: int, b: int) -> bool:
    """Equality of two field elements without an early exit on the first differing byte."""
    return hmac.compare_digest(int(a).to_bytes(32, "big"), int(b).to_bytes(32, "big"))


def decrypt(ciphertext: Sequence[int], key: Sequence[int], nonce: int, length: int) -> list[int]:
    """zk-kit ``poseidonDecrypt`` with strict checks; returns the ``length`` plaintext elements.

    Raises :class:`InvalidNonce` for a nonce outside ``[0, 2^128)``,
    :class:`MalformedCiphertext` for a wrong element count or a non-canonical element,
    :class:`InvalidTag` when authentication fails and :class:`InvalidPadding` when the tag
    is valid but a padding element is not zero. A bad key or length is a ``ValueError``.
    """
    n = _check_length(length)
    nonce_int = _check_nonce(nonce, InvalidNonce)
    k = _check_key(key)
    try:
        ct = canonical_list(ciphertext, "ciphertext")
    except ValueError as exc:
        raise MalformedCiphertext(str(exc)) from None
    expected = ciphertext_length(n)
    if len(ct) != expected:
        raise MalformedCiphertext(f"a {n}-element plaintext has {expected} ciphertext elements, got {len(ct)}")

    state = [0, k[0], k[1], nonce_int + (n << _LENGTH_SHIFT)]
    message: list[int] = []
    for i in range(0, expected - 1, RATE):
        state = _permute_unchecked(state)
        for j in range(RATE):
            message.append(int((ct[i + j] - state[1 + j]) % R))
            state[1 + j] = ct[i + j]
    state = _permute_unchecked(state)
    if not _equal(state[1], ct[-1]):
        raise InvalidTag("authentication tag mismatch")
    if any(message[n:]):
        raise InvalidPadding("non-zero padding after the last plaintext element")
    return message[:n]
