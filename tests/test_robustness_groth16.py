"""Robustness of the Groth16 verifier, batch verifier and key/proof decoders (specs/groth16.md).

Contracts: ``verify`` / ``verify_batch`` raise only ``InvalidProof`` on bad proofs or inputs;
the snarkjs JSON readers, ``read_zkey`` and ``read_proving_key`` raise only ``EncodingError``
(or ``OSError`` for a path that cannot be read) on bad files; the batch check is sound because
its coefficients are fresh, non-zero and 128-bit.
"""

from __future__ import annotations

import copy
import json
import random
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemes.bn254.curve import G1_GEN, g1_add, g1_neg
from schemes.bn254.fields import P, R
from schemes.groth16 import (
    EncodingError,
    InvalidProof,
    Proof,
    insecure_setup_from_seed,
    prepare_verifying_key,
    prove,
    verify,
)
from schemes.groth16 import batch as batch_module
from schemes.groth16.batch import verify_batch
from schemes.groth16.example import cubic_circuit
from schemes.groth16.keyfile import read_proving_key, write_proving_key
from schemes.groth16.snarkjs import (
    proof_from_json,
    proof_to_json,
    read_proof,
    read_public,
    read_verification_key,
    vk_from_json,
    vk_to_json,
)
from schemes.groth16.zkey import read_zkey, write_zkey

