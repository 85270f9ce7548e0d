"""Toy-set keys and honest envelopes shared by the consistency tests (built once per session).

The Groth16 setup uses the seeded INSECURE mode so that runs are reproducible; the committee
key is a fresh 3-party threshold key.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from consistency.demo import _shipped_image
from consistency.envelope import Envelope
from consistency.keys import Committee, ProverKeys, VerifierKeys, generate_committee
from consistency.params import ParameterSet, get_parameter_set
from consistency.sender import send
from schemes.bfv.serialization import public_key_to_bytes
from schemes.groth16 import insecure_setup_from_seed
from schemes.key_agreement import RecipientSecretKey, generate_recipient_key
from consistency.circuit import build_circuit


@dataclass
class ToyWorld:
    params: ParameterSet
    committee: Committee
    keys: ProverKeys
    recipient: RecipientSecretKey
    benign: np.ndarray
    banned: np.ndarray
    env_benign: Envelope
    env_banned: Envelope
    ctx_benign: bytes = b"msg-id=1;from=alice;to=bob"
    ctx_banned: bytes = b"msg-id=2;from=alice;to=bob"


def toy_keys(params: ParameterSet, committee: Committee, seed: bytes) -> ProverKeys:
    r1cs = build_circuit(params, committee.pk).freeze()
    pk = insecure_setup_from_seed(r1cs, seed)
    digest = params.digest(public_key_to_bytes(params.bfv, committee.pk))
    return ProverKeys(VerifierKeys(params, committee.pk, pk.vk, digest), pk)


@pytest.fixture(scope="session")
def toy() -> ToyWorld:
    params = get_parameter_set("toy", allow_insecure=True)
    committee = generate_committee(params)
    keys = toy_keys(params, committee, b"toy-tests")
    recipient = generate_recipient_key()
    benign, banned = _shipped_image("toy", "benign"), _shipped_image("toy", "banned")
    w = ToyWorld(params, committee, keys, recipient, benign, banned, None, None)  # type: ignore[arg-type]
    w.env_benign = send(benign, recipient.public_bytes(), keys, w.ctx_benign)
    w.env_banned = send(banned, recipient.public_bytes(), keys, w.ctx_banned)
    return w
