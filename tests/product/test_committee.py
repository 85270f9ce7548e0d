"""The committee directory: its configuration is public and derived, every file is checked when
it is read, and a finalized committee is re-verified by whoever loads it."""

from __future__ import annotations

import hashlib
import json
import shutil
import struct

import pytest

from consistency.committee import ContributionRefused, init_committee, load_committee, load_config
from consistency.committee.config import crs_seed
from consistency.committee.errors import CommitteeMismatch, MalformedCommitteeFile
from consistency.params import get_parameter_set
from consistency.scanner import load_scanner, model_digest
from schemes.bfv.dkg import crs_polynomials
from schemes.bfv.dkg_gadget import keygen_num_public
from schemes.bfv.partial_gadget import partial_num_public


def _copy(toy, tmp_path):
    d = tmp_path / "c"
    shutil.copytree(toy.committee.config.path, d)
    return d


def test_configuration_is_derived_from_public_data(toy):
    cfg = toy.committee.config
    name, cid = toy.params.name.encode(), b"toy-tests"
    expected_seed = hashlib.sha256(
        b"GRC/committee-crs/v1\x00" + struct.pack(">H", len(name)) + name + struct.pack(">H", len(cid)) + cid
    ).digest()
    assert cfg.crs_seed == expected_seed == crs_seed(toy.params, "toy-tests")
    assert cfg.crs == crs_polynomials(toy.params.bfv, expected_seed)
    # a from the public seed, nobody's choice: the joint key's a has the per-prime residues of the crs
    assert all(tuple(x % q for x in toy.committee.pk.p1) == a for a, q in zip(cfg.crs, toy.params.bfv.moduli))
    obj = json.loads((cfg.path / "committee.json").read_text())
    canon = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()
    assert cfg.digest == hashlib.sha256(b"GRC/committee/v1\x00" + canon).digest()
    assert cfg.tag == int.from_bytes(cfg.digest[:31], "big")
    assert cfg.model_digest == model_digest(toy.params, load_scanner(toy.params))
    assert cfg.decryption_budget == toy.params.bfv.decryption_budget == 111_588  # specs/bfv.md §8.4
    assert cfg.keygen_vk.num_public == keygen_num_public(toy.params.bfv)
    assert cfg.partial_vk.num_public == partial_num_public(toy.params.bfv)


def test_init_refuses_an_existing_committee_and_bad_numbers(toy, tmp_path):
    with pytest.raises(FileExistsError):
        init_committee(toy.committee.config.path, toy.params, 3)
    with pytest.raises(ValueError):
        init_committee(tmp_path / "a", toy.params, toy.params.bfv.parties + 1)
    with pytest.raises(ValueError):
        init_committee(tmp_path / "b", toy.params, 3, decryption_budget=toy.params.bfv.decryption_budget + 1)
    with pytest.raises(ValueError):
        init_committee(tmp_path / "c", toy.params, 3, committee_id="")


@pytest.mark.parametrize(
    "edit, error",
    [
        (lambda o: o.update(parties=2), ContributionRefused),  # another committee: contributions name the old one
        (lambda o: o.update(crs_seed="00" * 32), CommitteeMismatch),  # a chosen a
        (lambda o: o.update(keygen_vk_digest="00" * 32), CommitteeMismatch),
        (lambda o: o.update(decryption_budget=10**9), MalformedCommitteeFile),
        (lambda o: o.update(extra=1), MalformedCommitteeFile),
        (lambda o: o.update(version=2), MalformedCommitteeFile),
        (lambda o: o.update(model_digest="00" * 32), ContributionRefused),
    ],
)
def test_an_edited_configuration_is_refused(toy, tmp_path, edit, error):
    d = _copy(toy, tmp_path)
    obj = json.loads((d / "committee.json").read_text())
    edit(obj)
    (d / "committee.json").write_text(json.dumps(obj))
    with pytest.raises(error):
        load_committee(d, allow_insecure=True)


def test_swapped_verifying_key_is_refused(toy, tmp_path):
    d = _copy(toy, tmp_path)
    shutil.copy(d / "partial_verification_key.json", d / "keygen_verification_key.json")
    with pytest.raises(CommitteeMismatch):
        load_config(d, allow_insecure=True)


def test_finalized_files_are_checked_against_the_verified_contributions(toy, tmp_path):
    d = _copy(toy, tmp_path)
    assert load_committee(d, allow_insecure=True).pk == toy.committee.pk
    raw = bytearray((d / "committee_pk.bin").read_bytes())
    raw[0] ^= 1
    (d / "committee_pk.bin").write_bytes(bytes(raw))
    with pytest.raises(CommitteeMismatch, match="committee_pk.bin"):
        load_committee(d, allow_insecure=True)
    d2 = _copy(toy, tmp_path / "2")
    fin = json.loads((d2 / "finalized.json").read_text())
    fin["members"] = fin["members"][:2]
    (d2 / "finalized.json").write_text(json.dumps(fin))
    with pytest.raises(CommitteeMismatch, match="finalized.json"):
        load_committee(d2, allow_insecure=True)
    d3 = _copy(toy, tmp_path / "3")
    (d3 / "finalized.json").unlink()
    with pytest.raises(CommitteeMismatch, match="not finalized"):
        load_committee(d3, allow_insecure=True)


def test_toy_committee_needs_the_insecure_flag(toy):
    with pytest.raises(MalformedCommitteeFile, match="INSECURE"):
        load_config(toy.committee.config.path)


def test_the_budget_cap_is_the_parameter_sets_and_a_set_with_none_has_no_committee(toy, tmp_path):
    """Attack test: the committee may not allow more decryptions than the set's flooding covers
    (specs/bfv.md §8.4), and a set whose budget is 0 (default-2048-leaky: its flooding proves
    nothing) gets no committee at all."""
    from consistency.committee.config import budget_cap

    assert budget_cap(toy.params) == toy.params.bfv.decryption_budget
    default = get_parameter_set("default")
    assert budget_cap(default) == default.bfv.decryption_budget == 4_185_616
    leaky = get_parameter_set("default-2048-leaky", allow_insecure=True)
    assert budget_cap(leaky) == 0
    with pytest.raises(ValueError, match="decryption budget of 0"):
        init_committee(tmp_path / "leaky", leaky, 3)
    assert not (tmp_path / "leaky").exists()
