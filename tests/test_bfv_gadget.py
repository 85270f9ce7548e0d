"""The BFV encryption-relation gadget: native vs gadget, mutations, attacks, counts.

The attack tests forge witnesses as an attacker would: they keep every dense row satisfied (so the
forged witness "proves" the false or out-of-relation statement) and show that exactly the named
defence rejects it, by checking that the system with that defence's rows removed would accept.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemes.bfv import (
    DEFAULT,
    Ciphertext,
    DeterministicRng,
    EncryptionWitness,
    InvalidCiphertextError,
    encrypt,
    encrypt_with_randomness,
    keygen,
    toy_params,
)
from schemes.bfv.gadget import (
    centered_poly,
    encryption_gadget,
    negacyclic_mul_exact,
    pack_ciphertext,
    pack_shift,
    quotient_ranges,
    row_bound,
    unpack_public_input,
)
from schemes.bn254.fields import R as _R_MPZ
from schemes.r1cs import ConstraintSystem, LinearCombination
from schemes.r1cs.bits import assert_in_range, bounded_weights
from schemes.r1cs.matrices import first_failure
from schemes.r1cs.testing import assert_witness_mutations_fail

TOY = toy_params(i_know_this_is_insecure=True)
R = int(_R_MPZ)


def build(params, pk, pixels, ct, witness, with_witness=True, range_check_pixels=True, packed=None):
    """A harness circuit: the packed ciphertext public, pixels private bytes, then the gadget."""
    cs = ConstraintSystem(with_witness=with_witness)
    val = (lambda v: v) if with_witness else (lambda v: None)
    values = pack_ciphertext(params, ct) if packed is None else packed
    pub = [cs.public_input(val(v), f"ct[{i}]") for i, v in enumerate(values)]
    m = []
    for i, v in enumerate(pixels):
        x = cs.witness(val(v), f"pixel[{i}]")
        if range_check_pixels:
            assert_in_range(cs, x, 0, 255, f"pixel_range[{i}]")
        m.append(x)
    m += [0] * (params.n - len(pixels))  # padding: the constant 0
    wires = encryption_gadget(cs, params, pk, m, pub, witness if with_witness else None)
    return cs, wires


def expected_constraints(params, pk, pixels_checked=0):
    """specs/bfv.md section 13: 2N + 2N bitlen(2B) + N (b0 + b1) + N."""
    r0, r1 = quotient_ranges(params, pk)
    n = params.n
    e_bits = (2 * params.error_bound).bit_length()
    return 2 * n + 2 * n * e_bits + n * (r0.bits + r1.bits) + n + pixels_checked * 9


def reference_quotients(params, pk, m, ct, w):
    """k0, k1 by the definition: (pk*u + e + Delta*m - ct) / q, exact (schoolbook products)."""
    n, q = params.n, params.q

    def mul(a, b):
        c = [0] * n
        for i in range(n):
            for j in range(n):
                c[(i + j) % n] += a[i] * b[j] * (1 if i + j < n else -1)
        return c

    mm = list(m) + [0] * (n - len(m))
    p0, p1 = mul(centered_poly(pk.p0, q), list(w.u)), mul(centered_poly(pk.p1, q), list(w.u))
    num0 = [p0[i] + w.e0[i] + params.delta * mm[i] - ct.c0[i] for i in range(n)]
    num1 = [p1[i] + w.e1[i] - ct.c1[i] for i in range(n)]
    assert all(x % q == 0 for x in num0 + num1)
    return [x // q for x in num0], [x // q for x in num1]


# --------------------------------------------------------------------------- native vs gadget


@settings(max_examples=8, deadline=None)
@given(pixels=st.lists(st.integers(0, 255), min_size=1, max_size=TOY.n), seed=st.integers(0, 2**32))
def test_honest_encryption_satisfies_the_gadget(pixels, seed):
    rng = DeterministicRng(seed)
    _, pk = keygen(TOY, rng)
    ct, w = encrypt(TOY, pk, pixels, rng)
    cs, wires = build(TOY, pk, pixels, ct, w)
    cs.check()
    # native vs gadget: the gadget's u, e, k carry exactly the native values
    assert [x.value for x in wires.u] == [v % R for v in w.u]
    assert [x.value for x in wires.e0] == [v % R for v in w.e0]
    assert [x.value for x in wires.e1] == [v % R for v in w.e1]
    k0, k1 = reference_quotients(TOY, pk, pixels, ct, w)
    assert [x.value for x in wires.k0] == [v % R for v in k0]
    assert [x.value for x in wires.k1] == [v % R for v in k1]
    assert cs.num_constraints == expected_constraints(TOY, pk, len(pixels))


def test_packing_of_the_public_inputs():
    s = pack_shift(DEFAULT)
    assert s == 109 + 13 + 1 == DEFAULT.q.bit_length() + DEFAULT.n.bit_length() + 1
    assert (DEFAULT.q - 1) + ((DEFAULT.q - 1) << s) < R  # a packed input is a canonical field element
    rng = DeterministicRng(b"pack")
    _, pk = keygen(TOY, rng)
    ct, _ = encrypt(TOY, pk, [1, 2], rng)
    packed = pack_ciphertext(TOY, ct)
    st_ = pack_shift(TOY)
    assert packed == [a + b * 2**st_ for a, b in zip(ct.c0, ct.c1)]
    assert [unpack_public_input(TOY, v) for v in packed] == list(zip(ct.c0, ct.c1))
    for bad in (TOY.q, (TOY.q << st_), (1 << st_) - 1):
        with pytest.raises(InvalidCiphertextError):
            unpack_public_input(TOY, bad)


# --------------------------------------------------------------------------- mutations


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
    assert len(wires.u) == len(wires.e0) == len(wires.k0) == TOY.n > n_pixels
    assert cs.num_constraints == expected_constraints(TOY, pk, n_pixels)
    assert assert_witness_mutations_fail(cs) == cs.num_private


# --------------------------------------------------------------------------- unprovable statements


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


@pytest.mark.parametrize("params", [TOY, DEFAULT], ids=["toy", "default"])
def test_rns_components_encrypting_different_messages_are_unprovable(params):
    """Attack: c mod q1 encrypts m, c mod q2 encrypts m' (same randomness). The CRT-combined
    ciphertext is an encryption of neither, and the relation mod q = q1 q2 rejects both."""
    rng = DeterministicRng(b"mixed components")
    _, pk = keygen(params, rng)
    m, m2 = [9] * 30, [9] * 29 + [10]
    ct, w = encrypt(params, pk, m, rng)
    ct2 = encrypt_with_randomness(params, pk, m2, w)
    q1, q2 = params.moduli
    crt = lambda a, b: (a * q2 * pow(q2, -1, q1) + b * q1 * pow(q1, -1, q2)) % params.q  # noqa: E731
    mixed = Ciphertext(
        tuple(crt(a % q1, b % q2) for a, b in zip(ct.c0, ct2.c0)),
        tuple(crt(a % q1, b % q2) for a, b in zip(ct.c1, ct2.c1)),
    )
    assert mixed != ct and mixed != ct2
    if params is TOY:
        assert not _unsatisfied(params, pk, m, ct, w) and not _unsatisfied(params, pk, m2, ct2, w)
    for msg in (m, m2):
        cs, _ = build(params, pk, msg, mixed, w, range_check_pixels=params is TOY)
        assert not cs.is_satisfied()


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


# --------------------------------------------------------------------------- forged witnesses


def _wire(lc: LinearCombination) -> int:
    ((var, coeff),) = lc.terms.items()
    assert coeff == 1
    return var


def _bit_wire(cs, name: str) -> int:
    return cs.wire_names.index(name)


def _failing_rows(cs, without: set[str]) -> tuple[bool, bool]:
    """(the whole system holds, the system minus the rows named in ``without`` holds)."""
    keep = [it for it, nm in zip(cs._items, cs._item_names) if nm not in without]
    return cs.is_satisfied(), first_failure(keep, cs._values) is None


def _forge(cs, wire: int, delta: int) -> None:
    cs.set_value(wire, (cs._values[wire] + delta) % R)


def test_attack_out_of_range_u_is_caught_by_the_ternary_rows():
    """u_0 = 2 with every dense row satisfied (the ciphertext is made with u_0 = 2): only the
    ternary rows of u_0 reject it; without them the forged witness would be accepted."""
    rng = DeterministicRng(b"forge u")
    _, pk = keygen(TOY, rng)
    pixels = [3] * 8
    _, w = encrypt(TOY, pk, pixels, rng)
    w_bad = EncryptionWitness((2,) + w.u[1:], w.e0, w.e1)
    ct = encrypt_with_randomness(TOY, pk, pixels, w_bad, check_bounds=False)
    forged = build_forged(TOY, pk, pixels, ct, w_bad)
    whole, without = _failing_rows(forged, {"bfv/u_ternary[0]"})
    assert not whole and without


def build_forged(params, pk, pixels, ct, w_bad):
    """The gadget built for an out-of-relation witness (u or e out of range), then every range
    wire set so that all dense rows hold: the forged values sit in the wires, the decompositions
    are made to match them with one non-boolean bit where the range cannot represent them."""
    cs, wires = build(params, pk, pixels, ct, w_bad)
    assert [uj.value for uj in wires.u] == [v % R for v in w_bad.u]  # u wires hold the forged u
    k0, k1 = reference_quotients_any(params, pk, pixels, ct, w_bad)
    r0, r1 = quotient_ranges(params, pk)
    b = params.error_bound
    targets = {
        "e0": (w_bad.e0, -b, 2 * b),
        "e1": (w_bad.e1, -b, 2 * b),
        "k0": (k0, r0.lo, r0.hi - r0.lo),
        "k1": (k1, r1.lo, r1.hi - r1.lo),
    }
    for kind, (vals, offset, bound) in targets.items():
        for i in range(params.n):
            _set_bounded(cs, f"bfv/{kind}[{i}]", vals[i] - offset, bound)
        assert [lc.value for lc in getattr(wires, kind)] == [v % R for v in vals]
    return cs


def _set_bounded(cs, name: str, value: int, bound: int) -> None:
    """Set the bits of an alloc_bounded number to ``value``: its honest decomposition when
    0 <= value <= bound, else the decomposition of the nearest end with b[0] (weight 1) moved by
    the difference -- a non-boolean bit, the only way the forged value can be reached."""
    weights = bounded_weights(bound)
    near = min(max(value, 0), bound)
    bits = [0] * len(weights)
    if near >= 1 << (len(weights) - 1):
        bits[-1], near = 1, near - weights[-1]
    for i in range(len(weights) - 1):
        bits[i] = (near >> i) & 1
    bits[0] += value - min(max(value, 0), bound)
    for i, bit in enumerate(bits):
        cs.set_value(_bit_wire(cs, f"{name}.b[{i}]"), bit % R)


def reference_quotients_any(params, pk, m, ct, w):
    """Like :func:`reference_quotients` for any integer witness (u, e unbounded)."""
    n, q = params.n, params.q
    mm = list(m) + [0] * (n - len(m))
    p0 = negacyclic_mul_exact(centered_poly(pk.p0, q), list(w.u))
    p1 = negacyclic_mul_exact(centered_poly(pk.p1, q), list(w.u))
    num0 = [p0[i] + w.e0[i] + params.delta * mm[i] - ct.c0[i] for i in range(n)]
    num1 = [p1[i] + w.e1[i] - ct.c1[i] for i in range(n)]
    assert all(x % q == 0 for x in num0 + num1)
    return [x // q for x in num0], [x // q for x in num1]


@pytest.mark.parametrize("field, value", [("e0", TOY.error_bound + 1), ("e1", -TOY.error_bound - 1), ("e0", 1000)])
def test_attack_out_of_range_error_is_caught_by_its_bit_rows(field, value):
    """e_5 outside [-B, B] with every dense row satisfied: only the booleanity rows of that
    error's bits reject it; without them the forged witness would be accepted."""
    rng = DeterministicRng(b"forge e")
    _, pk = keygen(TOY, rng)
    pixels = [7] * 12
    _, w = encrypt(TOY, pk, pixels, rng)
    e = list(getattr(w, field))
    e[5] = value
    w_bad = EncryptionWitness(**{**w.__dict__, field: tuple(e)})
    ct = encrypt_with_randomness(TOY, pk, pixels, w_bad, check_bounds=False)
    cs = build_forged(TOY, pk, pixels, ct, w_bad)
    bits = {f"bfv/{field}[5].bool[{i}]" for i in range((2 * TOY.error_bound).bit_length())}
    whole, without = _failing_rows(cs, bits)
    assert not whole and without


