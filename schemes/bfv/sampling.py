"""Randomness sources and samplers for BFV.

Sources expose ``random_bytes(n) -> bytes``. :class:`SystemRandomSource` (``os.urandom``) is
the default everywhere a ``rng`` argument is ``None``. :class:`DeterministicRng` is a seeded
SHAKE256 stream for TESTS AND TEST VECTORS ONLY: anyone who knows the seed knows every
secret drawn from it.

Samplers (all exact up to the stated quantization, vectorized with numpy):

* uniform mod a prime q_i < 2^64: 64-bit words, rejected when ``>= floor(2^64 / q_i) * q_i``,
  then reduced mod q_i; uniform mod ``q = q_1 ... q_k``: one independent uniform residue row
  per RNS prime (by the CRT these are a uniform element of Z_q);
* ternary: bytes rejected when ``>= 255``, then ``byte mod 3 - 1`` (uniform on {-1, 0, 1});
* discrete Gaussian truncated to [-B, B]: probability of x proportional to
  ``exp(-x^2 / (2 sigma^2))`` for |x| <= B and 0 outside -- exactly the distribution of a
  discrete Gaussian sample rejected when |x| > B -- drawn by inversion of a cumulative table
  quantized to 2^-64 with a uniform 64-bit word;
* flooding: uniform on [-F, F] (any size of F) by rejection: ``bitlen(2F)`` random bits, read
  as an integer x (SHAKE-style big-endian bytes, high bits masked), rejected when ``x > 2F``,
  then ``x - F`` (acceptance probability above 1/2).
"""

from __future__ import annotations

import hashlib
import math
import os
from functools import lru_cache
from typing import Protocol

import numpy as np

__all__ = [
    "RandomSource",
    "SystemRandomSource",
    "DeterministicRng",
    "resolve_rng",
    "sample_uniform_mod",
    "sample_ternary",
    "sample_gaussian",
    "sample_uniform_signed",
    "expand_uniform_mod",
    "sample_uniform_rns",
    "sample_flooding",
]


class RandomSource(Protocol):
    """Anything with ``random_bytes(n) -> bytes`` (n uniformly random bytes)."""

    def random_bytes(self, n: int) -> bytes: ...


class SystemRandomSource:
    """The operating system's CSPRNG (``os.urandom``). The default source."""

    def random_bytes(self, n: int) -> bytes:
        return os.urandom(n)


