"""Issued contexts (specs/consistency.md section 4): the format as the spec states it, and the
attacks on it: forged, tampered, foreign and expired contexts, and the race between pruning and
a stalled admission. Each attack sends an envelope whose proof is valid for the context it
carries, so only the context defence stands between it and an admission."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import subprocess
import sys
from datetime import timedelta

import pytest

from consistency import MemoryReplayStore, Rejected, RejectReason, Server
from consistency.envelope import encode
from consistency.keys import write_keydir
from consistency.sender import send
from consistency.server import AdmittedEnvelope


class Clock:
    def __init__(self, t: float = 1_800_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def _send(toy, context: bytes) -> bytes:
    return encode(send(toy.benign, toy.recipient.public_bytes(), toy.keys, context), allow_insecure=True)


def _unb64(s: bytes) -> bytes:
    return base64.urlsafe_b64decode(s + b"=" * (-len(s) % 4))


def test_issued_context_has_the_format_of_the_spec(toy):
    """Parse an issued context with the spec's grammar alone, recompute its MAC from the store's
    key with the standard library, and read back the expiry, sender and recipient."""
    clock = Clock()
    store = MemoryReplayStore()
    server = Server(toy.keys.verifier, store, clock=clock)
    ctx = server.issue_context(sender="alice", ttl=timedelta(minutes=5), recipient="bob")
    assert ctx.isascii() and all(0x21 <= c < 0x7F for c in ctx)  # printable, no spaces
    assert ctx.startswith(b"grc1.")
    body_text, tag_text = ctx[len(b"grc1.") :].split(b".")
    assert b"=" not in ctx
    body, tag = _unb64(body_text), _unb64(tag_text)
    assert tag == hmac.new(store.context_key(), b"GRC/CTX-MAC1\x00" + body, hashlib.sha256).digest()
    version, expires_at = struct.unpack(">BQ", body[:9])
    assert version == 1 and expires_at == int(clock.t) + 300
    assert body[25] == 5 and body[26:31] == b"alice" and body[31] == 3 and body[32:35] == b"bob"
    assert len(body) == 35
    assert server.issue_context() != server.issue_context()  # 16 random bytes of message id


def test_issued_context_round_trip_admits(toy):
    server = Server(toy.keys.verifier)
    ctx = server.issue_context(sender="alice")
    v = server.admit(_send(toy, ctx), ctx)
    assert isinstance(v, AdmittedEnvelope) and v.context == ctx
    with pytest.raises(Rejected) as e:
        server.admit(_send(toy, ctx), ctx)  # a second envelope for the same context
    assert e.value.reason is RejectReason.REPLAY


def _forgeries(ctx: bytes) -> dict[str, bytes]:
    body_text, tag_text = ctx[5:].split(b".")
    body = bytearray(_unb64(body_text))
    later = bytearray(body)
    later[1:9] = struct.pack(">Q", struct.unpack(">Q", bytes(body[1:9]))[0] + 10**6)  # extend the expiry
    b64 = lambda b: base64.urlsafe_b64encode(bytes(b)).rstrip(b"=")  # noqa: E731
    flipped_tag = bytearray(_unb64(tag_text))
    flipped_tag[0] ^= 1
    return {
        "raw text": b"msg-id=7;from=mallory",
        "extended expiry, old tag": b"grc1." + b64(later) + b"." + tag_text,
        "flipped tag bit": b"grc1." + body_text + b"." + b64(flipped_tag),
        "tag of another key": b"grc1."
        + body_text
        + b"."
        + b64(hmac.new(b"k" * 32, b"GRC/CTX-MAC1\x00" + bytes(body), hashlib.sha256).digest()),
        "padding added": ctx + b"=",
        "other prefix": b"grc2." + ctx[5:],
        "empty tag": b"grc1." + body_text + b".",
        "three parts": ctx + b".AA",
    }


@pytest.mark.parametrize("name", list(_forgeries(b"grc1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAA")))
def test_forged_context_with_a_valid_envelope_is_refused(toy, name):
    """The attacker holds no key: whatever context it makes up, and even with a valid proof for
    exactly that context, the server refuses it (reason ``context``)."""
    server = Server(toy.keys.verifier)
    forged = _forgeries(server.issue_context(sender="mallory"))[name]
    with pytest.raises(Rejected) as e:
        server.admit(_send(toy, forged), forged)
    assert e.value.reason is RejectReason.CONTEXT, str(e.value)


def test_non_canonical_base64_is_refused(toy):
    """The last base64 character of a 32-byte tag carries 2 unused bits: setting them yields the
    same bytes under a lenient decoder, a different text. The text is what ctx binds, so two
    texts for one context would be two admissions: refused."""
    server = Server(toy.keys.verifier)
    ctx = server.issue_context()
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = ctx[-1:]
    variant = ctx[:-1] + bytes([alphabet[alphabet.index(last) ^ 1]])  # an unused low bit
    assert variant != ctx and _unb64(variant.split(b".")[2]) == _unb64(ctx.split(b".")[2])
    with pytest.raises(Rejected) as e:
        server.admit(_send(toy, variant), variant)
    assert e.value.reason is RejectReason.CONTEXT


def test_context_of_another_store_is_refused(toy, tmp_path):
    a = Server(toy.keys.verifier, tmp_path / "a.db")
    b = Server(toy.keys.verifier, tmp_path / "b.db")
    ctx = a.issue_context()
    with pytest.raises(Rejected) as e:
        b.admit(_send(toy, ctx), ctx)
    assert e.value.reason is RejectReason.CONTEXT


def test_expired_context_is_refused_with_its_own_reason(toy):
    clock = Clock()
    server = Server(toy.keys.verifier, clock=clock)
    ctx = server.issue_context(ttl=timedelta(seconds=60))
    data = _send(toy, ctx)
    clock.t += 60  # expiry instant: no longer valid
    with pytest.raises(Rejected) as e:
        server.admit(data, ctx)
    assert e.value.reason is RejectReason.EXPIRED
    clock.t -= 1
    assert isinstance(server.admit(data, ctx), AdmittedEnvelope)


def test_ttl_is_bounded(toy):
    server = Server(toy.keys.verifier, max_ttl=timedelta(hours=1))
    for bad in (timedelta(0), timedelta(seconds=-5), timedelta(hours=2)):
        with pytest.raises(ValueError):
            server.issue_context(ttl=bad)


def test_raw_contexts_need_issuing_turned_off_explicitly(toy):
    data = encode(toy.env_benign, allow_insecure=True)
    with pytest.raises(Rejected) as e:
        Server(toy.keys.verifier).admit(data, toy.ctx_benign)
    assert e.value.reason is RejectReason.CONTEXT
    raw = Server(toy.keys.verifier, issue_contexts=False)
    assert isinstance(raw.admit(data, toy.ctx_benign), AdmittedEnvelope)
    with pytest.raises(RuntimeError):
        raw.issue_context()


def test_pruning_keeps_a_context_until_it_can_no_longer_be_admitted(toy):
    clock = Clock()
    store = MemoryReplayStore()
    server = Server(toy.keys.verifier, store, clock=clock, grace=timedelta(seconds=30))
    ctx = server.issue_context(ttl=timedelta(seconds=60))
    data = _send(toy, ctx)
    server.admit(data, ctx)
    for dt in (0, 59, 60, 89):  # still valid, then within the grace period
        clock.t = 1_800_000_000.0 + dt
        server.prune()
        assert store.is_claimed(ctx), dt
    clock.t = 1_800_000_000.0 + 59
    with pytest.raises(Rejected) as e:
        server.admit(data, ctx)
    assert e.value.reason is RejectReason.REPLAY


def test_admission_that_stalls_past_pruning_is_not_a_second_admission(toy):
    """The race the post-claim expiry check closes: a context is admitted; a second admission of
    it passes the expiry check, then stalls while the context expires and its record is pruned;
    its claim now succeeds. The server must still refuse it (``expired``), or the context would
    be admitted twice."""
    clock = Clock()
    inner = MemoryReplayStore()
    server_a = Server(toy.keys.verifier, inner, clock=clock, grace=timedelta(seconds=10))
    ctx = server_a.issue_context(ttl=timedelta(seconds=60))
    data = _send(toy, ctx)
    server_a.admit(data, ctx)

    class StallingStore:
        """The store seen by a server whose claim is delayed past expiry + grace + pruning."""

        def __getattr__(self, name):
            return getattr(inner, name)

        def is_claimed(self, context):
            inner.prune(10**12)  # meanwhile, elsewhere: expired long ago by another clock
            return False

        def claim_many(self, claims):
            clock.t += 200
            inner.prune(int(clock.t) - 10)
            return inner.claim_many(claims)

    server_b = Server(
        toy.keys.verifier,
        StallingStore(),
        context_key=inner.context_key(),
        clock=clock,
        prune_interval=timedelta(days=1),
    )
    with pytest.raises(Rejected) as e:
        server_b.admit(data, ctx)
    assert e.value.reason is RejectReason.EXPIRED


def test_two_processes_on_one_store_accept_each_others_contexts(toy, tmp_path):
    """A server in another process, on the same SQLite store, issues a context; this process's
    server admits an envelope for it. Then the other way round."""
    keydir = tmp_path / "keys"
    write_keydir(keydir, toy.keys)
    db = tmp_path / "replay.db"
    child = r"""
