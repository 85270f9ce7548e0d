"""Key generation without a dealer: ``join`` (one per member, on its own machine), ``finalize``.

``join(DIR, i, FILE)``: member i samples its share, writes it to the secret file FILE (0600,
:mod:`.share`) and publishes ``DIR/members/member_<i>.json``::

    {"version": 1, "committee": hex(digest), "member": i, "h": "<dec>",
     "b": [[N decimal residues mod q_1], ..., [... mod q_K]], "proof": <snarkjs proof.json>}

with a Groth16 proof of the key well-formedness relation (:mod:`schemes.bfv.dkg_gadget`) for
the public inputs ``(tag, i, h, b)``.

``finalize(DIR)`` checks every member 1..n: its file exists and parses, names this committee
and this member, its ``b`` is canonical, its proof verifies, and no two members published the
same ``h`` or ``b``. It refuses naming *every* member that fails (:class:`ContributionRefused`);
otherwise it writes the joint key ``DIR/committee_pk.bin`` (``pk = (sum_i b_i, a)``, bfv.md §12
encoding) and ``DIR/finalized.json``::

    {"version": 1, "committee": hex(digest), "public_key_digest": hex,
     "members": [{"member": i, "h": "<dec>", "contribution_digest": hex}, ...]}

:func:`load_committee` re-runs every check of ``finalize`` (it trusts no file) and compares the
result with the finalized files: whoever reads a committee directory gets a key that is the sum
of proven contributions, or an error.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

from schemes.bfv.dkg import KeyContribution, SecretShare, generate_share, joint_public_key
from schemes.bfv.dkg_gadget import KeygenStatement, keygen_circuit, keygen_public_inputs
from schemes.bfv.keys import PublicKey
from schemes.bfv.moduli import moduli
from schemes.bfv.sampling import RandomSource
from schemes.bfv.serialization import public_key_digest, public_key_from_bytes, public_key_to_bytes
from schemes.bn254.fields import R
from schemes.groth16 import InvalidProof, Proof, prepare_verifying_key, prove, verify
from schemes.groth16.snarkjs import proof_from_json, proof_to_json

from ..params import ParameterSet
from .codec import (
    canonical,
    create_json,
    dec,
    dec_list,
    hexbytes,
    read_json,
    require_keys,
    small_int,
    write_bytes,
    write_json,
)
from .config import CommitteeConfig, load_config
from .errors import CommitteeMismatch, ContributionRefused, MalformedCommitteeFile
from .share import log_path, read_share, write_share

__all__ = [
    "Committee",
    "join",
    "finalize",
    "load_committee",
    "contribution_path",
    "read_contribution",
    "contribution_json",
    "load_member_share",
]

Progress = Callable[[str], None] | None
_KEYS = ("version", "committee", "member", "h", "b", "proof")


@dataclass(frozen=True)
class Committee:
    """A finalized committee: its configuration, the proven contributions, the joint key."""

    config: CommitteeConfig
    contributions: tuple[KeyContribution, ...]
    pk: PublicKey

    @property
    def params(self) -> ParameterSet:
        return self.config.params

    @property
    def digest(self) -> bytes:
        return self.config.digest

    def contribution(self, member: int) -> KeyContribution:
        return self.contributions[member - 1]


def contribution_path(config: CommitteeConfig, member: int) -> Path:
    return config.path / "members" / f"member_{member}.json"


def contribution_json(config: CommitteeConfig, contribution: KeyContribution, proof: Proof) -> dict[str, object]:
    return {
        "version": 1,
        "committee": config.digest.hex(),
        "member": contribution.member,
        "h": str(contribution.h),
        "b": [[str(int(x)) for x in poly] for poly in contribution.b],
        "proof": proof_to_json(proof),
    }


def read_contribution(config: CommitteeConfig, member: int) -> tuple[KeyContribution, Proof]:
    """Parse ``members/member_<i>.json`` strictly (MalformedCommitteeFile / CommitteeMismatch)."""
    obj = read_json(contribution_path(config, member), f"the contribution of member {member}")
    require_keys(obj, _KEYS, "contribution")
    if type(obj["version"]) is not int or obj["version"] != 1:
        raise MalformedCommitteeFile("contribution: unsupported version")
    if hexbytes(obj["committee"], "contribution: committee", 32) != config.digest:
        raise CommitteeMismatch("the contribution names another committee")
    if small_int(obj["member"], "contribution: member", 1, config.parties) != member:
        raise CommitteeMismatch(f"the file of member {member} holds member {obj['member']}'s contribution")
    mods = moduli(config.params.bfv)
    if not isinstance(obj["b"], list) or len(obj["b"]) != len(mods):
        raise MalformedCommitteeFile(f"contribution: b must hold one polynomial per modulus ({len(mods)})")
    b = tuple(
        dec_list(poly, config.params.bfv.n, q, f"contribution: b[{k}]")
        for k, (poly, q) in enumerate(zip(obj["b"], mods))
    )
    h = dec(obj["h"], "contribution: h", int(R))
    try:
        proof = proof_from_json(obj["proof"])
    except ValueError as exc:
        raise MalformedCommitteeFile(f"contribution: proof: {exc}") from None
    return KeyContribution(member, b, h), proof


def join(
    path: str | os.PathLike[str],
    member: int,
    secret_path: str | os.PathLike[str],
    *,
    params: ParameterSet | None = None,
    allow_insecure: bool = False,
    rng: RandomSource | None = None,
    progress: Progress = None,
) -> KeyContribution:
    """Member ``member`` makes its share on this machine: the secret file first (0600, never
    overwritten), then its public contribution with a proof in the committee directory."""
    say = progress or (lambda _m: None)
    config = load_config(path, params=params, allow_insecure=allow_insecure)
    if isinstance(member, bool) or not isinstance(member, int) or not 1 <= member <= config.parties:
        raise ValueError(f"member must be in [1, {config.parties}]")
    target = contribution_path(config, member)
    if target.exists():
        raise FileExistsError(f"member {member} has already joined ({target})")
    if Path(secret_path).exists() or log_path(secret_path).exists():
        raise FileExistsError(f"{secret_path} (or its log) exists: a share is never overwritten")
    bfv = config.params.bfv
    share, contribution, witness = generate_share(bfv, config.crs, member, rng)
    statement = KeygenStatement(config.tag, contribution)
    say(f"member {member}: proving the key contribution")
    cs = keygen_circuit(bfv, config.crs, statement, witness)
    proof = prove(config.proving_key("keygen"), cs.freeze(), cs.assignment)
    write_share(secret_path, config, share)
    create_json(target, contribution_json(config, contribution, proof))
    return contribution


def _check_all(config: CommitteeConfig) -> tuple[list[KeyContribution], dict[int, str]]:
    """Every check of ``finalize``: the contributions and, per failing member, why."""
    pvk = prepare_verifying_key(config.keygen_vk)
    good: list[KeyContribution] = []
    problems: dict[int, str] = {}
    for i in range(1, config.parties + 1):
        if not contribution_path(config, i).exists():
            problems[i] = "no contribution"
            continue
        try:
            contribution, proof = read_contribution(config, i)
        except (MalformedCommitteeFile, CommitteeMismatch) as exc:
            problems[i] = f"malformed contribution ({exc})"
            continue
        try:
            verify(pvk, keygen_public_inputs(KeygenStatement(config.tag, contribution)), proof)
        except InvalidProof:
            problems[i] = "the proof of key well-formedness does not verify (a rogue or malformed key)"
            continue
        good.append(contribution)
    for field in ("h", "b"):
        seen: dict[Hashable, list[int]] = {}
        for c in good:
            seen.setdefault(getattr(c, field), []).append(c.member)
        for members in seen.values():
            if len(members) > 1:
                for m in members:
                    problems[m] = f"published the same {field} as member(s) {[x for x in members if x != m]}"
    return good, problems


def _contribution_digest(config: CommitteeConfig, c: KeyContribution) -> str:
    obj = {"member": c.member, "h": str(c.h), "b": [[str(int(x)) for x in p] for p in c.b]}
    return hashlib.sha256(b"GRC/contribution/v1\x00" + config.digest + canonical(obj)).hexdigest()


def _finalized_json(config: CommitteeConfig, contributions: list[KeyContribution], pk: PublicKey) -> dict[str, object]:
    return {
        "version": 1,
        "committee": config.digest.hex(),
        "public_key_digest": public_key_digest(config.params.bfv, pk).hex(),
        "members": [
            {"member": c.member, "h": str(c.h), "contribution_digest": _contribution_digest(config, c)}
            for c in contributions
        ],
    }


def _verified_committee(config: CommitteeConfig) -> Committee:
    contributions, problems = _check_all(config)
    if problems:
        raise ContributionRefused(problems)
    contributions.sort(key=lambda c: c.member)
    pk = joint_public_key(config.params.bfv, config.crs, contributions)
    return Committee(config, tuple(contributions), pk)


def finalize(
    path: str | os.PathLike[str], *, params: ParameterSet | None = None, allow_insecure: bool = False
) -> Committee:
    """Verify every contribution and publish the joint key; :class:`ContributionRefused` names
    each member whose contribution is missing, malformed, unproven or duplicated."""
    config = load_config(path, params=params, allow_insecure=allow_insecure)
    committee = _verified_committee(config)
    write_bytes(config.path / "committee_pk.bin", public_key_to_bytes(config.params.bfv, committee.pk))
    write_json(config.path / "finalized.json", _finalized_json(config, list(committee.contributions), committee.pk))
    return committee


def load_committee(
    path: str | os.PathLike[str], *, params: ParameterSet | None = None, allow_insecure: bool = False
) -> Committee:
    """A finalized committee, with every contribution re-verified and the joint key recomputed
    and compared with ``committee_pk.bin`` and ``finalized.json``."""
    config = load_config(path, params=params, allow_insecure=allow_insecure)
    if not (config.path / "finalized.json").exists():
        raise CommitteeMismatch(f"the committee in {config.path} is not finalized")
    committee = _verified_committee(config)
    fin = read_json(config.path / "finalized.json", "finalized.json")
    if fin != _finalized_json(config, list(committee.contributions), committee.pk):
        raise CommitteeMismatch("finalized.json does not match the verified contributions")
    try:
        pk_file = public_key_from_bytes(config.params.bfv, (config.path / "committee_pk.bin").read_bytes())
    except (OSError, ValueError) as exc:
        raise CommitteeMismatch(f"committee_pk.bin: {exc}") from None
    if pk_file != committee.pk:
        raise CommitteeMismatch("committee_pk.bin is not the sum of the verified contributions")
    return committee


def load_member_share(committee: Committee, member: int, secret_path: str | os.PathLike[str]) -> SecretShare:
    """Member ``member``'s share from its secret file, checked against its published ``h``."""
    if isinstance(member, bool) or not isinstance(member, int) or not 1 <= member <= committee.config.parties:
        raise ValueError(f"member must be in [1, {committee.config.parties}]")
    return read_share(secret_path, committee.config, member, committee.contribution(member).h)
