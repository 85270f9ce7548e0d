"""R1CS: a key contribution is well formed (:mod:`.dkg`), and the share-commitment gadgets.

Public inputs, in this order (``keygen_num_public = 3 + K N``)::

    tag, member, h, b^(1)[0..N), ..., b^(K)[0..N)

``tag`` binds the proof to one committee and ``member`` to one member index (each appears in a
row ``x * x = x_sq``, besides Groth16's input-consistency rows). The common polynomials
``a^(k)`` are circuit constants, so ``a s`` is linear in ``s`` and is one dense negacyclic
block per modulus (``ConstraintSystem.enforce_negacyclic``, as in :mod:`.gadget`).

The relation holds iff there are ``s`` ternary, ``e`` with ``|e| <= B``, a salt and quotients
with, as integers and per modulus k, coefficient-wise in ``Z[X]/(X^N + 1)``::

    sum_j A^(k)[i][j] s_j = e_i - b^(k)_i + kq^(k)_i q_k        (A^(k): negacyclic, centered a^(k))
    h = Commit_K(s; salt)

that is ``b^(k) = -a^(k) s + e (mod q_k)`` with one ``s`` and one ``e`` for every modulus.

=============================================  =========================================
what                                           constraints
=============================================  =========================================
``tag``, ``member`` in a row                   2
``s`` ternary (``y = s s``, ``s y = s``)         2 N
``e + B`` in ``[0, 2B]`` (``alloc_bounded``)      N bitlen(2B), 6 N for B = 19
``h = Commit_K(s; salt)`` (sponge over L)      S(L) + 1, ``L = 1 + ceil(N / 150)``
per modulus: quotient bits, negacyclic rows    N (b_k + 1)
=============================================  =========================================

Quotient window (per modulus, as in :mod:`.gadget`): with ``L_a = sum_j |a_j|`` (centered),
``(a s)_i`` lies in ``[-L_a, L_a]``, so ``kq = (a s - e + b) / q`` lies in
``[lo, hi] = [ceil((-L_a - B) / q), floor((L_a + B + q - 1) / q)]``; the gadget proves
``kq - lo`` in ``[0, hi - lo]`` with ``b_k = bitlen(hi - lo)`` boolean wires
(:func:`schemes.r1cs.bits.alloc_bounded`). Every term of a row is then below
``(N + 2 max(|lo|, |hi|) + 3) q`` in absolute value, far below R/2, so each field equation is
the integer equation.

Share commitment in R1CS (:func:`share_commitment_gadget`): ``pack3`` is linear in the ``s``
wires (``sum 3^j (s_j + 1)``), so it costs no constraint; the ternary rows make it injective.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..poseidon.gadget import poseidon_sponge_gadget
from ..r1cs import ConstraintSystem, LinearCombination
from ..r1cs.bits import alloc_bounded
from .dkg import KEY_COMMIT_DOMAIN, TRITS_PER_ELEMENT, KeyContribution, KeygenWitness, _check_crs
from .errors import InvalidKeyError, InvalidWitnessError
from .gadget import QuotientRange, centered_poly, negacyclic_mul_exact
from .moduli import moduli
from .params import BfvParams

__all__ = [
    "KeygenStatement",
    "keygen_num_public",
    "keygen_public_inputs",
    "keygen_circuit",
    "keygen_quotient_ranges",
    "ternary_wires",
    "share_commitment_gadget",
    "bound_public",
]


@dataclass(frozen=True)
class KeygenStatement:
    """The public inputs of a contribution's proof: the committee tag and the contribution."""

    tag: int
    contribution: KeyContribution


def keygen_num_public(params: BfvParams) -> int:
    """``3 + K N``."""
    return 3 + len(moduli(params)) * params.n


def keygen_public_inputs(statement: KeygenStatement) -> list[int]:
    """``[tag, member, h, b^(1)..., b^(K)...]``."""
    c = statement.contribution
    out = [int(statement.tag), int(c.member), int(c.h)]
    for poly in c.b:
        out.extend(int(x) for x in poly)
    return out


