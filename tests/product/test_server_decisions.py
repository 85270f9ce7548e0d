"""Reasons, logs and the decision log: every rejection carries its RejectReason; one log line per
decision with the reason and the envelope digest and nothing secret; the JSON Lines audit sink
records every decision and ``audit-log`` checks it; operational failures are never rejections
and never admissions."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import stat
from dataclasses import replace

import pytest

from consistency import MemoryReplayStore, OperationalError, Rejected, RejectReason, Server, cli
from consistency.audit import JsonlAuditSink, MemoryAuditSink, check_audit_log
from consistency.envelope import encode
from consistency.errors import ReplayRejected
from consistency.server import AdmittedEnvelope

#: The reason names the issue and specs/consistency.md section 9 fix.
REASONS = ["format", "too_large", "params", "context", "expired", "binding", "replay", "proof"]


def test_reason_values_are_the_lower_case_names():
    assert [r.value for r in RejectReason] == REASONS
    for r in RejectReason:
        assert r.value == r.name.lower()
    assert RejectReason.REPLAY.value == "replay"


def test_rejected_carries_and_pickles_its_reason():
    for exc in (Rejected("why", RejectReason.PROOF), ReplayRejected()):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and back.reason is exc.reason and str(back) == str(exc)
    with pytest.raises(TypeError):
        Rejected("no reason", "proof")  # type: ignore[arg-type]
    assert not issubclass(OperationalError, Rejected) and not issubclass(Rejected, OperationalError)


def _default_header_envelope(data: bytes) -> bytes:
    """The toy envelope's bytes under the header of another (known) parameter set."""
    return data[:5] + bytes([7]) + b"default" + data[6 + 3 :]


def _cases(toy, issued):
    data, ctx = issued.items[0]
    _, other_ctx = issued.items[1]
    return {
        "format": (b"GRCE\x01\x03toy" + b"\x00" * 10, ctx),
        "too_large": (data + b"\x00", ctx),
        "params": (_default_header_envelope(data), ctx),
        "context": (data, b"msg-id=1;from=alice;to=bob"),
        "binding": (data, other_ctx),
        "proof": (encode(replace(toy.env_banned, proof=toy.env_benign.proof), allow_insecure=True), None),
    }


@pytest.mark.parametrize("reason", ["format", "too_large", "params", "context", "binding", "proof"])
def test_each_rejection_has_its_reason(toy, issued, reason):
    data, ctx = _cases(toy, issued)[reason]
    if reason == "proof":  # the banned envelope's inputs with the benign proof, under its own context
        server = Server(toy.keys.verifier, issue_contexts=False)
        ctx = toy.ctx_banned
    else:
        server = Server(toy.keys.verifier, context_key=issued.key)
    with pytest.raises(Rejected) as e:
        server.admit(data, ctx)
    assert e.value.reason.value == reason, str(e.value)
    (out,) = server.admit_many([(data, ctx)])
    assert isinstance(out, Rejected) and out.reason.value == reason


def test_replay_has_its_reason_in_admit_and_admit_many(toy, issued):
    server = Server(toy.keys.verifier, context_key=issued.key)
    data, ctx = issued.items[0]
    server.admit(data, ctx)
    with pytest.raises(ReplayRejected) as e:
        server.admit(data, ctx)
    assert e.value.reason is RejectReason.REPLAY
    assert [r.reason for r in server.admit_many([(data, ctx)])] == [RejectReason.REPLAY]


def test_one_log_line_per_decision_without_secrets(toy, issued, caplog):
    store = MemoryReplayStore()
    server = Server(toy.keys.verifier, store, context_key=issued.key)
    (d0, c0), (d1, c1) = issued.items[:2]
    with caplog.at_level(logging.INFO, logger="consistency"):
        server.admit_many([(d0, c0), (d0, c0), (d1, c0)])
    lines = [r.getMessage() for r in caplog.records if r.name == "consistency"]
    assert len(lines) == 3
    assert lines[0].startswith("admitted ") and hashlib.sha256(d0).hexdigest() in lines[0]
    assert lines[1].startswith("rejected reason=replay ") and hashlib.sha256(d0).hexdigest() in lines[1]
    assert lines[2].startswith("rejected reason=replay ")  # c0 again within the batch
    text = "\n".join(lines)
    for secret in (issued.key.hex(), store.context_key().hex(), c0.decode(), c1.decode()):
        assert secret not in text


