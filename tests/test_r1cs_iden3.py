"""iden3 .r1cs / .wtns codecs: the spec's worked example byte for byte, hand-built layouts,
round trips, and rejection of malformed files."""

import io
import random
import struct

import pytest

from schemes.bn254.fields import R
from schemes.r1cs import ConstraintSystem, R1CSFormatError
from schemes.r1cs.iden3 import R1csFile, read_r1cs, read_wtns, write_r1cs, write_r1cs_file, write_wtns
from schemes.r1cs.negacyclic import negacyclic_mul

R = int(R)
PRIME_LE = R.to_bytes(32, "little")

# The worked example of iden3/r1csfile doc/r1cs_bin_format.md ("Test Cases"), transcribed.
SPEC_EXAMPLE_HEX = """
72316373 01000000 03000000
01000000 40000000 00000000
20000000
010000f0 93f5e143 9170b979 48e83328 5d588181 b64550b8 29a031e1 724e6430
07000000 01000000 02000000 03000000 e8030000 00000000 03000000
02000000 88020000 00000000
02000000
05000000 03000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
06000000 08000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
03000000
00000000 02000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
02000000 14000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
03000000 0C000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
02000000
00000000 05000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
02000000 07000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
03000000
01000000 04000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
04000000 08000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
05000000 03000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
02000000
03000000 2C000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
06000000 06000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
00000000
01000000
06000000 04000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
03000000
00000000 06000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
02000000 0B000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
03000000 05000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
01000000
06000000 58020000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
03000000 38000000 00000000
00000000 00000000 03000000 00000000 0a000000 00000000 0b000000 00000000
0c000000 00000000 0f000000 00000000 44010000 00000000
"""
SPEC_EXAMPLE = bytes.fromhex("".join(SPEC_EXAMPLE_HEX.split()))
SPEC_CONSTRAINTS = [
    ([(5, 3), (6, 8)], [(0, 2), (2, 20), (3, 12)], [(0, 5), (2, 7)]),
    ([(1, 4), (4, 8), (5, 3)], [(3, 44), (6, 6)], []),
    ([(6, 4)], [(0, 6), (2, 11), (3, 5)], [(6, 600)]),
]


def u32(x):
    return struct.pack("<I", x)


def u64(x):
    return struct.pack("<Q", x)


def fe(x):
    return (x % R).to_bytes(32, "little")


def lc(*terms):
    return u32(len(terms)) + b"".join(u32(w) + fe(c) for w, c in terms)


def to_bytes(writer, obj):
    buf = io.BytesIO()
    writer(obj, buf)
    return buf.getvalue()


def test_spec_example_reads_as_documented():
    f = read_r1cs(io.BytesIO(SPEC_EXAMPLE))
    assert (f.n_wires, f.n_pub_out, f.n_pub_in, f.n_prv_in, f.n_labels) == (7, 1, 2, 3, 1000)
    assert [tuple(c) for c in f.constraints] == SPEC_CONSTRAINTS
    assert f.wire_to_label == [0, 3, 10, 11, 12, 15, 324]


def test_spec_example_writes_byte_for_byte():
    f = R1csFile(7, 1, 2, 3, 1000, [list(c) for c in SPEC_CONSTRAINTS], [0, 3, 10, 11, 12, 15, 324])
    assert to_bytes(write_r1cs_file, f) == SPEC_EXAMPLE


def small_system():
    cs = ConstraintSystem()
    x = cs.public_input(3, "x")
    y = cs.witness(4, "y")
    z = cs.mul(x, y, "z")  # (w1) * (w2) = (w3)
    cs.enforce_equal(z - 1, 11, "z-1=11")  # (-1 w0 + w3) * (w0) = (11 w0)
    return cs


def test_write_r1cs_hand_built_layout():
    expected = (
        b"r1cs"
        + u32(1)
        + u32(3)
        + u32(1)
        + u64(64)
        + u32(32)
        + PRIME_LE
        + u32(4)
        + u32(0)
        + u32(1)
        + u32(2)
        + u64(4)
        + u32(2)
        + u32(2)
        + u64(120 + 156)
        + lc((1, 1))
        + lc((2, 1))
        + lc((3, 1))
        + lc((0, R - 1), (3, 1))
        + lc((0, 1))
        + lc((0, 11))
        + u32(3)
        + u64(32)
        + u64(0)
        + u64(1)
        + u64(2)
        + u64(3)
    )
    assert to_bytes(write_r1cs, small_system().freeze()) == expected