def keygen_quotient_ranges(params: BfvParams, crs: Sequence[Sequence[int]]) -> list[QuotientRange]:
    """The proved window of the quotients, per modulus."""
    out = []
    for a, q in zip(crs, moduli(params)):
        la = sum(abs(v) for v in centered_poly(a, q))
        b = params.error_bound
        out.append(QuotientRange(-((la + b) // q), (la + b + q - 1) // q))
    return out


def ternary_wires(cs: ConstraintSystem, values: Sequence[int] | None, n: int, name: str) -> list[LinearCombination]:
    """``n`` private wires proved in {-1, 0, 1}: ``y = s s`` and ``s y = s`` (2 n rows), i.e.
    ``s (s - 1) (s + 1) = 0`` in the field F_R."""
    out = []
    for j in range(n):
        w = cs.witness(None if values is None else int(values[j]), f"{name}[{j}]")
        sq = cs.mul(w, w, f"{name}_sq[{j}]")
        cs.enforce(w, sq, w, f"{name}_ternary[{j}]")
        out.append(w)
    return out


def share_commitment_gadget(
    cs: ConstraintSystem, s: Sequence[LinearCombination], salt: LinearCombination, name: str = "h"
) -> LinearCombination:
    """``Commit_K(s; salt)`` on wires already proved ternary (:func:`ternary_wires`)."""
    packed = []
    for c in range(0, len(s), TRITS_PER_ELEMENT):
        chunk = s[c : c + TRITS_PER_ELEMENT]
        lc = LinearCombination.sum(chunk, [3**j for j in range(len(chunk))])
        lc.add_in_place(sum(3**j for j in range(len(chunk))))  # the + 1 of every digit
        packed.append(lc)
    return poseidon_sponge_gadget(cs, [salt, *packed], KEY_COMMIT_DOMAIN, name)


def bound_public(cs: ConstraintSystem, x: LinearCombination, name: str) -> None:
    """Put the public input ``x`` in a row of the circuit: ``x * x = x_sq`` (1 row, 1 wire)."""
    sq = cs.witness(lambda: x.value * x.value, f"{name}_sq")
    cs.enforce(x, x, sq, f"{name} bound")


def keygen_circuit(
    params: BfvParams,
    crs: Sequence[Sequence[int]],
    statement: KeygenStatement | None = None,
    witness: KeygenWitness | None = None,
    *,
    constraints: bool = True,
) -> ConstraintSystem:
    """Synthesize the key well-formedness relation: shape only (setup) when ``statement`` and
    ``witness`` are None, with the assignment (proving) when both are given."""
    if (statement is None) != (witness is None):
        raise ValueError("give both the statement and the witness (proving) or neither (setup)")
    _check_crs(params, crs)
    n, bound, mods = params.n, params.error_bound, moduli(params)
    cs = ConstraintSystem(with_witness=witness is not None, constraints=constraints)
    pub: Sequence[int | None] = (
        [None] * keygen_num_public(params) if statement is None else keygen_public_inputs(statement)
    )
    if len(pub) != keygen_num_public(params):
        raise InvalidKeyError(f"a contribution has {keygen_num_public(params)} public inputs, got {len(pub)}")
    it = iter(pub)
    tag = cs.public_input(next(it), "tag")
    member = cs.public_input(next(it), "member")
    h = cs.public_input(next(it), "h")
    b = [[cs.public_input(next(it), f"b[{k}][{i}]") for i in range(n)] for k in range(len(mods))]

    s_vals = e_vals = None
    if witness is not None and statement is not None:  # both or neither (checked above)
        s_vals, e_vals = [int(x) for x in witness.s], [int(x) for x in witness.e]
        if len(s_vals) != n or len(e_vals) != n:
            raise InvalidWitnessError(f"s and e must have N = {n} coefficients")
        if any(abs(x) > 1 << 40 for x in s_vals + e_vals):
            raise InvalidWitnessError("witness coefficients must be small integers")
        if any(not 0 <= int(x) < q for poly, q in zip(statement.contribution.b, mods) for x in poly):
            raise InvalidKeyError("b must be canonical residues (< q_k)")

    ranges = keygen_quotient_ranges(params, crs)
    bound_public(cs, tag, "tag")
    bound_public(cs, member, "member")
    s = ternary_wires(cs, s_vals, n, "s")
    salt = cs.witness(None if witness is None else witness.salt, "salt")
    cs.enforce_equal(share_commitment_gadget(cs, s, salt, "commit"), h, "h = Commit_K(s; salt)")
    e = [
        alloc_bounded(cs, None if e_vals is None else int(e_vals[i]) + bound, 2 * bound, f"e[{i}]", -bound)
        for i in range(n)
    ]
    for k, (a, q, rng_k) in enumerate(zip(crs, mods, ranges)):
        a_c = centered_poly(a, q)
        quot = None
        if statement is not None and s_vals is not None and e_vals is not None:  # i.e. proving
            s_small = [max(-1, min(1, x)) for x in s_vals]  # out-of-range s: a (failing) witness
            prod = negacyclic_mul_exact(a_c, s_small)
            bk = [int(x) for x in statement.contribution.b[k]]
            quot = [(prod[i] - e_vals[i] + bk[i]) // q for i in range(n)]
        kq = [
            alloc_bounded(
                cs, None if quot is None else quot[i] - rng_k.lo, rng_k.hi - rng_k.lo, f"kq[{k}][{i}]", rng_k.lo
            )
            for i in range(n)
        ]
        out = [e[i] - b[k][i] + kq[i] * q for i in range(n)]
        cs.enforce_negacyclic(a_c, s, out, f"b[{k}] = -a s + e")
    return cs
