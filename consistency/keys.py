"""Key directories: the committee's BFV key, the Groth16 keys, and the parameter-set digest.

Layout of ``KEYDIR`` (specs/consistency.md, "Key directory")::

    params.json              {"version", "params_id", "digest" (hex SHA-256, ParameterSet.digest)}
    committee_pk.bin         the joint BFV public key (schemes.bfv.serialization)
    verification_key.json    snarkjs verification key, plus "params_id" and "params_digest"
    proving_key.bin          Groth16 proving key (schemes.groth16.keyfile)
    provenance.json          where the Groth16 key came from (consistency.provenance)

The committee's key is made by the members themselves (:mod:`consistency.committee`); ``setup``
takes the finalized committee's joint key. A key directory never holds a secret share.

A server needs only ``params.json``, ``committee_pk.bin`` and ``verification_key.json``.
Loading recomputes the digest from the parameter set and the committee key and rejects a
directory whose files disagree (:class:`~consistency.errors.KeyMismatch`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemes import strict_json
from schemes.bfv.keys import PublicKey
from schemes.bfv.serialization import public_key_from_bytes, public_key_to_bytes
from schemes.groth16 import ProvingKey, VerifyingKey, setup
from schemes.groth16.keyfile import read_proving_key, write_proving_key
from schemes.groth16.snarkjs import vk_from_json, vk_to_json
from schemes.r1cs.matrices import R1CS

from .circuit import build_circuit
from .errors import KeyMismatch, UnknownParameterSet
from .keyfile import require_key_directory
from .params import ENVELOPE_VERSION, ParameterSet, resolve_parameter_set

__all__ = ["VerifierKeys", "ProverKeys", "run_setup", "write_keydir", "load_verifier_keys", "load_prover_keys"]

Progress = Callable[[str], None] | None


@dataclass(frozen=True)
class VerifierKeys:
    """What a server holds: the parameter set, the committee key, the verifying key, the digest."""

    params: ParameterSet
    pk_fhe: PublicKey
    vk: VerifyingKey
    digest: bytes


@dataclass(frozen=True)
class ProverKeys:
    """What a sender holds: the verifier's keys plus the Groth16 proving key.

    ``circuit_cache`` holds the frozen constraint system the key was made for: after
    :func:`run_setup`, or once a proof with keys loaded from disk has been made (the prover
    checked it against the key). Proofs then synthesize only the witness (the prover still checks
    every row against the assignment).
    """

    verifier: VerifierKeys
    pk: ProvingKey
    circuit_cache: dict[str, R1CS] = field(default_factory=dict, compare=False, repr=False)

    @property
    def params(self) -> ParameterSet:
        return self.verifier.params

    @property
    def pk_fhe(self) -> PublicKey:
        return self.verifier.pk_fhe


def run_setup(params: ParameterSet, pk_fhe: PublicKey, *, progress: Progress = None) -> ProverKeys:
    """Synthesize the circuit shape for the committee's joint key ``pk_fhe`` and run the Groth16
    setup. (Take ``pk_fhe`` from a finalized committee: ``consistency.committee.load_committee``.)"""
    if not isinstance(pk_fhe, PublicKey):
        raise TypeError("run_setup takes the committee's joint PublicKey")
    say = progress or (lambda _m: None)
    say(f"{params.name}: synthesizing the circuit (shape only)")
    r1cs = build_circuit(params, pk_fhe).freeze()
    say(f"{params.name}: {r1cs.num_constraints} constraints, {r1cs.num_variables} wires; Groth16 setup")
    pk = setup(r1cs, progress=progress)
    digest = params.digest(public_key_to_bytes(params.bfv, pk_fhe))
    # the system the key was made for: a sender holding these keys synthesizes only its witness
    return ProverKeys(VerifierKeys(params, pk_fhe, pk.vk, digest), pk, circuit_cache={"r1cs": r1cs})


def write_keydir(
    path: str | os.PathLike[str], keys: ProverKeys, *, provenance: dict[str, object] | None = None
) -> None:
    """Write a key directory (creating it): public files and the proving key, no secret; and
    ``provenance.json`` (:mod:`.provenance`; default: a single-party setup)."""
    from .provenance import single_party, write_provenance

    d = Path(path)
    d.mkdir(parents=True, exist_ok=True)
    v = keys.verifier
    (d / "params.json").write_text(
        json.dumps({"version": ENVELOPE_VERSION, "params_id": v.params.name, "digest": v.digest.hex()}, indent=1) + "\n"
    )
    (d / "committee_pk.bin").write_bytes(public_key_to_bytes(v.params.bfv, v.pk_fhe))
    vk_json = vk_to_json(v.vk)
    vk_json["params_id"] = v.params.name
    vk_json["params_digest"] = v.digest.hex()
    (d / "verification_key.json").write_text(json.dumps(vk_json, indent=1) + "\n")
    write_proving_key(d / "proving_key.bin", keys.pk)
    write_provenance(d, provenance if provenance is not None else single_party(v.vk))


def _unreadable(f: Path, exc: OSError) -> KeyMismatch:
    """The KeyMismatch for a key file the OS will not give us."""
    if isinstance(exc, FileNotFoundError):
        return KeyMismatch(f"missing key file {f}")
    return KeyMismatch(f"cannot read key file {f}: {exc.strerror or exc}")


def _read_bytes(f: Path) -> bytes:
    try:
        return f.read_bytes()
    except OSError as exc:
        raise _unreadable(f, exc) from None


def _read_json(f: Path) -> dict[str, Any]:
    data = _read_bytes(f)
    try:
        obj = strict_json.loads(data)
    except ValueError as exc:
        raise KeyMismatch(f"{f} is not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise KeyMismatch(f"{f} must hold a JSON object")
    return obj


def load_verifier_keys(
    path: str | os.PathLike[str], *, params: ParameterSet | None = None, allow_insecure: bool = False
) -> VerifierKeys:
    """Load and cross-check a key directory's public part. Raises :class:`KeyMismatch`.

    ``params``: the set the directory must be for (holding an insecure set's object, from
    ``consistency.hazmat.insecure_parameter_set``, is the opt-in to it); by default any secure set."""
    require_key_directory(path)
    d = Path(path)
    meta = _read_json(d / "params.json")
    if set(meta) != {"version", "params_id", "digest"}:
        raise KeyMismatch("params.json must hold exactly the keys version, params_id and digest")
    if type(meta["version"]) is not int or meta["version"] != ENVELOPE_VERSION:
        raise KeyMismatch(f"unsupported key directory version {meta['version']!r} (the integer {ENVELOPE_VERSION})")
    try:
        params = resolve_parameter_set(str(meta.get("params_id")), params, allow_insecure=allow_insecure)
    except UnknownParameterSet as exc:
        raise KeyMismatch(str(exc)) from None
    pk_bytes = _read_bytes(d / "committee_pk.bin")
    try:
        pk_fhe = public_key_from_bytes(params.bfv, pk_bytes)
    except ValueError as exc:
        raise KeyMismatch(f"committee_pk.bin: {exc}") from None
    digest = params.digest(pk_bytes)
    if meta.get("digest") != digest.hex():
        raise KeyMismatch("params.json digest does not match the parameter set and committee key")
    vk_json = _read_json(d / "verification_key.json")
    if vk_json.get("params_id") != params.name or vk_json.get("params_digest") != digest.hex():
        raise KeyMismatch("the verifying key was made for another parameter set or committee key (digest mismatch)")
    try:
        vk = vk_from_json(vk_json)
    except ValueError as exc:
        raise KeyMismatch(f"verification_key.json: {exc}") from None
    if vk.delta_g2 == vk.gamma_g2:
        raise KeyMismatch(
            "verification_key.json has delta = gamma (a key with no phase-2 contribution): anyone can "
            "change the public inputs of a proof under it; refused"
        )
    if vk.num_public != params.num_public:
        raise KeyMismatch(f"verifying key has {vk.num_public} public inputs, {params.name} needs {params.num_public}")
    return VerifierKeys(params, pk_fhe, vk, digest)


def load_prover_keys(
    path: str | os.PathLike[str], *, params: ParameterSet | None = None, allow_insecure: bool = False
) -> ProverKeys:
    """Load the verifier's part and the proving key, and check that they belong together
    (``params`` as in :func:`load_verifier_keys`)."""
    v = load_verifier_keys(path, params=params, allow_insecure=allow_insecure)
    f = Path(path) / "proving_key.bin"
    try:
        pk = read_proving_key(f)
    except OSError as exc:
        raise _unreadable(f, exc) from None
    except ValueError as exc:
        raise KeyMismatch(f"proving_key.bin: {exc}") from None
    if pk.vk != v.vk:
        raise KeyMismatch("proving_key.bin does not match verification_key.json")
    return ProverKeys(v, pk)
