"""The attacks of the committee issue, each refused; each test fails if its defence is removed.

Members are asked by a scanner that lies: unverified envelopes, replays (also after a restart,
with a re-randomized proof, and concurrently), another model, past the budget, a bare
ciphertext, a key directory for another key. Members lie to ``finalize`` (rogue keys, copies) and
to ``verdict`` (``d_i + 1``, another member's ``d_j``, flooding beyond F). Records are altered
before an ``audit``. Secrets stay in 0600 files, never in a key directory.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
from dataclasses import replace

import pytest

from consistency.committee import (
    BudgetExhausted,
    ContributionRefused,
    Member,
    ModelMismatch,
    PartialRefused,
    RecordRefused,
    ReplayRefused,
    UnverifiedEnvelope,
    audit_record,
    combine,
    finalize,
    make_request,
)
from consistency.committee.errors import CommitteeMismatch, ForeignRequest, MalformedCommitteeFile, MalformedRequest
from consistency.committee.keygen import contribution_json, contribution_path, read_contribution
from consistency.committee.partial import PartialAnswer
from consistency.committee.request import ScanRequest
from consistency.envelope import encode
from consistency.keys import write_keydir
from consistency.sender import send
from schemes.bfv.dkg import contribution_from_secret
from schemes.bfv.encryption import Ciphertext
from schemes.bfv.keys import keygen
from schemes.bfv.partial import partial_decrypt_score
from schemes.bfv.partial_gadget import partial_circuit
from schemes.groth16 import UnsatisfiedWitness, prove
from schemes.groth16.rerandomize import rerandomize

from .conftest import make_toy_committee, toy_keys


@pytest.fixture(scope="module")
def world(toy, tmp_path_factory):
    """A committee of its own (its members' logs are this module's), and its key directory."""
    committee, secrets = make_toy_committee(tmp_path_factory.mktemp("attacks"), toy.params, committee_id="attacks")
    keys = toy_keys(toy.params, committee.pk, b"attacks")
    return committee, secrets, keys


_counter = iter(range(10**6))


def fresh(toy, keys, kind: str = "benign"):
    """A fresh envelope (never decrypted before) and its context."""
    ctx = f"msg-id=attack-{next(_counter)};from=alice;to=bob".encode()
    env = send(toy.benign if kind == "benign" else toy.banned, toy.recipient.public_bytes(), keys, ctx)
    return env, ctx


def members(world):
    committee, secrets, keys = world
    return {i: Member(committee, keys.verifier, i, secrets[i]) for i in secrets}


def answers_for(world, request):
    return [m.answer(request) for m in members(world).values()]


# --------------------------------------------------------------------------- members refuse


def test_request_whose_envelope_does_not_verify_is_refused(toy, world):
    _, _, keys = world
    env, ctx = fresh(toy, keys)
    m = members(world)[1]
    good = make_request(keys.verifier, env, ctx)
    tampered = replace(env, nonce=(env.nonce + 1) % (1 << 128))
    for bad in (
        replace(good, envelope=encode(tampered, allow_insecure=True)),  # a field changed
        replace(good, context=b"another context"),  # ctx not bound to it
        replace(good, envelope=encode(toy.env_banned, allow_insecure=True)),
    ):  # another key's proof
        with pytest.raises(UnverifiedEnvelope, match="unverified_envelope"):
            m.answer(bad)
    assert m.decryptions() == 0  # nothing was logged, nothing decrypted
    m.answer(good)


def test_second_decryption_of_an_envelope_is_refused_even_after_a_restart(toy, world):
    _, _, keys = world
    env, ctx = fresh(toy, keys)
    request = make_request(keys.verifier, env, ctx)
    first = members(world)[2]
    first.answer(request)
    with pytest.raises(ReplayRefused, match="replay"):
        first.answer(request)
    restarted = members(world)[2]  # a new process: the log is on disk beside the secret file
    with pytest.raises(ReplayRefused):
        restarted.answer(request.encode())
    # the same public inputs with a re-randomized proof: other envelope bytes, the same envelope
    again = replace(env, proof=rerandomize(env.proof, keys.verifier.vk))
    assert encode(again, allow_insecure=True) != request.envelope
    with pytest.raises(ReplayRefused):
        restarted.answer(make_request(keys.verifier, again, ctx))


def _envelope_from(keys, stmt, wit, eph_pub):
    from consistency.circuit import build_circuit
    from consistency.envelope import Envelope
    from consistency.params import ENVELOPE_VERSION

    cs = build_circuit(keys.params, keys.pk_fhe, stmt, wit)
    proof = prove(keys.pk, cs.freeze(), cs.assignment)
    return Envelope(
        ENVELOPE_VERSION, keys.params.name, stmt.C, stmt.ctx, stmt.nonce, eph_pub, stmt.ct_msg, stmt.ct_fhe, proof
    )


def test_a_new_envelope_reusing_an_inference_input_is_refused(toy, world):
    """A sender colluding with the scanner makes a second valid envelope (new salt, nonce,
    context) around the same BFV ciphertext, to have it decrypted twice: the member's log keys on
    the score ciphertext, which both envelopes share."""
    from consistency.image import image_bytes
    from consistency.sender import prepare_statement

    _, _, keys = world
    pixels = image_bytes(toy.benign, toy.params)
    s1, w1, e1 = prepare_statement(toy.params, keys.pk_fhe, pixels, toy.recipient.public_bytes(), b"reuse-1")
    s2, w2, e2 = prepare_statement(toy.params, keys.pk_fhe, pixels, toy.recipient.public_bytes(), b"reuse-2")
    env1 = _envelope_from(keys, s1, w1, e1)
    env2 = _envelope_from(keys, replace(s2, ct_fhe=s1.ct_fhe), replace(w2, bfv=w1.bfv), e2)
    assert env2.ct_fhe == env1.ct_fhe and env2.C != env1.C and env2.ctx != env1.ctx
    m = members(world)[1]
    m.answer(make_request(keys.verifier, env1, b"reuse-1"))
    with pytest.raises(ReplayRefused):
        m.answer(make_request(keys.verifier, env2, b"reuse-2"))


def test_a_log_that_does_not_read_back_refuses_everything(toy, world, tmp_path):
    from consistency.committee.errors import CorruptLog

    committee, secrets, keys = world
    secret = tmp_path / "copy.secret"
    shutil.copy2(secrets[3], secret)
    record = json.dumps(
        {
            "v": 1,
            "time": "2025-01-01T00:00:00.000000Z",
            "envelope_id": "00" * 32,
            "score_ciphertext": "11" * 32,
            "request": "22" * 32,
        }
    ).encode()
    for torn in (record[:40], record, record + b"\n" + record[:-3] + b"\n"):  # cut short; no end of line; edited
        (tmp_path / "copy.secret.log").write_bytes(torn)
        with pytest.raises(CorruptLog):
            Member(committee, keys.verifier, 3, secret).answer(make_request(keys.verifier, *fresh(toy, keys)))
    (tmp_path / "copy.secret.log").write_bytes(record + b"\n")  # a well-formed log is accepted
    Member(committee, keys.verifier, 3, secret).answer(make_request(keys.verifier, *fresh(toy, keys)))


def test_concurrent_requests_for_one_envelope_decrypt_once(toy, world):
    _, _, keys = world
    env, ctx = fresh(toy, keys)
    request = make_request(keys.verifier, env, ctx)
    results: list = []
    copies = [members(world)[3] for _ in range(4)]

    def go(m):
        try:
            results.append(m.answer(request))
        except ReplayRefused as exc:
            results.append(exc)

    threads = [threading.Thread(target=go, args=(m,)) for m in copies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(r, PartialAnswer) for r in results) == 1
    assert sum(isinstance(r, ReplayRefused) for r in results) == 3


def test_request_for_another_model_is_refused(toy, world):
    """A scanner that names other weights (say a unit vector, whose 'score' is one pixel)."""
    _, _, keys = world
    env, ctx = fresh(toy, keys)
    request = make_request(keys.verifier, env, ctx)
    with pytest.raises(ModelMismatch, match="model_mismatch"):
        members(world)[1].answer(replace(request, model_digest=bytes(32)))
    from consistency.scanner import ScannerModel, model_digest

    unit = ScannerModel(toy.params.shape, (1,) + (0,) * (toy.params.num_pixels - 1), 0)
    with pytest.raises(ModelMismatch):
        members(world)[1].answer(make_request(keys.verifier, env, ctx, model=unit))
    assert model_digest(toy.params, unit) != request.model_digest


def test_decryption_beyond_the_budget_is_refused(toy, tmp_path):
    committee, secrets = make_toy_committee(tmp_path, toy.params, budget=2, committee_id="budget")
    keys = toy_keys(toy.params, committee.pk, b"budget")
    m = Member(committee, keys.verifier, 1, secrets[1])
    assert m.budget == 2
    for _ in range(2):
        m.answer(make_request(keys.verifier, *fresh(toy, keys)))
    with pytest.raises(BudgetExhausted, match="budget.*rotated"):
        m.answer(make_request(keys.verifier, *fresh(toy, keys)))
    with pytest.raises(BudgetExhausted):  # also after a restart
        Member(committee, keys.verifier, 1, secrets[1]).answer(make_request(keys.verifier, *fresh(toy, keys)))
    assert m.decryptions() == 2


def test_a_bare_ciphertext_has_no_path_to_a_decryption(toy, world):
    """The share-recovery query c1 = floor(q/3) X^j and the forwarded ct_fhe: a member takes
    requests only; a request carrying such a ciphertext has no valid envelope proof."""
    committee, _, keys = world
    q, n = toy.params.bfv.q, toy.params.bfv.n
    crafted = Ciphertext(tuple([0] * n), tuple([q // 3] + [0] * (n - 1)))
    m = members(world)[1]
    for bare in (crafted, toy.env_benign.ct_fhe, toy.env_benign.ct_fhe[0], [crafted.c1]):
        with pytest.raises(TypeError, match="scan requests only"):
            m.answer(bare)  # type: ignore[arg-type]
    with pytest.raises(MalformedRequest):
        m.answer(repr(crafted).encode())
    env, ctx = fresh(toy, keys)
    forged = replace(env, ct_fhe=(crafted,))  # the share-recovery ciphertext in a real envelope
    with pytest.raises(UnverifiedEnvelope):
        m.answer(replace(make_request(keys.verifier, env, ctx), envelope=encode(forged, allow_insecure=True)))
    # the member's whole public surface: answering requests, and reading its counters
    public = {k for k in dir(m) if not k.startswith("_")}
    assert public == {"answer", "budget", "committee", "decryptions", "keys", "log", "member"}
    # and the scheme layer no longer offers a full decryption of a ciphertext by a share
    import schemes.bfv as bfv

    assert not any(hasattr(bfv, name) for name in ("partial_decrypt", "combine_partial_decryptions", "mask_except"))


def test_member_refuses_a_key_directory_for_another_key(toy, world):
    """A forged envelope (from a setup the attacker ran, for a key it chose) could carry any c1:
    a member accepts only a key directory whose BFV key is its committee's joint key."""
    committee, secrets, keys = world
    attacker = toy_keys(toy.params, keygen(toy.params.bfv)[1], b"attacker")
    with pytest.raises(CommitteeMismatch, match="joint key"):
        Member(committee, attacker.verifier, 1, secrets[1])
    env, ctx = fresh(toy, attacker)
    request = make_request(attacker.verifier, env, ctx)
    with pytest.raises(ForeignRequest, match="key directory"):
        members(world)[1].answer(request)


