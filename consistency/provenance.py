"""Key provenance: where a key directory's Groth16 key came from (``KEYDIR/provenance.json``).

The file is one JSON object (specs/consistency.md, "Key directory")::

    {"version": 1, "setup": "single-party" | "phase2",
     "verifying_key_sha256": hex SHA-256 of the verifying key (snarkjs JSON, sorted keys, compact),
     -- phase2 only:
     "ptau": {"blake2b": hex BLAKE2b-512 of the .ptau file, "power": int,
              "phase1_contributions": int} or null (a key taken from a zkey without its ptau),
     "circuit_hash": hex (snarkjs csHash), "chain_verified": bool,
     "contributions": [{"hash": hex, "type": "contribution" | "beacon", "name": str or null,
                        ("beacon_hash": hex, "num_iterations_exp": int for a beacon)}, ...]}

``single-party``: one process sampled the toxic waste (``setup`` without ``--ptau``); whoever
ran it can forge proofs. ``phase2``: the key comes from a public phase-1 ceremony and the listed
phase-2 contributions; it is sound if one phase-1 and one phase-2 participant were honest.
A directory without the file is a legacy single-party directory (read as such, flagged
``legacy``). The verifying-key hash ties the record to the key: a record for another key is
refused.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from schemes import strict_json
from schemes.groth16 import VerifyingKey
from schemes.groth16.ceremony import CeremonyError, ChainReport
from schemes.groth16.snarkjs import vk_to_json

from .errors import KeyMismatch

__all__ = ["PROVENANCE_FILE", "single_party", "phase2", "write_provenance", "read_provenance", "vk_sha256", "describe"]

PROVENANCE_FILE = "provenance.json"
_VERSION = 1


def vk_sha256(vk: VerifyingKey) -> str:
    return hashlib.sha256(json.dumps(vk_to_json(vk), sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def single_party(vk: VerifyingKey) -> dict[str, Any]:
    return {"version": _VERSION, "setup": "single-party", "verifying_key_sha256": vk_sha256(vk)}


def phase2(
    vk: VerifyingKey, report: ChainReport, *, ptau: dict[str, Any] | None, chain_verified: bool
) -> dict[str, Any]:
    contributions: list[dict[str, str | int | None]] = []
    for c in report.contributions:
        kind = "beacon" if c.type == 1 else "contribution"
        item: dict[str, str | int | None] = {"hash": c.hash.hex(), "type": kind, "name": c.name}
        if c.type == 1:
            if c.beacon_hash is None or c.num_iterations_exp is None:
                raise CeremonyError(f"beacon contribution {c.hash.hex()} has no beacon hash or iteration exponent")
            item["beacon_hash"] = c.beacon_hash.hex()
            item["num_iterations_exp"] = c.num_iterations_exp
        contributions.append(item)
    return {
        "version": _VERSION,
        "setup": "phase2",
        "verifying_key_sha256": vk_sha256(vk),
        "ptau": ptau,
        "circuit_hash": report.cs_hash.hex(),
        "chain_verified": bool(chain_verified),
        "contributions": contributions,
    }


def write_provenance(keydir: str | os.PathLike[str], record: dict[str, Any]) -> None:
    (Path(keydir) / PROVENANCE_FILE).write_text(json.dumps(record, indent=1) + "\n")


def read_provenance(keydir: str | os.PathLike[str], vk: VerifyingKey) -> dict[str, Any]:
    """The record, checked against ``vk``; a missing file gives the legacy single-party record.
    Raises :class:`KeyMismatch` for a malformed record or one made for another key."""
    f = Path(keydir) / PROVENANCE_FILE
    try:
        data = f.read_bytes()
    except FileNotFoundError:
        return {"version": _VERSION, "setup": "single-party", "legacy": True, "verifying_key_sha256": vk_sha256(vk)}
    except OSError as exc:
        raise KeyMismatch(f"cannot read {f}: {exc.strerror or exc}") from None
    try:
        rec = strict_json.loads(data)
    except ValueError as exc:
        raise KeyMismatch(f"{f} is not valid JSON: {exc}") from None
    if (
        not isinstance(rec, dict)
        or rec.get("version") != _VERSION
        or rec.get("setup") not in ("single-party", "phase2")
    ):
        raise KeyMismatch(f"{f}: not a version-{_VERSION} provenance record")
    if rec.get("verifying_key_sha256") != vk_sha256(vk):
        raise KeyMismatch(f"{f} describes another verifying key")
    if rec["setup"] == "phase2":
        if not isinstance(rec.get("contributions"), list) or not isinstance(rec.get("circuit_hash"), str):
            raise KeyMismatch(f"{f}: a phase2 record needs circuit_hash and contributions")
    return rec


def describe(rec: dict[str, Any]) -> list[str]:
    """Human-readable lines for ``inspect-keys``."""
    if rec["setup"] == "single-party":
        lines = ["setup: single-party (one process sampled the toxic waste: whoever ran it can forge proofs)"]
        if rec.get("legacy"):
            lines.append("  (no provenance.json: a directory from before provenance was recorded)")
        return lines
    pt = rec.get("ptau")
    lines = ["setup: phase2 (public powers of tau + phase-2 contributions)"]
    if pt:
        lines.append(
            f"  ptau: blake2b {pt['blake2b']}, power {pt['power']}, {pt['phase1_contributions']} phase-1 contributions"
        )
    else:
        lines.append("  ptau: unknown (key taken from a zkey without its ptau: chain NOT verified)")
    lines.append(f"  circuit hash: {rec['circuit_hash']}")
    cs = rec["contributions"]
    lines.append(
        f"  phase-2 contributions: {len(cs)}"
        + (" (chain verified at setup)" if rec.get("chain_verified") else " (chain not verified)")
    )
    for i, c in enumerate(cs, 1):
        extra = f" beacon {c['beacon_hash']} 2^{c['num_iterations_exp']}" if c["type"] == "beacon" else ""
        lines.append(f"  #{i} {c['type']:<12} {c['hash']}  {c.get('name') or ''}{extra}")
    if not cs:
        lines.append(
            "  WARNING: no phase-2 contribution: delta = gamma, anyone can forge proofs with this key (loaders refuse it)"
        )
    return lines
