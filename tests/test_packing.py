"""Bytes <-> field elements, natively and in R1CS (schemes.packing, specs/packing.md)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemes.bn254.fields import R
from schemes.packing import BYTES_PER_ELEMENT, PackingError, element_widths, pack, packed_length, unpack
from schemes.packing.gadget import ByteWires, alloc_bytes, pack_gadget
from schemes.r1cs import ConstraintSystem
from schemes.r1cs.testing import assert_witness_mutations_fail


def spec_pack(data: bytes) -> list[int]:
    """specs/packing.md: e_k = sum_j data[31k + j] * 256^j, the last element holding the rest."""
    out = []
    for k in range(-(-len(data) // 31)):
        e = 0
        for j, byte in enumerate(data[31 * k : 31 * k + 31]):
            e += byte * 256**j
        out.append(e)
    return out


# ---------------------------------------------------------------- native


def test_31_bytes_is_the_largest_width_below_r():
    assert BYTES_PER_ELEMENT == 31
    assert 256**31 == 2**248 < R < 256**32


def test_examples_from_the_formula():
    assert pack(b"") == []
    assert pack(b"\x01") == [1]
    assert pack(b"\x01\x02") == [1 + 2 * 256]
    assert pack(bytes(30) + b"\xff") == [255 * 256**30]
    assert pack(b"\xff" * 31 + b"\x07") == [256**31 - 1, 7]
    assert pack(bytes(range(1, 32))) == [sum(b * 256**j for j, b in enumerate(range(1, 32)))]


@pytest.mark.parametrize(
    "n,count,last",
    [
        (0, 0, None),
        (1, 1, 1),
        (30, 1, 30),
        (31, 1, 31),
        (32, 2, 1),
        (62, 2, 31),
        (64, 3, 2),
        (784, 26, 9),
        (3072, 100, 3),
    ],
)
def test_element_counts_and_widths(n, count, last):
    assert packed_length(n) == count
    widths = element_widths(n)
    assert len(widths) == count and sum(widths) == n
    assert all(w == 31 for w in widths[:-1])
    if count:
        assert widths[-1] == last


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_pack_matches_spec_and_roundtrips(data):
    elements = pack(data)
    assert elements == spec_pack(data)
    assert all(type(e) is int and 0 <= e < 2**248 for e in elements)
    assert unpack(elements, len(data)) == data


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=100), st.binary(min_size=1, max_size=100))
def test_pack_is_injective_for_a_fixed_length(a, b):
    if len(a) == len(b) and a != b:
        assert pack(a) != pack(b)


def test_length_is_not_encoded():
    """Trailing zero bytes inside the last element are invisible: the length is a shape
    parameter (documented in specs/packing.md)."""
    assert pack(b"\x01") == pack(b"\x01\x00")
    assert unpack([1], 1) == b"\x01" and unpack([1], 2) == b"\x01\x00"


def test_unpack_rejects_wrong_count():
    with pytest.raises(PackingError, match="elements"):
        unpack([1, 2], 31)
    with pytest.raises(PackingError, match="elements"):
        unpack([1], 32)
    with pytest.raises(PackingError, match="elements"):
        unpack([0], 0)


@pytest.mark.parametrize(
    "elements,length,msg",
    [
        ([256], 1, "fit"),  # last element holds one byte
        ([256**30], 30, "fit"),
        ([2**248], 31, "fit"),
        ([0, 2**16], 33, "fit"),
        ([R], 31, "canonical"),
        ([R + 1], 31, "canonical"),
        ([-1], 1, "canonical"),
    ],
)
def test_unpack_rejects_out_of_range_elements(elements, length, msg):
    with pytest.raises(PackingError, match=msg):
        unpack(elements, length)


@pytest.mark.parametrize("bad", [True, 1.0, "1", None])
def test_unpack_rejects_non_integers(bad):
    with pytest.raises(PackingError, match="int"):
        unpack([bad], 1)


def test_bad_arguments():
    with pytest.raises(TypeError):
        pack("text")
    with pytest.raises(TypeError):
        pack([1, 2, 3])
    with pytest.raises(PackingError):
        packed_length(-1)
    with pytest.raises(TypeError):
        unpack([1], 1.0)


# ---------------------------------------------------------------- gadget


def _bound_circuit(data: bytes, use_alloc: bool):
    """Packed elements bound to public inputs: pixels private, so every pixel wire matters."""
    cs = ConstraintSystem(with_witness=True)
    publics = [cs.public_input(e, f"packed[{k}]") for k, e in enumerate(pack(data))]
    if use_alloc:
        pixels = alloc_bytes(cs, data, len(data), "x")
    else:
        pixels = [cs.witness(b, f"x[{i}]") for i, b in enumerate(data)]
    packed = pack_gadget(cs, pixels)
    for k, (pub, lc) in enumerate(zip(publics, packed)):
        cs.enforce_equal(pub, lc, f"bind[{k}]")
    return cs, pixels, packed


@pytest.mark.parametrize("use_alloc", [True, False])
@pytest.mark.parametrize("n", [1, 31, 32, 70])
def test_gadget_matches_native(n, use_alloc):
    data = bytes(random.Random(n).randrange(256) for _ in range(n))
    cs, pixels, packed = _bound_circuit(data, use_alloc)
    assert [p.value for p in pixels] == list(data)
    assert [e.value for e in packed] == pack(data)
    cs.check()


@pytest.mark.parametrize("use_alloc", [True, False])
def test_witness_mutations_fail(use_alloc):
    data = bytes(random.Random(5).randrange(256) for _ in range(40))
    cs, _, _ = _bound_circuit(data, use_alloc)
    assert assert_witness_mutations_fail(cs) == cs.num_private > 0


def test_constraint_counts():
    n = 50
    cs = ConstraintSystem(with_witness=False)
    pixels = alloc_bytes(cs, None, n, "x")
    assert (cs.num_constraints, cs.num_private) == (8 * n, 8 * n)
    pack_gadget(cs, pixels)
    assert cs.num_constraints == 8 * n  # proven bytes: packing is free

    cs = ConstraintSystem(with_witness=False)
    pixels = [cs.witness(None, f"x[{i}]") for i in range(n)]
    pack_gadget(cs, pixels)
    assert (cs.num_constraints, cs.num_private) == (9 * n, 9 * n)


def test_shape_mode_matches_witness_mode():
    data = bytes(range(40))
    shape = ConstraintSystem(with_witness=False)
    alloc_bytes(shape, None, 40, "x")
    full = ConstraintSystem(with_witness=True)
    alloc_bytes(full, data, 40, "x")
    assert shape.freeze().digest() == full.freeze().digest()


def test_out_of_range_pixel_cannot_fake_a_packing():
    """x0 = 256 + a, x1 = b - 1 gives the same packed element as (a, b); the range proof
    must reject it."""
    a, b = 7, 9
    cs = ConstraintSystem(with_witness=True)
    pub = cs.public_input(a + 256 * b, "packed")
    pixels = [cs.witness(a + 256, "x0"), cs.witness(b - 1, "x1")]
    (packed,) = pack_gadget(cs, pixels)
    cs.enforce_equal(pub, packed, "bind")
    assert packed.value == pub.value
    assert not cs.is_satisfied()


@pytest.mark.parametrize("bad", [256, R - 1, -1])
def test_non_byte_witness_fails(bad):
    cs = ConstraintSystem(with_witness=True)
    pack_gadget(cs, [cs.witness(bad, "x0")])
    assert not cs.is_satisfied()


@pytest.mark.parametrize("bad", [[256], [-1], [True], [1.5], ["a"]])
def test_alloc_bytes_refuses_non_bytes(bad):
    cs = ConstraintSystem(with_witness=True)
    with pytest.raises(PackingError):
        alloc_bytes(cs, bad, 1, "x")


def test_alloc_bytes_argument_checks():
    cs = ConstraintSystem(with_witness=True)
    with pytest.raises(PackingError, match="expected 3"):
        alloc_bytes(cs, b"ab", 3, "x")
    with pytest.raises(PackingError, match="required"):
        alloc_bytes(cs, None, 3, "x")
    with pytest.raises(ValueError):
        alloc_bytes(cs, b"", -1, "x")


def test_byte_wires_slices_and_foreign_systems():
    cs = ConstraintSystem(with_witness=True)
    pixels = alloc_bytes(cs, bytes(range(40)), 40, "x")
    head = pixels[:31]
    assert isinstance(head, ByteWires) and len(head) == 31
    before = cs.num_constraints
    assert [e.value for e in pack_gadget(cs, head)] == pack(bytes(range(31)))
    assert cs.num_constraints == before
    other = ConstraintSystem(with_witness=True)
    with pytest.raises(ValueError, match="another constraint system"):
        pack_gadget(other, pixels)
