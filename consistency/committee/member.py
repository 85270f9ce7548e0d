"""A committee member: it answers scan requests, and nothing else (specs/committee.md §5).

:meth:`Member.answer` takes a :class:`~.request.ScanRequest` (or its bytes); there is no method
that takes a ciphertext. For each request the member, in this order:

1. parses the request strictly (:class:`MalformedRequest`);
2. checks it is for its parameter set and its key directory (:class:`ForeignRequest`) and for
   the committee's model (:class:`ModelMismatch`);
3. verifies the envelope's Groth16 proof itself, with the context the request names
   (:class:`UnverifiedEnvelope`): the inference input is then an honest encryption, under the
   committee's key, of the image the sender committed to;
4. recomputes the score ciphertext from the envelope's ``ct_fhe`` and the committee's model;
5. records the decryption in its persistent log, refusing an envelope (or score ciphertext) it
   already decrypted (:class:`ReplayRefused`) and a decryption beyond the key's budget
   (:class:`BudgetExhausted`) -- before it computes anything from its share;
6. decrypts coefficient N-1 only, with fresh flooding ``|E| <= F``, per RNS modulus, and proves
   it against its published commitment ``h_i``.

At construction the member checks that the key directory's BFV key *is* its committee's joint
key: a key directory made for another key would let a forged envelope carry a chosen ``c1``.
"""

from __future__ import annotations

import os

from schemes.bfv.partial import partial_decrypt_score
from schemes.bfv.partial_gadget import partial_circuit
from schemes.bfv.sampling import RandomSource
from schemes.groth16 import ProvingKey, prove

from ..envelope import decode
from ..errors import EnvelopeFormatError, Rejected
from ..keys import VerifierKeys
from ..scanner import load_scanner, model_digest, score_ciphertext
from ..server import verify_envelope
from .errors import CommitteeMismatch, ForeignRequest, ModelMismatch, UnverifiedEnvelope
from .keygen import Committee, load_member_share
from .log import DecryptionLog
from .partial import PartialAnswer, partial_statement
from .request import ScanRequest, decode_request, envelope_id
from .share import log_path

__all__ = ["Member"]


class Member:
    """Member ``member`` of ``committee``, holding the share in ``secret_path`` and trusting the
    key directory ``keys`` (its own copy; the envelopes it accepts verify under it)."""

    def __init__(
        self,
        committee: Committee,
        keys: VerifierKeys,
        member: int,
        secret_path: str | os.PathLike[str],
        *,
        rng: RandomSource | None = None,
    ) -> None:
        if keys.params != committee.params:
            raise CommitteeMismatch(
                f"the key directory is for {keys.params.name}, the committee for {committee.params.name}"
            )
        if keys.pk_fhe != committee.pk:
            raise CommitteeMismatch("the key directory's BFV key is not this committee's joint key")
        self.committee = committee
        self.keys = keys
        self.member = member
        self._share = load_member_share(committee, member, secret_path)
        self._model = load_scanner(committee.params)
        if model_digest(committee.params, self._model) != committee.config.model_digest:
            raise CommitteeMismatch("the shipped scanner model is not the one the committee agreed on")
        self.log = DecryptionLog(log_path(secret_path))
        self._rng = rng
        self._proving_key: ProvingKey | None = None

    def __repr__(self) -> str:  # never the share
        return f"Member({self.member} of committee {self.committee.digest.hex()[:16]}...)"

    @property
    def budget(self) -> int:
        return self.committee.config.decryption_budget

    def decryptions(self) -> int:
        """How many decryptions this member's log holds (for this key)."""
        return len(self.log.entries())

    def answer(self, request: ScanRequest | bytes) -> PartialAnswer:
        """The member's partial decryption of ``request``'s score, with its proof, or a
        :class:`~.errors.RequestRefused` whose type names the reason."""
        if isinstance(request, (bytes, bytearray)):
            request = decode_request(bytes(request))
        elif not isinstance(request, ScanRequest):
            raise TypeError(f"a member answers scan requests only, not {type(request).__name__}")
        params = self.committee.params
        if request.params_id != params.name:
            raise ForeignRequest(f"the request is for parameter set {request.params_id!r}, not {params.name!r}")
        if request.keys_digest != self.keys.digest:
            raise ForeignRequest("the request names another key directory than this member's")
        if request.model_digest != self.committee.config.model_digest:
            raise ModelMismatch("the request names another model than the one the committee decrypts for")
        try:
            verify_envelope(self.keys, request.envelope, request.context)
            env = decode(request.envelope, params=params)
        except (Rejected, EnvelopeFormatError) as exc:
            raise UnverifiedEnvelope(f"the envelope does not verify: {exc}") from None
        score = score_ciphertext(params, self._model, env.ct_fhe)
        score_digest = score.digest(params)
        self.log.claim(envelope_id(env), score_digest, request.digest(), self.budget)
        part, witness = partial_decrypt_score(params.bfv, self._share, score.c1, self._rng)
        statement = partial_statement(self.committee, self.member, part.d, score)
        cs = partial_circuit(params.bfv, statement, self._share, witness)
        if self._proving_key is None:
            self._proving_key = self.committee.config.proving_key("partial")
        proof = prove(self._proving_key, cs.freeze(), cs.assignment)
        return PartialAnswer(self.member, part.d, request.digest(), score_digest, proof)