def test_attack_out_of_range_quotient_proves_a_wrong_ciphertext_without_its_range_check():
    """The classic under-constrained quotient: publish c0 + 1 (a different ciphertext) and absorb
    the difference in k0 = k0 + q^-1 mod R. Every dense row then holds; only the bit rows of k0
    reject it, so without the range check a false statement would be proven."""
    rng = DeterministicRng(b"forge k")
    _, pk = keygen(TOY, rng)
    pixels = [11] * 5
    ct, w = encrypt(TOY, pk, pixels, rng)
    wrong = Ciphertext((ct.c0[0] + 1,) + ct.c0[1:], ct.c1)
    assert wrong.c0[0] < TOY.q  # canonical, so the verifier accepts it as public data
    cs, wires = build(TOY, pk, pixels, ct, w, packed=pack_ciphertext(TOY, wrong))
    assert not cs.is_satisfied()  # the honest quotients do not fit the wrong ciphertext
    honest_k0 = reference_quotients(TOY, pk, pixels, ct, w)[0][0]
    target = (honest_k0 - pow(TOY.q, -1, R)) % R  # q * target = q * k0 - 1 (mod R) absorbs the +1
    _forge(cs, _bit_wire(cs, "bfv/k0[0].b[0]"), (target - wires.k0[0].value) % R)
    names = {f"bfv/k0[0].bool[{i}]" for i in range(quotient_ranges(TOY, pk)[0].bits)}
    whole, without = _failing_rows(cs, names)
    assert not whole and without


