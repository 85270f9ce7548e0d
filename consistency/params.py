"""Named parameter sets of the consistency statement.

A parameter set fixes the image shape and the BFV parameters. Together with the committee's
BFV public key it fixes the circuit; :meth:`ParameterSet.digest` hashes all of it and travels
in every key directory so a verifier cannot be handed keys for another set.

==================  ===========  ===============================================  ======
name                shape HxWxC  BFV                                              chunks
==================  ===========  ===============================================  ======
toy                 8x8x1        N = 64, two-prime q (INSECURE, tests only)       1
default             28x28x1      N = 4096, q = q1 q2 (109 bits), t = 2^23         1
rgb32               32x32x3      N = 4096, q = q1 q2 (109 bits), t = 2^23         1
default-2048-leaky  28x28x1      N = 2048, q 54-bit, t = 2^22 (LEAKY, opt-in)     1
==================  ===========  ===============================================  ======

``toy`` and ``default-2048-leaky`` are had only by name through :func:`insecure_parameter_set`
(``consistency.hazmat``; ``--insecure`` on the command line): the first has no security at all,
the second is the first release's set, whose threshold decryption leaks (specs/bfv.md section 8).
"""

from __future__ import annotations

import functools
import hashlib
import math
import struct
from dataclasses import dataclass

from schemes.bfv.params import BfvParams, default_params, leaky_2048_params, toy_params
from schemes.commitment import COMMIT_DOMAIN
from schemes.packing import BYTES_PER_ELEMENT

from .errors import UnknownParameterSet

__all__ = [
    "ENVELOPE_VERSION",
    "CTX_DOMAIN",
    "ParameterSet",
    "get_parameter_set",
    "insecure_parameter_set",
    "resolve_parameter_set",
    "PARAMETER_SET_NAMES",
    "INSECURE_SETS",
]

#: Version byte of the envelope and of the key directory layout.
ENVELOPE_VERSION = 1
#: Poseidon-sponge domain of the message context ``ctx`` (ASCII "GRC/CTX1", big-endian).
CTX_DOMAIN = int.from_bytes(b"GRC/CTX1", "big")

PARAMETER_SET_NAMES = ("toy", "default", "rgb32", "default-2048-leaky")
#: The sets that need ``allow_insecure=True``.
INSECURE_SETS = ("toy", "default-2048-leaky")


@dataclass(frozen=True)
class ParameterSet:
    """Image shape + BFV parameters. Derived sizes follow specs/consistency.md.

    ``data`` names the shipped scanner model and demo images (``consistency/data``) of this
    shape; it defaults to ``name``.
    """

    name: str
    height: int
    width: int
    channels: int
    bfv: BfvParams
    data: str = ""

    @property
    def data_name(self) -> str:
        """The name of the shipped model and images for this shape."""
        return self.data or self.name

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
        """Public inputs: C, ctx, nonce, ct_msg, then N packed coefficients ``ct0_i + 2^S ct1_i``
        per chunk (schemes.bfv.gadget.pack_ciphertext)."""
        return 3 + self.ct_msg_len + self.bfv.n * self.num_chunks

    @property
    def insecure(self) -> bool:
        return self.bfv.insecure

    def describe(self) -> dict[str, object]:
        """The parameter set as one JSON-ready object (``python -m consistency params NAME --json``).

        Everything needed to recompute the noise budget, the flooding bound and the statistical
        distance (specs/bfv.md section 8). Integers that can exceed 2^53 (``moduli``, ``q``,
        ``delta``, ``noise_limit``, ``flood_bound``) are decimal strings; the others are numbers.
        """
        from schemes.bfv.gadget import pack_shift  # the public-input layout of the relation

        b = self.bfv
        nb = b.noise_budget
        return {
            "name": self.name,
            "bfv": b.name,
            "insecure": b.insecure,
            "shape": list(self.shape),
            "pixels": self.num_pixels,
            "chunks": self.num_chunks,
            "n": b.n,
            "moduli": [str(m) for m in b.moduli],
            "q": str(b.q),
            "log2_q": math.log2(b.q),
            "t": b.t,
            "delta": str(b.delta),
            "sigma": b.sigma,
            "B": b.error_bound,
            "parties": b.parties,
            "L1": b.weight_l1_max,
            "pixel_max": b.pixel_max,
            "fresh_noise": nb.fresh,
            "worst_case_noise": nb.worst_case,
            "noise_limit": str(nb.limit),
            "flood_bound": str(nb.flooding_per_party),
            "score_max": nb.score_max,
            "bias_max": nb.bias_max,
            "log2_sd_per_decryption": nb.log2_sd_per_decryption,
            "decryption_budget": nb.decryption_budget,
            "log2_cumulative_sd_limit": -30,
            "pack_shift": pack_shift(b),
            "public_inputs": self.num_public,
        }

    def digest(self, pk_fhe_bytes: bytes) -> bytes:
        """SHA-256 over every constant of the circuit: version, name, shape, BFV parameters (with
        every RNS prime), domain tags and the committee's BFV public key (canonical bytes)."""
        b = self.bfv
        h = hashlib.sha256()
        h.update(b"GRC/PARAMS/v2\x00")
        h.update(struct.pack(">B", ENVELOPE_VERSION))
        h.update(struct.pack(">H", len(self.name)) + self.name.encode())
        h.update(struct.pack(">III", self.height, self.width, self.channels))
        h.update(struct.pack(">H", len(b.name)) + b.name.encode())
        h.update(struct.pack(">IB", b.n, len(b.moduli)) + b"".join(struct.pack(">Q", m) for m in b.moduli))
        h.update(struct.pack(">QQII", b.t, b.error_bound, b.parties, b.weight_l1_max))
        h.update(struct.pack(">d", b.sigma))
        h.update(struct.pack(">QQ", COMMIT_DOMAIN, CTX_DOMAIN))
        h.update(struct.pack(">Q", len(pk_fhe_bytes)) + pk_fhe_bytes)
        return h.digest()


