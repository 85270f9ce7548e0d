"""R1CS gadget: one BFV chunk is a correct public-key encryption of the message LCs ``m``.

Statement (per coefficient i in 0..N-1, as integers; ``pk`` is a circuit constant):

    ct0_i = sum_j M0[i][j] u_j + e0_i + Delta*m_i - k0_i*q
    ct1_i = sum_j M1[i][j] u_j + e1_i            - k1_i*q

where ``M0, M1`` are the negacyclic matrices of ``pk0, pk1`` taken with *centered*
coefficients (``|pk_j| <= (q-1)/2``), so ``ct = pk*u + e (+ Delta*m) mod q`` in
Z_q[X]/(X^N+1). ``e`` and ``k`` are not wires of their own: they are the combinations
``e = sum_i 2^i d_i - B`` and ``k = sum_i 2^i c_i + lo`` of boolean wires. Constraints:

=========================================================  ================================
what                                                       constraints (DEFAULT: B = 19)
=========================================================  ================================
``u_j`` ternary: ``y_j = u_j*u_j``, ``u_j*y_j = u_j``      2 N
``e + B`` = 6 boolean wires, ``<= 2B = 38`` (comparator)  2 N (6 + 5)
``k0 - lo0``, ``k1 - lo1``: b0 and b1 boolean wires        N (b0 + b1)
two negacyclic blocks ``M u == ct - e - Delta m + k q``       2 N
=========================================================  ================================

Comparator (:func:`assert_bits_leq`): for boolean ``x_i`` and a constant C,
``sum 2^i x_i <= C`` iff for every position i with ``C_i = 0``,
``x_i * prod_{j > i, C_j = 1} x_j = 0``. (If x > C, the highest position where x and C
differ has ``x_i = 1, C_i = 0`` and ``x_j = C_j`` above it, so that product is 1. If x <= C
and some zero position i had the product 1, the highest such i has ``x_j = C_j`` for every
j > i -- ones by the product, zeros because a 1 there would be a higher such position -- and
``x_i = 1 > C_i``, so x > C.) Cost for n bits: one row per zero digit of C (``n - popcount(C)``,
leading zeros included) plus one multiplication per one digit after the first that is followed
by a zero digit further down (``max(0, popcount(C) - trailing_ones(C) - 1)``): 5 rows for
C = 38 = 0b100110 in 6 bits (specs/bfv.md section 13).

Bounds and the no-wrap argument. The caller guarantees: ``m_i`` in [0, pixel_max] (proved
elsewhere) and ``ct_i`` in [0, q) (the verifier checks public inputs are canonical). With
``L = sum_j |pk_j|`` (centered), ``|sum_j M[i][j] u_j| <= L``, so an honest quotient lies in

    k0 in [ceil((-L0 - B - (q-1)) / q), floor((L0 + B + Delta*pixel_max) / q)]
    k1 in [ceil((-L1 - B - (q-1)) / q), floor((L1 + B) / q)]

and the gadget proves ``k - lo`` in ``[0, 2^b)`` for the smallest b covering that interval.
Every term of a row is then an integer of absolute value below
``L + (q-1) + B + Delta*pixel_max + max(|lo|, |lo + 2^b - 1|) q < (N + 2^(b+1) + 3) q``,
which is < 2^70 for DEFAULT and far below R/2 > 2^252; so the row equation mod R implies the
integer equation, and that implies the congruence mod q.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..bn254.fields import R as _R
from ..r1cs import ConstraintSystem, LinearCombination
from ..r1cs.bits import assert_bool
from .encryption import EncryptionWitness, check_public_key
from .errors import InvalidCiphertextError, InvalidWitnessError
from .keys import PublicKey
from .params import BfvParams

__all__ = ["EncryptionGadgetWires", "QuotientRange", "quotient_ranges", "encryption_gadget",
           "centered_poly", "negacyclic_mul_exact", "assert_bits_leq"]

_R_INT = int(_R)


@dataclass(frozen=True)
class QuotientRange:
    """The proved window ``[lo, lo + 2^bits - 1]`` containing every honest quotient k."""

    lo: int
    bits: int

    @property
    def hi(self) -> int:
        return self.lo + (1 << self.bits) - 1


@dataclass(frozen=True)
class EncryptionGadgetWires:
    """What the gadget allocated, for callers and tests: ``u`` single wires; ``e0, e1, k0, k1``
    combinations of their boolean wires (``offset + sum 2^i b_i``)."""

    u: list
    e0: list
    e1: list
    k0: list
    k1: list


def centered_poly(values: Sequence[int], q: int) -> list:
    """Coefficients mod q mapped to (-q/2, q/2]."""
    return [int(v) - q if 2 * int(v) > q else int(v) for v in values]


def negacyclic_mul_exact(big_poly: Sequence[int], small: Sequence[int]) -> list:
    """``big_poly * small`` in Z[X]/(X^N + 1) exactly, for |big_poly| < 2^54 and |small| <= 1.

    ``big = hi*2^27 + lo`` with ``0 <= lo < 2^27``; each int64 convolution stays below
    ``N * 2^27 < 2^63`` for N <= 2^35, and the limbs are recombined in Python ints.
    """
    n = len(big_poly)
    a = np.array([int(v) for v in big_poly], dtype=np.int64)
    s = np.array([int(v) for v in small], dtype=np.int64)
    if s.size != n or (s.size and int(np.abs(s).max()) > 1) or (a.size and int(np.abs(a).max()) >= 1 << 54):
        raise ValueError("negacyclic_mul_exact needs |big| < 2^54, |small| <= 1, equal lengths")
    lo = a & ((1 << 27) - 1)
    hi = a >> 27
    out = []
    parts = []
    for limb in (lo, hi):
        full = np.convolve(limb, s)  # length 2N - 1, exact in int64
        full = np.concatenate([full, np.zeros(1, dtype=np.int64)])
        parts.append((full[:n] - full[n:]).tolist())
    for x_lo, x_hi in zip(*parts):
        out.append((x_hi << 27) + x_lo)
    return out


def _k_range(params: BfvParams, pk_centered: Sequence[int], with_message: bool) -> QuotientRange:
    q, b = params.q, params.error_bound
    l1 = sum(abs(v) for v in pk_centered)
    k_min = -((l1 + b + q - 1) // q)  # ceil((-L - B - (q-1)) / q)
    k_max = (l1 + b + (params.delta * params.pixel_max if with_message else 0)) // q
    return QuotientRange(k_min, max(1, (k_max - k_min).bit_length()))


def quotient_ranges(params: BfvParams, pk: PublicKey) -> tuple[QuotientRange, QuotientRange]:
    """The proved windows for k0 and k1 under ``pk``."""
    p0, p1 = check_public_key(params, pk)
    return (_k_range(params, centered_poly(p0.tolist(), params.q), True),
            _k_range(params, centered_poly(p1.tolist(), params.q), False))


def _quotients(params: BfvParams, pk_c: list, u: list, e: list, scaled_m: list, ct: list) -> list:
    """floor((pk*u + e + Delta*m - ct) / q), exact for an honest witness (row fails otherwise)."""
    prod = negacyclic_mul_exact(pk_c, u)
    return [(prod[i] + e[i] + scaled_m[i] - ct[i]) // params.q for i in range(params.n)]


def encryption_gadget(cs: ConstraintSystem, params: BfvParams, pk: PublicKey,
                      m: Sequence[LinearCombination | int], ct0: Sequence[LinearCombination],
                      ct1: Sequence[LinearCombination], witness: EncryptionWitness | None,
                      name: str = "bfv") -> EncryptionGadgetWires:
    """Constrain ``(ct0, ct1)`` to be ``Encrypt(pk, m; u, e0, e1)`` for some ternary u, |e| <= B.

    ``m``: N combinations (or ints, e.g. 0 for padding) already proven to lie in
    [0, params.pixel_max]. ``ct0, ct1``: N combinations of public inputs, canonical (< q).
    ``witness``: the encryption randomness in witness mode; ignored (may be None) in
    shape-only mode. Wires and constraints are named under ``name/``.
    """
    n, q, bound = params.n, params.q, params.error_bound
    if len(m) != n or len(ct0) != n or len(ct1) != n:
        raise ValueError(f"encryption_gadget needs N = {n} message, ct0 and ct1 entries")
    p0, p1 = check_public_key(params, pk)
    pk0_c = centered_poly(p0.tolist(), q)
    pk1_c = centered_poly(p1.tolist(), q)
    r0 = _k_range(params, pk0_c, True)
    r1 = _k_range(params, pk1_c, False)
    delta = params.delta

    vals: dict | None = None
    if cs.with_witness:
        if witness is None:
            raise InvalidWitnessError("encryption_gadget in witness mode needs the encryption randomness")
        u, e0, e1 = (list(map(int, witness.u)), list(map(int, witness.e0)), list(map(int, witness.e1)))
        if not len(u) == len(e0) == len(e1) == n:
            raise InvalidWitnessError(f"witness polynomials must have N = {n} coefficients")
        if any(abs(x) > 1 << 40 for x in u + e0 + e1):
            raise InvalidWitnessError("witness coefficients must be small integers")
        mv = [int(x.value) if isinstance(x, LinearCombination) else int(x) % _R_INT for x in m]
        c0v = [int(x.value) for x in ct0]
        c1v = [int(x.value) for x in ct1]
        if any(not 0 <= c < q for c in c0v + c1v):
            raise InvalidCiphertextError("ciphertext public inputs must be canonical (< q)")
        u_small = [max(-1, min(1, x)) for x in u]  # out-of-range u still yields a (failing) witness
        k0 = _quotients(params, pk0_c, u_small, e0, [delta * x for x in mv], c0v)
        k1 = _quotients(params, pk1_c, u_small, e1, [0] * n, c1v)
        vals = {"u": u, "e0": e0, "e1": e1, "k0": k0, "k1": k1}

    def bits_of(kind: str, i: int, offset: int, width: int) -> list:
        if vals is None:
            return [None] * width
        x = vals[kind][i] - offset  # out-of-range values keep their low bits: the rows then fail
        return [(x >> b) & 1 for b in range(width)]

    e_bits = (2 * bound).bit_length()
    with cs.namespace(name):
        u_w = [cs.witness(None if vals is None else vals["u"][j], f"u[{j}]") for j in range(n)]
        for j, uj in enumerate(u_w):
            sq = cs.mul(uj, uj, f"u_sq[{j}]")
            cs.enforce(uj, sq, uj, f"u_ternary[{j}]")
        e0_lc = [_bit_number(cs, bits_of("e0", i, -bound, e_bits), -bound, f"e0[{i}]", 2 * bound) for i in range(n)]
        e1_lc = [_bit_number(cs, bits_of("e1", i, -bound, e_bits), -bound, f"e1[{i}]", 2 * bound) for i in range(n)]
        k0_lc = [_bit_number(cs, bits_of("k0", i, r0.lo, r0.bits), r0.lo, f"k0[{i}]") for i in range(n)]
        k1_lc = [_bit_number(cs, bits_of("k1", i, r1.lo, r1.bits), r1.lo, f"k1[{i}]") for i in range(n)]
        out0 = [ct0[i] - e0_lc[i] - m[i] * delta + k0_lc[i] * q for i in range(n)]
        out1 = [ct1[i] - e1_lc[i] + k1_lc[i] * q for i in range(n)]
        cs.enforce_negacyclic(pk0_c, u_w, out0, "ct0_relation")
        cs.enforce_negacyclic(pk1_c, u_w, out1, "ct1_relation")
    return EncryptionGadgetWires(u_w, e0_lc, e1_lc, k0_lc, k1_lc)


def _bit_number(cs: ConstraintSystem, bit_values: list, offset: int, name: str,
                max_value: int | None = None) -> LinearCombination:
    """Allocate boolean wires ``name.b[i]`` and return ``offset + sum 2^i b_i``.

    With ``max_value`` the bit number is also proved ``<= max_value`` (:func:`assert_bits_leq`);
    without it the proved window is ``[0, 2^len(bit_values))``.
    """
    bits = []
    for i, v in enumerate(bit_values):
        b = cs.witness(v, f"{name}.b[{i}]")
        assert_bool(cs, b, f"{name}.bool[{i}]")
        bits.append(b)
    if max_value is not None:
        assert_bits_leq(cs, bits, max_value, f"{name}.leq")
    if not cs.records_constraints:  # witness only: the same wires and rows; only the value is used
        return LinearCombination.constant(offset + sum(int(v) << i for i, v in enumerate(bit_values)), cs)
    return LinearCombination.sum(bits, [1 << i for i in range(len(bits))]) + offset


def assert_bits_leq(cs: ConstraintSystem, bits: Sequence[LinearCombination], bound: int, name: str) -> None:
    """Enforce ``sum 2^i bits[i] <= bound`` for boolean ``bits`` (little-endian) and a constant bound.

    ``0 <= bound < 2^len(bits)``. Rows: ``x_i * prod_{j>i, C_j=1} x_j = 0`` for each zero digit
    C_i (see the module docstring for the proof); the prefix products are built lazily.
    """
    if not 0 <= bound < 1 << len(bits):
        raise ValueError(f"assert_bits_leq: bound must be in [0, 2^{len(bits)})")
    prefix = None
    pending: list = []
    products = 0
    for i in range(len(bits) - 1, -1, -1):
        if (bound >> i) & 1:
            pending.append(bits[i])
            continue
        for b in pending:
            if prefix is None:
                prefix = b
            else:
                prefix = cs.mul(prefix, b, f"{name}.prefix[{products}]")
                products += 1
        pending = []
        cs.enforce(cs.one if prefix is None else prefix, bits[i], 0, f"{name}.zero[{i}]")