# --------------------------------------------------------------------------- finalize refuses


def _copy_committee(committee, tmp_path):
    d = tmp_path / "committee"
    shutil.copytree(committee.config.path, d)
    from consistency.committee import load_config

    return d, load_config(d, allow_insecure=True)


def test_rogue_key_is_refused_by_finalize_naming_the_member(toy, world, tmp_path):
    committee, _, _ = world
    d, config = _copy_committee(committee, tmp_path)
    c1, c2, c3 = committee.contributions
    _, proof3 = read_contribution(config, 3)
    # b_3 = b* - b_1 - b_2 for a key b* = -a s* + e* the attacker knows: the joint key would be b*
    s_star = tuple([1, -1, 0] * 21 + [1])
    b_star = contribution_from_secret(toy.params.bfv, config.crs, 3, s_star, (0,) * 64, 5).b
    rogue = replace(
        c3,
        b=tuple(
            tuple((b_star[k][i] - c1.b[k][i] - c2.b[k][i]) % q for i in range(64))
            for k, q in enumerate(toy.params.bfv.moduli)
        ),
    )
    contribution_path(config, 3).write_text(json.dumps(contribution_json(config, rogue, proof3)))
    with pytest.raises(ContributionRefused) as e:
        finalize(d, allow_insecure=True)
    assert set(e.value.members) == {3} and "rogue" in e.value.members[3]
    assert "member 3" in str(e.value)


