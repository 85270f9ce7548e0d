"""snarkjs JSON codecs: round trips, the exact snarkjs shapes, and strict validation on import."""

import copy
import json
import math

import pytest
from test_groth16_verifier import twist_point_outside_g2

from schemes.bn254.curve import U, g2_in_subgroup
from schemes.bn254.fields import P, R
from schemes.groth16 import (
    EncodingError,
    InvalidPointEncoding,
    NonCanonicalCoordinate,
    NonCanonicalScalar,
    insecure_setup_from_seed,
    prepare_verifying_key,
    prove,
    verify,
)
from schemes.groth16.example import cubic_circuit
from schemes.groth16.snarkjs import (
    SNARKJS_GT_EXPONENT,
    proof_from_json,
    proof_to_json,
    public_from_json,
    public_to_json,
    read_proof,
    read_public,
    read_verification_key,
    vk_from_json,
    vk_to_json,
    write_proof,
    write_public,
    write_verification_key,
)

P_INT, R_INT = int(P), int(R)


@pytest.fixture(scope="module")
def objs():
    cs = cubic_circuit(3, 42)
    r1cs = cs.freeze()
    pk = insecure_setup_from_seed(r1cs, b"json-tests")
    proof = prove(pk, r1cs, cs.assignment)
    return pk.vk, proof, cs.public_values, vk_to_json(pk.vk), proof_to_json(proof)


def test_shapes_follow_snarkjs(objs):
    vk, proof, public, vkj, pj = objs
    assert set(vkj) == {
        "protocol",
        "curve",
        "nPublic",
        "vk_alpha_1",
        "vk_beta_2",
        "vk_gamma_2",
        "vk_delta_2",
        "vk_alphabeta_12",
        "IC",
    }
    assert (vkj["protocol"], vkj["curve"], vkj["nPublic"]) == ("groth16", "bn128", 2)
    assert vkj["vk_alpha_1"] == [str(vk.alpha_g1[0]), str(vk.alpha_g1[1]), "1"]
    (x0, x1), (y0, y1) = vk.beta_g2
    assert vkj["vk_beta_2"] == [[str(x0), str(x1)], [str(y0), str(y1)], ["1", "0"]]
    assert len(vkj["IC"]) == 3
    ab = vkj["vk_alphabeta_12"]
    assert [len(ab), len(ab[0]), len(ab[0][0])] == [2, 3, 2]
    assert set(pj) == {"pi_a", "pi_b", "pi_c", "protocol", "curve"}
    assert public_to_json(public) == [str(x) for x in public]
    json.dumps(vkj), json.dumps(pj)  # plain JSON types only


def test_snarkjs_gt_exponent_is_coprime_to_r():
    # vk_alphabeta_12 uses snarkjs's pairing = ours^(2u(6u^2+3u+1)); still bilinear and
    # non-degenerate because the exponent is invertible mod R.
    assert SNARKJS_GT_EXPONENT == 2 * U * (6 * U * U + 3 * U + 1)
    assert math.gcd(SNARKJS_GT_EXPONENT, R_INT) == 1


def test_round_trips(objs, tmp_path):
    vk, proof, public, vkj, pj = objs
    assert vk_from_json(vkj) == vk
    assert proof_from_json(pj) == proof
    assert public_from_json(public_to_json(public)) == public
    write_verification_key(tmp_path / "vk.json", vk)
    write_proof(tmp_path / "proof.json", proof)
    write_public(tmp_path / "public.json", public)
    vk2, proof2, public2 = (
        read_verification_key(tmp_path / "vk.json"),
        read_proof(tmp_path / "proof.json"),
        read_public(tmp_path / "public.json"),
    )
    assert (vk2, proof2, public2) == (vk, proof, public)
    verify(prepare_verifying_key(vk2), public2, proof2)


def test_infinity_encodings(objs):
    vk, _, _, vkj, _ = objs
    j = copy.deepcopy(vkj)
    j["IC"][0] = ["0", "1", "0"]
    assert vk_from_json(j).ic[0] is None  # IC points may be infinity
    for key in ("vk_alpha_1",):
        j = copy.deepcopy(vkj)
        j[key] = ["0", "1", "0"]
        with pytest.raises(InvalidPointEncoding, match="infinity"):
            vk_from_json(j)
    for key in ("vk_beta_2", "vk_gamma_2", "vk_delta_2"):
        j = copy.deepcopy(vkj)
        j[key] = [["0", "0"], ["1", "0"], ["0", "0"]]
        with pytest.raises(InvalidPointEncoding, match="infinity"):
            vk_from_json(j)
    j = copy.deepcopy(vkj)
    j["IC"][0] = ["5", "1", "0"]
    with pytest.raises(InvalidPointEncoding):
        vk_from_json(j)