def test_attack_shifted_quotients_keep_the_packed_row_but_break_the_split():
    """(k0 + 2^S, k1 - 1) leaves q (k0 + 2^S k1) unchanged, so the packed row cannot tell; the
    range of k0 is what makes the packed row split into the two equations."""
    rng = DeterministicRng(b"forge split")
    _, pk = keygen(TOY, rng)
    ct, w = encrypt(TOY, pk, [1, 2, 3], rng)
    cs, wires = build(TOY, pk, [1, 2, 3], ct, w)
    s = pack_shift(TOY)
    _forge(cs, _bit_wire(cs, "bfv/k0[3].b[0]"), 1 << s)
    _forge(cs, _bit_wire(cs, "bfv/k1[3].b[0]"), R - 1)
    bits = {f"bfv/k{c}[3].bool[{i}]" for c in (0, 1) for i in range(12)}
    whole, without = _failing_rows(cs, bits)
    assert not whole and without


# --------------------------------------------------------------------------- shape, inputs, windows


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
    packed = pack_ciphertext(TOY, ct)
    with pytest.raises(InvalidCiphertextError):
        build(TOY, pk, [1], ct, w, packed=[packed[0] + TOY.q] + packed[1:])  # c0 = q + ...
    with pytest.raises(InvalidCiphertextError):
        build(TOY, pk, [1], ct, w, packed=[packed[0] + (TOY.q << pack_shift(TOY))] + packed[1:])