def get_parameter_set(name: str, *, allow_insecure: bool = False) -> ParameterSet:
    """The named set. The insecure sets ``toy`` (no security) and ``default-2048-leaky``
    (threshold decryption leaks) are refused: ask for them by name with
    :func:`insecure_parameter_set` (``consistency.hazmat``), or ``--insecure`` on the command
    line. (``allow_insecure=True`` is the low-level switch the command line uses.)"""
    if name in INSECURE_SETS and not allow_insecure:
        why = (
            "INSECURE (N = 64) and only for tests"
            if name == "toy"
            else "the first release's N = 2048 set, whose threshold decryption LEAKS (specs/bfv.md section 8)"
        )
        raise UnknownParameterSet(
            f"parameter set {name!r} is {why}; to use it, get it with "
            f"consistency.hazmat.insecure_parameter_set({name!r}) and pass it as params= (--insecure on the "
            "command line)"
        )
    if name not in PARAMETER_SET_NAMES:
        raise UnknownParameterSet(f"unknown parameter set {name!r}; known: {', '.join(PARAMETER_SET_NAMES)}")
    return _build(name)


def insecure_parameter_set(name: str) -> ParameterSet:
    """HAZMAT. The one explicit opt-in to an insecure set, asked for by name: ``"toy"`` (N = 64,
    no security: tests) or ``"default-2048-leaky"`` (the first release's set: its flooding gives
    no guarantee). Pass the object as ``params=`` to the loaders and decoders, which otherwise
    refuse files made for it."""
    if name not in INSECURE_SETS:
        raise UnknownParameterSet(f"{name!r} is not one of the insecure sets {INSECURE_SETS}; use get_parameter_set")
    return _build(name)


def resolve_parameter_set(
    name: str, expected: ParameterSet | None = None, *, allow_insecure: bool = False
) -> ParameterSet:
    """The set a file names. With ``expected`` (the caller's set), ``name`` must be its name, and
    holding the object is the opt-in if it is insecure; without it, only secure sets (or any, with
    the low-level ``allow_insecure``). Raises :class:`UnknownParameterSet`."""
    if expected is None:
        return get_parameter_set(name, allow_insecure=allow_insecure)
    if not isinstance(expected, ParameterSet):
        raise TypeError(f"params must be a ParameterSet, got {type(expected).__name__}")
    if name != expected.name:
        raise UnknownParameterSet(f"made for parameter set {name!r}, expected {expected.name!r}")
    return expected


@functools.cache
def _build(name: str) -> ParameterSet:
    """The named set, built once (both classes are frozen; the insecure gate is checked above)."""
    if name == "toy":
        return ParameterSet("toy", 8, 8, 1, toy_params(i_know_this_is_insecure=True))
    if name == "default":
        return ParameterSet("default", 28, 28, 1, default_params())
    if name == "rgb32":
        return ParameterSet("rgb32", 32, 32, 3, default_params())
    if name == "default-2048-leaky":
        return ParameterSet("default-2048-leaky", 28, 28, 1, leaky_2048_params(i_know_this_leaks=True), data="default")
    raise UnknownParameterSet(f"unknown parameter set {name!r}")
