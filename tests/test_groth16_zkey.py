"""The .zkey writer/reader, checked against an independent parse of the snarkjs layout."""

import struct

import pytest

from schemes.bn254.fields import P, R
from schemes.groth16 import (
    EncodingError,
    InvalidPointEncoding,
    KeyMismatch,
    NonCanonicalCoordinate,
    insecure_setup_from_seed,
    prepare_verifying_key,
    prove,
    verify,
)
from schemes.groth16.example import cubic_circuit, synthetic_circuit
from schemes.groth16.zkey import read_zkey, write_zkey
from schemes.r1cs import ConstraintSystem

P_INT, R_INT = int(P), int(R)
MONT_INV_P = pow(2**256, -1, P_INT)
COEF_INV = pow(2**512, -1, R_INT)


def parse(path):
    """Independent minimal reader of the binfile container: {section id: bytes}."""
    data = open(path, "rb").read()
    assert data[:4] == b"zkey"
    version, n = struct.unpack_from("<II", data, 4)
    assert (version, n) == (1, 10)
    pos, out = 12, {}
    for _ in range(n):
        sid, size = struct.unpack_from("<IQ", data, pos)
        out[sid] = data[pos + 12 : pos + 12 + size]
        pos += 12 + size
    assert pos == len(data)
    return out


def g1(b):
    if not any(b):
        return None
    return tuple(int.from_bytes(b[i : i + 32], "little") * MONT_INV_P % P_INT for i in (0, 32))


def g2(b):
    if not any(b):
        return None
    c = [int.from_bytes(b[i : i + 32], "little") * MONT_INV_P % P_INT for i in range(0, 128, 32)]
    return ((c[0], c[1]), (c[2], c[3]))


def expected_coefficients(r1cs):
    """(matrix, row, wire, coeff) from R1CS.iter_rows (expanded independently), then the extra rows."""
    out = []
    for i, (a, b, _c) in enumerate(r1cs.iter_rows()):
        out += [(0, i, w, c) for w, c in a] + [(1, i, w, c) for w, c in b]
    m = r1cs.num_constraints
    return out + [(0, m + k, k, 1) for k in range(r1cs.num_public + 1)]


def small_block_circuit(reverse):
    """A block with a zero coefficient; ``reverse``: input wires not ascending (generic row path)."""
    cs = ConstraintSystem()
    cs.public_input(5, "p")
    ins = [cs.witness(v, f"in{j}") for j, v in enumerate((3, 1, 4, 1))]
    poly = [2, 0, -7, 1]
    n = 4
    xs = [1, 4, 1, 3] if reverse else [3, 1, 4, 1]  # input values in the order given to the block
    outs = [sum((poly[i - j] if j <= i else -poly[n + i - j]) * xs[j] for j in range(n)) % R_INT for i in range(n)]
    o = [cs.witness(v, f"o{i}") for i, v in enumerate(outs)]
    cs.enforce_negacyclic(poly, list(reversed(ins)) if reverse else ins, o, "blk")
    return cs


CIRCUITS = {
    "cubic": lambda: cubic_circuit(3, 42),
    "mixed": lambda: synthetic_circuit(15, 2, negacyclic_n=6, seed=4),
    "reversed-block": lambda: small_block_circuit(True),
    "zero-coefficient-block": lambda: small_block_circuit(False),
}


@pytest.mark.parametrize("name", sorted(CIRCUITS))
def test_layout_matches_snarkjs_format(tmp_path, name):
    cs = CIRCUITS[name]()
    cs.check()
    r1cs = cs.freeze()
    pk = insecure_setup_from_seed(r1cs, name.encode())
    write_zkey(pk, r1cs, tmp_path / "k.zkey")
    s = parse(tmp_path / "k.zkey")
    assert s[1] == struct.pack("<I", 1)
    h = s[2]
    assert struct.unpack_from("<I", h, 0)[0] == 32 and int.from_bytes(h[4:36], "little") == P_INT
    assert struct.unpack_from("<I", h, 36)[0] == 32 and int.from_bytes(h[40:72], "little") == R_INT
    assert struct.unpack_from("<III", h, 72) == (r1cs.num_variables, r1cs.num_public, pk.domain_size)
    o = 84
    assert g1(h[o : o + 64]) == pk.vk.alpha_g1
    assert g1(h[o + 64 : o + 128]) == pk.beta_g1
    assert g2(h[o + 128 : o + 256]) == pk.vk.beta_g2
    assert g2(h[o + 256 : o + 384]) == pk.vk.gamma_g2
    assert g1(h[o + 384 : o + 448]) == pk.delta_g1
    assert g2(h[o + 448 : o + 576]) == pk.vk.delta_g2
    assert len(h) == o + 576

    coefs = s[4]
    count = struct.unpack_from("<I", coefs, 0)[0]
    got = []
    for k in range(count):
        m, row, wire = struct.unpack_from("<III", coefs, 4 + 44 * k)
        v = int.from_bytes(coefs[4 + 44 * k + 12 : 4 + 44 * k + 44], "little")
        assert v < R_INT
        got.append((m, row, wire, v * COEF_INV % R_INT))
    assert len(coefs) == 4 + 44 * count
    assert sorted(got) == sorted(expected_coefficients(r1cs))
    if name != "reversed-block":
        assert got == expected_coefficients(r1cs)  # same order as snarkjs zkey new

    def points(sec, size, dec):
        assert len(sec) % size == 0
        return tuple(dec(sec[i : i + size]) for i in range(0, len(sec), size))

    assert points(s[3], 64, g1) == pk.vk.ic
    assert points(s[5], 64, g1) == pk.a_query
    assert points(s[6], 64, g1) == pk.b_g1_query
    assert points(s[7], 128, g2) == pk.b_g2_query
    assert points(s[8], 64, g1) == pk.l_query
    assert points(s[9], 64, g1) == pk.h_query
    assert len(s[10]) == 64 + 4 and s[10][64:] == b"\0\0\0\0"