@pytest.mark.parametrize("params", [TOY, DEFAULT], ids=["toy", "default"])
def test_quotient_windows_contain_the_worst_case_quotients(params):
    rng = DeterministicRng(b"windows")
    _, pk = keygen(params, rng)
    q, b = params.q, params.error_bound
    r0, r1 = quotient_ranges(params, pk)
    for poly, rng_k, msg in ((pk.p0, r0, params.delta * 255), (pk.p1, r1, 0)):
        l1 = sum(abs(v) for v in centered_poly(poly, q))
        lowest, highest = -l1 - b - (q - 1), l1 + b + msg  # extremes of k*q for honest rows
        # every integer k with lowest <= k q <= highest lies in [lo, hi], and the window is tight
        assert (rng_k.lo - 1) * q < lowest <= rng_k.lo * q and rng_k.hi * q <= highest < (rng_k.hi + 1) * q
        assert rng_k.bits == (rng_k.hi - rng_k.lo).bit_length()
    # the packed row splits: D0 < 2^S and D0 + 2^S D1 < R, recomputed here from the definitions
    s = pack_shift(params)
    d = []
    for poly, rng_k, msg in ((pk.p0, r0, params.delta * 255), (pk.p1, r1, 0)):
        l1 = sum(abs(v) for v in centered_poly(poly, q))
        d.append((q - 1) + l1 + b + msg + max(abs(rng_k.lo), abs(rng_k.hi)) * q)
    assert tuple(d) == row_bound(params, pk)
    assert d[0] < 2**s and d[0] + 2**s * d[1] < R
    assert d[0] < (params.n + 5) * q < 2 ** (s - 1)


def test_default_gadget_count_and_satisfaction():
    rng = DeterministicRng(b"default gadget")
    _, pk = keygen(DEFAULT, rng)
    pixels = [(i * 7) % 256 for i in range(28 * 28)]
    ct, w = encrypt(DEFAULT, pk, pixels, rng)
    cs, _ = build(DEFAULT, pk, pixels, ct, w, range_check_pixels=False)
    assert cs.num_constraints == expected_constraints(DEFAULT, pk)
    r0, r1 = quotient_ranges(DEFAULT, pk)
    assert {r0.bits, r1.bits} <= {11, 12}
    assert cs.is_satisfied()