import sys
from consistency import Server
from consistency.keys import load_verifier_keys
server = Server(load_verifier_keys(sys.argv[1], allow_insecure=True), sys.argv[2])
if sys.argv[3] == "issue":
    sys.stdout.write(server.issue_context(sender="carol").decode())
else:
    data = open(sys.argv[4], "rb").read()
    print(type(server.admit(data, sys.argv[5].encode())).__name__)
"""

    def run(*a: object) -> str:
        argv = [sys.executable, "-c", child, str(keydir), str(db), *map(str, a)]
        return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True).stdout

    ctx = run("issue").encode()
    here = Server(toy.keys.verifier, db)
    assert isinstance(here.admit(_send(toy, ctx), ctx), AdmittedEnvelope)
    mine = here.issue_context(sender="dave")
    env_file = tmp_path / "env.bin"
    env_file.write_bytes(_send(toy, mine))
    assert run("admit", env_file, mine.decode()).strip() == "AdmittedEnvelope"
    with pytest.raises(Rejected) as e:  # and the other process's admission is a replay here
        here.admit(env_file.read_bytes(), mine)
    assert e.value.reason is RejectReason.REPLAY


def test_longest_issued_context_is_the_specs_765_bytes(toy):
    """specs/consistency.md 4.1: body 1 + 8 + 16 + 1 + 255 + 1 + 255 = 537 bytes -> 716 base64url
    characters; tag 32 bytes -> 43; plus "grc1." and "." : 765."""
    from consistency.contexts import MAX_ISSUED_CONTEXT_BYTES

    server = Server(toy.keys.verifier)
    longest = server.issue_context(sender="s" * 255, recipient="\u00e9" * 127 + "r")
    assert len(longest) == 5 + 716 + 1 + 43 == 765 == MAX_ISSUED_CONTEXT_BYTES
    with pytest.raises(ValueError):
        server.issue_context(sender="s" * 256)
    with pytest.raises(Rejected) as e:
        server.verify(encode(toy.env_benign, allow_insecure=True), longest + b"A")
    assert e.value.reason is RejectReason.TOO_LARGE


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from consistency.contexts import check_context, issue_context  # noqa: E402

_KEY = b"\x07" * 32
_GENUINE = issue_context(_KEY, 2_000_000_000, sender="alice", recipient="bob")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=900),
        st.tuples(st.integers(0, len(_GENUINE) - 1), st.integers(1, 255)).map(
            lambda t: _GENUINE[: t[0]] + bytes([_GENUINE[t[0]] ^ t[1]]) + _GENUINE[t[0] + 1 :]
        ),
        st.integers(0, len(_GENUINE) - 1).map(lambda i: _GENUINE[:i]),
        st.tuples(st.integers(0, len(_GENUINE)), st.binary(min_size=1, max_size=8)).map(
            lambda t: _GENUINE[: t[0]] + t[1] + _GENUINE[t[0] :]
        ),
    )
)
def test_no_mutation_of_an_issued_context_is_accepted(text):
    """Random bytes, a flipped byte, a truncation or an insertion: only the genuine text passes;
    everything else is refused with ``context`` or ``too_large``, never another error."""
    if text == _GENUINE:
        return
    with pytest.raises(Rejected) as e:
        check_context(_KEY, text, 1_900_000_000)
    assert e.value.reason in (RejectReason.CONTEXT, RejectReason.TOO_LARGE)
    assert check_context(_KEY, _GENUINE, 1_900_000_000).sender == "alice"
