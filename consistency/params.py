"""Named parameter sets of the consistency statement.

A parameter set fixes the image shape and the BFV parameters. Together with the committee's
BFV public key it fixes the circuit; :meth:`ParameterSet.digest` hashes all of it and travels
in every key directory so a verifier cannot be handed keys for another set.

========  ===========  ==============================  ======
name      shape HxWxC  BFV                             chunks
========  ===========  ==============================  ======
toy       8x8x1        N = 64 (INSECURE, tests only)   1
default   28x28x1      N = 2048, q 54-bit, t = 2^22    1
rgb32     32x32x3      N = 2048, q 54-bit, t = 2^22    2
========  ===========  ==============================  ======
"""

from __future__ import annotations

import hashlib
import math
import struct
from dataclasses import dataclass

from schemes.bfv.params import BfvParams, default_params, toy_params
from schemes.commitment import COMMIT_DOMAIN
from schemes.packing import BYTES_PER_ELEMENT

from .errors import UnknownParameterSet

__all__ = ["ENVELOPE_VERSION", "CTX_DOMAIN", "ParameterSet", "get_parameter_set", "PARAMETER_SET_NAMES"]

#: Version byte of the envelope and of the key directory layout.
ENVELOPE_VERSION = 1
#: Poseidon-sponge domain of the message context ``ctx`` (ASCII "GRC/CTX1", big-endian).
CTX_DOMAIN = int.from_bytes(b"GRC/CTX1", "big")

PARAMETER_SET_NAMES = ("toy", "default", "rgb32")


@dataclass(frozen=True)
class ParameterSet:
    """Image shape + BFV parameters. Derived sizes follow specs/consistency.md."""

    name: str
    height: int
    width: int
    channels: int
    bfv: BfvParams

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.height, self.width, self.channels)

    @property
    def num_pixels(self) -> int:
        return self.height * self.width * self.channels

    @property
    def num_chunks(self) -> int:
        """BFV ciphertexts per image: ceil(pixels / N)."""
        return math.ceil(self.num_pixels / self.bfv.n)

    @property
    def packed_len(self) -> int:
        """Field elements of pack(x): ceil(pixels / 31)."""
        return math.ceil(self.num_pixels / BYTES_PER_ELEMENT)

    @property
    def plaintext_len(self) -> int:
        """Length of the cipher plaintext [rho] + pack(x)."""
        return 1 + self.packed_len

    @property
    def ct_msg_len(self) -> int:
        """Poseidon-cipher ciphertext length: plaintext padded to a multiple of 3, plus the tag."""
        return 3 * math.ceil(self.plaintext_len / 3) + 1

    @property
    def num_public(self) -> int:
        """Public inputs: C, ctx, nonce, ct_msg, then ct0 || ct1 of every chunk."""
        return 3 + self.ct_msg_len + 2 * self.bfv.n * self.num_chunks

    @property
    def insecure(self) -> bool:
        return self.bfv.insecure

    def digest(self, pk_fhe_bytes: bytes) -> bytes:
        """SHA-256 over every constant of the circuit: version, name, shape, BFV parameters,
        domain tags and the committee's BFV public key (canonical bytes)."""
        b = self.bfv
        h = hashlib.sha256()
        h.update(b"GRC/PARAMS/v1\x00")
        h.update(struct.pack(">B", ENVELOPE_VERSION))
        h.update(struct.pack(">H", len(self.name)) + self.name.encode())
        h.update(struct.pack(">III", self.height, self.width, self.channels))
        h.update(struct.pack(">H", len(b.name)) + b.name.encode())
        h.update(struct.pack(">IQQQII", b.n, b.q, b.t, b.error_bound, b.parties, b.weight_l1_max))
        h.update(struct.pack(">d", b.sigma))
        h.update(struct.pack(">QQ", COMMIT_DOMAIN, CTX_DOMAIN))
        h.update(struct.pack(">Q", len(pk_fhe_bytes)) + pk_fhe_bytes)
        return h.digest()


def get_parameter_set(name: str, *, allow_insecure: bool = False) -> ParameterSet:
    """The named set. ``toy`` is INSECURE and needs ``allow_insecure=True`` (tests, demos)."""
    if name == "toy":
        if not allow_insecure:
            raise UnknownParameterSet(
                "parameter set 'toy' is INSECURE (N = 64) and only for tests; "
                "pass allow_insecure=True / --insecure to use it")
        return ParameterSet("toy", 8, 8, 1, toy_params(i_know_this_is_insecure=True))
    if name == "default":
        return ParameterSet("default", 28, 28, 1, default_params())
    if name == "rgb32":
        return ParameterSet("rgb32", 32, 32, 3, default_params())
    raise UnknownParameterSet(f"unknown parameter set {name!r}; known: {', '.join(PARAMETER_SET_NAMES)}")