def test_audit_sink_records_every_decision(toy, issued, tmp_path, capsys):
    log = tmp_path / "decisions.jsonl"
    server = Server(toy.keys.verifier, audit=log, context_key=issued.key)
    (d0, c0), (d1, c1) = issued.items[:2]
    server.admit(d0, c0)
    for data, ctx in ((d0, c0), (b"junk", c1), (d1, b"not-issued")):
        with pytest.raises(Rejected):
            server.admit(data, ctx)
    server.admit_many([(d1, c1)])
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["decision"], r["reason"]) for r in records] == [
        ("admitted", None),
        ("rejected", "replay"),
        ("rejected", "format"),
        ("rejected", "context"),
        ("admitted", None),
    ]
    assert records[0]["envelope_digest"] == hashlib.sha256(d0).hexdigest()
    assert records[0]["context_digest"] == hashlib.sha256(c0).hexdigest()
    assert records[0]["params_id"] == records[3]["params_id"] == "toy" and records[2]["params_id"] is None
    assert set(records[0]) == {"v", "time", "decision", "reason", "envelope_digest", "context_digest", "params_id"}
    summary = check_audit_log(log)
    assert summary.ok and summary.admitted == 2 and dict(summary.rejected) == {"replay": 1, "format": 1, "context": 1}
    assert cli.main(["audit-log", str(log)]) == 0
    out = capsys.readouterr().out
    assert "5 decisions: 2 admitted, 3 rejected" in out and "rejected replay: 1" in out


def _good_line(**changes) -> str:
    rec = {
        "v": 1,
        "time": "2026-01-02T03:04:05.000006Z",
        "decision": "admitted",
        "reason": None,
        "envelope_digest": "ab" * 32,
        "context_digest": "cd" * 32,
        "params_id": "toy",
    }
    rec.update(changes)
    return json.dumps(rec) + "\n"


@pytest.mark.parametrize(
    "text,why",
    [
        (_good_line() + _good_line(), "admitted twice"),
        (_good_line()[:-1], "truncated"),
        (_good_line(extra=1), "keys"),
        (_good_line(reason="replay"), "no reason"),
        (_good_line(decision="rejected", reason="bogus"), "unknown reason"),
        (_good_line(envelope_digest="AB" * 32), "envelope_digest"),
        (_good_line(context_digest="cd" * 31), "context_digest"),
        (_good_line(time="yesterday"), "time"),
        (_good_line(time="2026-13-40T03:04:05.000006Z"), "date"),
        (_good_line(params_id="a\nb"), "params_id"),
        ('{"v": 1, "v": 1}\n', "not JSON"),
        ("[" * 100_000 + "\n", "not JSON"),
        ("\xff\xfe{\n", "not JSON"),
    ],
)
def test_audit_log_checker_flags_bad_logs_without_traceback(tmp_path, capsys, text, why):
    f = tmp_path / "log.jsonl"
    f.write_bytes(text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text)
    assert not check_audit_log(f).ok
    assert cli.main(["audit-log", str(f)]) == 1
    err = capsys.readouterr().err
    assert why in err and "Traceback" not in err


def test_audit_log_checker_on_a_missing_file(tmp_path, capsys):
    assert cli.main(["audit-log", str(tmp_path / "nope")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_unwritable_audit_log_is_an_operational_error(toy, issued, tmp_path):
    (tmp_path / "dir").mkdir()
    with pytest.raises(OperationalError):
        JsonlAuditSink(tmp_path / "dir")


class _FailingSink:
    def record(self, events):
        raise OperationalError("disk on fire")


def test_sink_failure_raises_operational_error_never_an_admission(toy, issued):
    server = Server(toy.keys.verifier, audit=_FailingSink(), context_key=issued.key)
    data, ctx = issued.items[2]
    with pytest.raises(OperationalError):
        server.admit(data, ctx)
    with pytest.raises(OperationalError):
        server.admit_many([(data, ctx)])


class _DownStore(MemoryReplayStore):
    def claim_many(self, claims):
        raise OperationalError("store down")


def test_store_failure_raises_operational_error_and_records_nothing(toy, issued):
    sink = MemoryAuditSink()
    server = Server(toy.keys.verifier, _DownStore(), audit=sink, context_key=issued.key)
    data, ctx = issued.items[3]
    with pytest.raises(OperationalError):
        server.admit(data, ctx)
    assert sink.events == [] and not server.store.is_claimed(ctx)
    assert isinstance(
        Server(toy.keys.verifier, MemoryReplayStore(), context_key=issued.key).admit(data, ctx), AdmittedEnvelope
    )


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=300),
            st.just(_good_line().encode()),
            st.just(_good_line(decision="rejected", reason="replay").encode()),
        ),
        max_size=6,
    )
)
def test_audit_log_checker_never_crashes(tmp_path_factory, chunks):
    """Any file: a summary (and errors for anything malformed), never an exception."""
    f = tmp_path_factory.mktemp("log") / "log.jsonl"
    data = b"".join(chunks)
    f.write_bytes(data)
    s = check_audit_log(f)
    assert s.lines == data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