def test_finalize_names_every_failing_member(toy, world, tmp_path):
    committee, _, _ = world
    d, config = _copy_committee(committee, tmp_path)
    c1, c2, _ = committee.contributions
    _, proof1 = read_contribution(config, 1)
    # member 2 copies member 1's contribution (and proof) as its own; member 3 never joined
    contribution_path(config, 2).write_text(json.dumps(contribution_json(config, replace(c1, member=2), proof1)))
    contribution_path(config, 3).unlink()
    with pytest.raises(ContributionRefused) as e:
        finalize(d, allow_insecure=True)
    assert set(e.value.members) == {2, 3}, e.value.members
    assert e.value.members[3] == "no contribution"
    # member 2 copies member 1's h with its own (valid) b and proof: both are named
    shutil.rmtree(d)
    d, config = _copy_committee(committee, tmp_path)
    _, proof2 = read_contribution(config, 2)
    contribution_path(config, 2).write_text(json.dumps(contribution_json(config, replace(c2, h=c1.h), proof2)))
    with pytest.raises(ContributionRefused) as e:
        finalize(d, allow_insecure=True)
    assert set(e.value.members) == {2}


def test_two_members_with_one_share_are_refused(toy, tmp_path):
    """Members 1 and 2 publish the same key (one party holding two seats): both valid proofs,
    both named."""
    from consistency.committee import init_committee, join
    from schemes.bfv.sampling import DeterministicRng

    d = tmp_path / "committee"
    init_committee(d, toy.params, 3, "one-share")
    join(d, 1, tmp_path / "m1.secret", allow_insecure=True, rng=DeterministicRng(b"same"))
    join(d, 2, tmp_path / "m2.secret", allow_insecure=True, rng=DeterministicRng(b"same"))
    join(d, 3, tmp_path / "m3.secret", allow_insecure=True)
    with pytest.raises(ContributionRefused) as e:
        finalize(d, allow_insecure=True)
    assert set(e.value.members) == {1, 2} and "published the same" in e.value.members[1]


