"""Toy-set keys and honest envelopes shared by the consistency tests (built once per session).

The committee is real: ``committee init`` in a session directory, three members joining (each
share in its own 0600 file), ``finalize``; the consistency circuit's Groth16 setup then uses the
seeded INSECURE mode so that runs are reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from consistency.circuit import build_circuit
from consistency.committee import Committee, finalize, init_committee, join
from consistency.demo import _shipped_image
from consistency.envelope import Envelope
from consistency.keys import ProverKeys, VerifierKeys
from consistency.params import ParameterSet, get_parameter_set
from consistency.sender import send
from schemes.bfv.keys import PublicKey
from schemes.bfv.serialization import public_key_to_bytes
from schemes.groth16 import insecure_setup_from_seed
from schemes.key_agreement import RecipientSecretKey, generate_recipient_key


@dataclass
class ToyWorld:
    params: ParameterSet
    committee: Committee
    secrets: dict  # member -> its secret file (each member's log sits beside it)
    keys: ProverKeys
    recipient: RecipientSecretKey
    benign: np.ndarray
    banned: np.ndarray
    env_benign: Envelope
    env_banned: Envelope
    ctx_benign: bytes = b"msg-id=1;from=alice;to=bob"
    ctx_banned: bytes = b"msg-id=2;from=alice;to=bob"


def toy_keys(params: ParameterSet, pk_fhe: PublicKey, seed: bytes) -> ProverKeys:
    r1cs = build_circuit(params, pk_fhe).freeze()
    pk = insecure_setup_from_seed(r1cs, seed)
    digest = params.digest(public_key_to_bytes(params.bfv, pk_fhe))
    return ProverKeys(VerifierKeys(params, pk_fhe, pk.vk, digest), pk)


def make_toy_committee(
    root, params: ParameterSet, parties: int = 3, *, budget: int | None = None, committee_id: str = "toy-tests"
) -> tuple[Committee, dict]:
    """A finalized toy committee in ``root/committee`` with each member's secret in
    ``root/member_<i>/share.secret``."""
    from pathlib import Path

    root = Path(root)
    init_committee(root / "committee", params, parties, committee_id, decryption_budget=budget)
    secrets = {}
    for i in range(1, parties + 1):
        (root / f"member_{i}").mkdir(mode=0o700)
        secrets[i] = root / f"member_{i}" / "share.secret"
        join(root / "committee", i, secrets[i], allow_insecure=True)
    return finalize(root / "committee", allow_insecure=True), secrets


@pytest.fixture(scope="session")
def toy(tmp_path_factory) -> ToyWorld:
    params = get_parameter_set("toy", allow_insecure=True)
    committee, secrets = make_toy_committee(tmp_path_factory.mktemp("toy-committee"), params)
    keys = toy_keys(params, committee.pk, b"toy-tests")
    recipient = generate_recipient_key()
    benign, banned = _shipped_image("toy", "benign"), _shipped_image("toy", "banned")
    w = ToyWorld(params, committee, secrets, keys, recipient, benign, banned, None, None)  # type: ignore[arg-type]
    w.env_benign = send(benign, recipient.public_bytes(), keys, w.ctx_benign)
    w.env_banned = send(banned, recipient.public_bytes(), keys, w.ctx_banned)
    return w


# -- the server's state: stores, issued contexts -------------------------------------------------


def needs(what: str) -> None:
    """A test cannot run here (no PostgreSQL DSN, no Dask): skipped locally, FAILED on CI."""
    import os

    if os.environ.get("CI"):
        pytest.fail(f"{what} is required on CI (see .ci/run)", pytrace=False)
    pytest.skip(f"{what} not available (set it up as .ci/run does)")


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    import os

    dsn = os.environ.get("CONSISTENCY_TEST_POSTGRES_DSN")
    if not dsn:
        needs("a PostgreSQL server (CONSISTENCY_TEST_POSTGRES_DSN)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        needs("psycopg (the 'postgres' extra)")
    return dsn


@pytest.fixture
def pg_prefix(postgres_dsn):
    """A fresh table prefix for one test; its tables are dropped afterwards."""
    import secrets

    import psycopg

    prefix = f"t{secrets.token_hex(6)}_"
    yield prefix
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {prefix}claims, {prefix}context_key")


@dataclass
class Issued:
    """Envelopes bound to contexts issued under ``key`` (pass ``context_key=key`` to a Server),
    valid for a day from the session start."""

    key: bytes
    items: list  # (envelope bytes, context)


@pytest.fixture(scope="session")
def issued(toy) -> Issued:
    import secrets
    import time

    from consistency.contexts import issue_context
    from consistency.envelope import encode

    key = secrets.token_bytes(32)
    items = []
    for i in range(8):
        ctx = issue_context(key, int(time.time()) + 86400, sender=f"alice{i}", recipient="bob")
        env = send(toy.benign if i % 2 == 0 else toy.banned, toy.recipient.public_bytes(), toy.keys, ctx)
        items.append((encode(env, allow_insecure=True), ctx))
    return Issued(key, items)


# -- the committee's scan --------------------------------------------------------------------------


def committee_verdict(toy: ToyWorld, envelope, context: bytes):
    """Scan request -> each member's answer -> the verdict record, for a fresh envelope (each
    member's log refuses an envelope twice)."""
    from consistency.committee import Member, combine, make_request

    request = make_request(toy.keys.verifier, envelope, context)
    answers = [Member(toy.committee, toy.keys.verifier, i, toy.secrets[i]).answer(request) for i in sorted(toy.secrets)]
    return combine(toy.committee, request, answers, keys=toy.keys.verifier)