def test_write_wtns_hand_built_layout_and_round_trip(tmp_path):
    w = small_system().assignment
    assert w == [1, 3, 4, 12]
    expected = (
        b"wtns"
        + u32(2)
        + u32(2)
        + u32(1)
        + u64(40)
        + u32(32)
        + PRIME_LE
        + u32(4)
        + u32(2)
        + u64(128)
        + b"".join(fe(v) for v in w)
    )
    path = tmp_path / "w.wtns"
    write_wtns(w, path)
    assert path.read_bytes() == expected
    assert read_wtns(path) == w


def block_cs(n, rng, inputs_order=None):
    cs = ConstraintSystem()
    p = cs.public_input(rng.randrange(R), "p")
    u = [cs.witness(rng.randrange(R), f"u{i}") for i in range(n)]
    poly = [rng.randrange(1, R) for _ in range(n)]
    ins = [u[k] for k in (inputs_order or range(n))]
    out = negacyclic_mul(poly, [x.value for x in ins])
    o = [cs.witness(v, f"o{i}") for i, v in enumerate(out)]
    cs.enforce_negacyclic(poly, ins, [oi + p - p for oi in o], "blk")
    cs.enforce(p, u[0], cs.mul(p, u[0], "pu"), "pu2")
    return cs, poly


def test_dense_block_rows_by_hand():
    cs = ConstraintSystem()
    u0, u1 = cs.witness(1, "u0"), cs.witness(2, "u1")
    o0, o1 = cs.witness(5 - 14, "o0"), cs.witness(7 + 10, "o1")
    cs.enforce_negacyclic([5, 7], [u0, u1], [o0, o1], "blk")
    # M = [[5, -7], [7, 5]] for p = 5 + 7X mod X^2 + 1
    f = read_r1cs(io.BytesIO(to_bytes(write_r1cs, cs.freeze())))
    assert f.constraints == [([(1, 5), (2, R - 7)], [(0, 1)], [(3, 1)]), ([(1, 7), (2, 5)], [(0, 1)], [(4, 1)])]
    assert cs.is_satisfied()


@pytest.mark.parametrize("n", [1, 4, 64])
def test_round_trip_and_fast_dense_path_equals_generic_encoding(n):
    rng = random.Random(n)
    cs, _ = block_cs(n, rng)
    r = cs.freeze()
    data = to_bytes(write_r1cs, r)
    f = read_r1cs(io.BytesIO(data))
    assert (f.n_wires, f.n_pub_out, f.n_pub_in, f.n_prv_in, f.n_labels) == (
        r.num_variables,
        0,
        r.num_public,
        r.num_private,
        r.num_variables,
    )
    assert f.constraints == [tuple(row) for row in r.iter_rows()]
    assert f.wire_to_label == list(range(r.num_variables))
    # the generic per-term writer (no numpy window trick) gives identical bytes
    generic = R1csFile(
        r.num_variables,
        0,
        r.num_public,
        r.num_private,
        r.num_variables,
        [list(row) for row in r.iter_rows()],
        list(range(r.num_variables)),
    )
    assert to_bytes(write_r1cs_file, generic) == data
    w = cs.assignment
    assert f.to_r1cs().evaluate(w) == r.evaluate(w) and f.to_r1cs().is_satisfied(w)


def test_repeated_unsorted_inputs_and_zero_coefficients_are_merged():
    rng = random.Random(9)
    cs = ConstraintSystem()
    a, b = cs.witness(rng.randrange(R), "a"), cs.witness(rng.randrange(R), "b")
    poly = [3, 0, R - 3, 0]
    ins = [b, a, b, a]
    outv = negacyclic_mul(poly, [x.value for x in ins])
    o = [cs.witness(v, f"o{i}") for i, v in enumerate(outv)]
    cs.enforce_negacyclic(poly, ins, o, "blk")
    r = cs.freeze()
    f = read_r1cs(io.BytesIO(to_bytes(write_r1cs, r)))
    for (A, _, _), i in zip(f.constraints, range(4)):
        dense = {}
        for j, x in enumerate(ins):
            e = poly[i - j] if j <= i else -poly[4 + i - j]
            dense[x.variable_index()] = (dense.get(x.variable_index(), 0) + e) % R
        assert A == sorted((k, v) for k, v in dense.items() if v)
    assert f.to_r1cs().is_satisfied(cs.assignment)


