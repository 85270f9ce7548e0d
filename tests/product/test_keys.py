"""Key directories: round trip, and every kind of mismatch is refused with KeyMismatch."""

from __future__ import annotations

import json
import shutil

import pytest

from consistency.envelope import decode, encode
from consistency.errors import EnvelopeFormatError, KeyMismatch, UnknownParameterSet
from consistency.keys import load_prover_keys, load_verifier_keys, write_keydir
from consistency.params import PARAMETER_SET_NAMES, get_parameter_set
from schemes.bfv.keys import keygen

from .conftest import toy_keys


@pytest.fixture(scope="module")
def two_dirs(tmp_path_factory, toy):
    a = tmp_path_factory.mktemp("keys_a")
    b = tmp_path_factory.mktemp("keys_b")
    write_keydir(a, toy.keys)
    write_keydir(b, toy_keys(toy.params, keygen(toy.params.bfv)[1], b"other"))
    return a, b


def _copy(src, tmp_path):
    d = tmp_path / "k"
    shutil.copytree(src, d)
    return d


def test_round_trip(two_dirs, toy):
    a, _ = two_dirs
    keys = load_prover_keys(a, allow_insecure=True)
    assert keys.verifier.vk == toy.keys.verifier.vk and keys.verifier.digest == toy.keys.verifier.digest
    assert keys.pk.h_query == toy.keys.pk.h_query


def test_toy_directory_refused_without_the_insecure_flag(two_dirs):
    with pytest.raises(KeyMismatch, match="INSECURE"):
        load_verifier_keys(two_dirs[0])


@pytest.mark.parametrize("victim", ["committee_pk.bin", "verification_key.json", "proving_key.bin", "params.json"])
def test_a_file_from_another_setup_is_refused(two_dirs, tmp_path, victim):
    a, b = two_dirs
    d = _copy(a, tmp_path)
    shutil.copy(b / victim, d / victim)
    with pytest.raises(KeyMismatch):
        load_prover_keys(d, allow_insecure=True)


def test_digest_and_version_tampering(two_dirs, tmp_path):
    d = _copy(two_dirs[0], tmp_path)
    meta = json.loads((d / "params.json").read_text())
    (d / "params.json").write_text(json.dumps(dict(meta, digest="00" * 32)))
    with pytest.raises(KeyMismatch, match="digest"):
        load_verifier_keys(d, allow_insecure=True)
    (d / "params.json").write_text(json.dumps(dict(meta, version=2)))
    with pytest.raises(KeyMismatch, match="version"):
        load_verifier_keys(d, allow_insecure=True)
    (d / "params.json").write_text(json.dumps(dict(meta, params_id="nope")))
    with pytest.raises(KeyMismatch, match="unknown"):
        load_verifier_keys(d, allow_insecure=True)
    for other in (1.0, True, "1"):  # the integer 1 exactly (specs/consistency.md §6)
        (d / "params.json").write_text(json.dumps(dict(meta, version=other)))
        with pytest.raises(KeyMismatch, match="version"):
            load_verifier_keys(d, allow_insecure=True)
    (d / "params.json").write_text(json.dumps(dict(meta, extra=1)))
    with pytest.raises(KeyMismatch, match="exactly the keys"):
        load_verifier_keys(d, allow_insecure=True)


def test_key_directory_holds_only_public_files(two_dirs):
    """No committee share in a key directory (the members keep theirs: tests/product/test_committee_*)."""
    for d in two_dirs:
        assert sorted(p.name for p in d.iterdir()) == [
            "committee_pk.bin",
            "params.json",
            "provenance.json",
            "proving_key.bin",
            "verification_key.json",
        ]


def test_missing_or_corrupt_files(two_dirs, tmp_path):
    d = _copy(two_dirs[0], tmp_path)
    (d / "verification_key.json").write_text("{not json")
    with pytest.raises(KeyMismatch):
        load_verifier_keys(d, allow_insecure=True)
    (d / "committee_pk.bin").unlink()
    with pytest.raises(KeyMismatch, match="missing"):
        load_verifier_keys(d, allow_insecure=True)


@pytest.mark.parametrize("other", [n for n in PARAMETER_SET_NAMES if n != "toy"])
def test_nothing_made_for_one_set_loads_under_another(two_dirs, tmp_path, toy, other):
    """Key directories, envelopes and digests carry the parameter-set name: relabelling the toy
    key directory or envelope as any other set is refused (digest, sizes, counts)."""
    d = _copy(two_dirs[0], tmp_path)
    meta = json.loads((d / "params.json").read_text())
    (d / "params.json").write_text(json.dumps(dict(meta, params_id=other)))
    with pytest.raises(KeyMismatch):
        load_verifier_keys(d, allow_insecure=True)
    data = bytearray(encode(toy.env_benign, allow_insecure=True))
    pid = other.encode()
    relabelled = bytes(data[:5]) + bytes([len(pid)]) + pid + bytes(data[6 + len(b"toy") :])
    with pytest.raises(EnvelopeFormatError):
        decode(relabelled, allow_insecure=True)
    digests = {get_parameter_set(n, allow_insecure=True).digest(b"same key bytes") for n in PARAMETER_SET_NAMES}
    assert len(digests) == len(PARAMETER_SET_NAMES)


def test_leaky_set_needs_the_insecure_flag_everywhere(two_dirs, tmp_path):
    d = _copy(two_dirs[0], tmp_path)
    meta = json.loads((d / "params.json").read_text())
    (d / "params.json").write_text(json.dumps(dict(meta, params_id="default-2048-leaky")))
    with pytest.raises(KeyMismatch, match="LEAKS"):
        load_verifier_keys(d)
    with pytest.raises(UnknownParameterSet, match="LEAKS"):
        get_parameter_set("default-2048-leaky")


def test_a_verifying_key_with_delta_equal_to_gamma_is_refused(two_dirs, tmp_path):
    """Attack test: with delta = gamma (a ptau key before any phase-2 contribution, or a crafted
    key) C can absorb any change of the public inputs, so a proof proves nothing: refused."""
    d = _copy(two_dirs[0], tmp_path)
    vk = json.loads((d / "verification_key.json").read_text())
    vk["vk_delta_2"] = vk["vk_gamma_2"]
    (d / "verification_key.json").write_text(json.dumps(vk))
    with pytest.raises(KeyMismatch, match="delta = gamma"):
        load_verifier_keys(d, allow_insecure=True)
