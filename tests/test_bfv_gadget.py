"""The BFV encryption-relation gadget: native vs gadget, mutations, unprovable statements, counts."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings, strategies as st

from schemes.bfv import (DEFAULT, DeterministicRng, EncryptionWitness, encrypt,
                         encrypt_with_randomness, keygen, toy_params)
from schemes.bfv.gadget import (assert_bits_leq, centered_poly, encryption_gadget,
                                negacyclic_mul_exact, quotient_ranges)
from schemes.r1cs import ConstraintSystem
from schemes.r1cs.bits import assert_in_range
from schemes.r1cs.testing import assert_witness_mutations_fail

TOY = toy_params(i_know_this_is_insecure=True)


def build(params, pk, pixels, ct, witness, with_witness=True, range_check_pixels=True):
    """A harness circuit: ct0/ct1 public, pixels private bytes, then the gadget."""
    cs = ConstraintSystem(with_witness=with_witness)
    val = (lambda v: v) if with_witness else (lambda v: None)
    c0 = [cs.public_input(val(v), f"ct0[{i}]") for i, v in enumerate(ct.c0)]
    c1 = [cs.public_input(val(v), f"ct1[{i}]") for i, v in enumerate(ct.c1)]
    m = []
    for i, v in enumerate(pixels):
        x = cs.witness(val(v), f"pixel[{i}]")
        if range_check_pixels:
            assert_in_range(cs, x, 0, 255, f"pixel_range[{i}]")
        m.append(x)
    m += [0] * (params.n - len(pixels))  # padding: the constant 0
    wires = encryption_gadget(cs, params, pk, m, c0, c1, witness if with_witness else None)
    return cs, wires


def expected_constraints(params, pk, pixels_checked=0):
    r0, r1 = quotient_ranges(params, pk)
    n = params.n
    e_bits = (2 * params.error_bound).bit_length()
    leq_rows = 5  # 2B = 38 = 0b100110: three zero digits, two prefix products
    return 2 * n + 2 * n * (e_bits + leq_rows) + n * (r0.bits + r1.bits) + 2 * n + pixels_checked * 9


@settings(max_examples=8, deadline=None)
@given(pixels=st.lists(st.integers(0, 255), min_size=1, max_size=TOY.n), seed=st.integers(0, 2**32))
def test_honest_encryption_satisfies_the_gadget(pixels, seed):
    rng = DeterministicRng(seed)
    _, pk = keygen(TOY, rng)
    ct, w = encrypt(TOY, pk, pixels, rng)
    cs, wires = build(TOY, pk, pixels, ct, w)
    cs.check()
    # native vs gadget: the gadget's e, k combinations carry exactly the native values
    r = TOY.q
    assert [x.value for x in wires.u] == [v % _R() for v in w.u]
    assert [x.value for x in wires.e0] == [v % _R() for v in w.e0]
    assert [x.value for x in wires.e1] == [v % _R() for v in w.e1]
    prod0 = negacyclic_mul_exact(centered_poly(pk.p0, r), w.u)
    m = pixels + [0] * (TOY.n - len(pixels))
    k0 = [(prod0[i] + w.e0[i] + TOY.delta * m[i] - ct.c0[i]) // r for i in range(TOY.n)]
    assert all((prod0[i] + w.e0[i] + TOY.delta * m[i] - ct.c0[i]) % r == 0 for i in range(TOY.n))
    assert [x.value for x in wires.k0] == [v % _R() for v in k0]
    assert cs.num_constraints == expected_constraints(TOY, pk, len(pixels))


def _R():
    from schemes.bn254.fields import R
    return int(R)


def test_witness_mutations_fail_toy():
    rng = DeterministicRng(b"mutations")
    _, pk = keygen(TOY, rng)
    pixels = [(i * 37) % 256 for i in range(TOY.n)]
    ct, w = encrypt(TOY, pk, pixels, rng)
    cs, _ = build(TOY, pk, pixels, ct, w)
    assert cs.is_satisfied()
    mutated = assert_witness_mutations_fail(cs, rng=None)
    assert mutated == cs.num_private


@pytest.mark.parametrize("n_pixels", [1, 23, TOY.n - 1])
def test_witness_mutations_fail_with_padding_rows(n_pixels):
    """A chunk with fewer pixels than N: rows n_pixels..N-1 carry the constant 0 as message
    (no pixel wire), so their u/e/k wires are bound only by the BFV rows. Every wire mutated."""
    rng = DeterministicRng(b"padding mutations %d" % n_pixels)
    _, pk = keygen(TOY, rng)
    pixels = [(i * 37 + 11) % 256 for i in range(n_pixels)]
    ct, w = encrypt(TOY, pk, pixels, rng)
    cs, wires = build(TOY, pk, pixels, ct, w)
    assert cs.is_satisfied()
    # the padding rows' randomness is private wires of this system too
    assert len(wires.u) == len(wires.e0) == len(wires.k0) == TOY.n > n_pixels
    assert cs.num_constraints == expected_constraints(TOY, pk, n_pixels)
    assert assert_witness_mutations_fail(cs) == cs.num_private


def _unsatisfied(params, pk, pixels, ct, witness):
    cs, _ = build(params, pk, pixels, ct, witness)
    return not cs.is_satisfied()


def test_ciphertext_of_a_different_image_is_unprovable():
    rng = DeterministicRng(b"swap")
    _, pk = keygen(TOY, rng)
    benign = [0] * TOY.n
    other = [0] * TOY.n
    other[17] = 1  # one pixel differs by one
    ct, w = encrypt(TOY, pk, other, rng)
    assert not _unsatisfied(TOY, pk, other, ct, w)
    assert _unsatisfied(TOY, pk, benign, ct, w)


@pytest.mark.parametrize("bad", [TOY.error_bound + 1, -(TOY.error_bound + 1), 64, -64])
def test_out_of_bound_error_is_unprovable(bad):
    rng = DeterministicRng(b"big error")
    _, pk = keygen(TOY, rng)
    pixels = [9] * 10
    _, w = encrypt(TOY, pk, pixels, rng)
    for field in ("e0", "e1"):
        e = list(getattr(w, field))
        e[5] = bad
        w_bad = EncryptionWitness(**{**w.__dict__, field: tuple(e)})
        ct = encrypt_with_randomness(TOY, pk, pixels, w_bad, check_bounds=False)  # "by hand"
        assert _unsatisfied(TOY, pk, pixels, ct, w_bad)


def test_error_at_the_bound_is_provable():
    rng = DeterministicRng(b"edge error")
    _, pk = keygen(TOY, rng)
    b = TOY.error_bound
    w = EncryptionWitness(tuple([1, -1, 0] * 21 + [1]), tuple([b, -b] * 32), tuple([-b, b] * 32))
    ct = encrypt_with_randomness(TOY, pk, [255] * TOY.n, w)
    assert not _unsatisfied(TOY, pk, [255] * TOY.n, ct, w)


def test_non_ternary_u_is_unprovable():
    rng = DeterministicRng(b"u2")
    _, pk = keygen(TOY, rng)
    _, w = encrypt(TOY, pk, [1], rng)
    u = list(w.u)
    u[0] = 2
    w_bad = EncryptionWitness(tuple(u), w.e0, w.e1)
    ct = encrypt_with_randomness(TOY, pk, [1], w_bad, check_bounds=False)
    assert _unsatisfied(TOY, pk, [1], ct, w_bad)


def test_ciphertext_under_another_key_is_unprovable():
    rng = DeterministicRng(b"other key")
    _, pk = keygen(TOY, rng)
    _, pk_other = keygen(TOY, rng)
    pixels = [200] * 20
    ct, w = encrypt(TOY, pk_other, pixels, rng)
    assert not _unsatisfied(TOY, pk_other, pixels, ct, w)
    assert _unsatisfied(TOY, pk, pixels, ct, w)


def test_shape_mode_builds_the_same_system():
    rng = DeterministicRng(b"shape")
    _, pk = keygen(TOY, rng)
    pixels = list(range(40))
    ct, w = encrypt(TOY, pk, pixels, rng)
    full, _ = build(TOY, pk, pixels, ct, w)
    shape, _ = build(TOY, pk, pixels, ct, None, with_witness=False)
    assert shape.freeze().digest() == full.freeze().digest()


def test_gadget_rejects_non_canonical_ciphertext_inputs():
    rng = DeterministicRng(b"canon")
    _, pk = keygen(TOY, rng)
    ct, w = encrypt(TOY, pk, [1], rng)
    from schemes.bfv import Ciphertext, InvalidCiphertextError
    bad = Ciphertext((ct.c0[0] + TOY.q,) + ct.c0[1:], ct.c1)
    with pytest.raises(InvalidCiphertextError):
        build(TOY, pk, [1], bad, w)


@pytest.mark.parametrize("width", [1, 2, 3, 4, 5, 6])
def test_bits_leq_comparator_exhaustive(width):
    bounds = range(1 << width) if width <= 5 else [38, 0, 63, 31, 32, 21]
    for bound, x in itertools.product(bounds, range(1 << width)):
        cs = ConstraintSystem(with_witness=True)
        bits = [cs.witness((x >> i) & 1, f"b[{i}]") for i in range(width)]
        assert_bits_leq(cs, bits, bound, "leq")
        assert cs.is_satisfied() == (x <= bound), (width, bound, x)


def test_quotient_windows_contain_the_worst_case_quotients():
    rng = DeterministicRng(b"windows")
    _, pk = keygen(TOY, rng)
    q, b = TOY.q, TOY.error_bound
    r0, r1 = quotient_ranges(TOY, pk)
    for poly, rng_k, msg in ((pk.p0, r0, TOY.delta * 255), (pk.p1, r1, 0)):
        l1 = sum(abs(v) for v in centered_poly(poly, q))
        lowest, highest = -l1 - b - (q - 1), l1 + b + msg  # extremes of k*q for honest rows
        # every integer k with lowest <= k q <= highest lies in [lo, hi]
        assert (rng_k.lo - 1) * q < lowest and (rng_k.hi + 1) * q > highest
        assert rng_k.hi - rng_k.lo + 1 == 2 ** rng_k.bits
        # the no-wrap sum of the spec: every row term is far below R / 2
        assert l1 + q + b + msg + max(abs(rng_k.lo), abs(rng_k.hi)) * q < _R() // 2


def test_default_gadget_count_and_satisfaction():
    rng = DeterministicRng(b"default gadget")
    _, pk = keygen(DEFAULT, rng)
    pixels = [(i * 7) % 256 for i in range(28 * 28)]
    ct, w = encrypt(DEFAULT, pk, pixels, rng)
    cs, _ = build(DEFAULT, pk, pixels, ct, w, range_check_pixels=False)
    assert cs.num_constraints == expected_constraints(DEFAULT, pk)
    r0, r1 = quotient_ranges(DEFAULT, pk)
    assert (r0.bits, r1.bits) in {(11, 10), (10, 10), (11, 11), (10, 11)}
    assert cs.is_satisfied()
