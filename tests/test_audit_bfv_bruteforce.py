"""Soundness audit: exhaustive search of the BFV gadget's witnesses on a tiny parameter set.

Parameters: N = 4, q = 1009, t = 4 (Delta = 252), B = 2, pixel_max = 1 -- INSECURE, chosen so
that every witness can be enumerated. The ternary rows force ``u`` into {-1, 0, 1} (tested
elsewhere), so for each of the 3^4 vectors ``u`` we try *every* boolean pattern of every
coefficient's error bits and quotient bits (the booleanity rows admit nothing else), and read
off which patterns satisfy the coefficient's packed dense row of the real constraint system
(``P_i = ct0_i + 2^S ct1_i``; the row's coefficients are read from the system itself, and the
patterns are matched half against half: (e0, k0) bits against (e1, k1) bits).

The set of satisfying witnesses, projected to ``(u, e0, e1)``, must equal the set of
solutions of the relation of specs/bfv.md section 11, computed here independently:
``ct0 = pk0*u + e0 + Delta*m``, ``ct1 = pk1*u + e1`` in ``Z_q[X]/(X^N + 1)``, u ternary,
``|e| <= B``; and each solution must determine its quotients (no free quotient value; the
weighted bits of an error or quotient may spell one value in more than one way, which changes
nothing that is proven).
"""

from __future__ import annotations

import itertools

import pytest

from schemes.bfv import BfvParams, DeterministicRng, keygen
from schemes.bfv.gadget import encryption_gadget, pack_shift
from schemes.r1cs import ConstraintSystem
from schemes.r1cs.matrices import NegacyclicBlock, first_failure

N, Q, T, B = 4, 1009, 4, 2


@pytest.fixture(scope="module")
def tiny():
    mp = pytest.MonkeyPatch()
    mp.setenv("SCHEMES_ALLOW_INSECURE_TOY", "1")
    try:
        params = BfvParams("audit-tiny-INSECURE", N, (Q,), T, 1.0, B, 1, 1, pixel_max=1, insecure=True)
    finally:
        mp.undo()
    _, pk = keygen(params, DeterministicRng(b"audit tiny bfv"))
    return params, pk


def ring_mul(a, b):
    """Schoolbook product in Z[X]/(X^N + 1) (specs/bfv.md section 1)."""
    out = [0] * N
    for i in range(N):
        for j in range(N):
            if i + j < N:
                out[i + j] += a[i] * b[j]
            else:
                out[i + j - N] -= a[i] * b[j]
    return out


def native_solutions(params, pk, m, ct0, ct1):
    """All (u, e0, e1) with u ternary, |e| <= B satisfying the relation mod q."""
    delta = params.delta
    sols = set()
    for u in itertools.product((-1, 0, 1), repeat=N):
        p0 = ring_mul([int(v) for v in pk.p0], list(u))
        p1 = ring_mul([int(v) for v in pk.p1], list(u))
        e0, e1 = [], []
        for i in range(N):
            r0 = (ct0[i] - p0[i] - delta * m[i]) % Q  # e0_i must be r0 mod q
            r1 = (ct1[i] - p1[i]) % Q
            e0.append([e for e in range(-B, B + 1) if e % Q == r0])
            e1.append([e for e in range(-B, B + 1) if e % Q == r1])
        for ev0 in itertools.product(*e0):
            for ev1 in itertools.product(*e1):
                sols.add((u, ev0, ev1))
    return sols


