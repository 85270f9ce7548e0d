"""Negacyclic products over F_R by Kronecker substitution.

For vectors ``p, x`` of length N with entries in [0, R) the negacyclic product is
``y = p * x mod (X^N + 1)``, i.e. ``y_i = sum_{j<=i} p_{i-j} x_j - sum_{j>i} p_{N+i-j} x_j``
(mod R). This is the matrix-vector product with the negacyclic matrix
``M[i][j] = p[i-j] (j <= i), -p[N+i-j] (j > i)``.

Kronecker substitution: every coefficient of the integer product ``p(X) x(X)`` lies in
``[0, N (R-1)^2]``, so with slots of ``W`` bytes, ``256^W > N (R-1)^2``, the packed integers
``P = sum p_i 256^(W i)`` and ``X = sum x_j 256^(W j)`` multiply to ``sum c_k 256^(W k)``
without carries between slots. One big multiplication (GMP when available) and a byte-level
unpack give all ``2N - 1`` coefficients; folding ``X^N = -1`` gives ``y_i = c_i - c_{i+N}``.
Cost: O(N) packing plus one multiplication of ``N W``-byte integers -- no N^2 objects.

The transpose ``M^T`` is the negacyclic matrix of ``p'(X) = p(X^{-1}) mod (X^N + 1)``, i.e.
``p'_0 = p_0`` and ``p'_k = -p_{N-k}``, so ``M^T w`` is again one negacyclic product.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..bigint import big
from ..bn254.fields import R

__all__ = ["slot_bytes", "pack", "negacyclic_mul", "negacyclic_mul_packed", "transpose_poly", "negacyclic_matrix_entry"]

_R_INT = int(R)


def slot_bytes(n: int) -> int:
    """Bytes per Kronecker slot for length-``n`` vectors with entries in [0, R)."""
    return ((n * (_R_INT - 1) ** 2).bit_length() + 7) // 8


def pack(values: Sequence[int], width: int) -> int:
    """``sum values[i] * 256^(width*i)`` for entries in [0, 256^width) (caller guarantees)."""
    return big(int.from_bytes(b"".join(int(v).to_bytes(width, "little") for v in values), "little"))


def negacyclic_mul_packed(packed_p: int, x: Sequence[int], n: int, width: int) -> list[int]:
    """Negacyclic product mod R of a pre-packed ``p`` (see :func:`pack`) with ``x`` in [0, R)^n."""
    prod = packed_p * pack(x, width)
    buf = memoryview(int(prod).to_bytes(2 * n * width, "little"))
    frm = int.from_bytes
    c = [frm(buf[k * width : (k + 1) * width], "little") for k in range(2 * n - 1)]
    c.append(0)
    return [(c[i] - c[i + n]) % _R_INT for i in range(n)]


def negacyclic_mul(p: Sequence[int], x: Sequence[int]) -> list[int]:
    """``p * x mod (X^N + 1, R)`` for ``p, x`` in [0, R)^N (values outside are reduced first)."""
    n = len(p)
    if len(x) != n or n == 0:
        raise ValueError(f"negacyclic product needs two vectors of one positive length, got {n} and {len(x)}")
    width = slot_bytes(n)
    return negacyclic_mul_packed(pack([int(v) % _R_INT for v in p], width), [int(v) % _R_INT for v in x], n, width)


def transpose_poly(p: Sequence[int]) -> list[int]:
    """``p'`` with ``negacyclic_matrix(p') = negacyclic_matrix(p)^T``: ``p'_0 = p_0, p'_k = -p_{N-k}``."""
    n = len(p)
    return [int(p[0]) % _R_INT] + [(-int(p[n - k])) % _R_INT for k in range(1, n)]


def negacyclic_matrix_entry(p: Sequence[int], i: int, j: int) -> int:
    """``M[i][j]`` of the negacyclic matrix of ``p`` (mod R)."""
    n = len(p)
    return int(p[i - j]) % _R_INT if j <= i else (-int(p[n + i - j])) % _R_INT
