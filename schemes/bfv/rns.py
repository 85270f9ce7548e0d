"""The residue number system (RNS): polynomials mod ``q = q_1 ... q_k`` as k residue rows.

A polynomial mod q with coefficients ``a_0 .. a_{N-1}`` in [0, q) is represented by the
``k x N`` array ``A[i][j] = a_j mod q_i`` (numpy uint64). By the Chinese remainder theorem
(the ``q_i`` are distinct primes) the map ``a -> (a mod q_1, ..., a mod q_k)`` is a ring
isomorphism ``Z_q -> Z_{q_1} x ... x Z_{q_k}``, and it extends coefficient-wise to
``R_q -> R_{q_1} x ... x R_{q_k}`` because ``X^N + 1`` has integer coefficients. So sums and
products are computed row by row, each with the exact single-prime arithmetic of
:mod:`.ring`, and only the results are recombined.

Recombination (Garner's mixed radix). For residues ``r_1 .. r_k`` the unique ``a`` in [0, q) is

    a = v_1 + q_1 (v_2 + q_2 (v_3 + ... + q_{k-1} v_k)),
    v_1 = r_1,   v_j = (r_j - (v_1 + q_1 v_2 + ... + q_1...q_{j-2} v_{j-1})) (q_1...q_{j-1})^{-1} mod q_j,

with every digit ``v_j`` in [0, q_j): the digits are computed with numpy (one mulmod per pair
of primes) and combined in Python integers. The tests compare both directions with Python's
big-integer CRT.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from .ring import Ring, get_ring, mulmod

__all__ = ["RnsBasis", "RnsRing", "get_rns_ring"]


class RnsBasis:
    """The RNS basis ``(q_1, ..., q_k)``: conversions between integers mod q and residue rows."""

    def __init__(self, moduli: Sequence[int]) -> None:
        self.moduli = tuple(int(m) for m in moduli)
        self.k = len(self.moduli)
        q = 1
        for m in self.moduli:
            q *= m
        self.q = q
        # Garner constants: prefix[j][i] = (q_1 ... q_i) mod q_j for i < j, inv[j] = (q_1...q_{j-1})^-1 mod q_j
        self._prefix = []
        self._inv = []
        for j, qj in enumerate(self.moduli):
            prefix, acc = [], 1
            for i in range(j):
                prefix.append(acc % qj)
                acc *= self.moduli[i]
            self._prefix.append(prefix)
            self._inv.append(pow(acc % qj, -1, qj) if j else 1)

    def reduce(self, value: int) -> tuple[int, ...]:
        """``(value mod q_1, ..., value mod q_k)`` for any integer."""
        return tuple(int(value) % m for m in self.moduli)

    def crt(self, residues: Sequence[int]) -> int:
        """The integer in [0, q) with the given residues (each in [0, q_i))."""
        if len(residues) != self.k:
            raise ValueError(f"need {self.k} residues, got {len(residues)}")
        digits = self.to_digits(np.array([[int(r)] for r in residues], dtype=np.uint64))
        return self._combine(digits)[0]

    def to_rns(self, values: Sequence[int]) -> np.ndarray:
        """Integers (any sign or size) -> the ``k x len(values)`` residue array."""
        vals = [int(v) for v in values]
        return np.array([[v % m for v in vals] for m in self.moduli], dtype=np.uint64).reshape(self.k, len(vals))

    def small_to_rns(self, values: np.ndarray) -> np.ndarray:
        """Small signed integers (an int64 array, |v| < 2^62) -> residue rows, vectorized."""
        arr = np.asarray(values, dtype=np.int64)
        return np.stack([np.mod(arr, np.int64(m)).astype(np.uint64) for m in self.moduli])

    def to_digits(self, residues: np.ndarray) -> list[np.ndarray]:
        """Garner's mixed-radix digits ``v_1 .. v_k`` (uint64 arrays) of residue rows."""
        digits = [residues[0].astype(np.uint64)]
        for j in range(1, self.k):
            qj = self.moduli[j]
            qj64 = np.uint64(qj)
            acc = np.zeros(residues.shape[1], dtype=np.uint64)
            for i in range(j):
                term = mulmod(np.mod(digits[i], qj64), np.uint64(self._prefix[j][i]), qj)
                acc = np.mod(acc + term, qj64)
            diff = np.mod(residues[j].astype(np.uint64) + (qj64 - acc), qj64)
            digits.append(mulmod(diff, np.uint64(self._inv[j]), qj))
        return digits

    def _combine(self, digits: list[np.ndarray]) -> list[int]:
        cols = [d.tolist() for d in digits]
        out = cols[-1]
        for j in range(self.k - 2, -1, -1):
            qj = self.moduli[j]
            out = [v + qj * w for v, w in zip(cols[j], out)]
        return [int(v) for v in out]

    def from_rns(self, residues: np.ndarray) -> list[int]:
        """Residue rows -> the integers in [0, q) (Python ints)."""
        if residues.shape[0] != self.k:
            raise ValueError(f"need {self.k} residue rows, got {residues.shape[0]}")
        return self._combine(self.to_digits(residues))