class DeterministicRng:
    """Seeded SHAKE256 byte stream -- FOR TESTS AND TEST VECTORS ONLY.

    Call ``i`` (counting from 0) returns ``SHAKE256(b"bfv/deterministic-rng/v1" || len(seed)
    (8 bytes LE) || seed || i (8 bytes LE)).digest(n)``: reproducible for a fixed sequence of
    calls, and never to be used for real keys or encryptions.
    """

    _TAG = b"bfv/deterministic-rng/v1"

    def __init__(self, seed: bytes | str | int) -> None:
        if isinstance(seed, int):
            seed = seed.to_bytes((seed.bit_length() + 8) // 8, "little", signed=True)
        elif isinstance(seed, str):
            seed = seed.encode()
        if not isinstance(seed, (bytes, bytearray)):
            raise TypeError("seed must be bytes, str or int")
        self._prefix = self._TAG + len(seed).to_bytes(8, "little") + bytes(seed)
        self._counter = 0

    def random_bytes(self, n: int) -> bytes:
        out = hashlib.shake_256(self._prefix + self._counter.to_bytes(8, "little")).digest(n)
        self._counter += 1
        return out


_SYSTEM = SystemRandomSource()


def resolve_rng(rng: RandomSource | None) -> RandomSource:
    """``rng`` itself, or the system CSPRNG when ``rng`` is None."""
    if rng is None:
        return _SYSTEM
    if not callable(getattr(rng, "random_bytes", None)):
        raise TypeError("rng must provide random_bytes(n) -> bytes")
    return rng


def _words(rng: RandomSource, count: int) -> np.ndarray:
    data = rng.random_bytes(8 * count)
    if len(data) != 8 * count:
        raise ValueError("random source returned the wrong number of bytes")
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


def _uniform_below(rng: RandomSource, count: int, bound: int) -> np.ndarray:
    """``count`` uniform integers in [0, bound), 1 <= bound <= 2^64, by rejection."""
    if not 1 <= bound <= 1 << 64:
        raise ValueError("bound must be in [1, 2^64]")
    if bound == 1 << 64:
        return _words(rng, count)
    limit = ((1 << 64) // bound) * bound  # accept words < limit
    out = np.empty(0, dtype=np.uint64)
    while out.size < count:
        need = count - out.size
        w = _words(rng, need + need // 8 + 4)
        if limit < 1 << 64:
            w = w[w < np.uint64(limit)]
        out = np.concatenate([out, w[:need] % np.uint64(bound)])
    return out


def sample_uniform_mod(rng: RandomSource, n: int, q: int) -> np.ndarray:
    """n uniform residues mod q (uint64)."""
    return _uniform_below(rng, n, q)


def expand_uniform_mod(seed: bytes, n: int, q: int, tag: bytes) -> np.ndarray:
    """A public uniform polynomial mod q derived from ``seed`` (SHAKE256 under ``tag``)."""
    return sample_uniform_mod(DeterministicRng(tag + b"\x00" + bytes(seed)), n, q)


def sample_uniform_rns(rng: RandomSource, n: int, moduli: tuple[int, ...]) -> np.ndarray:
    """n uniform elements of Z_q, q = prod(moduli), as a ``k x n`` residue array (row i mod q_i)."""
    return np.stack([_uniform_below(rng, n, m) for m in moduli])


def sample_flooding(rng: RandomSource, bound: int) -> int:
    """One uniform integer in [-bound, bound], for any ``bound >= 0`` (rejection sampling)."""
    if isinstance(bound, bool) or not isinstance(bound, int) or bound < 0:
        raise ValueError("bound must be a non-negative int")
    span = 2 * bound  # accept x in [0, span]
    bits = span.bit_length()
    if bits == 0:
        return 0
    nbytes = (bits + 7) // 8
    mask = (1 << bits) - 1
    while True:
        x = int.from_bytes(rng.random_bytes(nbytes), "big") & mask
        if x <= span:
            return x - bound


def sample_ternary(rng: RandomSource, n: int) -> np.ndarray:
    """n uniform values in {-1, 0, 1} (int64)."""
    out = np.empty(0, dtype=np.int64)
    while out.size < n:
        need = n - out.size
        b = np.frombuffer(rng.random_bytes(need + need // 64 + 4), dtype=np.uint8)
        b = b[b < 255].astype(np.int64)
        out = np.concatenate([out, b[:need] % 3 - 1])
    return out


@lru_cache(maxsize=8)
def _gaussian_table(sigma: float, bound: int) -> np.ndarray:
    """Thresholds T_k (uint64, k = 0..2B-1): sample = -B + #{k : T_k <= U} for uniform U < 2^64."""
    xs = range(-bound, bound + 1)
    weights = [math.exp(-(x * x) / (2.0 * sigma * sigma)) for x in xs]
    total = math.fsum(weights)
    thresholds, acc = [], 0.0
    for w in weights[:-1]:
        acc += w
        thresholds.append(min(int(round(acc / total * 2.0**64)), (1 << 64) - 1))
    return np.array(thresholds, dtype=np.uint64)


def sample_gaussian(rng: RandomSource, n: int, sigma: float, bound: int) -> np.ndarray:
    """n samples of the discrete Gaussian (parameter sigma) truncated to [-bound, bound] (int64)."""
    table = _gaussian_table(float(sigma), int(bound))
    u = _words(rng, n)
    return np.searchsorted(table, u, side="right").astype(np.int64) - bound


def sample_uniform_signed(rng: RandomSource, n: int, bound: int) -> np.ndarray:
    """n uniform integers in [-bound, bound] (int64), bound < 2^62."""
    if not 0 <= bound < 1 << 62:
        raise ValueError("bound must be in [0, 2^62)")
    return _uniform_below(rng, n, 2 * bound + 1).astype(np.int64) - bound