@pytest.mark.parametrize("key", ["pi_a", "pi_c"])
def test_proof_g1_errors(objs, key):
    _, _, _, _, pj = objs

    def bad(value, exc, match=None):
        j = copy.deepcopy(pj)
        j[key] = value
        with pytest.raises(exc, match=match):
            proof_from_json(j)

    x, y, _ = pj[key]
    bad(["0", "1", "0"], InvalidPointEncoding, "infinity")
    bad([x, str((int(y) + 1) % P_INT), "1"], InvalidPointEncoding, "not on the curve")
    bad([x, str(int(y) + P_INT), "1"], NonCanonicalCoordinate)
    bad([x, y, "2"], InvalidPointEncoding, "affine")
    bad(["0", "0", "1"], InvalidPointEncoding)
    bad([x, y], EncodingError, "length 3")
    bad([int(x), y, "1"], EncodingError, "decimal string")
    bad(["0" + x, y, "1"], EncodingError, "canonical decimal")
    bad(["-" + x, y, "1"], EncodingError, "canonical decimal")
    bad([hex(int(x)), y, "1"], EncodingError, "canonical decimal")
    bad([x + " ", y, "1"], EncodingError, "canonical decimal")
    bad(["1" * 5000, y, "1"], EncodingError, "digits")


def test_proof_g2_errors(objs):
    _, _, _, _, pj = objs

    def bad(value, exc, match=None):
        j = copy.deepcopy(pj)
        j["pi_b"] = value
        with pytest.raises(exc, match=match):
            proof_from_json(j)

    (x, y, z) = pj["pi_b"]
    bad([["0", "0"], ["1", "0"], ["0", "0"]], InvalidPointEncoding, "infinity")
    bad([x, [y[0], str((int(y[1]) + 1) % P_INT)], z], InvalidPointEncoding, "not on the twist")
    bad([[str(int(x[0]) + P_INT), x[1]], y, z], NonCanonicalCoordinate)
    bad([x, y, ["1", "1"]], InvalidPointEncoding, "affine")
    bad([x, y], EncodingError)
    bad([x[0], y, z], EncodingError)
    pt = twist_point_outside_g2()
    assert not g2_in_subgroup(pt)
    bad([[str(pt[0][0]), str(pt[0][1])], [str(pt[1][0]), str(pt[1][1])], ["1", "0"]], InvalidPointEncoding, "subgroup")


def test_header_errors(objs):
    _, _, _, vkj, pj = objs
    for obj, dec in ((vkj, vk_from_json), (pj, proof_from_json)):
        for key, value in (("protocol", "plonk"), ("curve", "bls12381"), ("curve", None)):
            j = copy.deepcopy(obj)
            j[key] = value
            with pytest.raises(EncodingError):
                dec(j)
        j = copy.deepcopy(obj)
        del j["protocol"]
        with pytest.raises(EncodingError):
            dec(j)
        with pytest.raises(EncodingError):
            dec([obj])
    j = copy.deepcopy(pj)
    j["curve"] = "bn254"  # snarkjs's own alias
    proof_from_json(j)
    j = copy.deepcopy(pj)
    del j["pi_c"]
    with pytest.raises(EncodingError, match="pi_c"):
        proof_from_json(j)


def test_vk_consistency_errors(objs):
    _, _, _, vkj, _ = objs
    j = copy.deepcopy(vkj)
    j["nPublic"] = 3
    with pytest.raises(EncodingError, match="IC"):
        vk_from_json(j)
    j = copy.deepcopy(vkj)
    j["nPublic"] = "2"
    with pytest.raises(EncodingError, match="nPublic"):
        vk_from_json(j)
    j = copy.deepcopy(vkj)
    j["vk_alphabeta_12"][0][0][0] = str((int(j["vk_alphabeta_12"][0][0][0]) + 1) % P_INT)
    with pytest.raises(EncodingError, match="vk_alphabeta_12"):
        vk_from_json(j)
    j = copy.deepcopy(vkj)
    del j["vk_alphabeta_12"]  # optional
    vk_from_json(j)
    j = copy.deepcopy(vkj)
    j["vk_gamma_2"], j["vk_delta_2"] = vkj["vk_delta_2"], vkj["vk_gamma_2"]
    assert vk_from_json(j).gamma_g2 != vk_from_json(vkj).gamma_g2


def test_public_errors():
    assert public_from_json([]) == []
    assert public_from_json(["0", str(R_INT - 1)]) == [0, R_INT - 1]
    with pytest.raises(NonCanonicalScalar):
        public_from_json([str(R_INT)])
    with pytest.raises(EncodingError):
        public_from_json([5])
    with pytest.raises(EncodingError):
        public_from_json(["05"])
    with pytest.raises(EncodingError):
        public_from_json({"0": "1"})
    with pytest.raises(NonCanonicalScalar):
        public_to_json([R_INT])
    with pytest.raises(NonCanonicalScalar):
        public_to_json([-1])
    with pytest.raises(NonCanonicalScalar):
        public_to_json([True])


def test_invalid_json_file(tmp_path):
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(EncodingError, match="not valid JSON"):
        read_proof(tmp_path / "x.json")