@pytest.mark.parametrize("name", sorted(CIRCUITS))
def test_read_back_and_prove(tmp_path, name):
    cs = CIRCUITS[name]()
    r1cs = cs.freeze()
    pk = insecure_setup_from_seed(r1cs, b"rb" + name.encode())
    write_zkey(pk, r1cs, tmp_path / "k.zkey")
    pk2 = read_zkey(tmp_path / "k.zkey")
    assert pk2.r1cs_digest is None
    assert pk2 == type(pk)(**{**pk.__dict__, "r1cs_digest": None})
    proof = prove(pk2, r1cs, cs.assignment)
    verify(prepare_verifying_key(pk2.vk), cs.public_values, proof)


@pytest.fixture(scope="module")
def zkey_bytes(tmp_path_factory):
    cs = cubic_circuit(3, 42)
    r1cs = cs.freeze()
    pk = insecure_setup_from_seed(r1cs, b"errors")
    path = tmp_path_factory.mktemp("z") / "k.zkey"
    write_zkey(pk, r1cs, path)
    return path.read_bytes()


def section_offset(data, sid):
    pos = 12
    while True:
        s, size = struct.unpack_from("<IQ", data, pos)
        if s == sid:
            return pos + 12, size
        pos += 12 + size


def corrupt(tmp_path, data, exc, match=None):
    p = tmp_path / "bad.zkey"
    p.write_bytes(bytes(data))
    with pytest.raises(exc, match=match):
        read_zkey(p)


def test_read_errors(tmp_path, zkey_bytes):
    d = bytearray(zkey_bytes)
    corrupt(tmp_path, b"zkex" + d[4:], EncodingError, "magic")
    corrupt(tmp_path, d[:-1], EncodingError)
    corrupt(tmp_path, d + b"\0", EncodingError, "trailing")
    bad = bytearray(d)
    o, _ = section_offset(d, 1)
    bad[o] = 2
    corrupt(tmp_path, bad, EncodingError, "Groth16")
    bad = bytearray(d)
    o, _ = section_offset(d, 2)
    bad[o + 4] ^= 1  # q
    corrupt(tmp_path, bad, EncodingError, "BN254")
    # an A point moved off the curve (flip a bit of y)
    bad = bytearray(d)
    o, _ = section_offset(d, 5)
    bad[o + 64 + 40] ^= 1
    corrupt(tmp_path, bad, InvalidPointEncoding, "not on the curve")
    # a non-canonical coordinate (>= p) in the H section
    bad = bytearray(d)
    o, _ = section_offset(d, 9)
    bad[o : o + 32] = (P_INT + 1).to_bytes(32, "little")
    corrupt(tmp_path, bad, NonCanonicalCoordinate)
    # alpha at infinity
    bad = bytearray(d)
    o, _ = section_offset(d, 2)
    bad[o + 84 : o + 148] = bytes(64)
    corrupt(tmp_path, bad, InvalidPointEncoding, "infinity")
    # the last coefficient (wire 2's consistency row) removed from section 4
    o, size = section_offset(d, 4)
    count = struct.unpack_from("<I", d, o)[0]
    sec = struct.pack("<I", count - 1) + d[o + 4 : o + size - 44]
    bad = d[: o - 8] + struct.pack("<Q", size - 44) + sec + d[o + size :]
    corrupt(tmp_path, bad, EncodingError, "input-consistency")


def test_write_rejects_foreign_key(tmp_path):
    r1cs = cubic_circuit().freeze()
    other = synthetic_circuit(5, 1).freeze()
    pk = insecure_setup_from_seed(other, b"x")
    with pytest.raises(KeyMismatch):
        write_zkey(pk, r1cs, tmp_path / "k.zkey")


def test_fingerprint_covers_sections_2_to_9(tmp_path):
    import hashlib

    cs = cubic_circuit(3, 42)
    r1cs = cs.freeze()
    write_zkey(insecure_setup_from_seed(r1cs, b"fp"), r1cs, tmp_path / "k.zkey")
    data = (tmp_path / "k.zkey").read_bytes()
    start = 12 + 12 + 4  # file header, then section 1 (header + u32)
    end = len(data) - (12 + 68)  # section 10 (header + 64-byte hash + u32)
    assert struct.unpack_from("<I", data, start)[0] == 2
    assert struct.unpack_from("<I", data, end)[0] == 10
    assert data[end + 12 : end + 76] == hashlib.blake2b(data[start:end], digest_size=64).digest()