# Offsets in SPEC_EXAMPLE: header section content starts at 24 (fs), prime at 28; the
# constraint section content starts at 100 (nA of constraint 0), its first term at 104.
def corrupt(data, offset, new):
    return data[:offset] + new + data[offset + len(new) :]


@pytest.mark.parametrize(
    "mutate,match",
    [
        (lambda d: b"r1cz" + d[4:], "magic"),
        (lambda d: corrupt(d, 4, u32(2)), "version"),
        (lambda d: d[:-3], "truncated"),
        (lambda d: d + b"\x00", "trailing"),
        (lambda d: corrupt(d, 28, (R + 2).to_bytes(32, "little")), "prime"),
        (lambda d: corrupt(d, 24, u32(16)), "field size"),
        # first A term of constraint 0: wire 5 -> 9 (>= nWires)
        (lambda d: corrupt(d, 104, u32(9)), "wire id 9"),
        # first A coefficient of constraint 0 -> R (non-canonical)
        (lambda d: corrupt(d, 108, R.to_bytes(32, "little")), ">= R"),
        # header section type 1 -> 2: two constraint sections
        (lambda d: corrupt(d, 12, u32(2)), "duplicate"),
        # label section type 3 -> 4: a custom-gates section
        (lambda d: corrupt(d, len(d) - 56 - 12, u32(4)), "custom"),
    ],
)
def test_malformed_r1cs_rejected(mutate, match):
    with pytest.raises(R1CSFormatError, match=match):
        read_r1cs(io.BytesIO(mutate(SPEC_EXAMPLE)))


def _first_a(data):
    return read_r1cs(io.BytesIO(data)).constraints[0][0]


def test_terms_in_any_order_are_normalised_as_snarkjs_reads_them():
    """circom 2.2 writes terms unsorted; a repeated wire sums, a zero term disappears."""
    A0 = SPEC_CONSTRAINTS[0][0]
    (_w0, k0), (w1, k1) = A0[0], A0[1]
    # swap the first two A terms of constraint 0 (each term is 4 + 32 bytes from offset 104)
    t0, t1 = SPEC_EXAMPLE[104:140], SPEC_EXAMPLE[140:176]
    swapped = corrupt(SPEC_EXAMPLE, 104, t1 + t0)
    assert u32(w1) == swapped[104:108]  # the file really lists the larger wire first
    assert _first_a(swapped) == A0
    # wire w0 -> w1: the two terms of w1 merge into one with the summed coefficient
    merged = _first_a(corrupt(SPEC_EXAMPLE, 104, u32(w1)))
    assert merged == sorted([(w1, (k0 + k1) % R)] + A0[2:])
    # the first coefficient -> 0: the term is dropped
    assert _first_a(corrupt(SPEC_EXAMPLE, 108, bytes(32))) == A0[1:]
    # the first term becomes (w1, -k1): it cancels the second, and both disappear
    cancel = corrupt(corrupt(SPEC_EXAMPLE, 104, u32(w1)), 108, ((R - k1) % R).to_bytes(32, "little"))
    assert _first_a(cancel) == A0[2:]


def test_unknown_sections_are_ignored():
    extra = u32(9) + u64(3) + b"abc"
    data = corrupt(SPEC_EXAMPLE, 8, u32(4)) + extra
    assert read_r1cs(io.BytesIO(data)).constraints == [tuple(c) for c in SPEC_CONSTRAINTS]


def test_malformed_wtns_rejected_and_bad_witness_not_written():
    good = to_bytes(write_wtns, [1, 2, 3])
    for bad, match in (
        (b"wtnz" + good[4:], "magic"),
        (corrupt(good, 4, u32(1)), "version"),
        (good[:-1], "truncated"),
        (corrupt(good, len(good) - 32, R.to_bytes(32, "little")), ">= R"),
        (corrupt(good, 28, bytes(32)), "prime"),
    ):
        with pytest.raises(R1CSFormatError, match=match):
            read_wtns(io.BytesIO(bad))
    for w in ([2, 3], [1, R], [1, -1], []):
        with pytest.raises(ValueError):
            to_bytes(write_wtns, w)
