"""Poseidon authenticated encryption over BN254, compatible with zk-kit ``poseidon-cipher``.

- :mod:`.cipher` -- ``encrypt(plaintext, key, nonce)`` and ``decrypt(ciphertext, key, nonce, length)``.
- :mod:`.errors` -- :class:`DecryptionError` and its subclasses.
- :mod:`.gadget` -- ``encrypt_gadget``: the encryption as an R1CS gadget.
"""

from .cipher import KEY_ELEMENTS, NONCE_BITS, ciphertext_length, decrypt, encrypt
from .errors import DecryptionError, InvalidNonce, InvalidPadding, InvalidTag, MalformedCiphertext

__all__ = [
    "KEY_ELEMENTS",
    "NONCE_BITS",
    "ciphertext_length",
    "decrypt",
    "encrypt",
    "DecryptionError",
    "InvalidNonce",
    "InvalidPadding",
    "InvalidTag",
    "MalformedCiphertext",
]
