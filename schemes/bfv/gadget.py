"""R1CS gadget: one BFV chunk is a correct public-key encryption of the message LCs ``m``.

Statement (per coefficient i in 0..N-1, as integers; ``pk`` is a circuit constant; ``q`` is the
whole RNS modulus ``q_1 ... q_k``):

    ct0_i = sum_j M0[i][j] u_j + e0_i + Delta*m_i - k0_i*q
    ct1_i = sum_j M1[i][j] u_j + e1_i            - k1_i*q

where ``M0, M1`` are the negacyclic matrices of ``pk0, pk1`` taken with *centered*
coefficients (``|pk_j| <= (q-1)/2``), so ``ct = pk*u + e (+ Delta*m) mod q`` in
Z_q[X]/(X^N+1). By the Chinese remainder theorem this congruence mod q holds iff it holds mod
every RNS prime q_j, with ``pk^(j) = pk mod q_j`` and ``Delta^(j) = Delta mod q_j`` and the SAME
``u, e0, e1, m``: it is the per-prime RNS relation with one quotient per component instead of one
per prime (specs/bfv.md section 11).

Public inputs: one per coefficient, ``P_i = ct0_i + 2^S ct1_i`` with the pack shift
``S = bitlen(q) + bitlen(N) + 1`` (:func:`pack_shift`). The two equations are checked by ONE
dense row per coefficient,

    sum_j (M0 + 2^S M1)[i][j] u_j == P_i - e0_i - 2^S e1_i - Delta*m_i + (k0_i + 2^S k1_i) q,

which is ``D0_i + 2^S D1_i == 0`` for the integer residuals ``D0_i`` of the ct0 equation and
``D1_i`` of the ct1 equation. See "Bounds" below for why this splits into ``D0_i = D1_i = 0``.

Wires and constraints (:func:`schemes.r1cs.bits.alloc_bounded` gives a value in ``[0, C]`` on
``bitlen(C)`` boolean wires, one row each):

=========================================================  ================================
what                                                       constraints (DEFAULT: B = 19)
=========================================================  ================================
``u_j`` ternary: ``y_j = u_j*u_j``, ``u_j*y_j = u_j``      2 N
``e + B`` in ``[0, 2B]``: ``bitlen(2B) = 6`` boolean wires   2 N * 6
``k - lo`` in ``[0, hi - lo]``: ``b = bitlen(hi - lo)`` wires   N (b0 + b1)
one negacyclic block (the packed rows)                     N
=========================================================  ================================

Bounds and the no-wrap argument. The verifier guarantees ``ct0_i, ct1_i`` in [0, q) (canonical
public data) and the caller guarantees ``m_i`` in [0, pixel_max]. With ``L = sum_j |pk_j|``
(centered), ``|sum_j M[i][j] u_j| <= L``, so an honest quotient lies in

    k0 in [lo0, hi0] = [ceil((-L0 - B - (q-1)) / q), floor((L0 + B + Delta*pixel_max) / q)]
    k1 in [lo1, hi1] = [ceil((-L1 - B - (q-1)) / q), floor((L1 + B) / q)]

and the gadget proves exactly these windows. Every residual is then an integer with
``|D| <= (q-1) + L + B + Delta*pixel_max + max(|lo|, |hi|) q =: D_max``; for any key
``L <= N (q-1)/2`` and ``max(|lo|, |hi|) <= N/2 + 2``, so ``D_max < (N + 5) q < 2N q < 2^(S-1)``.
Hence ``|D0 + 2^S D1| < 2^(S-1) (1 + 2^S) < R`` (checked by :func:`row_bound`), so the row
equation mod R is the integer equation ``D0 + 2^S D1 = 0``; and since ``|D0| < 2^S``, ``D1 = 0``
and then ``D0 = 0``. Both integer equations imply the congruences mod q.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..bn254.fields import R as _R
from ..r1cs import ConstraintSystem, LinearCombination
from ..r1cs.bits import alloc_bounded
from ..r1cs.negacyclic import negacyclic_mul
from .encryption import Ciphertext, EncryptionWitness, check_ciphertext, check_public_key
from .errors import InvalidCiphertextError, InvalidParametersError, InvalidWitnessError
from .keys import PublicKey
from .params import BfvParams

__all__ = [
    "EncryptionGadgetWires",
    "QuotientRange",
    "quotient_ranges",
    "encryption_gadget",
    "centered_poly",
    "negacyclic_mul_exact",
    "pack_shift",
    "pack_ciphertext",
    "unpack_public_input",
    "row_bound",
]

_R_INT = int(_R)


@dataclass(frozen=True)
class QuotientRange:
    """The proved window ``[lo, hi]`` containing every honest quotient k (``bits`` boolean wires)."""

    lo: int
    hi: int

    @property
    def bits(self) -> int:
        return (self.hi - self.lo).bit_length()


@dataclass(frozen=True)
class EncryptionGadgetWires:
    """What the gadget allocated, for callers and tests: ``u`` single wires; ``e0, e1, k0, k1``
    combinations of their boolean wires (``offset + sum w_i b_i``)."""

    u: list[LinearCombination]
    e0: list[LinearCombination]
    e1: list[LinearCombination]
    k0: list[LinearCombination]
    k1: list[LinearCombination]


def pack_shift(params: BfvParams) -> int:
    """S = bitlen(q) + bitlen(N) + 1: ``P = ct0 + 2^S ct1`` packs one coefficient of both parts."""
    return params.q.bit_length() + params.n.bit_length() + 1


def pack_ciphertext(params: BfvParams, ct: Ciphertext) -> list[int]:
    """The N public inputs of one chunk: ``ct0_i + 2^S ct1_i`` (checks the ciphertext first)."""
    c0, c1 = check_ciphertext(params, ct)
    s = pack_shift(params)
    return [a + (b << s) for a, b in zip(c0, c1)]


def unpack_public_input(params: BfvParams, value: int) -> tuple[int, int]:
    """``(ct0_i, ct1_i)`` from a packed public input; raises unless both are canonical (< q)."""
    s = pack_shift(params)
    c0, c1 = value & ((1 << s) - 1), value >> s
    if not (0 <= c0 < params.q and 0 <= c1 < params.q):
        raise InvalidCiphertextError("packed ciphertext public input is not two canonical coefficients (< q)")
    return c0, c1


def centered_poly(values: Sequence[int], q: int) -> list[int]:
    """Coefficients mod q mapped to (-q/2, q/2]."""
    return [int(v) - q if 2 * int(v) > q else int(v) for v in values]


def negacyclic_mul_exact(big_poly: Sequence[int], small: Sequence[int]) -> list[int]:
    """``big_poly * small`` in Z[X]/(X^N + 1) exactly, for ``N * max|big| * max|small| < R/2``.

    The product is computed mod R (Kronecker substitution, :mod:`schemes.r1cs.negacyclic`);
    every exact coefficient lies in (-R/2, R/2), so its centered residue is the integer itself.
    """
    n = len(big_poly)
    if len(small) != n or n == 0:
        raise ValueError("negacyclic_mul_exact needs two polynomials of one positive length")
    bound = max(abs(int(v)) for v in big_poly) * max(abs(int(v)) for v in small) * n
    if 2 * bound >= _R_INT:
        raise ValueError("negacyclic_mul_exact: the product may exceed R/2")
    half = _R_INT // 2
    return [v - _R_INT if v > half else v for v in negacyclic_mul(list(big_poly), list(small))]


def _k_range(params: BfvParams, pk_centered: Sequence[int], with_message: bool) -> QuotientRange:
    q, b = params.q, params.error_bound
    l1 = sum(abs(v) for v in pk_centered)
    k_min = -((l1 + b + q - 1) // q)  # ceil((-L - B - (q-1)) / q)
    k_max = (l1 + b + (params.delta * params.pixel_max if with_message else 0)) // q
    return QuotientRange(k_min, k_max)


def quotient_ranges(params: BfvParams, pk: PublicKey) -> tuple[QuotientRange, QuotientRange]:
    """The proved windows for k0 and k1 under ``pk``."""
    check_public_key(params, pk)
    return (
        _k_range(params, centered_poly(pk.p0, params.q), True),
        _k_range(params, centered_poly(pk.p1, params.q), False),
    )


def row_bound(params: BfvParams, pk: PublicKey) -> tuple[int, int]:
    """``(D0_max, D1_max)``: the largest ``|D0_i|``, ``|D1_i|`` any witness the gadget admits can
    produce; raises :class:`InvalidParametersError` unless ``D0_max < 2^S`` and
    ``D0_max + 2^S D1_max < R`` (the packed row then splits into the two integer equations)."""
    q, b, s = params.q, params.error_bound, pack_shift(params)
    r0, r1 = quotient_ranges(params, pk)
    out = []
    for poly, rng, msg in ((pk.p0, r0, params.delta * params.pixel_max), (pk.p1, r1, 0)):
        l1 = sum(abs(v) for v in centered_poly(poly, q))
        out.append((q - 1) + l1 + b + msg + max(abs(rng.lo), abs(rng.hi)) * q)
    d0, d1 = out
    if not (d0 < 1 << s and d0 + (d1 << s) < _R_INT):
        raise InvalidParametersError(f"{params.name}: packed rows could wrap mod R (D0 = {d0}, D1 = {d1})")
    return d0, d1


def encryption_gadget(
    cs: ConstraintSystem,
    params: BfvParams,
    pk: PublicKey,
    m: Sequence[LinearCombination | int],
    packed: Sequence[LinearCombination],
    witness: EncryptionWitness | None,
    name: str = "bfv",
) -> EncryptionGadgetWires:
    """Constrain the packed public inputs to be ``Encrypt(pk, m; u, e0, e1)`` for ternary u, |e| <= B.

    ``m``: N combinations (or ints, e.g. 0 for padding) already proven to lie in
    [0, params.pixel_max]. ``packed``: N combinations of public inputs, ``ct0_i + 2^S ct1_i``
    with canonical ``ct0_i, ct1_i < q`` (:func:`pack_ciphertext`; the verifier checks them).
    ``witness``: the encryption randomness in witness mode; ignored (may be None) in
    shape-only mode. Wires and constraints are named under ``name/``.
    """
    n, q, bound = params.n, params.q, params.error_bound
    if len(m) != n or len(packed) != n:
        raise ValueError(f"encryption_gadget needs N = {n} message and packed ciphertext entries")
    check_public_key(params, pk)
    row_bound(params, pk)
    shift = pack_shift(params)
    pk0_c = centered_poly(pk.p0, q)
    pk1_c = centered_poly(pk.p1, q)
    r0 = _k_range(params, pk0_c, True)
    r1 = _k_range(params, pk1_c, False)
    combined = [a + (b << shift) for a, b in zip(pk0_c, pk1_c)]
    delta = params.delta

    vals: dict[str, list[int]] | None = None
    if cs.with_witness:
        if witness is None:
            raise InvalidWitnessError("encryption_gadget in witness mode needs the encryption randomness")
        u, e0, e1 = (list(map(int, witness.u)), list(map(int, witness.e0)), list(map(int, witness.e1)))
        if not len(u) == len(e0) == len(e1) == n:
            raise InvalidWitnessError(f"witness polynomials must have N = {n} coefficients")
        if any(abs(x) > 1 << 40 for x in u + e0 + e1):
            raise InvalidWitnessError("witness coefficients must be small integers")
        mv = [int(x.value) if isinstance(x, LinearCombination) else int(x) % _R_INT for x in m]
        c0v, c1v = zip(*(unpack_public_input(params, int(x.value)) for x in packed))
        u_small = [max(-1, min(1, x)) for x in u]  # out-of-range u still yields a (failing) witness
        prod = negacyclic_mul_exact(combined, u_small)
        half = 1 << (shift - 1)
        prod0 = [((v + half) & ((1 << shift) - 1)) - half for v in prod]  # |pk0 u| < 2^(S-1)
        prod1 = [(v - p0) >> shift for v, p0 in zip(prod, prod0)]
        k0 = [(prod0[i] + e0[i] + delta * mv[i] - c0v[i]) // q for i in range(n)]
        k1 = [(prod1[i] + e1[i] - c1v[i]) // q for i in range(n)]
        vals = {"u": u, "e0": e0, "e1": e1, "k0": k0, "k1": k1}

    def value(kind: str, i: int, offset: int) -> int | None:
        return None if vals is None else vals[kind][i] - offset

    with cs.namespace(name):
        u_w = [cs.witness(None if vals is None else vals["u"][j], f"u[{j}]") for j in range(n)]
        for j, uj in enumerate(u_w):
            sq = cs.mul(uj, uj, f"u_sq[{j}]")
            cs.enforce(uj, sq, uj, f"u_ternary[{j}]")
        e0_lc = [alloc_bounded(cs, value("e0", i, -bound), 2 * bound, f"e0[{i}]", -bound) for i in range(n)]
        e1_lc = [alloc_bounded(cs, value("e1", i, -bound), 2 * bound, f"e1[{i}]", -bound) for i in range(n)]
        k0_lc = [alloc_bounded(cs, value("k0", i, r0.lo), r0.hi - r0.lo, f"k0[{i}]", r0.lo) for i in range(n)]
        k1_lc = [alloc_bounded(cs, value("k1", i, r1.lo), r1.hi - r1.lo, f"k1[{i}]", r1.lo) for i in range(n)]
        scale = 1 << shift
        out = []
        for i in range(n):  # P_i - e0_i - 2^S e1_i - Delta m_i + q k0_i + q 2^S k1_i
            row = LinearCombination.sum(
                (packed[i], e0_lc[i], e1_lc[i], m[i], k0_lc[i], k1_lc[i]), (1, -1, -scale, -delta, q, q * scale)
            )
            out.append(row)
        cs.enforce_negacyclic(combined, u_w, out, "ct_relation")
    return EncryptionGadgetWires(u_w, e0_lc, e1_lc, k0_lc, k1_lc)
