"""One error model: every deliberate exception is a SchemesError; failed checks and operational
failures are not ValueErrors (``except ValueError`` never swallows a rejection)."""

from __future__ import annotations

import pytest

import consistency.errors as ce
from consistency.image import ImageError
from consistency.payload import PayloadFormatError
from schemes.bfv.errors import BfvError
from schemes.bn254.curve import InvalidPoint
from schemes.bn254.msm import MSMInputError
from schemes.errors import SchemesError
from schemes.groth16.errors import EncodingError, InvalidProof, KeyMismatch, UnsatisfiedWitness
from schemes.key_agreement import KeyAgreementError
from schemes.poseidon_cipher.errors import DecryptionError
from schemes.r1cs.errors import R1CSError
from schemes.strict_json import DuplicateKey

NOT_VALUE_ERRORS = [
    ce.Rejected,
    ce.ReplayRejected,
    ce.OperationalError,
    ce.OpeningError,
    InvalidProof,
    ce.ConsistencyError,
]
VALUE_ERRORS = [
    ce.EnvelopeFormatError,
    ce.UnknownParameterSet,
    ce.KeyMismatch,
    ImageError,
    PayloadFormatError,
    EncodingError,
    KeyMismatch,
    UnsatisfiedWitness,
    BfvError,
    InvalidPoint,
    MSMInputError,
    KeyAgreementError,
    DecryptionError,
    R1CSError,
    DuplicateKey,
]


@pytest.mark.parametrize("cls", NOT_VALUE_ERRORS + VALUE_ERRORS)
def test_every_error_is_a_schemes_error(cls):
    assert issubclass(cls, SchemesError)


@pytest.mark.parametrize("cls", NOT_VALUE_ERRORS)
def test_failed_checks_are_not_value_errors(cls):
    assert not issubclass(cls, ValueError)


@pytest.mark.parametrize("cls", VALUE_ERRORS)
def test_bad_arguments_stay_value_errors(cls):
    assert issubclass(cls, ValueError)


def test_a_rejection_passes_through_except_value_error():
    with pytest.raises(ce.Rejected):
        try:
            raise ce.Rejected("no", ce.RejectReason.PROOF)
        except ValueError:  # pragma: no cover - the point of the test: this must not catch it
            pytest.fail("a rejection was swallowed by except ValueError")


def test_committee_errors_follow_the_model():
    """Refusals by members, finalize, verdict and audit are failed checks; malformed committee
    files and mismatched inputs are bad arguments."""
    import consistency.committee.errors as ke

    refusals = [
        ke.RequestRefused,
        ke.UnverifiedEnvelope,
        ke.ReplayRefused,
        ke.ModelMismatch,
        ke.BudgetExhausted,
        ke.ForeignRequest,
        ke.MalformedRequest,
        ke.ContributionRefused,
        ke.PartialRefused,
        ke.RecordRefused,
        ke.CorruptLog,
    ]
    for cls in refusals + [ke.MalformedCommitteeFile, ke.CommitteeMismatch]:
        assert issubclass(cls, ce.ConsistencyError) and issubclass(cls, SchemesError)
    for cls in refusals:
        assert not issubclass(cls, ValueError), cls
    for cls in (ke.MalformedCommitteeFile, ke.CommitteeMismatch):
        assert issubclass(cls, ValueError)
