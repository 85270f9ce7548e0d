"""R1CS: a partial decryption of the score coefficient is correct (:mod:`.partial`).

Public inputs, in this order (``partial_num_public = 3 + K + K N``)::

    tag, member, h, d^(1..K), c1^(1)[0..N), ..., c1^(K)[0..N)

The score ciphertext's ``c1`` changes with every request, so it is a public input rather than
a constant: each product ``c1_{N-1-j} s_j`` is one multiplication row. The relation holds iff
there are ``s`` ternary, a salt, ``E`` with ``|E| <= F`` and quotients with

    h = Commit_K(s; salt)                                          (the share of this member)
    sum_j c1^(k)_{N-1-j} s_j + E - kq^(k) q_k = d^(k)    as integers, for every modulus k

i.e. ``d^(k) = (c1^(k) s)_{N-1} + E (mod q_k)``: coefficient N-1 of ``c1 s + E``, for the
``s`` committed in ``h``, with one ``E`` for every modulus.

=============================================  =========================================
what                                           constraints
=============================================  =========================================
``tag``, ``member`` in a row                   2
``s`` ternary                                  2 N
``h = Commit_K(s; salt)``                      S(L) + 1, ``L = 1 + ceil(N / 150)``
``E + F`` in ``[0, 2F]`` (``alloc_bounded``)    bitlen(2F)
per modulus: products, quotient bits, the row  N + b_k + 1
=============================================  =========================================

Bounds. The verifier supplies canonical ``c1`` (``< q_k``, it recomputes the score ciphertext
itself) and ``d`` (``< q_k``, checked when parsing). With ``s`` ternary the products are
integers in ``(-q_k, q_k)`` and their sum lies in ``[-N (q_k - 1), N (q_k - 1)]``; so the honest
quotient lies in ``[ceil((-N (q_k-1) - F - (q_k-1)) / q_k), floor((N (q_k-1) + F) / q_k)]`` and
the gadget proves ``kq - lo`` in ``[0, hi - lo]`` with ``b_k = bitlen(hi - lo)`` boolean wires
(:func:`schemes.r1cs.bits.alloc_bounded`). Every term of the row is then below
``(N + 2 max(|lo|, |hi|) + 2) q_k + F`` in absolute value, far below R/2, so the field
equation is the integer equation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..r1cs import ConstraintSystem, LinearCombination
from ..r1cs.bits import alloc_bounded
from .dkg import SecretShare
from .dkg_gadget import bound_public, share_commitment_gadget, ternary_wires
from .errors import InvalidCiphertextError, InvalidWitnessError
from .gadget import QuotientRange
from .moduli import moduli
from .params import BfvParams
from .partial import PartialWitness, score_coefficient

__all__ = [
    "PartialStatement",
    "partial_num_public",
    "partial_public_inputs",
    "partial_circuit",
    "partial_quotient_ranges",
]


@dataclass(frozen=True)
class PartialStatement:
    """The public inputs of a partial decryption's proof."""

    tag: int
    member: int
    h: int
    d: tuple[int, ...]  #: d^(k), one residue per modulus
    c1: tuple[tuple[int, ...], ...]  #: c1^(k), N residues per modulus


def partial_num_public(params: BfvParams) -> int:
    """``3 + K + K N``."""
    k = len(moduli(params))
    return 3 + k + k * params.n


def partial_public_inputs(statement: PartialStatement) -> list[int]:
    """``[tag, member, h, d^(1..K), c1^(1)..., c1^(K)...]``."""
    out = [int(statement.tag), int(statement.member), int(statement.h), *(int(x) for x in statement.d)]
    for poly in statement.c1:
        out.extend(int(x) for x in poly)
    return out


def partial_quotient_ranges(params: BfvParams) -> list[QuotientRange]:
    """The proved quotient window per modulus (see the module docstring)."""
    n, f = params.n, params.flood_bound
    out = []
    for q in moduli(params):
        lo = -((n * (q - 1) + f + q - 1) // q)
        out.append(QuotientRange(lo, (n * (q - 1) + f) // q))
    return out


def partial_circuit(
    params: BfvParams,
    statement: PartialStatement | None = None,
    share: SecretShare | None = None,
    witness: PartialWitness | None = None,
    *,
    constraints: bool = True,
) -> ConstraintSystem:
    """Synthesize the partial-decryption relation: shape only (setup) without a statement, with
    the assignment (proving) given the statement, the member's share and its flooding witness."""
    if not ((statement is None) == (share is None) == (witness is None)):
        raise ValueError("give the statement, the share and the witness (proving) or none (setup)")
    n, f, mods = params.n, params.flood_bound, moduli(params)
    cs = ConstraintSystem(with_witness=statement is not None, constraints=constraints)
    pub: Sequence[int | None] = (
        [None] * partial_num_public(params) if statement is None else partial_public_inputs(statement)
    )
    if len(pub) != partial_num_public(params):
        raise InvalidCiphertextError(f"a partial has {partial_num_public(params)} public inputs, got {len(pub)}")
    it = iter(pub)
    tag = cs.public_input(next(it), "tag")
    member = cs.public_input(next(it), "member")
    h = cs.public_input(next(it), "h")
    d = [cs.public_input(next(it), f"d[{k}]") for k in range(len(mods))]
    c1 = [[cs.public_input(next(it), f"c1[{k}][{j}]") for j in range(n)] for k in range(len(mods))]

    s_vals = None
    flood = None
    quot: list[int] | None = None
    if statement is not None and share is not None and witness is not None:  # all or none (checked above)
        s_vals = [int(x) for x in share.s]
        if len(s_vals) != n or any(abs(x) > 1 << 40 for x in s_vals):
            raise InvalidWitnessError(f"the share must have N = {n} small coefficients")
        flood = int(witness.flood)
        if abs(flood) > 1 << 200:
            raise InvalidWitnessError("the flooding term must be a small integer")
        for k, q in enumerate(mods):
            if (
                len(statement.c1[k]) != n
                or any(not 0 <= int(x) < q for x in statement.c1[k])
                or not 0 <= int(statement.d[k]) < q
            ):
                raise InvalidCiphertextError("c1 and d must be canonical residues (< q_k)")
        s_small = [max(-1, min(1, x)) for x in s_vals]
        quot = [
            (score_coefficient(statement.c1[k], s_small) + flood - int(statement.d[k])) // q for k, q in enumerate(mods)
        ]

    bound_public(cs, tag, "tag")
    bound_public(cs, member, "member")
    s = ternary_wires(cs, s_vals, n, "s")
    salt = cs.witness(None if share is None else share.salt, "salt")
    cs.enforce_equal(share_commitment_gadget(cs, s, salt, "commit"), h, "h = Commit_K(s; salt)")
    e = alloc_bounded(cs, None if flood is None else flood + f, 2 * f, "E", -f)
    for k, (q, rng_k) in enumerate(zip(mods, partial_quotient_ranges(params))):
        products = [cs.mul(c1[k][n - 1 - j], s[j], f"c1s[{k}][{j}]") for j in range(n)]
        kq = alloc_bounded(cs, None if quot is None else quot[k] - rng_k.lo, rng_k.hi - rng_k.lo, f"kq[{k}]", rng_k.lo)
        lhs = LinearCombination.sum(products)
        lhs.add_in_place(e)
        lhs.add_in_place(kq, -q)
        cs.enforce_equal(lhs, d[k], f"d[{k}] = (c1 s)_(N-1) + E mod q")
    return cs
