"""Exceptions of the committee. Each type names the reason for the refusal it reports.

- :class:`RequestRefused` (a member refuses a scan request; ``reason`` is a
  :class:`RefusalReason`): :class:`UnverifiedEnvelope`, :class:`ReplayRefused`,
  :class:`ModelMismatch`, :class:`BudgetExhausted`, :class:`ForeignRequest`,
  :class:`MalformedRequest`;
- :class:`ContributionRefused` (``finalize`` refuses the key contributions of the members in
  ``members``), :class:`PartialRefused` (``verdict`` refuses the partials of the members in
  ``members``), :class:`RecordRefused` (``audit`` refuses a verdict record);
- :class:`MalformedCommitteeFile`, :class:`CommitteeMismatch`, :class:`CorruptLog`.

In the library's error model (``consistency.errors``) malformed files and mismatched inputs
(``MalformedCommitteeFile``, ``CommitteeMismatch``) are also ``ValueError``s; refusals (failed
checks) are not, so ``except ValueError`` never swallows one.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from ..errors import ConsistencyError

__all__ = [
    "CommitteeError",
    "MalformedCommitteeFile",
    "CommitteeMismatch",
    "CorruptLog",
    "RefusalReason",
    "RequestRefused",
    "UnverifiedEnvelope",
    "ReplayRefused",
    "ModelMismatch",
    "BudgetExhausted",
    "ForeignRequest",
    "MalformedRequest",
    "NamedRefusal",
    "ContributionRefused",
    "PartialRefused",
    "RecordRefused",
]


class CommitteeError(ConsistencyError):
    """Base class of the committee's errors."""


class MalformedCommitteeFile(CommitteeError, ValueError):
    """A committee file (configuration, contribution, share, partial, record) does not parse."""


class CommitteeMismatch(CommitteeError, ValueError):
    """Files that do not belong together: a key directory made for another committee key, a
    share of another committee, a committee directory whose files disagree."""


class CorruptLog(CommitteeError):
    """A member's decryption log cannot be read back: the member refuses to decrypt anything
    until it is repaired (it cannot tell what it already decrypted)."""


class RefusalReason(enum.Enum):
    """Why a member refused a scan request (stable values: they appear in messages and logs)."""

    UNVERIFIED_ENVELOPE = "unverified_envelope"  #: the envelope's proof does not verify
    REPLAY = "replay"  #: this member already decrypted this envelope
    MODEL_MISMATCH = "model_mismatch"  #: the request names another model than the committee's
    BUDGET = "budget"  #: the key's decryption budget is used up
    FOREIGN = "foreign"  #: another parameter set or key directory
    MALFORMED = "malformed"  #: not a well-formed scan request


class RequestRefused(CommitteeError):
    """A member refuses a scan request: ``reason`` says why, ``str(exc)`` explains."""

    reason: RefusalReason

    def __init__(self, message: str) -> None:
        super().__init__(f"{self.reason.value}: {message}")


class UnverifiedEnvelope(RequestRefused):
    reason = RefusalReason.UNVERIFIED_ENVELOPE


class ReplayRefused(RequestRefused):
    reason = RefusalReason.REPLAY


class ModelMismatch(RequestRefused):
    reason = RefusalReason.MODEL_MISMATCH


class BudgetExhausted(RequestRefused):
    reason = RefusalReason.BUDGET


class ForeignRequest(RequestRefused):
    reason = RefusalReason.FOREIGN


class MalformedRequest(RequestRefused):
    reason = RefusalReason.MALFORMED


class NamedRefusal(CommitteeError):
    """A refusal that names members: ``members`` maps each member index to why it was refused."""

    what = "refused"

    def __init__(self, members: Mapping[int, str]) -> None:
        self.members = dict(sorted(members.items()))
        detail = "; ".join(f"member {i}: {why}" for i, why in self.members.items())
        super().__init__(
            f"{self.what} (member{'s' if len(self.members) != 1 else ''} {', '.join(map(str, self.members))}): {detail}"
        )


class ContributionRefused(NamedRefusal):
    """``finalize`` refuses: these members' key contributions are missing, malformed or unproven."""

    what = "key contributions refused"


class PartialRefused(NamedRefusal):
    """``verdict`` refuses: these members' partial decryptions are missing, malformed or unproven."""

    what = "partial decryptions refused"


class RecordRefused(CommitteeError):
    """``audit`` refuses a verdict record; ``problems`` lists every check that failed, and
    ``members`` the members whose partials failed."""

    def __init__(self, problems: list[str], members: Mapping[int, str] | None = None) -> None:
        self.problems = list(problems)
        self.members = dict(sorted((members or {}).items()))
        super().__init__("record refused: " + "; ".join(self.problems))
