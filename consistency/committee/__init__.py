"""The scanning committee: real, separate members who check what they are asked (specs/committee.md).

- :mod:`.config`  -- ``committee init``: the committee directory, its public seed and circuit keys.
- :mod:`.keygen`  -- ``committee join`` / ``finalize``: keys without a dealer, every share proven.
- :mod:`.share`   -- a member's secret file (0600, atomic) and its decryption log's place.
- :mod:`.request` -- the scan request (an envelope, its context, the model digest).
- :mod:`.log`     -- a member's persistent decryption log (once per envelope, within the budget).
- :mod:`.member`  -- a member answering scan requests (never a bare ciphertext).
- :mod:`.partial` -- a member's answer: ``d_i`` and its proof.
- :mod:`.verdict` -- combining proven partials into a verdict, naming every cheating member.
- :mod:`.record`  -- the verdict record and its offline audit.
- :mod:`.cli`     -- the commands ``committee init|join|finalize``, ``setup``, ``scan``, ``partial``,
  ``verdict``, ``audit``.
- :mod:`.errors`  -- refusals, each type naming its reason.
"""

from .config import CommitteeConfig, init_committee, load_config
from .errors import (
    BudgetExhausted,
    CommitteeError,
    CommitteeMismatch,
    ContributionRefused,
    ForeignRequest,
    MalformedRequest,
    ModelMismatch,
    PartialRefused,
    RecordRefused,
    ReplayRefused,
    RequestRefused,
    UnverifiedEnvelope,
)
from .keygen import Committee, finalize, join, load_committee
from .member import Member
from .partial import PartialAnswer, decode_partial
from .record import VerdictRecord, audit_record
from .request import ScanRequest, decode_request, make_request
from .verdict import combine

__all__ = [
    "CommitteeConfig",
    "init_committee",
    "load_config",
    "Committee",
    "join",
    "finalize",
    "load_committee",
    "Member",
    "ScanRequest",
    "make_request",
    "decode_request",
    "PartialAnswer",
    "decode_partial",
    "combine",
    "VerdictRecord",
    "audit_record",
    "CommitteeError",
    "CommitteeMismatch",
    "RequestRefused",
    "UnverifiedEnvelope",
    "ReplayRefused",
    "ModelMismatch",
    "BudgetExhausted",
    "ForeignRequest",
    "MalformedRequest",
    "ContributionRefused",
    "PartialRefused",
    "RecordRefused",
]
