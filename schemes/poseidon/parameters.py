"""circomlib's Poseidon parameters over the BN254 scalar field, generated on demand.

For a width ``t`` in 2..17 the instance is x^5-Poseidon with ``R_F = 8`` full rounds and
``R_P = PARTIAL_ROUNDS[t - 2]`` partial rounds (circomlib's table: the Poseidon paper's
round numbers for 128-bit security, rounded up). Its constants are those of the paper's
reference script ``generate_parameters_grain.sage 1 0 254 t 8 R_P <R>``:

- round constants: ``(R_F + R_P) * t`` field elements drawn in order from the Grain LFSR
  (:mod:`.grain`) by rejection sampling of 254-bit candidates; constant ``r * t + i`` is
  added to state element ``i`` in round ``r``;
- MDS matrix: the LFSR then yields ``2t`` further 254-bit values, reduced mod R (no
  rejection), ``x_0..x_{t-1}, y_0..y_{t-1}``, and ``M[i][j] = 1 / (x_i + y_j)`` (a Cauchy
  matrix); the linear layer maps ``s`` to ``s'[i] = sum_j M[i][j] * s[j]``.

The script redraws the whole list when two of the ``2t`` values coincide or some
``x_i + y_j`` is zero, and it redraws the matrix when one of its three subspace-trail
tests fails. For circomlib's widths neither happens (checked by the reference vectors,
which would not match otherwise); :func:`parameters` raises if the first draw is degenerate
instead of silently diverging, and it does not re-run the subspace-trail tests.

Generation costs well under a second for t = 17 and is cached per width.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..bigint import big
from ..bn254.fields import R
from .grain import GrainLFSR

__all__ = [
    "ALPHA",
    "FIELD_BITS",
    "FULL_ROUNDS",
    "PARTIAL_ROUNDS",
    "MIN_WIDTH",
    "MAX_WIDTH",
    "PoseidonParameters",
    "parameters",
]

#: S-box exponent (gcd(5, R - 1) = 1, so x^5 is a permutation of the field).
ALPHA = 5
#: Bit length n of the field as passed to the Grain LFSR.
FIELD_BITS = 254
#: Number of full rounds R_F (half before, half after the partial rounds).
FULL_ROUNDS = 8
#: circomlib's number of partial rounds R_P for widths t = 2..17 (index t - 2).
PARTIAL_ROUNDS = (56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68)
MIN_WIDTH = 2
MAX_WIDTH = MIN_WIDTH + len(PARTIAL_ROUNDS) - 1

_FIELD_PRIME = 1  # Grain tag: prime field
_SBOX_POWER = 0  # Grain tag: x^alpha S-box


@dataclass(frozen=True)
class PoseidonParameters:
    """One Poseidon instance. ``round_constants[r][i]`` is added to ``s[i]`` in round ``r``."""

    t: int
    full_rounds: int
    partial_rounds: int
    round_constants: tuple[tuple[int, ...], ...]
    mds: tuple[tuple[int, ...], ...]

    @property
    def rounds(self) -> int:
        return self.full_rounds + self.partial_rounds

    def is_full_round(self, r: int) -> bool:
        """Rounds ``0..R_F/2-1`` and ``R_F/2+R_P..`` apply the S-box to every element."""
        half = self.full_rounds // 2
        return r < half or r >= half + self.partial_rounds


def _check_width(t: int) -> None:
    if isinstance(t, bool) or not isinstance(t, int):
        raise TypeError(f"Poseidon width must be an int, got {type(t).__name__}")
    if not MIN_WIDTH <= t <= MAX_WIDTH:
        raise ValueError(f"Poseidon width t must be in {MIN_WIDTH}..{MAX_WIDTH}, got {t}")


@cache
def parameters(t: int) -> PoseidonParameters:
    """The circomlib Poseidon instance of width ``t`` (2..17); entries are plain ints."""
    _check_width(t)
    r_p = PARTIAL_ROUNDS[t - MIN_WIDTH]
    modulus = int(R)
    grain = GrainLFSR(_FIELD_PRIME, _SBOX_POWER, FIELD_BITS, t, FULL_ROUNDS, r_p)
    flat = [grain.field_element(FIELD_BITS, modulus) for _ in range((FULL_ROUNDS + r_p) * t)]
    round_constants = tuple(tuple(flat[r * t : (r + 1) * t]) for r in range(FULL_ROUNDS + r_p))

    draws = [grain.random_bits(FIELD_BITS) % modulus for _ in range(2 * t)]
    xs, ys = draws[:t], draws[t:]
    if len(set(draws)) != 2 * t or any((x + y) % modulus == 0 for x in xs for y in ys):
        # The reference script would redraw here; circomlib's widths never need it.
        raise ArithmeticError(f"degenerate Cauchy draw for t={t}: redraw not implemented")
    mds = tuple(tuple(pow(x + y, -1, modulus) for y in ys) for x in xs)
    return PoseidonParameters(t, FULL_ROUNDS, r_p, round_constants, mds)


@cache
def _big_parameters(t: int) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]:
    """Round constants and MDS of :func:`parameters` converted with :func:`big` (internal)."""
    p = parameters(t)
    constants = tuple(tuple(big(c) for c in row) for row in p.round_constants)
    mds = tuple(tuple(big(m) for m in row) for row in p.mds)
    return constants, mds
