"""Combining the members' answers into a verdict, never from an unproven partial.

:func:`combine` (the ``verdict`` command):

1. checks the request is for the committee's parameter set and model, and (given the key
   directory) that the envelope verifies under it and that its BFV key is the committee's;
2. recomputes the score ciphertext from the envelope and the committee's model;
3. checks every answer: it parses, names a member of the committee once, answers this request
   and this score ciphertext, and its proof verifies against the recomputed ``c1`` and the
   member's published ``h_i``; and every member answered. It refuses naming *every* member
   that fails (:class:`PartialRefused`);
4. only then combines ``x = c0_{N-1} + sum_i d_i`` (per modulus, CRT), decodes the score
   (centred mod t) and applies the model's threshold.

The result is a :class:`~.record.VerdictRecord`, which anyone re-checks offline with
:func:`~.record.audit_record`.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemes.bfv.partial import ScorePartial, combine_score
from schemes.bfv.ring import centered
from schemes.groth16 import InvalidProof, prepare_verifying_key

from ..envelope import decode
from ..errors import EnvelopeFormatError, Rejected
from ..keys import VerifierKeys
from ..scanner import ScoreCiphertext, load_scanner, model_digest, score_ciphertext
from ..server import verify_envelope
from .codec import loads
from .errors import CommitteeMismatch, MalformedCommitteeFile, PartialRefused, UnverifiedEnvelope
from .keygen import Committee
from .partial import PartialAnswer, decode_partial, verify_partial
from .record import VerdictRecord
from .request import ScanRequest

__all__ = ["combine", "check_partials"]


def _claimed_member(data: bytes) -> int:
    """The member a malformed partial claims to be from, if it says so plainly; else 0."""
    try:
        obj = loads(data, "partial")
    except MalformedCommitteeFile:
        return 0
    m = obj.get("member")
    return m if type(m) is int and m > 0 else 0


def check_partials(
    committee: Committee, request: ScanRequest, score: ScoreCiphertext, answers: Sequence[PartialAnswer | bytes]
) -> tuple[list[PartialAnswer], dict[int, str]]:
    """Step 3: the answers that pass, and per failing member why (member 0: a malformed answer
    that does not say whose it is)."""
    params = committee.params
    pvk = prepare_verifying_key(committee.config.partial_vk)
    problems: dict[int, str] = {}
    parsed: dict[int, PartialAnswer] = {}
    req_digest, score_digest = request.digest(), score.digest(params)
    for k, a in enumerate(answers):
        if not isinstance(a, PartialAnswer):
            raw = bytes(a)
            try:
                a = decode_partial(raw, params, committee.config.parties)
            except MalformedCommitteeFile as exc:
                problems[_claimed_member(raw)] = f"partial #{k + 1} is malformed ({exc})"
                continue
        if a.member in parsed or a.member in problems:
            problems[a.member] = "more than one partial"
            parsed.pop(a.member, None)
            continue
        if a.request != req_digest:
            problems[a.member] = "the partial answers another request"
            continue
        if a.score_ciphertext != score_digest:
            problems[a.member] = "the partial names another score ciphertext"
            continue
        try:
            verify_partial(committee, pvk, score, a)
        except InvalidProof:
            problems[a.member] = (
                "the proof of partial decryption does not verify (a wrong d_i, another "
                "member's d_j, or flooding outside [-F, F])"
            )
            continue
        parsed[a.member] = a
    for i in range(1, committee.config.parties + 1):
        if i not in parsed and i not in problems:
            problems[i] = "no partial"
    return [parsed[i] for i in sorted(parsed)], problems


def combine(
    committee: Committee,
    request: ScanRequest,
    answers: Sequence[PartialAnswer | bytes],
    *,
    keys: VerifierKeys | None = None,
) -> VerdictRecord:
    """The verdict record for ``request`` from the members' ``answers`` (see the module docstring)."""
    params = committee.params
    if request.params_id != params.name:
        raise CommitteeMismatch(f"the request is for {request.params_id!r}, the committee for {params.name!r}")
    model = load_scanner(params)
    if request.model_digest != committee.config.model_digest or model_digest(params, model) != request.model_digest:
        raise CommitteeMismatch("the request names another model than the committee's")
    if keys is not None:
        if keys.pk_fhe != committee.pk or keys.digest != request.keys_digest:
            raise CommitteeMismatch("the key directory is not the request's, or not made for this committee's key")
        try:
            verify_envelope(keys, request.envelope, request.context)
        except Rejected as exc:
            raise UnverifiedEnvelope(f"the envelope does not verify: {exc}") from None
    try:
        env = decode(request.envelope, params=params)
    except EnvelopeFormatError as exc:
        raise UnverifiedEnvelope(f"the envelope does not parse: {exc}") from None
    score = score_ciphertext(params, model, env.ct_fhe)
    good, problems = check_partials(committee, request, score, answers)
    if problems:
        raise PartialRefused(problems)
    plain = combine_score(params.bfv, score.c0_last, [ScorePartial(a.member, a.d) for a in good])
    value = centered(plain, params.bfv.t)
    return VerdictRecord(
        params.name,
        committee.digest,
        request,
        score.digest(params),
        tuple(good),
        value,
        model.threshold,
        "banned" if model.banned(value) else "allowed",
    )
