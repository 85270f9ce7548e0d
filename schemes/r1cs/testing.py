"""Witness-mutation testing: every private wire must be pinned down by some constraint.

:func:`assert_witness_mutations_fail` changes one private wire at a time (to ``v + 1`` and to
``v + delta`` for a random nonzero ``delta``) and asserts that some constraint then fails. A
wire that survives a mutation is *free*: the circuit accepts a different value for it, which
is the classic under-constrained bug. Wires that are free by design (for example an unused
padding slot) are exempted by name prefix through ``allow``, with a written justification.

Only the rows that use the mutated wire are re-evaluated (an index wire -> rows is built
once). Dense negacyclic rows are linear with ``B = 1``, so for a mutation by ``delta`` of an
input wire the new ``A_i.w`` is ``A_i.w + delta * A_i[wire]``; the rows of a block are
scanned until one fails.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import cast

from ..bn254.fields import R as _R_MPZ
from .matrices import Item, NegacyclicBlock, Row, dot
from .system import ConstraintSystem

#: The field modulus as a plain int (faster than mpz for 254-bit operands).
R = int(_R_MPZ)

__all__ = ["assert_witness_mutations_fail", "free_private_wires"]


#: wire -> {block position: ([input columns j with inputs[j] == wire], [rows i whose C side uses it])}
_BlockIndex = dict[int, dict[int, tuple[list[int], list[int]]]]


def _index(items: Sequence[Item]) -> tuple[dict[int, list[int]], _BlockIndex]:
    """wire -> sparse item positions; wire -> {block position: ([input columns j with
    inputs[j] == wire], [rows i whose C side uses the wire])}."""
    sparse: dict[int, list[int]] = {}
    blocks: _BlockIndex = {}
    for pos, it in enumerate(items):
        if isinstance(it, tuple):
            seen: set[int] = set()
            for side in it:
                for k in range(0, len(side), 2):
                    v = side[k]
                    if v not in seen:
                        seen.add(v)
                        sparse.setdefault(v, []).append(pos)
        else:
            for j, v in enumerate(it.inputs):
                blocks.setdefault(v, {}).setdefault(pos, ([], []))[0].append(j)
            for i, out in enumerate(it.outputs):
                for v in out[0::2]:
                    blocks.setdefault(v, {}).setdefault(pos, ([], []))[1].append(i)
    return sparse, blocks


def _sparse_fails(row: tuple[Row, Row, Row], values: Sequence[int]) -> bool:
    return bool((dot(row[0], values) * dot(row[1], values) - dot(row[2], values)) % R)


def _block_fails(
    block: NegacyclicBlock, a_orig: list[int], js: list[int], delta: int, out_rows: list[int], values: Sequence[int]
) -> bool:
    """Does some row of ``block`` fail after the wire at input columns ``js`` and in the C side
    of rows ``out_rows`` was increased by ``delta``?

    Only rows whose A side (the wire is an input: every row) or C side uses the wire can
    change; B_i = w_0 = 1 is never mutated. C_i is sparse and re-evaluated exactly.
    """
    rows = range(block.n) if js else out_rows
    for i in rows:
        a = a_orig[i]
        if js:
            a = (a + delta * sum(block.entry(i, j) for j in js)) % R
        if a != dot(block.outputs[i], values):
            return True
    return False


def free_private_wires(
    cs: ConstraintSystem,
    allow: Mapping[str, str] | None = None,
    samples: int | None = None,
    rng: random.Random | None = None,
) -> list[tuple[int, str, int]]:
    """The mutations that no constraint catches: a list of ``(wire index, wire name, delta)``.

    See :func:`assert_witness_mutations_fail` for the arguments.
    """
    if not cs.with_witness:
        raise ValueError("mutation testing needs a constraint system in witness mode")
    cs.check()  # the honest witness must satisfy the system before we perturb it
    allow = dict(allow or {})
    for prefix, why in allow.items():
        if not isinstance(prefix, str) or not prefix:
            raise ValueError("allow keys must be non-empty wire-name prefixes")
        if not isinstance(why, str) or not why.strip():
            raise ValueError(f"allow[{prefix!r}] needs a written justification")
    rng = rng if rng is not None else random.Random(0x5EED)
    values = cs._require_witness()
    names = cs._wire_names
    first_private = 1 + cs.num_public
    candidates = []
    used_prefixes: set[str] = set()
    for k in range(first_private, len(names)):
        hit = [p for p in allow if names[k].startswith(p)]
        if hit:
            used_prefixes.update(hit)
        else:
            candidates.append(k)
    stale = set(allow) - used_prefixes
    if stale:
        raise ValueError(f"allow prefixes match no private wire: {sorted(stale)}")
    if samples is not None:
        if samples < 0:
            raise ValueError("samples must be non-negative")
        if samples < len(candidates):
            candidates = sorted(rng.sample(candidates, samples))

    items = cs._items
    sparse_idx, block_idx = _index(items)
    a_orig: dict[int, list[int]] = {}  # block position -> A w under the honest witness
    free: list[tuple[int, str, int]] = []
    for k in candidates:
        rows = sparse_idx.get(k, ())
        blocks = block_idx.get(k, {})
        for pos in blocks:
            if pos not in a_orig:
                a_orig[pos] = cast(NegacyclicBlock, items[pos]).a_values(values)
        original = values[k]
        for delta in (1, rng.randrange(1, int(R))):
            values[k] = (original + delta) % R
            try:
                # the index maps wires to sparse positions (rows) and block positions (blocks)
                caught = any(_sparse_fails(cast("tuple[Row, Row, Row]", items[pos]), values) for pos in rows) or any(
                    _block_fails(cast(NegacyclicBlock, items[pos]), a_orig[pos], js, delta, out_rows, values)
                    for pos, (js, out_rows) in blocks.items()
                )
            finally:
                values[k] = original
            if not caught:
                free.append((k, names[k], delta))
    return free


def assert_witness_mutations_fail(
    cs: ConstraintSystem,
    allow: Mapping[str, str] | None = None,
    samples: int | None = None,
    rng: random.Random | None = None,
) -> int:
    """Assert that changing any single private wire makes some constraint fail.

    ``cs``: a satisfied system in witness mode. For every private wire (or a random sample of
    ``samples`` of them, drawn with ``rng``) whose name starts with no key of ``allow``, the
    value is replaced by ``v + 1`` and by ``v + delta`` (random ``delta != 0``); each time some
    constraint must fail. ``allow`` maps wire-name prefixes to a justification of why those
    wires are free; a prefix that matches no private wire is an error (stale exemption).

    Raises AssertionError listing the free wires; returns the number of wires mutated.
    """
    free = free_private_wires(cs, allow, samples, rng)
    if free:
        shown = ", ".join(f"#{k} {name!r} (+{delta})" for k, name, delta in free[:20])
        more = f" and {len(free) - 20} more" if len(free) > 20 else ""
        raise AssertionError(
            f"{len(free)} mutation(s) of private wires satisfy every constraint (under-constrained): {shown}{more}"
        )
    n_private = cs.num_private
    exempt = sum(
        1
        for k in range(1 + cs.num_public, cs.num_variables)
        if any(cs.wire_name(k).startswith(p) for p in (allow or {}))
    )
    candidates = n_private - exempt
    return candidates if samples is None else min(samples, candidates)