# --------------------------------------------------------------------------- verdict refuses


@pytest.fixture
def scanned(toy, world):
    committee, _, keys = world
    env, ctx = fresh(toy, keys, "banned")
    request = make_request(keys.verifier, env, ctx)
    return request, answers_for(world, request)


def test_verdict_from_honest_partials(toy, world, scanned):
    committee, _, keys = world
    request, answers = scanned
    record = combine(committee, request, [a.encode() for a in answers[::-1]], keys=keys.verifier)
    from consistency.image import image_bytes
    from consistency.scanner import load_scanner, plaintext_score

    assert record.score == plaintext_score(load_scanner(toy.params), image_bytes(toy.banned, toy.params))
    assert record.verdict == "banned" and [p.member for p in record.partials] == [1, 2, 3]


def test_verdict_refuses_d_plus_one_and_names_the_member(world, scanned):
    committee, _, keys = world
    request, answers = scanned
    q1 = committee.params.bfv.moduli[0]
    bad = replace(answers[1], d=((answers[1].d[0] + 1) % q1, *answers[1].d[1:]))
    with pytest.raises(PartialRefused) as e:
        combine(committee, request, [answers[0], bad, answers[2]], keys=keys.verifier)
    assert set(e.value.members) == {2} and "member 2" in str(e.value)


