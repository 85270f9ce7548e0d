"""Soundness audit: exhaustive search of the BFV gadget's witnesses on a tiny parameter set.

Parameters: N = 4, q = 1009, t = 4 (Delta = 252), B = 2, pixel_max = 1 -- INSECURE, chosen so
that every witness can be enumerated. The ternary rows force ``u`` into {-1, 0, 1} (tested
elsewhere), so for each of the 3^4 vectors ``u`` we try *every* boolean pattern of every
coefficient's error bits (including the out-of-range ones 5..7 > 2B) and every pattern of its
quotient bits, and read off which coefficient rows of the real constraint system hold.

The set of satisfying witnesses, projected to ``(u, e0, e1)``, must equal the set of
solutions of the relation of specs/bfv.md section 11, computed here independently:
``ct0 = pk0*u + e0 + Delta*m``, ``ct1 = pk1*u + e1`` in ``Z_q[X]/(X^N + 1)``, u ternary,
``|e| <= B``; and every such solution must have exactly one completion (no free bits).
"""

from __future__ import annotations

import itertools

import pytest

from schemes.bfv import BfvParams, DeterministicRng, keygen
from schemes.bfv.gadget import encryption_gadget
from schemes.r1cs import ConstraintSystem

N, Q, T, B = 4, 1009, 4, 2


@pytest.fixture(scope="module")
def tiny():
    mp = pytest.MonkeyPatch()
    mp.setenv("SCHEMES_ALLOW_INSECURE_TOY", "1")
    try:
        params = BfvParams("audit-tiny-INSECURE", N, Q, T, 1.0, B, 1, 1, pixel_max=1, insecure=True)
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
    """Enumerate the gadget's witnesses; return ({(u, e0, e1)}, max completions per solution)."""
    cs = ConstraintSystem(with_witness=True)
    c0 = [cs.public_input(v, f"c0[{i}]") for i, v in enumerate(ct0)]
    c1 = [cs.public_input(v, f"c1[{i}]") for i, v in enumerate(ct1)]
    encryption_gadget(cs, params, pk, list(m), c0, c1, _any_witness())
    r1cs = cs.freeze()
    names = r1cs.names
    index = {name: k for k, name in enumerate(cs.wire_names)}
    assert not any(".prefix" in n for n in cs.wire_names)  # 2B = 4 = 0b100: no product wires
    e_bits = (2 * B).bit_length()
    k_bits = {side: sum(1 for n in cs.wire_names if n.startswith(f"bfv/k{side}[0].b[")) for side in (0, 1)}
    kmax = max(k_bits.values())
    values = cs.assignment
    R = 21888242871839275222246405745257275088548364400416034343698204186575808495617

    def rows_of(side, i):
        pre = (f"bfv/e{side}[{i}].", f"bfv/k{side}[{i}].", f"bfv/ct{side}_relation[{i}]")
        return [r for r, nm in enumerate(names) if nm.startswith(pre)]

    local_rows = {(s, i): rows_of(s, i) for s in (0, 1) for i in range(N)}
    ternary_rows = [r for r, nm in enumerate(names) if nm.startswith(("bfv/u_sq", "bfv/u_ternary"))]
    found: dict = {}
    for u in itertools.product((-1, 0, 1), repeat=N):
        for j, uj in enumerate(u):
            values[index[f"bfv/u[{j}]"]] = uj % R
            values[index[f"bfv/u_sq[{j}]"]] = uj * uj
        local = {key: [] for key in local_rows}
        for pe in range(1 << e_bits):
            for pk_ in range(1 << kmax):
                for s in (0, 1):
                    for i in range(N):
                        for b in range(e_bits):
                            values[index[f"bfv/e{s}[{i}].b[{b}]"]] = (pe >> b) & 1
                        for b in range(k_bits[s]):
                            values[index[f"bfv/k{s}[{i}].b[{b}]"]] = (pk_ >> b) & 1
                a, bb, c = r1cs.evaluate(values)
                ok = [(a[r] * bb[r] - c[r]) % R == 0 for r in range(len(a))]
                assert all(ok[r] for r in ternary_rows)
                for key, rows in local_rows.items():
                    if pk_ < (1 << k_bits[key[0]]) and all(ok[r] for r in rows):
                        local[key].append((pe - B, pk_))
        per_coeff = [[local[(s, i)] for i in range(N)] for s in (0, 1)]
        if any(not opts for side in per_coeff for opts in side):
            continue
        for side in per_coeff:
            for opts in side:
                for e in {e for e, _ in opts}:
                    found_k = [k for e2, k in opts if e2 == e]
                    found.setdefault("completions", []).append(len(found_k))
        for ev0 in itertools.product(*[sorted({e for e, _ in o}) for o in per_coeff[0]]):
            for ev1 in itertools.product(*[sorted({e for e, _ in o}) for o in per_coeff[1]]):
                found.setdefault("sols", set()).add((u, ev0, ev1))
    return found.get("sols", set()), max(found.get("completions", [1]))


def _any_witness():
    from schemes.bfv import EncryptionWitness
    return EncryptionWitness(u=[0] * N, e0=[0] * N, e1=[0] * N)


def make_ct(params, pk, m, u, e0, e1):
    p0 = ring_mul([int(v) for v in pk.p0], u)
    p1 = ring_mul([int(v) for v in pk.p1], u)
    return ([(p0[i] + e0[i] + params.delta * m[i]) % Q for i in range(N)],
            [(p1[i] + e1[i]) % Q for i in range(N)])


def test_gadget_witnesses_equal_the_relation_exhaustively(tiny):
    params, pk = tiny
    m = [1, 0, 1, 1]
    u, e0, e1 = [1, -1, 0, 1], [2, -2, 0, 1], [-1, 2, -2, 0]  # errors at the bound
    ct0, ct1 = make_ct(params, pk, m, u, e0, e1)
    cases = [
        (m, ct0, ct1),                                     # honest
        ([0, 0, 1, 1], ct0, ct1),                          # another message, same ciphertext
        (m, [(ct0[0] + 1) % Q] + ct0[1:], ct1),            # e0[0] = B + 1
        (m, ct0, [(ct1[0] - 2) % Q] + ct1[1:]),            # e1[0] = -B - 1
        (m, [0] * N, [Q - 1] * N),                         # extreme ciphertext values
    ]
    honest_found = False
    for mm, c0, c1 in cases:
        want = native_solutions(params, pk, mm, c0, c1)
        got, completions = circuit_solutions(params, pk, mm, c0, c1)
        assert got == want, (mm, c0, c1)
        assert completions == 1
        honest_found |= (tuple(u), tuple(e0), tuple(e1)) in got
    assert honest_found


def test_search_detects_a_missing_error_bound(tiny, monkeypatch):
    """The search is not vacuous: without the comparator, e0[0] = B + 1 becomes provable."""
    import schemes.bfv.gadget as gadget
    params, pk = tiny
    m = [1, 0, 1, 1]
    ct0, ct1 = make_ct(params, pk, m, [1, -1, 0, 1], [B + 1, 0, 0, 0], [0, 0, 0, 0])
    assert circuit_solutions(params, pk, m, ct0, ct1)[0] == native_solutions(params, pk, m, ct0, ct1)
    monkeypatch.setattr(gadget, "assert_bits_leq", lambda *args, **kwargs: None)
    assert circuit_solutions(params, pk, m, ct0, ct1)[0] != native_solutions(params, pk, m, ct0, ct1)
