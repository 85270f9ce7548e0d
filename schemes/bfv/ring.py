"""Exact arithmetic in R_q = Z_q[X]/(X^N + 1) with a negacyclic NTT (numpy, uint64).

Modular multiplication of a, b in [0, q) with q < 2^55 (product up to 2^110) is exact:

    qhat = floor(float(a) * float(b) / float(q))      # float64 estimate of floor(ab/q)
    r    = (a*b - qhat*q) mod 2^64                   # uint64 wrap-around arithmetic
    result = int64(r) mod q

Each of the five float64 roundings has relative error <= 2^-53, so
``|qhat - ab/q| <= 5 * 2^-53 * 2^55 + 1 < 22``, hence ``ab - qhat*q`` lies in
``(-22q, 22q)``, inside ``(-2^63, 2^63)``: its residue mod 2^64 read as int64 is the exact
integer, and one ``mod q`` finishes. Addition of two residues < 2^55 cannot overflow.

The NTT is the merged negacyclic transform (Cooley-Tukey forward, Gentleman-Sande inverse)
with powers of a primitive 2N-th root of unity psi stored in bit-reversed order, vectorized
one stage at a time. ``mul`` computes ``a * b mod (X^N + 1, q)``; the tests compare it with a
schoolbook product over Python integers.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .errors import InvalidParametersError

__all__ = ["Ring", "get_ring", "mulmod", "to_residues", "centered"]

_U64 = np.uint64


def mulmod(a: np.ndarray, b: np.ndarray, q: int) -> np.ndarray:
    """``a * b mod q`` elementwise (broadcasting) for uint64 arrays with entries in [0, q), q < 2^55."""
    qhat = np.floor(a.astype(np.float64) * b.astype(np.float64) / float(q)).astype(np.uint64)
    r = (a * b - qhat * _U64(q)).view(np.int64)
    out: np.ndarray = np.mod(r, np.int64(q)).view(np.uint64)
    return out


def _addmod(a: np.ndarray, b: np.ndarray, q: np.uint64) -> np.ndarray:
    s = a + b
    out: np.ndarray = np.where(s >= q, s - q, s)
    return out


def _submod(a: np.ndarray, b: np.ndarray, q: np.uint64) -> np.ndarray:
    out: np.ndarray = np.where(a >= b, a - b, a + (q - b))
    return out


def to_residues(values: Sequence[int], q: int, n: int | None = None) -> np.ndarray:
    """Signed (or any) Python ints -> uint64 array of residues mod q, zero-padded to length n."""
    vals = [int(v) % q for v in values]
    if n is not None:
        if len(vals) > n:
            raise ValueError(f"polynomial has {len(vals)} coefficients, more than N = {n}")
        vals += [0] * (n - len(vals))
    return np.array(vals, dtype=np.uint64)


def centered(x: int, m: int) -> int:
    """The representative of x mod m in (-m/2, m/2]."""
    x %= m
    return x - m if 2 * x > m else x


def _bit_reverse(i: int, bits: int) -> int:
    return int(format(i, f"0{bits}b")[::-1], 2) if bits else 0


def _primitive_2n_root(n: int, q: int) -> int:
    """Smallest-generator primitive 2N-th root of unity mod prime q (psi^N = -1)."""
    exp = (q - 1) // (2 * n)
    for g in range(2, 1 << 16):
        psi = pow(g, exp, q)
        if pow(psi, n, q) == q - 1:
            return psi
    raise InvalidParametersError(f"no primitive {2 * n}-th root of unity mod {q}")


class Ring:
    """R_q = Z_q[X]/(X^N + 1): residues are uint64 numpy arrays of length N, entries in [0, q)."""

    def __init__(self, n: int, q: int) -> None:
        if n < 2 or n & (n - 1):
            raise InvalidParametersError(f"N must be a power of two >= 2, got {n}")
        if q.bit_length() > 55 or q % (2 * n) != 1:
            raise InvalidParametersError("need q < 2^55 prime with q = 1 mod 2N")
        self.n, self.q = n, q
        self._q = _U64(q)
        bits = n.bit_length() - 1
        psi = _primitive_2n_root(n, q)
        psi_inv = pow(psi, -1, q)
        pw = [pow(psi, _bit_reverse(i, bits), q) for i in range(n)]
        pw_inv = [pow(psi_inv, _bit_reverse(i, bits), q) for i in range(n)]
        self.psi = psi
        self._psi_rev = np.array(pw, dtype=np.uint64)
        self._psi_inv_rev = np.array(pw_inv, dtype=np.uint64)
        self._n_inv = _U64(pow(n, -1, q))

    # -- transforms -------------------------------------------------------------------
    def ntt(self, a: np.ndarray) -> np.ndarray:
        """Forward negacyclic NTT (natural order in, bit-reversed evaluation order out)."""
        a = np.array(a, dtype=np.uint64, copy=True)
        n, q = self.n, self._q
        m, t = 1, n
        while m < n:
            t //= 2
            blocks = a.reshape(m, 2, t)
            u = blocks[:, 0, :].copy()
            v = mulmod(blocks[:, 1, :], self._psi_rev[m : 2 * m, None], self.q)
            blocks[:, 0, :] = _addmod(u, v, q)
            blocks[:, 1, :] = _submod(u, v, q)
            m *= 2
        return a

    def intt(self, a: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`ntt` (including the factor N^-1)."""
        a = np.array(a, dtype=np.uint64, copy=True)
        n, q = self.n, self._q
        t, m = 1, n
        while m > 1:
            h = m // 2
            blocks = a.reshape(h, 2, t)
            u = blocks[:, 0, :].copy()
            v = blocks[:, 1, :].copy()
            blocks[:, 0, :] = _addmod(u, v, q)
            blocks[:, 1, :] = mulmod(_submod(u, v, q), self._psi_inv_rev[h : 2 * h, None], self.q)
            t *= 2
            m = h
        return mulmod(a, np.full(n, self._n_inv, dtype=np.uint64), self.q)

    # -- ring operations --------------------------------------------------------------
    def mul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a * b in R_q."""
        return self.intt(mulmod(self.ntt(a), self.ntt(b), self.q))

    def mul_ntt(self, a_hat: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a * b in R_q where ``a_hat = ntt(a)`` was precomputed."""
        return self.intt(mulmod(a_hat, self.ntt(b), self.q))

    def add(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a + b in R_q."""
        return _addmod(a, b, self._q)

    def sub(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a - b in R_q."""
        return _submod(a, b, self._q)

    def neg(self, a: np.ndarray) -> np.ndarray:
        """-a in R_q."""
        return _submod(np.zeros_like(a), a, self._q)

    def scalar_mul(self, a: np.ndarray, c: int) -> np.ndarray:
        """c * a in R_q for an integer c."""
        return mulmod(a, np.full(self.n, int(c) % self.q, dtype=np.uint64), self.q)

    def residues(self, values: Sequence[int]) -> np.ndarray:
        """Signed ints (length <= N, zero-padded) -> residues mod q."""
        return to_residues(values, self.q, self.n)

    def centered_list(self, a: np.ndarray) -> list[int]:
        """Residues -> Python ints in (-q/2, q/2]."""
        q = self.q
        return [x - q if 2 * x > q else x for x in (int(v) for v in a)]


@lru_cache(maxsize=16)
def get_ring(n: int, q: int) -> Ring:
    """The (cached) :class:`Ring` for (N, q)."""
    return Ring(n, q)
