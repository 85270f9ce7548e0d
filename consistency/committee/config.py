"""The committee directory's configuration, fixed at ``committee init`` (specs/committee.md §3).

``DIR/committee.json`` (every key required, nothing else)::

    {"version": 1, "id": TEXT, "params_id": NAME, "parties": n, "crs_seed": hex(32),
     "model_digest": hex(32), "decryption_budget": D,
     "keygen_vk_digest": hex(32), "partial_vk_digest": hex(32)}

beside ``keygen_verification_key.json`` / ``keygen_proving_key.bin`` (the key well-formedness
circuit, :mod:`schemes.bfv.dkg_gadget`) and ``partial_verification_key.json`` /
``partial_proving_key.bin`` (the partial-decryption circuit, :mod:`schemes.bfv.partial_gadget`).

- ``crs_seed = SHA-256("GRC/committee-crs/v1" || 0x00 || u16 len || params name || u16 len || id)``:
  the common ring elements ``a^(k)`` are expanded from it, so nobody chooses them;
- the committee digest is ``SHA-256("GRC/committee/v1" || 0x00 || canonical JSON of
  committee.json)``; it covers the verifying keys through their digests (SHA-256 of their
  canonical snarkjs JSON). Every contribution, share, request answer and record names it;
- the committee tag, a public input of both circuits, is the digest's first 31 bytes read
  big-endian (below 2^248 < R);
- ``decryption_budget``: how many scans a member's share may decrypt before the key must be
  rotated. At most the parameter set's own budget (``decryption_budget``, specs/bfv.md §8.4:
  the cumulative statistical distance stays below 2^-30); ``init`` refuses a larger one, and a
  set whose budget is 0.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from schemes.bfv.dkg import crs_polynomials
from schemes.bfv.dkg_gadget import keygen_circuit, keygen_num_public
from schemes.bfv.partial_gadget import partial_circuit, partial_num_public
from schemes.groth16 import ProvingKey, VerifyingKey, setup
from schemes.groth16.keyfile import read_proving_key, write_proving_key
from schemes.groth16.snarkjs import vk_from_json, vk_to_json

from ..errors import UnknownParameterSet
from ..params import ParameterSet, resolve_parameter_set
from ..scanner import load_scanner, model_digest
from .codec import canonical, create_json, hexbytes, read_json, require_keys, small_int, write_json
from .errors import CommitteeMismatch, MalformedCommitteeFile

__all__ = ["COMMITTEE_VERSION", "CommitteeConfig", "init_committee", "load_config", "budget_cap", "crs_seed"]

COMMITTEE_VERSION = 1
_KEYS = (
    "version",
    "id",
    "params_id",
    "parties",
    "crs_seed",
    "model_digest",
    "decryption_budget",
    "keygen_vk_digest",
    "partial_vk_digest",
)
_FILES = {
    "keygen": ("keygen_verification_key.json", "keygen_proving_key.bin"),
    "partial": ("partial_verification_key.json", "partial_proving_key.bin"),
}

Progress = Callable[[str], None] | None
Setup = Callable[..., ProvingKey]


def crs_seed(params: ParameterSet, committee_id: str) -> bytes:
    """The public seed of the common ring elements (see the module docstring)."""
    name, cid = params.name.encode(), committee_id.encode("utf-8")
    return hashlib.sha256(
        b"GRC/committee-crs/v1\x00" + struct.pack(">H", len(name)) + name + struct.pack(">H", len(cid)) + cid
    ).digest()


def budget_cap(params: ParameterSet) -> int:
    """The largest decryption budget a committee of ``params`` may have: the set's stated budget
    (specs/bfv.md §8.4). A set whose budget is 0 (its flooding proves nothing, e.g.
    ``default-2048-leaky``) cannot have a committee."""
    return params.bfv.decryption_budget


def _vk_digest(vk: VerifyingKey) -> bytes:
    return hashlib.sha256(canonical(vk_to_json(vk))).digest()


@dataclass(frozen=True)
class CommitteeConfig:
    """A committee directory's configuration (see the module docstring)."""

    path: Path
    committee_id: str
    params: ParameterSet
    parties: int
    crs_seed: bytes
    model_digest: bytes
    decryption_budget: int
    keygen_vk: VerifyingKey = field(repr=False)
    partial_vk: VerifyingKey = field(repr=False)
    digest: bytes

    @property
    def tag(self) -> int:
        """The committee tag: the digest's first 31 bytes, big-endian."""
        return int.from_bytes(self.digest[:31], "big")

    @cached_property
    def crs(self) -> tuple[tuple[int, ...], ...]:
        """The common ring elements ``a^(k)``."""
        return crs_polynomials(self.params.bfv, self.crs_seed)

    def proving_key(self, circuit: str) -> ProvingKey:
        """The ``keygen`` or ``partial`` proving key, checked against its verifying key."""
        f = self.path / _FILES[circuit][1]
        try:
            pk = read_proving_key(f)
        except OSError as exc:
            raise MalformedCommitteeFile(f"cannot read {f}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise MalformedCommitteeFile(f"{f}: {exc}") from None
        if pk.vk != (self.keygen_vk if circuit == "keygen" else self.partial_vk):
            raise CommitteeMismatch(f"{f} does not match the committee's {circuit} verifying key")
        return pk


def _config_json(
    committee_id: str,
    params: ParameterSet,
    parties: int,
    seed: bytes,
    model: bytes,
    budget: int,
    keygen_vk: VerifyingKey,
    partial_vk: VerifyingKey,
) -> dict[str, object]:
    return {
        "version": COMMITTEE_VERSION,
        "id": committee_id,
        "params_id": params.name,
        "parties": parties,
        "crs_seed": seed.hex(),
        "model_digest": model.hex(),
        "decryption_budget": budget,
        "keygen_vk_digest": _vk_digest(keygen_vk).hex(),
        "partial_vk_digest": _vk_digest(partial_vk).hex(),
    }


def _digest(obj: dict[str, Any]) -> bytes:
    return hashlib.sha256(b"GRC/committee/v1\x00" + canonical(obj)).digest()


def init_committee(
    path: str | os.PathLike[str],
    params: ParameterSet,
    parties: int,
    committee_id: str | None = None,
    *,
    decryption_budget: int | None = None,
    setup_fn: Setup = setup,
    progress: Progress = None,
) -> CommitteeConfig:
    """Create a committee directory: the configuration, and the Groth16 keys of the two
    committee circuits (whoever runs this must not keep the setup's secrets: specs/committee.md
    §8). Refuses a directory that already holds a committee."""
    say = progress or (lambda _m: None)
    d = Path(path)
    if (d / "committee.json").exists():
        raise FileExistsError(f"{d} already holds a committee (committee.json)")
    if isinstance(parties, bool) or not isinstance(parties, int) or not 1 <= parties <= params.bfv.parties:
        raise ValueError(f"parties must be in [1, {params.bfv.parties}] for {params.name} (its noise budget)")
    committee_id = secrets.token_hex(16) if committee_id is None else committee_id
    if (
        not isinstance(committee_id, str)
        or not 1 <= len(committee_id.encode("utf-8")) <= 200
        or not committee_id.isprintable()
    ):
        raise ValueError("the committee id must be 1 to 200 bytes of printable text")
    cap = budget_cap(params)
    if cap < 1:
        raise ValueError(
            f"{params.name} has a decryption budget of 0 (its flooding gives no statistical guarantee "
            "per decryption, specs/bfv.md §8.6): its committee would never decrypt; use a set "
            "with a positive budget"
        )
    budget = cap if decryption_budget is None else decryption_budget
    if isinstance(budget, bool) or not isinstance(budget, int) or not 1 <= budget <= cap:
        raise ValueError(f"the decryption budget must be in [1, {cap}] for {params.name}")
    seed = crs_seed(params, committee_id)
    crs = crs_polynomials(params.bfv, seed)
    keys = {}
    for circuit in ("keygen", "partial"):
        cs = keygen_circuit(params.bfv, crs) if circuit == "keygen" else partial_circuit(params.bfv)
        r1cs = cs.freeze()
        say(f"{circuit} circuit: {r1cs.num_constraints} constraints, {r1cs.num_public} public inputs; Groth16 setup")
        keys[circuit] = setup_fn(r1cs)
    obj = _config_json(
        committee_id,
        params,
        parties,
        seed,
        model_digest(params, load_scanner(params)),
        budget,
        keys["keygen"].vk,
        keys["partial"].vk,
    )
    d.mkdir(parents=True, exist_ok=True)
    (d / "members").mkdir(exist_ok=True)
    for circuit, (vk_file, pk_file) in _FILES.items():
        write_json(d / vk_file, vk_to_json(keys[circuit].vk))
        write_proving_key(d / pk_file, keys[circuit])
    create_json(d / "committee.json", obj)
    return load_config(d, params=params)


def load_config(
    path: str | os.PathLike[str], *, params: ParameterSet | None = None, allow_insecure: bool = False
) -> CommitteeConfig:
    """Read ``DIR/committee.json`` and the two verifying keys, strictly, and cross-check them.
    ``params``: the set the committee must be for (the opt-in to an insecure one); by default any
    secure set."""
    expected = params
    d = Path(path)
    obj = read_json(d / "committee.json", "committee.json")
    require_keys(obj, _KEYS, "committee.json")
    if type(obj["version"]) is not int or obj["version"] != COMMITTEE_VERSION:
        raise MalformedCommitteeFile(f"committee.json: unsupported version {obj['version']!r}")
    if not isinstance(obj["id"], str) or not obj["id"] or not obj["id"].isprintable():
        raise MalformedCommitteeFile("committee.json: id must be printable text")
    try:
        params = resolve_parameter_set(str(obj["params_id"]), expected, allow_insecure=allow_insecure)
    except UnknownParameterSet as exc:
        raise MalformedCommitteeFile(f"committee.json: {exc}") from None
    parties = small_int(obj["parties"], "committee.json: parties", 1, params.bfv.parties)
    seed = hexbytes(obj["crs_seed"], "committee.json: crs_seed", 32)
    if seed != crs_seed(params, obj["id"]):
        raise CommitteeMismatch("committee.json: crs_seed is not derived from the parameter set and the id")
    budget = small_int(obj["decryption_budget"], "committee.json: decryption_budget", 1, budget_cap(params))
    vks = {}
    for circuit, (vk_file, _) in _FILES.items():
        vk_obj = read_json(d / vk_file, vk_file)
        try:
            vk = vk_from_json(vk_obj)
        except ValueError as exc:
            raise MalformedCommitteeFile(f"{vk_file}: {exc}") from None
        if _vk_digest(vk).hex() != obj[f"{circuit}_vk_digest"]:
            raise CommitteeMismatch(f"{vk_file} does not match committee.json's {circuit}_vk_digest")
        want = keygen_num_public(params.bfv) if circuit == "keygen" else partial_num_public(params.bfv)
        if vk.num_public != want:
            raise CommitteeMismatch(f"{vk_file} has {vk.num_public} public inputs, {params.name} needs {want}")
        vks[circuit] = vk
    model = hexbytes(obj["model_digest"], "committee.json: model_digest", 32)
    return CommitteeConfig(
        d, obj["id"], params, parties, seed, model, budget, vks["keygen"], vks["partial"], _digest(obj)
    )
