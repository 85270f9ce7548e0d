"""Soundness audit of the packing gadget: the ``ByteWires`` tag must not be forgeable.

``pack_gadget`` skips the byte range proof for a ``ByteWires``. Before the audit anyone could
wrap unchecked combinations in ``ByteWires(items, cs)`` and get an unconstrained packing: the
classic ``(a + 256, b - 1)`` forgery then satisfied every constraint.
"""

from __future__ import annotations

import itertools

import pytest

from schemes.packing.gadget import ByteWires, alloc_bytes, pack_gadget
from schemes.r1cs import ConstraintSystem


def test_byte_wires_cannot_be_built_outside_alloc_bytes():
    a, b = 7, 9
    cs = ConstraintSystem(with_witness=True)
    pub = cs.public_input(a + 256 * b, "packed")
    forged = [cs.witness(a + 256, "x0"), cs.witness(b - 1, "x1")]
    with pytest.raises(TypeError, match="alloc_bytes"):
        ByteWires(forged, cs)  # before the fix: pack_gadget skipped the range proof for this
    # the same forged wires, untagged, get the byte range proof and the forgery fails it
    (packed,) = pack_gadget(cs, forged)
    cs.enforce_equal(pub, packed, "bind")
    assert packed.value == pub.value  # the packing equation alone is satisfied by the forgery
    assert not cs.is_satisfied()


def test_slices_and_copies_of_proven_bytes_keep_working():
    cs = ConstraintSystem(with_witness=True)
    pixels = alloc_bytes(cs, bytes(range(5)), 5, "x")
    assert isinstance(pixels[1:3], ByteWires) and isinstance(pixels[::-1], ByteWires)
    before = cs.num_constraints
    pack_gadget(cs, pixels[1:3])
    assert cs.num_constraints == before
    # concatenations are plain tuples again and get the range proof
    pack_gadget(cs, pixels[:1] + pixels[1:2])
    assert cs.num_constraints == before + 2 * 9


def test_two_bytes_have_no_alternative_bit_witness():
    """Brute force: with both packed elements public, no other assignment of the 16 bit wires
    from {0, 1, 2, -1} (three at a time) satisfies the system (the packing is injective on proven bytes)."""
    R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
    cs = ConstraintSystem(with_witness=True)
    pub = cs.public_input(0x1A5, "packed")  # bytes a5 01
    pixels = alloc_bytes(cs, bytes([0xA5, 0x01]), 2, "x")
    (packed,) = pack_gadget(cs, pixels)
    cs.enforce_equal(pub, packed, "bind")
    assert cs.is_satisfied()
    r1cs = cs.freeze()
    honest = cs.assignment
    bit_wires = list(range(2, 18))
    # vary 3 bit wires at a time over a small value set (all other bits honest)
    for wires in itertools.combinations(bit_wires, 3):
        for vals in itertools.product((0, 1, 2, R - 1), repeat=3):
            w = list(honest)
            for k, v in zip(wires, vals):
                w[k] = v
            if w != honest:
                assert not r1cs.is_satisfied(w)
