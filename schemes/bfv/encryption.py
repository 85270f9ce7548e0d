"""Public-key encryption that exposes its randomness, and (single-key) decryption.

``Encrypt(pk, m)``: ``u <- ternary``, ``e0, e1 <- chi_B`` (discrete Gaussian truncated to
[-B, B]), and

    ct0 = pk0*u + e0 + Delta*m   (mod q),    ct1 = pk1*u + e1   (mod q),

with ``Delta = floor(q/t)`` and ``m`` the message coefficients in [0, t) (zero-padded to N).
The products are computed in RNS, one prime at a time (:mod:`.rns`); ciphertexts and keys
hold coefficients in [0, q) as Python ints. Per prime this is
``ct0 mod q_i = pk0^(i)*u + e0 + Delta^(i)*m (mod q_i)`` with ``pk0^(i) = pk0 mod q_i`` and
``Delta^(i) = Delta mod q_i``: the same ``u, e0, e1, m`` in every residue.
The randomness ``(u, e0, e1)`` is returned as an :class:`EncryptionWitness` of signed ints:
it is the witness of the encryption relation proved in the circuit (:mod:`.gadget`).

``Decrypt(s, ct)``: ``x = ct0 + ct1*s mod q`` (per prime, then recombined by the CRT) and
``m_i = round(t x_i / q) mod t`` in exact integer arithmetic. Since
``ct0 + ct1*s = Delta*m + v`` with ``v = e*u + e0 + e1*s``, this is correct while
``t|v_i| + (q mod t)|m_i| < q/2`` (see :mod:`.budget`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._validate import as_int_tuple, ints_mod_q, residues_mod_q, rns_ring, small_signed
from .errors import InvalidCiphertextError, InvalidKeyError, InvalidPlaintextError, InvalidWitnessError
from .keys import PublicKey, SecretKey
from .params import BfvParams
from .sampling import RandomSource, resolve_rng, sample_gaussian, sample_ternary

__all__ = [
    "Ciphertext",
    "EncryptionWitness",
    "encrypt",
    "encrypt_with_randomness",
    "decrypt",
    "decode_coefficient",
    "decode_coefficients",
    "plaintext_residues",
    "ciphertext_residues",
    "check_ciphertext",
    "check_public_key",
]


@dataclass(frozen=True)
class Ciphertext:
    """``(c0, c1)``, coefficients in [0, q) (Python ints; q may exceed 2^64)."""

    c0: tuple[int, ...]
    c1: tuple[int, ...]


@dataclass(frozen=True)
class EncryptionWitness:
    """The encryption randomness: ``u`` ternary, ``e0, e1`` in [-B, B] (signed ints, length N)."""

    u: tuple[int, ...]
    e0: tuple[int, ...]
    e1: tuple[int, ...]


def plaintext_residues(params: BfvParams, m: Sequence[int]) -> np.ndarray:
    """Check a message (ints in [0, t), at most N of them) and zero-pad it to N (int64)."""
    arr = small_signed(params, m, params.t - 1, "message", InvalidPlaintextError, exact_length=False)
    if arr.size and arr.min() < 0:
        raise InvalidPlaintextError("message coefficients must be in [0, t)")
    return arr


def ciphertext_residues(params: BfvParams, ct: Ciphertext) -> tuple[np.ndarray, np.ndarray]:
    """Check a ciphertext (2 x N canonical coefficients) and return its components as RNS residues."""
    if not isinstance(ct, Ciphertext):
        raise InvalidCiphertextError(f"expected a Ciphertext, got {type(ct).__name__}")
    return (
        residues_mod_q(params, ct.c0, "ciphertext c0", InvalidCiphertextError),
        residues_mod_q(params, ct.c1, "ciphertext c1", InvalidCiphertextError),
    )


def check_ciphertext(params: BfvParams, ct: Ciphertext) -> tuple[list[int], list[int]]:
    """Check a ciphertext and return its components as lists of ints in [0, q)."""
    if not isinstance(ct, Ciphertext):
        raise InvalidCiphertextError(f"expected a Ciphertext, got {type(ct).__name__}")
    return (
        ints_mod_q(params, ct.c0, "ciphertext c0", InvalidCiphertextError),
        ints_mod_q(params, ct.c1, "ciphertext c1", InvalidCiphertextError),
    )


def check_public_key(params: BfvParams, pk: PublicKey) -> tuple[np.ndarray, np.ndarray]:
    """Check a public key (2 x N canonical coefficients) and return its components as RNS residues."""
    if not isinstance(pk, PublicKey):
        raise InvalidKeyError(f"expected a PublicKey, got {type(pk).__name__}")
    return (
        residues_mod_q(params, pk.p0, "public key p0", InvalidKeyError),
        residues_mod_q(params, pk.p1, "public key p1", InvalidKeyError),
    )


def encrypt_with_randomness(
    params: BfvParams, pk: PublicKey, m: Sequence[int], witness: EncryptionWitness, *, check_bounds: bool = True
) -> Ciphertext:
    """The deterministic part of encryption, for given ``(u, e0, e1)``.

    With ``check_bounds=True`` (the default) ``u`` must be ternary and ``|e0|, |e1| <= B``;
    ``check_bounds=False`` lets tests build out-of-relation ciphertexts "by hand" (|e| <= 2^40).
    """
    ring = rns_ring(params)
    p0, p1 = check_public_key(params, pk)
    msg = plaintext_residues(params, m)
    u_bound, e_bound = (1, params.error_bound) if check_bounds else (1 << 40, 1 << 40)
    u = small_signed(params, witness.u, u_bound, "u", InvalidWitnessError)
    e0 = small_signed(params, witness.e0, e_bound, "e0", InvalidWitnessError)
    e1 = small_signed(params, witness.e1, e_bound, "e1", InvalidWitnessError)
    u_res = ring.from_small(u)
    scaled = ring.scalar_mul(ring.from_small(msg), params.delta)
    c0 = ring.add(ring.add(ring.mul(p0, u_res), ring.from_small(e0)), scaled)
    c1 = ring.add(ring.mul(p1, u_res), ring.from_small(e1))
    return Ciphertext(tuple(ring.to_ints(c0)), tuple(ring.to_ints(c1)))


def encrypt(
    params: BfvParams, pk: PublicKey, m: Sequence[int], rng: RandomSource | None = None
) -> tuple[Ciphertext, EncryptionWitness]:
    """Encrypt ``m`` (ints in [0, t), length <= N) under ``pk``; return the ciphertext and its randomness."""
    rng = resolve_rng(rng)
    u = sample_ternary(rng, params.n)
    e0 = sample_gaussian(rng, params.n, params.sigma, params.error_bound)
    e1 = sample_gaussian(rng, params.n, params.sigma, params.error_bound)
    witness = EncryptionWitness(as_int_tuple(u), as_int_tuple(e0), as_int_tuple(e1))
    return encrypt_with_randomness(params, pk, m, witness), witness


def decode_coefficient(params: BfvParams, x: int) -> int:
    """``round(t x / q) mod t`` for ``x`` in [0, q) (round half up), exactly."""
    q, t = params.q, params.t
    return ((2 * t * int(x) + q) // (2 * q)) % t


def decode_coefficients(params: BfvParams, x: Sequence[int]) -> list[int]:
    """:func:`decode_coefficient` of every ``x_i`` in [0, q)."""
    q, t = params.q, params.t
    return [((2 * t * int(v) + q) // (2 * q)) % t for v in x]


def decrypt(params: BfvParams, sk: SecretKey, ct: Ciphertext) -> list[int]:
    """Plaintext coefficients in [0, t) of ``ct`` under the (single or joint) secret ``sk``."""
    ring = rns_ring(params)
    c0, c1 = ciphertext_residues(params, ct)
    s = small_signed(params, sk.s, params.parties, "secret key", InvalidKeyError)
    x = ring.add(c0, ring.mul(c1, ring.from_small(s)))
    return decode_coefficients(params, ring.to_ints(x))
