"""The partial rounds of Poseidon as one affine map plus ``R_P`` S-boxes (for the gadget).

In a partial round only ``s[0]`` goes through the S-box; everything else is linear. With
``m0`` the first column of the MDS matrix ``M``, ``D = diag(0, 1, ..., 1)``, ``B = M D`` and
``c_r`` the constants of partial round ``r`` (``r = 0 .. R_P - 1``), one round maps

    u = s_r + c_r,   v_r = u[0]^5,   s_{r+1} = m0 v_r + B u.

Unrolling from the state ``s_0`` that enters the first partial round:

    s_r      = B^r s_0 + sum_{q < r} B^(r-1-q) m0 v_q + k_r,     k_0 = 0,  k_{r+1} = B (k_r + c_r)
    S-box r input   = (B^r)[0] . s_0 + sum_{q < r} (B^(r-1-q) m0)[0] v_q + k_r[0] + c_r[0]
    s_{R_P}  = B^{R_P} s_0 + sum_{q < R_P} B^(R_P-1-q) m0 v_q + k_{R_P}

The gadget evaluates these formulas on linear combinations instead of applying ``M`` to a
growing state ``R_P`` times. The resulting constraints are the same linear forms (the test
suite compares against a round-by-round construction); only the work to build them
drops, from about ``t^2 (t + R_P)`` to ``t^2 + R_P`` coefficient operations per round.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..bn254.fields import R
from .parameters import parameters

__all__ = ["PartialRounds", "partial_rounds"]


@dataclass(frozen=True)
class PartialRounds:
    """Coefficients of the formulas in the module docstring for one width (all ints mod R).

    - ``input_rows[r]``  = row 0 of ``B^r`` (coefficients of ``s_0`` in S-box input ``r``);
    - ``input_consts[r]`` = ``k_r[0] + c_r[0]``;
    - ``w[k]``           = ``B^k m0`` for ``k = 0 .. R_P - 1`` (so ``w[r-1-q][0]`` multiplies
      ``v_q`` in S-box input ``r`` and ``w[R_P-1-q]`` multiplies ``v_q`` in the output state);
    - ``out_matrix``     = ``B^{R_P}``; ``out_consts`` = ``k_{R_P}``.
    """

    input_rows: tuple[tuple[int, ...], ...]
    input_consts: tuple[int, ...]
    w: tuple[tuple[int, ...], ...]
    out_matrix: tuple[tuple[int, ...], ...]
    out_consts: tuple[int, ...]


def _mat_vec(m: list[list[int]], x: list[int]) -> list[int]:
    return [sum(a * b for a, b in zip(row, x)) % R for row in m]


def _vec_mat(x: list[int], m: list[list[int]]) -> list[int]:
    t = len(m)
    return [sum(x[i] * m[i][j] for i in range(t)) % R for j in range(t)]


@cache
def partial_rounds(t: int) -> PartialRounds:
    """The precomputed affine description of the partial rounds of width ``t`` (cached)."""
    spec = parameters(t)
    first = spec.full_rounds // 2
    mds = [list(row) for row in spec.mds]
    b = [[0] + row[1:] for row in mds]  # B = M D: column 0 zeroed
    m0 = [row[0] for row in mds]

    input_rows, input_consts, w = [], [], []
    row0 = [1] + [0] * (t - 1)  # e_0^T B^0
    k = [0] * t
    wk = m0
    for r in range(spec.partial_rounds):
        c = spec.round_constants[first + r]
        input_rows.append(tuple(int(x) for x in row0))
        input_consts.append(int((k[0] + c[0]) % R))
        w.append(tuple(int(x) for x in wk))
        row0 = _vec_mat(row0, b)
        k = _mat_vec(b, [(a + ci) % R for a, ci in zip(k, c)])
        wk = _mat_vec(b, wk)

    out_matrix = tuple(tuple(int(x) for x in row) for row in _mat_pow(b, spec.partial_rounds))
    return PartialRounds(tuple(input_rows), tuple(input_consts), tuple(w), out_matrix, tuple(int(x) for x in k))


def _mat_mul(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    cols = list(zip(*b))
    return [[sum(x * y for x, y in zip(row, col)) % R for col in cols] for row in a]


def _mat_pow(m: list[list[int]], n: int) -> list[list[int]]:
    """``m^n`` by square-and-multiply."""
    t = len(m)
    result = [[int(i == j) for j in range(t)] for i in range(t)]
    while n:
        if n & 1:
            result = _mat_mul(result, m)
        m = _mat_mul(m, m)
        n >>= 1
    return result
