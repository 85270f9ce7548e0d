"""The native engine (schemes._native) against the readable Python reference and py_ecc.

Every native entry point is compared with code we can read line by line against the math:
the negacyclic product (Kronecker substitution in schemes.r1cs.negacyclic), the roots of unity
and odd-coset FFT (schemes.groth16.domain, which matches ffjavascript), the R1CS evaluation and
its transpose (schemes.r1cs.matrices), the Groth16 prover (a reference prover written here from
the formulas, with schemes.bn254.curve), the verifier (the pairing equation with the reference
pairing of schemes.bn254.pairing), the pairing itself, and point decoding (schemes.bn254.curve
and py_ecc). The boundary: a panic becomes a RuntimeError, long calls release the GIL, and a
forked child computes with its own thread pool.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc import optimized_bn128 as ref
from test_groth16_verifier import twist_point_outside_g2

from schemes import _native
from schemes.bn254.curve import (
    G1_GEN,
    G2_GEN,
    InvalidPoint,
    U,
    g1_add,
    g1_from_ints,
    g1_mul,
    g1_neg,
    g2_add,
    g2_from_ints,
    g2_mul,
    g2_neg,
)
from schemes.bn254.fields import P, R
from schemes.bn254.pairing import final_exponentiation, multi_miller_loop, pairing
from schemes.bn254.tower import fp12_eq, fp12_pow
from schemes.bn254.vectors import (
    G1Vector,
    G2Vector,
    g1_from_le,
    g1_to_le,
    g2_to_le,
    scalars_from_bytes,
    scalars_to_bytes,
)
from schemes.groth16 import insecure_setup_from_seed, prepare_verifying_key
from schemes.groth16.domain import Domain, root_of_unity
from schemes.groth16.example import synthetic_circuit
from schemes.groth16.prover import prove_with_randomness
from schemes.groth16.r1cs_to_qap import domain_for, odd_coset_products, row_values
from schemes.groth16.verifier import verify
from schemes.r1cs.negacyclic import negacyclic_mul

R_INT = int(R)
P_INT = int(P)
FIELD = st.integers(0, R_INT - 1)


def le(xs) -> bytes:
    return scalars_to_bytes(xs)


# -- arithmetic kernels ----------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 40).flatmap(
        lambda n: st.tuples(st.lists(FIELD, min_size=n, max_size=n), st.lists(FIELD, min_size=n, max_size=n))
    )
)
def test_negacyclic_product_matches_kronecker(px):
    """Any length: powers of two take the coset NTT, others the folded linear product."""
    p, x = px
    assert scalars_from_bytes(_native.negacyclic_mul(le(p), le(x))) == negacyclic_mul(p, x)


def test_negacyclic_product_large_power_of_two():
    rng = random.Random(5)
    n = 2048
    p = [rng.randrange(R_INT) for _ in range(n)]
    x = [rng.randrange(256) for _ in range(n)]
    assert scalars_from_bytes(_native.negacyclic_mul(le(p), le(x))) == negacyclic_mul(p, x)


def test_roots_of_unity_are_ffjavascripts():
    for k in range(29):
        assert int.from_bytes(_native.root_of_unity(k), "little") == root_of_unity(k)
    with pytest.raises(ValueError):
        _native.root_of_unity(29)


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 9).flatmap(lambda k: st.lists(FIELD, min_size=1 << k, max_size=1 << k)))
def test_odd_coset_values_match_the_reference_domain(values):
    k = len(values).bit_length() - 1
    got = scalars_from_bytes(_native.odd_coset_values(le(values), k))
    assert got == [int(v) for v in Domain(k).evals_to_odd_coset(values)]


# -- the constraint system -------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[8, 6], ids=["block-pow2", "block-odd"])
def mixed(request):
    """Sparse rows plus a dense negacyclic block (N = 8 or 6), 2 public inputs."""
    cs = synthetic_circuit(20, 2, negacyclic_n=request.param, seed=3)
    r1cs = cs.freeze()
    pk = insecure_setup_from_seed(r1cs, b"native-" + bytes([request.param]))
    return cs, r1cs, pk


def test_r1cs_evaluate_and_transpose_match_python(mixed):
    cs, r1cs, _ = mixed
    w = cs.assignment
    got = [scalars_from_bytes(v) for v in r1cs.native.evaluate(le(w))]
    assert got == [list(v) for v in r1cs.evaluate(w)]
    rng = random.Random(7)
    y = [rng.randrange(R_INT) for _ in range(r1cs.num_constraints)]
    got_t = [scalars_from_bytes(v) for v in r1cs.native.transpose_evaluate(le(y))]
    assert got_t == [list(v) for v in r1cs.transpose_evaluate(y)]


def test_r1cs_first_failure_matches_python(mixed):
    cs, r1cs, _ = mixed
    w = list(cs.assignment)
    assert r1cs.native.first_failure(le(w)) is None
    for k in (r1cs.num_variables - 1, r1cs.num_public + 1):
        bad = list(w)
        bad[k] = (bad[k] + 1) % R_INT
        assert r1cs.native.first_failure(le(bad)) == r1cs.first_failure(bad)
    with pytest.raises(ValueError, match="constant-one"):
        r1cs.native.first_failure(le([2] + w[1:]))
    with pytest.raises(ValueError, match="wires"):
        r1cs.native.first_failure(le(w[:-1]))
    with pytest.raises(_native.DecodeError, match="canonical"):
        r1cs.native.first_failure(le(w[:-1]) + R_INT.to_bytes(32, "little"))


def test_r1cs_construction_refuses_inconsistent_matrices():
    empty = (b"\0\0\0\0", b"", b"")
    with pytest.raises(ValueError, match="wire"):
        _native.R1cs(
            2,
            0,
            1,
            (b"\0\0\0\0\1\0\0\0", b"\5\0\0\0", le([1])),
            (b"\0\0\0\0" * 2, b"", b""),
            (b"\0\0\0\0" * 2, b"", b""),
            [],
        )
    with pytest.raises(ValueError, match="row pointers"):
        _native.R1cs(2, 0, 1, empty, empty, empty, [])
    with pytest.raises(ValueError, match="block"):
        _native.R1cs(2, 0, 1, *([(b"\0\0\0\0" * 2, b"", b"")] * 3), [(0, le([1, 2]), b"\1\0\0\0" * 2)])


# -- the prover ------------------------------------------------------------------------------------


def reference_prove(pk, r1cs, w, r, s):
    """Groth16 from its formulas, with the Python reference domain and curve arithmetic."""

    def msm(points, scalars, add, mul):
        acc = None
        for pt, k in zip(points, scalars):
            if pt is not None and k % R_INT:
                acc = add(acc, mul(pt, k))
        return acc

    l = r1cs.num_public
    a, b, c = row_values(r1cs, w)
    n = domain_for(r1cs).size
    pad = lambda v: list(v) + [0] * (n - len(v))  # noqa: E731
    p = odd_coset_products(domain_for(r1cs), pad(a), pad(b), pad(c))
    vk = pk.vk
    A = g1_add(g1_add(vk.alpha_g1, msm(pk.a_query, w, g1_add, g1_mul)), g1_mul(pk.delta_g1, r))
    B = g2_add(g2_add(vk.beta_g2, msm(pk.b_g2_query, w, g2_add, g2_mul)), g2_mul(vk.delta_g2, s))
    B1 = g1_add(g1_add(pk.beta_g1, msm(pk.b_g1_query, w, g1_add, g1_mul)), g1_mul(pk.delta_g1, s))
    C = g1_add(msm(pk.l_query, w[l + 1 :], g1_add, g1_mul), msm(pk.h_query, p, g1_add, g1_mul))
    C = g1_add(g1_add(C, g1_mul(A, s)), g1_mul(B1, r))
    C = g1_add(C, g1_neg(g1_mul(pk.delta_g1, r * s % R_INT)))
    return A, B, C


@settings(max_examples=4, deadline=None)
@given(st.integers(0, R_INT - 1), st.integers(0, R_INT - 1))
def test_prover_matches_the_reference_formulas(mixed, r, s):
    cs, r1cs, pk = mixed
    proof = prove_with_randomness(pk, r1cs, cs.assignment, r, s)
    assert (proof.a, proof.b, proof.c) == reference_prove(pk, r1cs, cs.assignment, r, s)


# -- the verifier and the pairing ------------------------------------------------------------------


def reference_accepts(vk, xs, proof) -> bool:
    """e(A, B) e(S, -gamma) e(C, -delta) == e(alpha, beta) with the Python reference pairing."""
    s = vk.ic[0]
    for x, pt in zip(xs, vk.ic[1:]):
        s = g1_add(s, g1_mul(pt, x))
    f = multi_miller_loop([(proof.a, proof.b), (s, g2_neg(vk.gamma_g2)), (proof.c, g2_neg(vk.delta_g2))])
    return fp12_eq(final_exponentiation(f), pairing(vk.alpha_g1, vk.beta_g2))


def test_verifier_agrees_with_the_reference_pairing_equation(mixed):
    cs, r1cs, pk = mixed
    pvk = prepare_verifying_key(pk.vk)
    proof = prove_with_randomness(pk, r1cs, cs.assignment, 11, 13)
    xs = cs.public_values
    cases = [
        (xs, proof),
        ([(xs[0] + 1) % R_INT, xs[1]], proof),
        (xs, type(proof)(a=proof.c, b=proof.b, c=proof.a)),
        (xs, type(proof)(a=g1_neg(proof.a), b=proof.b, c=proof.c)),
    ]
    for inputs, pr in cases:
        native = pvk.native.verify(le(inputs), g1_to_le(pr.a), g2_to_le(pr.b), g1_to_le(pr.c))
        assert native == reference_accepts(pk.vk, inputs, pr)
    assert pvk.native.verify(le(xs), g1_to_le(proof.a), g2_to_le(proof.b), g1_to_le(proof.c))
    verify(pvk, xs, proof)


def test_precomputed_ic_table_gives_the_reference_combination():
    """A key with more than 1024 public inputs gets the precomputed window table (FixedBases).
    With ic[j] = k_j G, ic[0] + sum x_j ic[j] must be (k_0 + sum x_j k_j) G: one reference
    multiplication. Scalars: full size, above r/2 (negated), small, zero, and all zero."""
    from schemes.bn254.fixed_base import fixed_base_mul_g1

    rng = random.Random(1234)
    l = 1100
    ks = [rng.randrange(1, R_INT) for _ in range(l + 1)]
    ic = fixed_base_mul_g1(G1_GEN, ks).to_bytes()
    g2 = g2_to_le(G2_GEN)
    key = _native.PreparedVerifyingKey(g1_to_le(G1_GEN), g2, g2, g2, ic)
    full = [rng.randrange(R_INT) for _ in range(l)]
    mixed = [
        rng.choice([0, 1, 255, R_INT - 1, R_INT - 2, rng.randrange(1 << 64), rng.randrange(R_INT)]) for _ in range(l)
    ]
    for xs in (full, mixed, [0] * l, [0] * (l - 1) + [R_INT - 1]):
        k = (ks[0] + sum(x * kj for x, kj in zip(xs, ks[1:]))) % R_INT
        got = g1_from_le(bytes(key.public_input_combination(le(xs))))
        assert got == g1_mul(G1_GEN, k)


@settings(max_examples=5, deadline=None)
@given(st.integers(1, R_INT - 1), st.integers(1, R_INT - 1))
def test_pairing_is_the_reference_pairing_to_a_fixed_power(a, b):
    """arkworks' final exponentiation (Fuentes-Castaneda, Knapp, Rodriguez-Henriquez) computes
    the lambda-th power of the reduced pairing, lambda = 2u(6u^2 + 3u + 1) (coprime to r), in
    the same Fp12 tower; so native(P, Q) == reference(P, Q)^lambda, and it is bilinear."""
    p, q = g1_mul(G1_GEN, a), g2_mul(G2_GEN, b)
    native = tuple(scalars_from_bytes(_native.pairing(g1_to_le(p), g2_to_le(q))))
    lam = 2 * U * (6 * U * U + 3 * U + 1)
    assert native == fp12_pow(pairing(p, q), lam % R_INT)
    moved = tuple(scalars_from_bytes(_native.pairing(g1_to_le(g1_mul(G1_GEN, a * b % R_INT)), g2_to_le(G2_GEN))))
    assert moved == native


# -- decoding --------------------------------------------------------------------------------------


def _py_ecc_g2(k):
    x, y = ref.normalize(ref.multiply(ref.G2, k))
    return (tuple(int(c) for c in x.coeffs), tuple(int(c) for c in y.coeffs))


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**256 - 1), st.integers(0, 2**256 - 1))
def test_g1_decoding_agrees_with_the_reference_validator(x, y):
    x, y = x % (2 * P_INT), y % (2 * P_INT)
    try:
        expected = g1_from_ints(x, y)
    except InvalidPoint:
        expected = "invalid"
    try:
        got = G1Vector.from_bytes(x.to_bytes(32, "little") + y.to_bytes(32, "little"))[0]
    except InvalidPoint:
        got = "invalid"
    assert got == expected


def test_g1_decoding_of_curve_points_in_every_layout():
    pts = [g1_mul(G1_GEN, k) for k in (1, 2, 3, R_INT - 1)] + [None]
    vec = G1Vector.from_points(pts)
    for layout in ("le", "be", "lem"):
        assert list(G1Vector.from_bytes(vec.to_bytes(layout), layout)) == pts
    assert vec.to_bytes("be")[:64] == (1).to_bytes(32, "big") + (2).to_bytes(32, "big")
    mont = (1 << 256) % P_INT
    assert vec.to_bytes("lem")[:32] == mont.to_bytes(32, "little")


def test_g2_decoding_agrees_with_py_ecc_and_checks_the_subgroup():
    pts = [_py_ecc_g2(k) for k in (1, 5, R_INT - 2)]
    vec = G2Vector.from_points(pts)
    assert list(vec) == pts
    for layout in ("le", "be", "lem"):
        assert list(G2Vector.from_bytes(vec.to_bytes(layout), layout)) == pts
    bad = twist_point_outside_g2()
    with pytest.raises(InvalidPoint):
        g2_from_ints(*bad)
    with pytest.raises(InvalidPoint, match="subgroup"):
        G2Vector.from_points([bad])
    assert list(G2Vector.from_points([bad], subgroup=False)) == [bad]
    off = (bad[0], (bad[1][0], (bad[1][1] + 1) % P_INT))
    with pytest.raises(InvalidPoint, match="twist"):
        G2Vector.from_points([off], subgroup=False)
    with pytest.raises(InvalidPoint, match="canonical"):
        G2Vector.from_bytes(P_INT.to_bytes(32, "little") * 4)


def test_scalar_decoding_refuses_non_canonical_values():
    with pytest.raises(_native.DecodeError, match=r"scalars\[1\] is not a canonical"):
        G1Vector.from_points([G1_GEN, G1_GEN]).native.msm(le([1]) + R_INT.to_bytes(32, "little"))
    with pytest.raises(ValueError, match="whole number"):
        G1Vector.from_points([G1_GEN]).native.msm(b"\1" * 31)


# -- the boundary ----------------------------------------------------------------------------------


def test_a_panic_becomes_a_runtime_error():
    with pytest.raises(RuntimeError, match="native engine failure.*boom") as info:
        _native._panic_for_tests("boom")
    assert isinstance(info.value, _native.NativeError) and isinstance(info.value, Exception)
    assert G1Vector.from_points([G1_GEN]).msm([3]) == g1_mul(G1_GEN, 3)  # still usable


def test_long_calls_release_the_gil():
    """While one thread is inside a long native MSM, another runs Python code: its timestamps
    fall strictly inside the native call (impossible if the call held the GIL)."""
    rng = random.Random(9)
    points = G1Vector.from_points([g1_mul(G1_GEN, rng.randrange(1, R_INT)) for _ in range(64)])
    big = G1Vector(points.native.slice(0, 64))
    reps = 2048
    many = G1Vector.from_bytes(big.to_bytes() * reps)
    scalars = scalars_to_bytes(rng.randrange(R_INT) for _ in range(len(many)))
    window = {}
    started = threading.Event()

    def work():
        started.set()
        window["start"] = time.perf_counter()
        many.native.msm(scalars)
        window["end"] = time.perf_counter()

    t = threading.Thread(target=work)
    t.start()
    started.wait()
    ticks = []
    while t.is_alive():
        ticks.append(time.perf_counter())
    t.join()
    inside = [x for x in ticks if window["start"] < x < window["end"]]
    assert window["end"] - window["start"] > 0.02
    assert len(inside) > 10


def _msm_in_child(queue) -> None:
    queue.put(G1Vector.from_points([G1_GEN] * 2000).msm(list(range(2000))))


def test_a_forked_child_uses_its_own_thread_pool():
    """The parent has used its pool; a fork()ed child must not wait for the parent's threads."""
    G1Vector.from_points([G1_GEN] * 2000).msm(list(range(2000)))
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_msm_in_child, args=(queue,))
    child.start()
    child.join(60)
    alive = child.is_alive()
    if alive:
        child.kill()
    assert not alive, "the forked child hung in the native engine"
    assert queue.get(timeout=5) == g1_mul(G1_GEN, sum(range(2000)) % R_INT)


# -- Poseidon --------------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 17).flatmap(lambda t: st.lists(FIELD, min_size=t, max_size=t)))
def test_poseidon_permutation_matches_the_reference_loop(state):
    from schemes.poseidon.permutation import permute, permute_reference

    assert permute(state) == permute_reference(state)


def test_poseidon_instance_refuses_bad_parameters_and_states():
    from schemes.poseidon.permutation import _instance

    with pytest.raises(ValueError, match="width"):
        _instance(3).permute(le([1, 2]))
    with pytest.raises(ValueError, match="inconsistent"):
        _native.Poseidon(3, 8, 57, le([0] * 10), le([0] * 9))
