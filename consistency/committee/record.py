"""The verdict record, and its offline audit (specs/committee.md §7).

Format (JSON, exactly these keys)::

    {"version": 1, "kind": "verdict-record", "params_id": NAME, "committee": hex(digest),
     "request": <the scan request's JSON object>,
     "envelope_digest": hex(SHA-256 of the envelope), "context": hex,
     "model_digest": hex, "score_ciphertext_digest": hex,
     "partials": [<each member's partial JSON object>, ... by member],
     "score": "<signed decimal>", "threshold": "<signed decimal>", "verdict": "banned" | "allowed"}

The record carries the whole request (the envelope and its context) so that an auditor needs
nothing but public data: the key directory (verifying key and committee key) and the committee
directory (its configuration and the members' proven contributions).

:func:`audit_record` re-checks everything: the record parses strictly; the key directory's BFV
key is the committee's joint key and is the one the request names; the envelope verifies under
it with the recorded context; every digest in the record is recomputed; every partial's proof
verifies against the recomputed score ciphertext and the member's published commitment; the
combination gives the recorded score; the threshold is the model's and the verdict follows.
Any failure is a :class:`RecordRefused` listing every problem (and the members at fault).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..keys import VerifierKeys
from .codec import canonical, hexbytes, loads, require_keys
from .errors import MalformedCommitteeFile, MalformedRequest, RecordRefused
from .keygen import Committee
from .partial import PartialAnswer, partial_from_json
from .request import ScanRequest, request_from_json

__all__ = ["VerdictRecord", "decode_record", "audit_record"]

_KEYS = (
    "version",
    "kind",
    "params_id",
    "committee",
    "request",
    "envelope_digest",
    "context",
    "model_digest",
    "score_ciphertext_digest",
    "partials",
    "score",
    "threshold",
    "verdict",
)
_SIGNED = re.compile(r"^-?(0|[1-9][0-9]{0,30})$")


@dataclass(frozen=True)
class VerdictRecord:
    """What ``verdict`` outputs and a server keeps (see the module docstring)."""

    params_id: str
    committee: bytes
    request: ScanRequest
    score_ciphertext_digest: bytes
    partials: tuple[PartialAnswer, ...]
    score: int
    threshold: int
    verdict: str

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "kind": "verdict-record",
            "params_id": self.params_id,
            "committee": self.committee.hex(),
            "request": self.request.to_json(),
            "envelope_digest": self.request.envelope_digest().hex(),
            "context": self.request.context.hex(),
            "model_digest": self.request.model_digest.hex(),
            "score_ciphertext_digest": self.score_ciphertext_digest.hex(),
            "partials": [p.to_json() for p in self.partials],
            "score": str(self.score),
            "threshold": str(self.threshold),
            "verdict": self.verdict,
        }

    def encode(self) -> bytes:
        return canonical(self.to_json()) + b"\n"


def _signed(value: object, what: str) -> int:
    if not isinstance(value, str) or not _SIGNED.match(value) or value == "-0":
        raise MalformedCommitteeFile(f"record: {what} must be a canonical signed decimal string")
    return int(value)


def decode_record(data: bytes, committee: Committee) -> tuple[VerdictRecord, dict[str, Any]]:
    """Parse a record strictly; returns the record and its raw JSON object (whose redundant
    fields the audit compares with the values it recomputes)."""
    obj = loads(data, "verdict record")
    require_keys(obj, _KEYS, "verdict record")
    if type(obj["version"]) is not int or obj["version"] != 1 or obj["kind"] != "verdict-record":
        raise MalformedCommitteeFile("not a verdict record of version 1")
    try:
        request = request_from_json(obj["request"])
    except MalformedRequest as exc:
        raise MalformedCommitteeFile(f"record: request: {exc}") from None
    if not isinstance(obj["partials"], list):
        raise MalformedCommitteeFile("record: partials must be a list")
    partials = tuple(partial_from_json(p, committee.params, committee.config.parties) for p in obj["partials"])
    if obj["verdict"] not in ("banned", "allowed"):
        raise MalformedCommitteeFile("record: verdict must be 'banned' or 'allowed'")
    if not isinstance(obj["params_id"], str):
        raise MalformedCommitteeFile("record: params_id must be a name")
    record = VerdictRecord(
        obj["params_id"],
        hexbytes(obj["committee"], "record: committee", 32),
        request,
        hexbytes(obj["score_ciphertext_digest"], "record: score_ciphertext_digest", 32),
        partials,
        _signed(obj["score"], "score"),
        _signed(obj["threshold"], "threshold"),
        obj["verdict"],
    )
    return record, obj


def audit_record(data: bytes | VerdictRecord, keys: VerifierKeys, committee: Committee) -> VerdictRecord:
    """Re-check a verdict record from public data only; return it, or raise :class:`RecordRefused`."""
    from .errors import CommitteeError
    from .verdict import combine  # the same checks and arithmetic as the verdict itself

    if isinstance(data, VerdictRecord):
        data = data.encode()
    try:
        record, raw = decode_record(bytes(data), committee)
    except MalformedCommitteeFile as exc:
        raise RecordRefused([f"malformed record: {exc}"]) from None
    problems: list[str] = []
    if record.params_id != committee.params.name:
        problems.append(f"the record is for {record.params_id!r}, the committee for {committee.params.name!r}")
    if record.committee != committee.digest:
        problems.append("the record names another committee")
    try:
        recomputed = combine(committee, record.request, list(record.partials), keys=keys)
    except CommitteeError as exc:
        members = getattr(exc, "members", None)
        raise RecordRefused(problems + [str(exc)], members) from None
    if recomputed.to_json() != raw:
        for k, v in recomputed.to_json().items():
            if raw.get(k) != v:
                problems.append(f"the recorded {k} is not the recomputed one")
    if problems:
        raise RecordRefused(problems)
    return recomputed