R_INT, P_INT = int(R), int(P)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Two proofs of the cubic circuit (x = 3 and x = 4) under one seeded key, and its files."""
    d = tmp_path_factory.mktemp("robust")
    cs3, cs4 = cubic_circuit(3, 42), cubic_circuit(4, 43)
    r1cs = cs3.freeze()
    pk = insecure_setup_from_seed(r1cs, b"robustness")
    pvk = prepare_verifying_key(pk.vk)
    items = [(cs.public_values, prove(pk, r1cs, cs.assignment)) for cs in (cs3, cs4)]
    for xs, proof in items:
        verify(pvk, xs, proof)
    write_zkey(pk, r1cs, d / "key.zkey")
    write_proving_key(d / "key.bin", pk)
    return {"pk": pk, "pvk": pvk, "items": items, "dir": d}


# -- verifier -------------------------------------------------------------------------------------


@SETTINGS
@given(
    xs=st.lists(
        st.one_of(
            st.integers(-2, 2),
            st.integers(R_INT - 2, R_INT + 2),
            st.integers(0, 2**300),
            st.booleans(),
            st.none(),
            st.floats(),
            st.text(max_size=3),
        ),
        max_size=4,
    )
)
def test_verify_raises_only_invalid_proof_on_arbitrary_public_inputs(world, xs):
    (good_xs, proof), _ = world["items"]
    if xs == list(good_xs) and all(type(x) is int for x in xs):
        return
    with pytest.raises(InvalidProof):
        verify(world["pvk"], xs, proof)


def _coord_variants(v):
    return [v + P_INT, -v, v ^ 1, 0, P_INT, None, str(v), float(v)]


@SETTINGS
@given(data=st.data())
def test_verify_raises_only_invalid_proof_on_malformed_points(world, data):
    (xs, proof), _ = world["items"]
    which = data.draw(st.sampled_from(["a", "b", "c"]), "point")
    pt = getattr(proof, which)
    if which == "b":
        i, j = data.draw(st.integers(0, 1), "i"), data.draw(st.integers(0, 1), "j")
        v = data.draw(st.sampled_from(_coord_variants(pt[i][j])), "value")
        inner = list(pt[i])
        inner[j] = v
        outer = list(pt)
        outer[i] = tuple(inner)
        bad = tuple(outer)
    else:
        i = data.draw(st.integers(0, 1), "i")
        coords = list(pt)
        coords[i] = data.draw(st.sampled_from(_coord_variants(pt[i])), "value")
        bad = tuple(coords)
    bad = data.draw(st.sampled_from([bad, None, list(pt), pt + (1,), "pt"]), "shape")
    fields = {"a": proof.a, "b": proof.b, "c": proof.c, which: bad}
    with pytest.raises(InvalidProof):
        verify(world["pvk"], xs, Proof(**fields))


# -- batch verifier --------------------------------------------------------------------------------


def _cancelling_pair(world):
    """Two invalid proofs whose errors cancel when both get the same batch coefficient:
    C_1 + D and C_2 - D for a non-zero D."""
    (x1, p1), (x2, p2) = world["items"]
    d = G1_GEN
    bad1 = Proof(p1.a, p1.b, g1_add(p1.c, d))
    bad2 = Proof(p2.a, p2.b, g1_add(p2.c, g1_neg(d)))
    return [(x1, bad1), (x2, bad2)]


def test_batch_coefficients_matter_cancelling_invalid_proofs_are_rejected(world):
    items = _cancelling_pair(world)
    for xs, proof in items:
        with pytest.raises(InvalidProof):
            verify(world["pvk"], xs, proof)
    # with equal coefficients the errors cancel: this is what fresh random coefficients prevent
    verify_batch(world["pvk"], items, randomness=lambda: 7)
    with pytest.raises(InvalidProof, match="batched"):
        verify_batch(world["pvk"], items)


def test_batch_with_one_invalid_proof_fails_and_duplicates_are_fine(world):
    (x1, p1), (x2, p2) = world["items"]
    verify_batch(world["pvk"], [(x1, p1), (x1, p1), (x2, p2)])
    moved = (x2, p1)  # a valid proof for other inputs
    for items in ([moved], [(x1, p1), moved], [moved, moved], [(x1, p1), (x2, p2), moved, (x1, p1)]):
        with pytest.raises(InvalidProof):
            verify_batch(world["pvk"], items)


def test_batch_coefficients_are_fresh_nonzero_128_bit(world, monkeypatch):
    bounds, drawn = [], []
    real = batch_module.secrets.randbelow

    def spy(n):
        bounds.append(n)
        v = real(n)
        drawn.append(v)
        return v

    monkeypatch.setattr(batch_module.secrets, "randbelow", spy)
    items = world["items"] * 2
    verify_batch(world["pvk"], items)
    verify_batch(world["pvk"], items)
    assert bounds == [(1 << 128) - 1] * 8  # one draw per proof per call: r = 1 + randbelow(2^128 - 1)
    assert len(set(drawn)) == 8


@pytest.mark.parametrize(
    "items",
    [[("x",)], [None], [(None, None, None)], [5], [([1, 2], "proof")]],
    ids=["short", "none", "triple", "int", "proof-str"],
)
def test_batch_rejects_malformed_items_with_invalid_proof(world, items):
    with pytest.raises(InvalidProof, match="item 0"):
        verify_batch(world["pvk"], items)


def test_batch_needs_a_prepared_key(world):
    with pytest.raises(TypeError, match="PreparedVerifyingKey"):
        verify_batch(world["pk"].vk, world["items"])


# -- snarkjs JSON ------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"[" * 100_000, b"\xff\xfe[", b"", b"NaN x"])
@pytest.mark.parametrize("reader", [read_verification_key, read_proof, read_public])
def test_snarkjs_readers_raise_encoding_error_on_hostile_files(tmp_path, reader, content):
    f = tmp_path / "f.json"
    f.write_bytes(content)
    with pytest.raises(EncodingError):
        reader(f)


def _json_mutations(obj, rng, n):
    leaves = []

    def walk(o, path):
        if isinstance(o, dict):
            for k, v in o.items():
                walk(v, path + (k,))
        elif isinstance(o, list):
            for i, v in enumerate(o):
                walk(v, path + (i,))
        leaves.append(path)

    walk(obj, ())
    for _ in range(n):
        path = rng.choice(leaves)
        if not path:
            continue
        m = copy.deepcopy(obj)
        cur = m
        for k in path[:-1]:
            cur = cur[k]
        old = cur[path[-1]]
        cur[path[-1]] = rng.choice(
            [
                None,
                1,
                1.5,
                True,
                "",
                "01",
                "-1",
                " 1",
                [],
                {},
                [old, old],
                str(P_INT),
                str(R_INT),
                "9" * 79,
                str(old) + "1",
            ]
        )
        yield m


def test_snarkjs_decoders_raise_only_encoding_error_on_mutations(world):
    """A mutated JSON object either raises EncodingError or decodes to the very object it was
    made from: the documented leniencies (curve-name aliases, ignored unknown keys) change no
    value, so an accepted mutation that changed a point or a count is a decoder bug."""
    rng = random.Random(20240594)
    vk, proof = world["pk"].vk, world["items"][0][1]
    for original, to_json, from_json, n in (
        (proof, proof_to_json, proof_from_json, 200),
        (vk, vk_to_json, vk_from_json, 40),
    ):
        honest = to_json(original)
        assert from_json(honest) == original
        for m in _json_mutations(honest, rng, n):
            assert m != honest
            try:
                parsed = from_json(m)
            except EncodingError:
                continue
            assert parsed == original, m


# -- key files -----------------------------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_key_file_readers_raise_only_encoding_error_on_mutated_files(world, data, tmp_path_factory):
    name = data.draw(st.sampled_from(["key.zkey", "key.bin"]), "file")
    honest = (world["dir"] / name).read_bytes()
    buf = bytearray(honest)
    mode = data.draw(st.sampled_from(["flip", "cut", "insert"]), "mode")
    if mode == "flip":
        for _ in range(data.draw(st.integers(1, 3), "flips")):
            buf[data.draw(st.integers(0, len(buf) - 1), "pos")] ^= data.draw(st.integers(1, 255), "mask")
    elif mode == "cut":
        del buf[data.draw(st.integers(0, len(buf) - 1), "cut") :]
    else:
        i = data.draw(st.integers(0, len(buf)), "at")
        buf[i:i] = data.draw(st.binary(min_size=1, max_size=8), "bytes")
    path = tmp_path_factory.mktemp("mut") / name
    path.write_bytes(bytes(buf))
    reader = read_zkey if name.endswith("zkey") else read_proving_key
    try:
        parsed = reader(path)
    except EncodingError:
        return
    if bytes(buf) == honest:  # e.g. two flips that cancel
        return
    changed = [i for i in range(len(honest)) if mode == "flip" and buf[i] != honest[i]]
    if name == "key.zkey":
        # Documented contract of read_zkey (schemes/groth16/zkey.py): of section 4 only the
        # trailing input-consistency rows are read, section 10 (fingerprint, contributions) is
        # not read, and versions 1 and 2 are accepted (as snarkjs's binfile reader does).
        # A corruption anywhere else must be rejected.
        assert mode == "flip", (mode, len(buf))
        unread = _zkey_unread_ranges(honest, world["pk"].num_public)
        assert all(any(a <= i < b for a, b in unread) for i in changed), changed
        assert parsed == read_zkey(world["dir"] / name)  # the same key as the honest file
    else:
        # read_proving_key reads what write_proving_key wrote: the canonical round trip.
        out = tmp_path_factory.mktemp("rt") / name
        write_proving_key(out, parsed)
        assert out.read_bytes() == bytes(buf), changed


def _zkey_unread_ranges(data: bytes, num_public: int) -> list:
    """Byte ranges [a, b) of a zkey that read_zkey documents as not read: the section-4 records
    before the input-consistency rows, the section-10 payload, and the version word (1 or 2).
    Parsed from the container layout of the zkey.py docstring."""
    ranges = [(4, 8)]  # the version word: only 1 and 2 get past the reader, and both are valid
    pos = 12
    for _ in range(struct.unpack_from("<I", data, 8)[0]):
        sid, size = struct.unpack_from("<IQ", data, pos)
        start = pos + 12
        if sid == 4:
            ranges.append((start + 4, start + size - (num_public + 1) * (12 + 32)))
        elif sid == 10:
            ranges.append((start, start + size))
        pos = start + size
    assert pos == len(data)
    return ranges


#: read_proving_key layout offsets (big-endian file, see schemes/groth16/keyfile.py).
_VK_START = 8 + 4 + 16 + 33


def _keyfile_offsets(pk):
    ic_len = 64 * (pk.num_public + 1)
    return {
        "alpha_g1": (_VK_START, 64),
        "beta_g2": (_VK_START + 64, 128),
        "gamma_g2": (_VK_START + 192, 128),
        "delta_g2": (_VK_START + 320, 128),
        "beta_g1": (_VK_START + 448 + ic_len, 64),
        "delta_g1": (_VK_START + 512 + ic_len, 64),
    }


@pytest.mark.parametrize("point", ["alpha_g1", "beta_g2", "gamma_g2", "delta_g2", "beta_g1", "delta_g1"])
def test_proving_key_file_refuses_key_points_at_infinity(world, tmp_path, point):
    """These points are never infinity in a real key (the zkey and JSON readers refuse it too);
    e.g. gamma = O would make every IC term vanish from the verification equation."""
    data = bytearray((world["dir"] / "key.bin").read_bytes())
    off, size = _keyfile_offsets(world["pk"])[point]
    assert any(data[off : off + size])
    data[off : off + size] = bytes(size)
    f = tmp_path / "key.bin"
    f.write_bytes(bytes(data))
    with pytest.raises(EncodingError, match="infinity"):
        read_proving_key(f)


def test_proving_key_file_refuses_a_zero_domain(world, tmp_path):
    pk = world["pk"]
    data = bytearray((world["dir"] / "key.bin").read_bytes())
    assert int.from_bytes(data[24:28], "big") == pk.domain_size
    data[24:28] = (0).to_bytes(4, "big")  # domain_size, and drop the H query it announced
    del data[len(data) - 64 * pk.domain_size :]
    f = tmp_path / "key.bin"
    f.write_bytes(bytes(data))
    with pytest.raises(EncodingError):
        read_proving_key(f)


@pytest.mark.parametrize("gap", ["num_constraints_too_large", "num_constraints_max", "flag_cleared"])
def test_proving_key_file_header_gaps(world, tmp_path, gap):
    """Each file below is non-canonical or inconsistent and should raise EncodingError (the zkey
    reader refuses the same inconsistency, zkey.py ``m + n_public + 1 > domain_size``)."""
    pk = world["pk"]
    data = bytearray((world["dir"] / "key.bin").read_bytes())
    assert int.from_bytes(data[20:24], "big") == pk.num_constraints and data[28] == 1
    if gap == "num_constraints_too_large":  # one row more than the domain holds with the extra rows
        data[20:24] = (pk.domain_size - pk.num_public).to_bytes(4, "big")
    elif gap == "num_constraints_max":
        data[20:24] = b"\xff" * 4
    else:  # flag 1 -> 0 with the 32 digest bytes left non-zero: the key loses its R1CS binding
        assert any(data[29:61])
        data[28] = 0
    f = tmp_path / "key.bin"
    f.write_bytes(bytes(data))
    with pytest.raises(EncodingError):
        read_proving_key(f)


def test_json_round_trip_of_the_proof_is_exact(world):
    proof = world["items"][0][1]
    obj = proof_to_json(proof)
    assert json.loads(json.dumps(obj)) == obj
    assert proof_from_json(obj) == proof