def circuit_solutions(params, pk, m, ct0, ct1):
    """Enumerate the gadget's witnesses; return ({(u, e0, e1)}, every solution's quotients unique)."""
    R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
    cs = ConstraintSystem(with_witness=True)
    shift = pack_shift(params)
    packed = [cs.public_input(a + (b << shift), f"ct[{i}]") for i, (a, b) in enumerate(zip(ct0, ct1))]
    wires = encryption_gadget(cs, params, pk, list(m), packed, _any_witness())
    index = {name: k for k, name in enumerate(cs.wire_names)}
    values = cs._values
    (block,) = [it for it in cs._items if isinstance(it, NegacyclicBlock)]
    ternary = [it for it, nm in zip(cs._items, cs._item_names) if nm.startswith(("bfv/u_sq", "bfv/u_ternary"))]

    def bits_of(kind, i):
        return [index[nm] for nm in cs.wire_names if nm.startswith(f"bfv/{kind}[{i}].b[")]

    def lc_value(lc, assignment):  # the gadget's own combination for e or k, at given bit values
        return sum(c * assignment.get(v, values[v]) for v, c in lc.terms.items()) % R

    def signed(x):
        return x - R if x > R // 2 else x

    found, unique = set(), True
    for u in itertools.product((-1, 0, 1), repeat=N):
        for j, uj in enumerate(u):
            values[index[f"bfv/u[{j}]"]] = uj % R
            values[index[f"bfv/u_sq[{j}]"]] = uj * uj
        assert first_failure(ternary, values) is None
        a_side = block.a_values(values)
        per_coeff = []
        for i in range(N):
            row = dict(zip(block.outputs[i][0::2], block.outputs[i][1::2]))  # C_i = sum coeff * wire
            halves = [bits_of("e0", i) + bits_of("k0", i), bits_of("e1", i) + bits_of("k1", i)]
            fixed = sum(c * values[v] for v, c in row.items() if v not in halves[0] + halves[1]) % R
            tables = []
            for half in halves:
                table = {}
                for pattern in itertools.product((0, 1), repeat=len(half)):
                    s_ = sum(row.get(v, 0) * b for v, b in zip(half, pattern)) % R
                    table.setdefault(s_, []).append(dict(zip(half, pattern)))
                tables.append(table)
            sols = {}
            for s0, assigns0 in tables[0].items():
                for a0 in assigns0:
                    for a1 in tables[1].get((a_side[i] - fixed - s0) % R, []):
                        bits = {**a0, **a1}
                        key = (signed(lc_value(wires.e0[i], bits)), signed(lc_value(wires.e1[i], bits)))
                        quot = (signed(lc_value(wires.k0[i], bits)), signed(lc_value(wires.k1[i], bits)))
                        sols.setdefault(key, set()).add(quot)
            if not sols:
                break
            unique &= all(len(qs) == 1 for qs in sols.values())
            per_coeff.append(sorted(sols))
        else:
            for combo in itertools.product(*per_coeff):
                found.add((u, tuple(e0 for e0, _ in combo), tuple(e1 for _, e1 in combo)))
    return found, unique


def _any_witness():
    from schemes.bfv import EncryptionWitness

    return EncryptionWitness(u=[0] * N, e0=[0] * N, e1=[0] * N)


def make_ct(params, pk, m, u, e0, e1):
    p0 = ring_mul([int(v) for v in pk.p0], u)
    p1 = ring_mul([int(v) for v in pk.p1], u)
    return ([(p0[i] + e0[i] + params.delta * m[i]) % Q for i in range(N)], [(p1[i] + e1[i]) % Q for i in range(N)])


def test_gadget_witnesses_equal_the_relation_exhaustively(tiny):
    params, pk = tiny
    m = [1, 0, 1, 1]
    u, e0, e1 = [1, -1, 0, 1], [2, -2, 0, 1], [-1, 2, -2, 0]  # errors at the bound
    ct0, ct1 = make_ct(params, pk, m, u, e0, e1)
    cases = [
        (m, ct0, ct1),  # honest
        ([0, 0, 1, 1], ct0, ct1),  # another message, same ciphertext
        (m, [(ct0[0] + 1) % Q] + ct0[1:], ct1),  # e0[0] = B + 1
        (m, ct0, [(ct1[0] - 2) % Q] + ct1[1:]),  # e1[0] = -B - 1
        (m, [0] * N, [Q - 1] * N),  # extreme ciphertext values
    ]
    honest_found = False
    for mm, c0, c1 in cases:
        want = native_solutions(params, pk, mm, c0, c1)
        got, quotients_unique = circuit_solutions(params, pk, mm, c0, c1)
        assert got == want, (mm, c0, c1)
        assert quotients_unique
        honest_found |= (tuple(u), tuple(e0), tuple(e1)) in got
    assert honest_found


def test_search_detects_a_missing_error_bound(tiny, monkeypatch):
    """The search is not vacuous: with the error range widened from [0, 2B] to [0, 2B + 2] (the
    defence removed), e0[0] = B + 1 becomes provable."""
    import schemes.bfv.gadget as gadget

    params, pk = tiny
    m = [1, 0, 1, 1]
    ct0, ct1 = make_ct(params, pk, m, [1, -1, 0, 1], [B + 1, 0, 0, 0], [0, 0, 0, 0])
    assert circuit_solutions(params, pk, m, ct0, ct1)[0] == native_solutions(params, pk, m, ct0, ct1) == set()
    real = gadget.alloc_bounded
    monkeypatch.setattr(
        gadget,
        "alloc_bounded",
        lambda cs, value, bound, name, offset=0: real(cs, value, bound + 2 if bound == 2 * B else bound, name, offset),
    )
    assert circuit_solutions(params, pk, m, ct0, ct1)[0] != native_solutions(params, pk, m, ct0, ct1)
