"""Poseidon as R1CS gadgets: the permutation, the circomlib hash and the sponge.

Each gadget computes the same function as its native twin (:mod:`.permutation`,
:mod:`.hash`, :mod:`.sponge`) with the state kept as linear combinations (LCs). Full rounds
follow the definition step by step; the partial rounds are built from the precomputed
affine maps of :mod:`.partial_rounds` (same linear forms, far less work).

- adding round constants and the MDS layer are linear, so they only rewrite LCs and cost
  no constraint;
- the S-box ``y = x^5`` of a non-constant LC ``x`` costs 3 constraints and 3 private wires:
  ``x2 = x * x``, ``x4 = x2 * x2``, ``x5 = x4 * x``; an S-box whose input is a constant (for
  example the zero capacity element in round 0 of :func:`poseidon_gadget`) is evaluated
  natively and costs nothing;
- a full round has ``t`` S-boxes, a partial round one (on ``s[0]``).

Every private wire a gadget allocates is the output ``c`` of one of these multiplication
constraints, so each is fixed by the S-box input; none is free.

Constraint counts for non-constant inputs (``t`` = width, ``R_P`` = partial rounds):

- ``permute_gadget``: ``3 * (8 t + R_P)``, minus 3 per constant input element
  (full round 0 evaluates the S-box of a constant natively);
- ``poseidon_gadget`` (n inputs, t = n + 1): ``3 * (8 t + R_P) - 3`` (e.g. 240 for n = 2,
  609 for n = 16), matching circom's ``Poseidon(n)``;
- ``poseidon_sponge_gadget`` on ``L >= 1`` inputs: one t = 17 permutation per chunk of 16;
  in the first one the capacity and the ``16 - min(L, 16)`` padding zeros are constants, so
  ``612 * chunks - 3 * (17 - min(L, 16))`` (``612 * chunks - 3`` once ``L >= 16``). An empty
  input gives a constant and no constraint.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..bn254.fields import R
from ..r1cs import ConstraintSystem, LinearCombination
from ..r1cs.lc import LCLike, as_lc
from .hash import MAX_INPUTS
from .parameters import PoseidonParameters, _check_width, parameters
from .partial_rounds import partial_rounds
from .sponge import SPONGE_RATE, sponge_chunks, sponge_initial_capacity

__all__ = ["permute_gadget", "poseidon_gadget", "poseidon_sponge_gadget", "permutation_constraints"]


def _sbox(cs: ConstraintSystem, x: LinearCombination, name: str) -> LinearCombination:
    """``x^5``: 3 constraints (``x2``, ``x4``, ``x5``), none when ``x`` is a constant."""
    if x.is_constant():
        return LinearCombination.constant(pow(x.constant_term, 5, R), cs)
    x2 = cs.mul(x, x, f"{name}.x2")
    x4 = cs.mul(x2, x2, f"{name}.x4")
    return cs.mul(x4, x, f"{name}.x5")


def _full_round(
    cs: ConstraintSystem, s: list[LinearCombination], spec: PoseidonParameters, r: int
) -> list[LinearCombination]:
    """Round ``r`` with an S-box on every element: ``M (s + c_r)^5``."""
    s = [_sbox(cs, x + c, f"r{r}.s{i}") for i, (x, c) in enumerate(zip(s, spec.round_constants[r]))]
    return [LinearCombination.sum(s, row) for row in spec.mds]


def _partial_phase(
    cs: ConstraintSystem, s0: list[LinearCombination], spec: PoseidonParameters
) -> list[LinearCombination]:
    """All ``R_P`` partial rounds, through the affine formulas of :mod:`.partial_rounds`."""
    pr = partial_rounds(spec.t)
    first = spec.full_rounds // 2
    v: list[LinearCombination] = []
    for r in range(spec.partial_rounds):
        x = LinearCombination.sum(s0, pr.input_rows[r])
        x.add_in_place(LinearCombination.sum(v, [pr.w[r - 1 - q][0] for q in range(r)]))
        x.add_in_place(pr.input_consts[r])
        v.append(_sbox(cs, x, f"r{first + r}.s0"))
    n = len(v)
    out = []
    for i in range(spec.t):
        y = LinearCombination.sum(s0, pr.out_matrix[i])
        y.add_in_place(LinearCombination.sum(v, [pr.w[n - 1 - q][i] for q in range(n)]))
        out.append(y.add_in_place(pr.out_consts[i]))
    return out


def permute_gadget(cs: ConstraintSystem, state: Sequence[LCLike], name: str = "poseidon") -> list[LinearCombination]:
    """The circomlib Poseidon permutation of width ``t = len(state)`` (2..17) on LCs.

    Returns the ``t`` output LCs. Constraints: 3 per S-box with a non-constant input, i.e.
    ``3 * (8 t + R_P)`` when no input is constant. Wires are named ``name/r{round}.s{i}.x*``.
    """
    t = len(state)
    _check_width(t)
    spec = parameters(t)
    half = spec.full_rounds // 2
    s = [as_lc(x, cs) for x in state]
    with cs.namespace(name):
        for r in range(half):
            s = _full_round(cs, s, spec, r)
        s = _partial_phase(cs, s, spec)
        for r in range(half + spec.partial_rounds, spec.rounds):
            s = _full_round(cs, s, spec, r)
    return s


def poseidon_gadget(cs: ConstraintSystem, inputs: Sequence[LCLike], name: str = "poseidon") -> LinearCombination:
    """circomlib ``Poseidon(n)`` for n = 1..16 inputs: ``permute([0] + inputs)[0]``.

    ``3 * (8 (n + 1) + R_P) - 3`` constraints (the zero capacity makes one round-0 S-box free).
    """
    if not 1 <= len(inputs) <= MAX_INPUTS:
        raise ValueError(f"poseidon_gadget takes 1..{MAX_INPUTS} inputs, got {len(inputs)}")
    return permute_gadget(cs, [0, *inputs], name)[0]


def poseidon_sponge_gadget(
    cs: ConstraintSystem, inputs: Sequence[LCLike], domain: int, name: str = "sponge"
) -> LinearCombination:
    """:func:`schemes.poseidon.poseidon_sponge` on LCs; ``domain`` is a circuit constant.

    One width-17 permutation per chunk of 16 inputs (at least one); for ``L >= 1``
    non-constant inputs ``612 * chunks - 3 * (17 - min(L, 16))`` constraints.
    """
    state: list[LCLike] = [sponge_initial_capacity(domain, len(inputs)), *[0] * SPONGE_RATE]
    for c, chunk in enumerate(sponge_chunks(len(inputs))):
        for k, i in enumerate(chunk):
            state[1 + k] = as_lc(state[1 + k], cs) + as_lc(inputs[i], cs)
        state = list(permute_gadget(cs, state, f"{name}.p{c}"))
    return as_lc(state[0], cs)


def permutation_constraints(t: int, constant_inputs: int = 0) -> int:
    """Constraint count of :func:`permute_gadget` for width ``t`` when ``constant_inputs`` of
    the ``t`` state elements are constants and at least one is not (each constant saves its
    round-0 S-box; from round 1 on every element depends on the non-constant ones)."""
    if not 0 <= constant_inputs < t:
        raise ValueError(f"constant_inputs must be in 0..{t - 1}, got {constant_inputs}")
    spec = parameters(t)
    return 3 * (spec.full_rounds * t + spec.partial_rounds) - 3 * constant_inputs
