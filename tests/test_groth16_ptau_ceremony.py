"""Keys from a powers-of-tau file and phase-2 contributions, against the pinned snarkjs (0.7.6).

Expected values come from snarkjs: its ``groth16 setup`` output (which ours must equal byte for
byte), its ``zkey contribute`` / ``zkey beacon`` outputs, and its ``zkey verify`` verdicts; the
ChaCha stream is checked against the RFC 7539 test vector. The circuit is small (64-row domain,
a power-8 ptau) so that the whole module takes seconds.
"""

import shutil
import struct

import pytest

from schemes.groth16 import prepare_verifying_key, prove, verify
from schemes.groth16.ceremony import CeremonyError, beacon, contribute, read_chain, verify_chain
from schemes.groth16.example import synthetic_circuit
from schemes.groth16.ptau import PtauError, open_ptau
from schemes.groth16.ptau_setup import setup_from_ptau
from schemes.groth16.snarkjs_rng import ChaCha
from schemes.groth16.zkey import read_zkey
from schemes.r1cs.iden3 import write_r1cs

pytestmark = pytest.mark.interop

POWER = 8
BEACON = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"


def ok(proc):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def world(tmp_path_factory, snarkjs, snarkjs_ptau):
    """A circuit (sparse rows, a negacyclic block, 3 public inputs), its .r1cs, the ptau, and
    snarkjs's initial key."""
    out = tmp_path_factory.mktemp("ptau")
    cs = synthetic_circuit(40, 3, negacyclic_n=16, seed=7)
    r1cs = cs.freeze()
    write_r1cs(r1cs, out / "c.r1cs")
    ptau = snarkjs_ptau(POWER)
    ok(snarkjs("groth16", "setup", out / "c.r1cs", ptau, out / "snarkjs.zkey"))
    return out, cs, r1cs, ptau


def sections(data: bytes) -> dict:
    """{id: (payload offset, length)} of a binfile."""
    (n,) = struct.unpack_from("<I", data, 8)
    pos, out = 12, {}
    for _ in range(n):
        sid, size = struct.unpack_from("<IQ", data, pos)
        out[sid] = (pos + 12, size)
        pos += 12 + size
    return out


def patched(src, dst, sid, rel, new: bytes):
    data = bytearray(src.read_bytes())
    off = sections(bytes(data))[sid][0] + rel
    data[off : off + len(new)] = new
    dst.write_bytes(bytes(data))
    return dst


# -- keys from the ptau ----------------------------------------------------------------------


def test_zkey_is_byte_identical_to_snarkjs_groth16_setup(world, snarkjs, tmp_path):
    out, cs, r1cs, ptau = world
    pk, cs_hash = setup_from_ptau(r1cs, ptau, tmp_path / "ours.zkey")
    assert (tmp_path / "ours.zkey").read_bytes() == (out / "snarkjs.zkey").read_bytes()
    assert "ZKey Ok!" in ok(snarkjs("zkey", "verify", out / "c.r1cs", ptau, tmp_path / "ours.zkey"))
    # the key proves and verifies (and equals what read_zkey makes of the file)
    assert read_zkey(tmp_path / "ours.zkey").vk == pk.vk
    proof = prove(pk, r1cs, cs.assignment)
    verify(prepare_verifying_key(pk.vk), cs.public_values, proof)
    assert len(cs_hash) == 64 and read_chain(tmp_path / "ours.zkey").cs_hash == cs_hash


def test_second_circuit_byte_identical(snarkjs, snarkjs_ptau, tmp_path):
    cs = synthetic_circuit(100, 1, negacyclic_n=8, seed=3)
    r1cs = cs.freeze()
    write_r1cs(r1cs, tmp_path / "d.r1cs")
    ok(snarkjs("groth16", "setup", tmp_path / "d.r1cs", snarkjs_ptau(POWER), tmp_path / "sj.zkey"))
    setup_from_ptau(r1cs, snarkjs_ptau(POWER), tmp_path / "ours.zkey")
    assert (tmp_path / "ours.zkey").read_bytes() == (tmp_path / "sj.zkey").read_bytes()


def test_ptau_too_small_is_refused(snarkjs_ptau, tmp_path):
    r1cs = synthetic_circuit(300, 1, seed=1).freeze()  # needs a 2^9 domain
    with pytest.raises(PtauError, match="power >= 9"):
        setup_from_ptau(r1cs, snarkjs_ptau(POWER), tmp_path / "k.zkey")