def test_verdict_refuses_another_members_partial(world, scanned):
    committee, _, keys = world
    request, answers = scanned
    stolen = replace(answers[2], member=1)  # member 3's d and proof, sent as member 1's
    with pytest.raises(PartialRefused) as e:
        combine(committee, request, [stolen, answers[1], answers[2]], keys=keys.verifier)
    assert set(e.value.members) == {1}
    stolen_d = replace(answers[0], d=answers[2].d)  # member 3's d with member 1's proof
    with pytest.raises(PartialRefused) as e:
        combine(committee, request, [stolen_d, answers[1], answers[2]], keys=keys.verifier)
    assert set(e.value.members) == {1}


def test_verdict_refuses_flooding_beyond_f(toy, world, scanned):
    """Member 2 floods with E = F + 1: no proof can be made, and any proof it attaches fails."""
    committee, secrets, keys = world
    request, answers = scanned
    from consistency.committee.keygen import load_member_share
    from consistency.committee.partial import partial_statement
    from consistency.envelope import decode
    from consistency.scanner import load_scanner, score_ciphertext

    params = committee.params
    score = score_ciphertext(params, load_scanner(params), decode(request.envelope, allow_insecure=True).ct_fhe)
    share = load_member_share(committee, 2, secrets[2])
    part, wit = partial_decrypt_score(params.bfv, share, score.c1, flood=params.bfv.flood_bound + 1)
    cs = partial_circuit(params.bfv, partial_statement(committee, 2, part.d, score), share, wit)
    assert not cs.is_satisfied()
    with pytest.raises(UnsatisfiedWitness):
        prove(committee.config.proving_key("partial"), cs.freeze(), cs.assignment)
    cheat = replace(answers[1], d=part.d)  # with its honest proof for another d
    with pytest.raises(PartialRefused) as e:
        combine(committee, request, [answers[0], cheat, answers[2]], keys=keys.verifier)
    assert set(e.value.members) == {2}


def test_verdict_names_every_cheating_and_missing_member(world, scanned):
    committee, _, keys = world
    request, answers = scanned
    q1 = committee.params.bfv.moduli[0]
    bad1 = replace(answers[0], d=((answers[0].d[0] + 1) % q1, *answers[0].d[1:]))
    with pytest.raises(PartialRefused) as e:
        combine(committee, request, [bad1, answers[1]], keys=keys.verifier)
    assert set(e.value.members) == {1, 3} and e.value.members[3] == "no partial"
    with pytest.raises(PartialRefused) as e:  # two partials for member 2
        combine(committee, request, [answers[0], answers[1], answers[1], answers[2]], keys=keys.verifier)
    assert set(e.value.members) == {2}
    malformed = answers[1].to_json()
    malformed["d"] = [
        str(q1 + 5),
        malformed["d"][1],
    ]  # not a residue: refused when parsed, and named by its claimed member
    with pytest.raises(PartialRefused) as e:
        combine(committee, request, [answers[0], json.dumps(malformed).encode(), answers[2]], keys=keys.verifier)
    assert set(e.value.members) == {2} and "malformed" in e.value.members[2]
    other = replace(request, context=request.context + b"!")  # answers for another request
    with pytest.raises((PartialRefused, UnverifiedEnvelope)):
        combine(committee, other, answers)


# --------------------------------------------------------------------------- audit refuses


