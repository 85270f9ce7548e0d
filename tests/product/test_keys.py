"""Key directories: round trip, and every kind of mismatch is refused with KeyMismatch."""

from __future__ import annotations

import json
import shutil

import pytest

from consistency.envelope import decode, encode
from consistency.errors import EnvelopeFormatError, KeyMismatch, UnknownParameterSet
from consistency.image import image_bytes
from consistency.keys import (generate_committee, load_committee, load_prover_keys, load_verifier_keys,
                              write_keydir)
from consistency.params import PARAMETER_SET_NAMES, get_parameter_set
from consistency.scanner import homomorphic_score, load_scanner, plaintext_score
from consistency.server import Server
from schemes.bfv import DecryptionBudgetExhausted

from .conftest import toy_keys


@pytest.fixture(scope="module")
def two_dirs(tmp_path_factory, toy):
    a = tmp_path_factory.mktemp("keys_a")
    b = tmp_path_factory.mktemp("keys_b")
    write_keydir(a, toy.keys, toy.committee)
    other = generate_committee(toy.params)
    write_keydir(b, toy_keys(toy.params, other, b"other"), other)
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
    relabelled = bytes(data[:5]) + bytes([len(pid)]) + pid + bytes(data[6 + len(b"toy"):])
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


def test_committee_decryption_counts_persist_and_the_budget_is_enforced(two_dirs, tmp_path, toy):
    """Attack test: a member past its budget refuses, and restarting (reloading the key directory)
    does not reset the count. Each decryption is stored before the partial is returned."""
    d = _copy(two_dirs[0], tmp_path)
    keys = load_prover_keys(d, allow_insecure=True)
    model = load_scanner(toy.params)
    admitted = Server(keys.verifier).admit(encode(toy.env_banned, allow_insecure=True), toy.ctx_banned)
    # write_keydir stored the session committee's counts (other tests scan with it): start from 0
    for i in range(3):
        (d / "committee" / f"decryptions_{i}.json").write_text(json.dumps({"party": i, "decryptions": 0}))
    committee = load_committee(d, toy.params, keys.pk_fhe)
    assert [b.used for b in committee.budgets] == [0, 0, 0]
    homomorphic_score(toy.params, model, keys.pk_fhe, committee, admitted.inference_input)
    again = load_committee(d, toy.params, keys.pk_fhe)  # a restart
    assert [b.used for b in again.budgets] == [1, 1, 1]
    assert [json.loads((d / "committee" / f"decryptions_{i}.json").read_text())["decryptions"]
            for i in range(3)] == [1, 1, 1]
    # member 1 is one decryption short of its budget: the next scan succeeds, the one after is refused
    limit = toy.params.bfv.decryption_budget
    (d / "committee" / "decryptions_1.json").write_text(json.dumps({"party": 1, "decryptions": limit - 1}))
    near = load_committee(d, toy.params, keys.pk_fhe)
    assert homomorphic_score(toy.params, model, keys.pk_fhe, near, admitted.inference_input) == \
        plaintext_score(model, image_bytes(toy.banned, toy.params))
    spent = load_committee(d, toy.params, keys.pk_fhe)
    assert spent.budgets[1].used == limit and spent.budgets[1].remaining == 0
    with pytest.raises(DecryptionBudgetExhausted, match="rotated"):
        homomorphic_score(toy.params, model, keys.pk_fhe, spent, admitted.inference_input)


def test_malformed_decryption_counts_are_refused(two_dirs, tmp_path, toy):
    d = _copy(two_dirs[0], tmp_path)
    keys = load_prover_keys(d, allow_insecure=True)
    for bad in ({"party": 0, "decryptions": -1}, {"party": 2, "decryptions": 0}, {"party": 0, "decryptions": "3"}):
        (d / "committee" / "decryptions_0.json").write_text(json.dumps(bad))
        with pytest.raises(KeyMismatch, match="decryption count"):
            load_committee(d, toy.params, keys.pk_fhe)
    (d / "committee" / "decryptions_0.json").unlink()
    with pytest.raises(KeyMismatch, match="missing"):
        load_committee(d, toy.params, keys.pk_fhe)