@pytest.mark.parametrize(
    "attack", ["truncated", "magic", "unprepared", "section_size", "noncanonical", "off_curve", "not_bn254"]
)
def test_bad_ptau_is_refused(world, tmp_path, attack):
    out, _cs, r1cs, ptau = world
    data = bytearray(ptau.read_bytes())
    sec = sections(bytes(data))
    bad = tmp_path / "bad.ptau"
    lag_block = sec[12][0] + (64 - 1) * 64  # the 64-point Lagrange block of tauG1
    if attack == "truncated":
        bad.write_bytes(bytes(data[: len(data) // 2]))
        match = "truncated|past the end"
    elif attack == "magic":
        bad.write_bytes(b"zkey" + bytes(data[4:]))
        match = "bad magic"
    elif attack == "unprepared":
        shutil.copy(ptau.parent / f"pot{POWER}_1.ptau", bad)
        match = "not prepared for phase 2"
    elif attack == "section_size":
        off = sec[3][0] - 8
        data[off : off + 8] = struct.pack("<Q", sec[3][1] - 128)
        del data[sec[3][0] : sec[3][0] + 128]
        bad.write_bytes(bytes(data))
        match = "section 3 has"
    elif attack == "noncanonical":
        data[lag_block + 64 * 5 : lag_block + 64 * 5 + 32] = b"\xff" * 32  # x >= p
        bad.write_bytes(bytes(data))
        match = "canonical"
    elif attack == "off_curve":
        data[lag_block + 64 * 5] ^= 1
        bad.write_bytes(bytes(data))
        match = "curve"
    else:
        data[sec[1][0] + 4] ^= 1  # q
        bad.write_bytes(bytes(data))
        match = "BN254"
    with pytest.raises(PtauError, match=match):
        setup_from_ptau(r1cs, bad, tmp_path / "k.zkey")


def test_open_ptau_header(world):
    with open_ptau(world[3]) as pt:
        assert (pt.power, pt.num_contributions) == (POWER, 1)


# -- contributions ---------------------------------------------------------------------------


def test_chacha_matches_rfc7539_block_zero():
    rng = ChaCha((0,) * 8)
    stream = b"".join(struct.pack("<I", rng.next_u32()) for _ in range(16))
    assert stream.hex() == (
        "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
        "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"
    )


@pytest.fixture(scope="module")
def chain(world, snarkjs, tmp_path_factory):
    """snarkjs contributes, we contribute, snarkjs's beacon closes; and our beacon on the same input."""
    out, _cs, _r1cs, _ptau = world
    d = tmp_path_factory.mktemp("chain")
    ok(snarkjs("zkey", "contribute", out / "snarkjs.zkey", d / "k1.zkey", "--name=snarkjs one", "-e=abc"))
    contribute(d / "k1.zkey", d / "k2.zkey", entropy="xyz", name="ours two")
    ok(snarkjs("zkey", "beacon", d / "k2.zkey", d / "k3.zkey", BEACON, "10", "-n=final"))
    beacon(d / "k2.zkey", d / "k3_ours.zkey", bytes.fromhex(BEACON), 10, name="final")
    return d


def test_mixed_chain_verifies_under_both(world, chain, snarkjs):
    out, _cs, r1cs, ptau = world
    for key in ("k2.zkey", "k3.zkey", "k3_ours.zkey"):
        assert "ZKey Ok!" in ok(snarkjs("zkey", "verify", out / "c.r1cs", ptau, chain / key))
        report = verify_chain(chain / key, r1cs, ptau)
    assert [(c.name, c.type) for c in report.contributions] == [("snarkjs one", 0), ("ours two", 0), ("final", 1)]


def test_our_beacon_is_byte_identical_to_snarkjs(chain):
    assert (chain / "k3_ours.zkey").read_bytes() == (chain / "k3.zkey").read_bytes()


def test_contributed_key_proves(world, chain):
    _out, cs, r1cs, _ptau = world
    pk = read_zkey(chain / "k3_ours.zkey")
    verify(prepare_verifying_key(pk.vk), cs.public_values, prove(pk, r1cs, cs.assignment))


def test_contribution_hash_matches_snarkjs_output(world, chain, snarkjs):
    out, _cs, _r1cs, ptau = world
    text = ok(snarkjs("zkey", "verify", out / "c.r1cs", ptau, chain / "k3.zkey"))
    words = "".join(text.split())
    for c in read_chain(chain / "k3.zkey").contributions:
        h = c.hash.hex()
        assert "".join(h[i : i + 8] for i in range(0, 128, 8)) in words


def _c10(chain, key="k3.zkey"):
    """Offset of contribution #2 inside section 10 (after csHash, the count and #1)."""
    c1 = read_chain(chain / key).contributions[0]
    return 68 + len(c1.encode())


@pytest.mark.parametrize(
    "attack,match,snarkjs_rejects",
    [
        ("g2_spx", "proof of knowledge|ratio", True),  # contribution #2's G2 key replaced
        ("g1_sx", "transcript", True),  # g1_sx changed: the transcript no longer matches
        ("delta_after", "deltaAfter|transcript", True),
        ("l_point", "L section", True),
        ("h_point", "H section", True),
        ("ic_point", "IC section", True),
        ("beacon_hash", "beacon", True),
        ("unknown_param", "parameters unknown", False),
        ("truncated_10", "truncated|trailing|past section 10", False),
    ],
)
def test_tampered_chain_is_rejected(world, chain, snarkjs, tmp_path, attack, match, snarkjs_rejects):
    out, _cs, r1cs, ptau = world
    src = chain / "k3.zkey"
    data = src.read_bytes()
    sec = sections(data)
    c2 = _c10(chain)
    g1_gen_lem = bytes(read_chain(chain / "k3.zkey").contributions[0].encode()[64:128])  # g1_s of #1: a valid point
    bad = tmp_path / "bad.zkey"
    if attack == "g2_spx":
        first = read_chain(src).contributions[0].encode()
        patched(src, bad, 10, c2 + 192, first[192:320])
    elif attack == "g1_sx":
        patched(src, bad, 10, c2 + 128, g1_gen_lem)
    elif attack == "delta_after":
        patched(src, bad, 10, c2, g1_gen_lem)
    elif attack == "l_point":
        patched(src, bad, 8, 64 * 3, g1_gen_lem)
    elif attack == "h_point":
        patched(src, bad, 9, 64 * 7, g1_gen_lem)
    elif attack == "ic_point":
        patched(src, bad, 3, 64, g1_gen_lem)
    elif attack == "beacon_hash":
        c = read_chain(src).contributions
        off = 68 + len(c[0].encode()) + len(c[1].encode())
        enc = c[2].encode()
        patched(src, bad, 10, off + len(enc) - 1, bytes([enc[-1] ^ 1]))
    elif attack == "unknown_param":
        enc = read_chain(src).contributions[0].encode()
        patched(src, bad, 10, 68 + 3 * 64 + 128 + 64 + 8, b"\x07")  # #1's name parameter id
        assert enc[3 * 64 + 128 + 64 + 8] == 1
    else:
        d = bytearray(data)
        off, size = sec[10]
        d[off - 8 : off] = struct.pack("<Q", size - 5)
        del d[off + size - 5 : off + size]
        bad.write_bytes(bytes(d))
    with pytest.raises(CeremonyError, match=match):
        verify_chain(bad, r1cs, ptau)
    if snarkjs_rejects:
        assert "ZKey Ok!" not in plain(snarkjs("zkey", "verify", out / "c.r1cs", ptau, bad))


def plain(proc):
    return proc.stdout + proc.stderr


def test_key_for_another_circuit_is_rejected(world, chain, tmp_path):
    _out, _cs, _r1cs, ptau = world
    other = synthetic_circuit(40, 3, negacyclic_n=16, seed=8).freeze()
    with pytest.raises(CeremonyError, match="another circuit"):
        verify_chain(chain / "k3.zkey", other, ptau)


def test_contribute_refuses_garbage(tmp_path):
    (tmp_path / "g.zkey").write_bytes(b"zkey" + b"\x01" * 40)
    with pytest.raises(CeremonyError):
        contribute(tmp_path / "g.zkey", tmp_path / "o.zkey")
    assert not (tmp_path / "o.zkey").exists()


# -- more single-check attacks (each fails if its check is removed) ---------------------------

HDR = 4 + 32 + 4 + 32 + 12  # zkey section 2: field header and sizes, then the points


@pytest.mark.parametrize(
    "attack,match",
    [
        ("alpha", "alpha, beta or gamma"),
        ("delta_2", "delta_2 does not match"),
        ("delta_1", "delta_1 is not the last"),
        ("a_point", "A section"),
        ("b1_point", "B1 section"),
        ("b2_point", "B2 section"),
        ("coef", "coefficient section"),
        ("l_size", "L section has the wrong size|runs past|inconsistent"),
        ("ctype", "unknown type"),
        ("beacon_exp", "exponent 9 outside"),
        ("beacon_exp_big", "more than this verifier recomputes"),
    ],
)
def test_more_tampering_is_rejected(world, chain, tmp_path, attack, match):
    _out, _cs, r1cs, ptau = world
    src = chain / "k3.zkey"
    data = bytearray(src.read_bytes())
    sec = sections(bytes(data))
    c1 = read_chain(src).contributions[0]
    g1 = c1.encode()[64:128]  # a valid G1 point (g1_s of #1)
    g2 = c1.encode()[192:320]  # a valid G2 point (g2_spx of #1)
    bad = tmp_path / "bad.zkey"
    o2 = sec[2][0] + HDR
    if attack == "alpha":
        data[o2 : o2 + 64] = g1
    elif attack == "delta_2":
        data[o2 + 64 * 3 + 128 * 2 : o2 + 64 * 3 + 128 * 3] = g2
    elif attack == "delta_1":
        data[o2 + 64 * 2 + 128 * 2 : o2 + 64 * 3 + 128 * 2] = g1
    elif attack in ("a_point", "b1_point"):
        off = sec[5 if attack == "a_point" else 6][0]
        data[off : off + 64] = g1
    elif attack == "b2_point":
        data[sec[7][0] : sec[7][0] + 128] = g2
    elif attack == "coef":
        data[sec[4][0] + 4 + 12] ^= 1
    elif attack == "l_size":
        off, size = sec[8]
        data[off - 8 : off] = struct.pack("<Q", size - 64)
        del data[off + size - 64 : off + size]
    elif attack in ("beacon_exp", "beacon_exp_big"):
        cs_ = read_chain(src).contributions
        off = sec[10][0] + 68 + len(cs_[0].encode()) + len(cs_[1].encode())
        enc = cs_[2].encode()
        k = enc.index(bytes([2, 10]), 3 * 64 + 128 + 72)
        data[off + k + 1] = 9 if attack == "beacon_exp" else 40
    else:
        off = sec[10][0] + 68 + 3 * 64 + 128 + 64
        data[off : off + 4] = struct.pack("<I", 7)
    bad.write_bytes(bytes(data))
    with pytest.raises(CeremonyError, match=match):
        verify_chain(bad, r1cs, ptau)


def test_check_circuit(world, chain, tmp_path):
    from schemes.groth16.ceremony import check_circuit

    _out, _cs, r1cs, _ptau = world
    check_circuit(chain / "k3.zkey", r1cs)
    with pytest.raises(CeremonyError, match="wires, public inputs, domain"):
        check_circuit(chain / "k3.zkey", synthetic_circuit(40, 2, negacyclic_n=16, seed=7).freeze())
    data = bytearray((chain / "k3.zkey").read_bytes())
    data[sections(bytes(data))[4][0] + 4 + 12] ^= 1
    (tmp_path / "c.zkey").write_bytes(bytes(data))
    with pytest.raises(CeremonyError, match="coefficients differ"):
        check_circuit(tmp_path / "c.zkey", r1cs)


@pytest.mark.parametrize(
    "attack,match",
    [
        ("version", "version"),
        ("duplicate", "duplicated"),
        ("trailing", "trailing"),
        ("header_len", "header has the wrong length"),
        ("power", "power"),
    ],
)
def test_more_bad_ptau(world, tmp_path, attack, match):
    _out, _cs, r1cs, ptau = world
    data = bytearray(ptau.read_bytes())
    sec = sections(bytes(data))
    if attack == "version":
        data[4:8] = struct.pack("<I", 2)
    elif attack == "duplicate":  # section 7 renamed 6: two sections 6
        data[sec[7][0] - 12 : sec[7][0] - 8] = struct.pack("<I", 6)
    elif attack == "trailing":
        data += b"\0"
    elif attack == "header_len":
        off, size = sec[1]
        data[off - 8 : off] = struct.pack("<Q", size + 4)
        data[off + size : off + size] = b"\0\0\0\0"
    else:
        data[sec[1][0] + 36 : sec[1][0] + 40] = struct.pack("<I", 0)
    (tmp_path / "bad.ptau").write_bytes(bytes(data))
    with pytest.raises(PtauError, match=match):
        setup_from_ptau(r1cs, tmp_path / "bad.ptau", tmp_path / "k.zkey")