class RnsRing:
    """``R_q = Z_q[X]/(X^N + 1)`` for ``q = q_1 ... q_k``, one :class:`Ring` per prime.

    Elements are ``k x N`` uint64 arrays of residues (see the module docstring).
    """

    def __init__(self, n: int, moduli: Sequence[int]) -> None:
        self.n = n
        self.basis = RnsBasis(moduli)
        self.rings: tuple[Ring, ...] = tuple(get_ring(n, m) for m in self.basis.moduli)

    @property
    def q(self) -> int:
        return self.basis.q

    def _rows(self, fn: Callable[..., np.ndarray], *args: np.ndarray) -> np.ndarray:
        return np.stack([fn(ring, *(a[i] for a in args)) for i, ring in enumerate(self.rings)])

    # -- conversions ------------------------------------------------------------------
    def from_ints(self, values: Sequence[int]) -> np.ndarray:
        """Integers (length <= N, zero-padded; any size or sign) -> residues."""
        vals = [int(v) for v in values]
        if len(vals) > self.n:
            raise ValueError(f"polynomial has {len(vals)} coefficients, more than N = {self.n}")
        return self.basis.to_rns(vals + [0] * (self.n - len(vals)))

    def from_small(self, values: np.ndarray) -> np.ndarray:
        """A small signed int64 array of length N -> residues."""
        return self.basis.small_to_rns(values)

    def to_ints(self, a: np.ndarray) -> list[int]:
        """Residues -> coefficients in [0, q) (Python ints)."""
        return self.basis.from_rns(a)

    def centered(self, a: np.ndarray) -> list[int]:
        """Residues -> coefficients in (-q/2, q/2]."""
        q = self.q
        return [x - q if 2 * x > q else x for x in self.to_ints(a)]

    # -- ring operations --------------------------------------------------------------
    def mul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a * b in R_q."""
        return self._rows(Ring.mul, a, b)

    def ntt(self, a: np.ndarray) -> np.ndarray:
        """Forward NTT of every row (for repeated products with one operand)."""
        return self._rows(Ring.ntt, a)

    def mul_ntt(self, a_hat: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a * b in R_q where ``a_hat = ntt(a)`` was precomputed."""
        return self._rows(Ring.mul_ntt, a_hat, b)

    def add(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a + b in R_q."""
        return self._rows(Ring.add, a, b)

    def sub(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a - b in R_q."""
        return self._rows(Ring.sub, a, b)

    def neg(self, a: np.ndarray) -> np.ndarray:
        """-a in R_q."""
        return self._rows(Ring.neg, a)

    def scalar_mul(self, a: np.ndarray, c: int) -> np.ndarray:
        """c * a in R_q for an integer c (any size)."""
        return np.stack([ring.scalar_mul(a[i], int(c) % ring.q) for i, ring in enumerate(self.rings)])


@lru_cache(maxsize=16)
def get_rns_ring(n: int, moduli: tuple[int, ...]) -> RnsRing:
    """The (cached) :class:`RnsRing` for (N, moduli)."""
    return RnsRing(n, tuple(moduli))
