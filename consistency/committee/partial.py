"""A member's answer to a scan request: its partial decryption ``d_i`` and the proof ``rho_i``.

File format (JSON, exactly these keys; specs/committee.md §6)::

    {"version": 1, "kind": "partial", "member": i, "d": ["<dec mod q_1>", ..., "<dec mod q_K>"],
     "request": hex(request digest), "score_ciphertext": hex(score ciphertext digest),
     "proof": <snarkjs proof.json>}

``rho_i`` is a Groth16 proof of the partial-decryption relation (:mod:`schemes.bfv.partial_gadget`)
for the public inputs ``(tag, i, h_i, d, c1)``: ``h_i`` is member i's published commitment and
``c1`` the score ciphertext's, which the verifier recomputes itself from the request. The two
digests only let a reader see which request the answer is for: the proof is checked against the
recomputed values, never against what the file says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemes.bfv.moduli import moduli
from schemes.bfv.partial_gadget import PartialStatement, partial_public_inputs
from schemes.groth16 import PreparedVerifyingKey, Proof, verify
from schemes.groth16.snarkjs import proof_from_json, proof_to_json

from ..params import ParameterSet
from ..scanner import ScoreCiphertext
from .codec import canonical, dec, hexbytes, loads, require_keys, small_int
from .errors import MalformedCommitteeFile
from .keygen import Committee

__all__ = ["PartialAnswer", "decode_partial", "partial_from_json", "partial_statement", "verify_partial"]

_KEYS = ("version", "kind", "member", "d", "request", "score_ciphertext", "proof")


@dataclass(frozen=True)
class PartialAnswer:
    """Member ``member``'s partial decryption of one request's score coefficient, and its proof."""

    member: int
    d: tuple[int, ...]
    request: bytes
    score_ciphertext: bytes
    proof: Proof

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "kind": "partial",
            "member": self.member,
            "d": [str(int(x)) for x in self.d],
            "request": self.request.hex(),
            "score_ciphertext": self.score_ciphertext.hex(),
            "proof": proof_to_json(self.proof),
        }

    def encode(self) -> bytes:
        return canonical(self.to_json()) + b"\n"


def partial_from_json(obj: object, params: ParameterSet, parties: int) -> PartialAnswer:
    """Strictly parse a partial's JSON object (:class:`MalformedCommitteeFile`)."""
    if not isinstance(obj, dict):
        raise MalformedCommitteeFile("a partial is a JSON object")
    require_keys(obj, _KEYS, "partial")
    if type(obj["version"]) is not int or obj["version"] != 1 or obj["kind"] != "partial":
        raise MalformedCommitteeFile("not a partial of version 1")
    member = small_int(obj["member"], "partial: member", 1, parties)
    mods = moduli(params.bfv)
    if not isinstance(obj["d"], list) or len(obj["d"]) != len(mods):
        raise MalformedCommitteeFile(f"partial: d must hold one decimal string per RNS modulus ({len(mods)})")
    d = tuple(dec(x, f"partial: d[{k}]", q) for k, (x, q) in enumerate(zip(obj["d"], mods)))
    try:
        proof = proof_from_json(obj["proof"])
    except ValueError as exc:
        raise MalformedCommitteeFile(f"partial: proof: {exc}") from None
    return PartialAnswer(
        member,
        d,
        hexbytes(obj["request"], "partial: request", 32),
        hexbytes(obj["score_ciphertext"], "partial: score_ciphertext", 32),
        proof,
    )


def decode_partial(data: bytes, params: ParameterSet, parties: int) -> PartialAnswer:
    """Parse a partial file's bytes."""
    return partial_from_json(loads(data, "partial"), params, parties)


def partial_statement(
    committee: Committee, member: int, d: tuple[int, ...], score: ScoreCiphertext
) -> PartialStatement:
    """The public inputs of member ``member``'s proof: its published ``h`` and the given ``c1``."""
    return PartialStatement(committee.config.tag, member, committee.contribution(member).h, tuple(d), score.c1)


def verify_partial(
    committee: Committee, pvk: PreparedVerifyingKey, score: ScoreCiphertext, answer: PartialAnswer
) -> None:
    """Raise :class:`~schemes.groth16.InvalidProof` unless ``answer``'s proof verifies for the
    recomputed ``score`` and the member's published commitment."""
    verify(pvk, partial_public_inputs(partial_statement(committee, answer.member, answer.d, score)), answer.proof)