def _mutations(obj, path=()):
    """Every leaf of a JSON object, with a changed value."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _mutations(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:2]):  # two entries of each list (proof coordinates, partials)
            yield from _mutations(v, path + (i,))
    elif isinstance(obj, str):
        if obj.lstrip("-").isdigit():
            yield path, str(int(obj) + 1)
        elif obj in ("banned", "allowed"):
            yield path, "allowed" if obj == "banned" else "banned"
        elif obj and all(c in "0123456789abcdef" for c in obj):
            yield path, ("1" if obj[0] == "0" else "0") + obj[1:]
        else:
            yield path, obj + "x"
    elif isinstance(obj, bool) or obj is None:
        return
    elif isinstance(obj, int):
        yield path, obj + 1


def _set(obj, path, value):
    obj = json.loads(json.dumps(obj))
    cur = obj
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = value
    return obj


def test_audit_refuses_a_record_with_any_changed_field(world, scanned):
    committee, _, keys = world
    request, answers = scanned
    record = combine(committee, request, answers, keys=keys.verifier)
    assert audit_record(record.encode(), keys.verifier, committee) == record
    raw = record.to_json()
    count = 0
    for path, value in _mutations(raw):
        if path[:1] == ("request",) and path[1:] == ("envelope",):
            continue  # the envelope: below, with a byte that keeps it parseable
        tampered = json.dumps(_set(raw, path, value)).encode()
        with pytest.raises(RecordRefused):
            audit_record(tampered, keys.verifier, committee)
        count += 1
    assert count > 30
    env = bytearray(request.envelope)
    env[100] ^= 1
    tampered = _set(raw, ("request", "envelope"), env.hex())
    with pytest.raises(RecordRefused):
        audit_record(json.dumps(tampered).encode(), keys.verifier, committee)
    # dropping or reordering a partial
    for partials in (raw["partials"][:2], raw["partials"][::-1]):
        with pytest.raises(RecordRefused):
            audit_record(json.dumps(dict(raw, partials=partials)).encode(), keys.verifier, committee)


def test_audit_names_the_member_whose_partial_was_altered(world, scanned):
    committee, _, keys = world
    request, answers = scanned
    raw = combine(committee, request, answers, keys=keys.verifier).to_json()
    d = raw["partials"][2]["d"]
    raw["partials"][2]["d"] = [str((int(d[0]) + 1) % committee.params.bfv.moduli[0]), *d[1:]]
    with pytest.raises(RecordRefused) as e:
        audit_record(json.dumps(raw).encode(), keys.verifier, committee)
    assert set(e.value.members) == {3}


# --------------------------------------------------------------------------- secrets stay secret


def test_key_directory_from_setup_holds_no_share(toy, world, tmp_path):
    committee, secrets, keys = world
    write_keydir(tmp_path / "keys", keys)
    blob = b"".join(p.read_bytes() for p in (tmp_path / "keys").rglob("*") if p.is_file())
    for _i, f in secrets.items():
        share = json.loads(f.read_bytes())
        assert share["s"].encode() not in blob and share["salt"].encode() not in blob
        s_ints = ",".join(str({"-": -1, "0": 0, "+": 1}[c]) for c in share["s"]).encode()
        assert s_ints not in blob.replace(b" ", b"")
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == [
        "committee_pk.bin",
        "params.json",
        "provenance.json",
        "proving_key.bin",
        "verification_key.json",
    ]
    # nor does the committee directory
    cblob = b"".join(p.read_bytes() for p in committee.config.path.rglob("*") if p.is_file())
    for f in secrets.values():
        share = json.loads(f.read_bytes())
        assert share["s"].encode() not in cblob and share["salt"].encode() not in cblob


def test_secret_files_are_0600_from_their_creation(toy, tmp_path, monkeypatch):
    """With a permissive umask, every file that join and a member create is opened with
    O_CREAT | O_EXCL (secret) or O_CREAT (log) and mode 0600 in that same call: no window."""
    created: list = []
    real_open = os.open

    def spy(path, flags, mode=0o777, *a, **k):
        if flags & os.O_CREAT and str(path).startswith(str(tmp_path / "member_")):
            created.append((str(path), flags, mode))
        return real_open(path, flags, mode, *a, **k)

    old = os.umask(0)
    try:
        monkeypatch.setattr(os, "open", spy)
        committee, secrets = make_toy_committee(tmp_path, toy.params, committee_id="modes")
        keys = toy_keys(toy.params, committee.pk, b"modes")
        Member(committee, keys.verifier, 1, secrets[1]).answer(make_request(keys.verifier, *fresh(toy, keys)))
    finally:
        os.umask(old)
    assert created and all(mode == 0o600 for _, _, mode in created), created
    secret_opens = [c for c in created if ".tmp" in c[0]]
    assert len(secret_opens) == 3 and all(flags & os.O_EXCL for _, flags, _ in secret_opens)
    for _i, f in secrets.items():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "member_1" / "share.secret.log").stat().st_mode) == 0o600


def test_a_share_readable_by_others_is_refused(toy, world, tmp_path):
    committee, secrets, keys = world
    leaked = tmp_path / "leaked.secret"
    shutil.copy2(secrets[1], leaked)
    leaked.chmod(0o644)
    with pytest.raises(MalformedCommitteeFile, match="0600"):
        Member(committee, keys.verifier, 1, leaked)
    leaked.chmod(0o600)
    with pytest.raises(CommitteeMismatch):  # member 1's share presented as member 2's
        Member(committee, keys.verifier, 2, leaked)
    with pytest.raises(FileExistsError):  # join never overwrites a share
        from consistency.committee.keygen import load_member_share
        from consistency.committee.share import write_share

        write_share(secrets[1], committee.config, load_member_share(committee, 1, secrets[1]))


def test_request_json_is_strict(world):
    _, _, keys = world
    m = members(world)[1]
    for bad in (
        b"",
        b"[]",
        b'{"version": 1}',
        b"{" * 10000,
        json.dumps({**ScanRequest("toy", bytes(32), bytes(32), b"", b"").to_json(), "x": 1}).encode(),
    ):
        with pytest.raises(MalformedRequest):
            m.answer(bad)


def test_member_refuses_another_parameter_set_and_a_model_it_did_not_agree_to(toy, world, monkeypatch):
    committee, secrets, keys = world
    env, ctx = fresh(toy, keys)
    request = make_request(keys.verifier, env, ctx)
    with pytest.raises(ForeignRequest, match="parameter set"):
        members(world)[1].answer(replace(request, params_id="default"))
    import consistency.committee.member as member_module
    from consistency.scanner import ScannerModel

    other = ScannerModel(toy.params.shape, (1,) * toy.params.num_pixels, 0)
    monkeypatch.setattr(member_module, "load_scanner", lambda params: other)
    with pytest.raises(CommitteeMismatch, match="model"):
        Member(committee, keys.verifier, 1, secrets[1])


def test_a_share_of_another_committee_or_edited_is_refused(toy, world, tmp_path):
    committee, secrets, keys = world
    with pytest.raises(CommitteeMismatch, match="another committee"):
        Member(committee, keys.verifier, 1, toy.secrets[1])  # the session committee's member 1
    edited = tmp_path / "edited.secret"
    obj = json.loads(secrets[2].read_text())
    obj["s"] = ("+" if obj["s"][0] != "+" else "-") + obj["s"][1:]
    fd = os.open(edited, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps(obj))
    with pytest.raises(CommitteeMismatch, match="does not open"):
        Member(committee, keys.verifier, 2, edited)


def test_a_log_path_that_is_a_symlink_is_refused(toy, world, tmp_path):
    """The log is opened O_NOFOLLOW: a link planted at its place cannot redirect (or reset) it."""
    committee, secrets, keys = world
    secret = tmp_path / "s.secret"
    shutil.copy2(secrets[1], secret)
    (tmp_path / "elsewhere").write_text("")
    os.symlink(tmp_path / "elsewhere", tmp_path / "s.secret.log")
    with pytest.raises(OSError):
        Member(committee, keys.verifier, 1, secret).answer(make_request(keys.verifier, *fresh(toy, keys)))
    assert (tmp_path / "elsewhere").read_text() == ""


def test_verdict_and_audit_refuse_a_key_directory_for_another_key(toy, world, scanned):
    committee, _, keys = world
    request, answers = scanned
    attacker = toy_keys(toy.params, keygen(toy.params.bfv)[1], b"attacker-2")
    with pytest.raises(CommitteeMismatch):
        combine(committee, request, answers, keys=attacker.verifier)
    record = combine(committee, request, answers, keys=keys.verifier)
    with pytest.raises(RecordRefused):
        audit_record(record.encode(), attacker.verifier, committee)
