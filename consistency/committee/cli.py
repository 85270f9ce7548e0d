"""The committee's commands of ``python -m consistency`` (registered by :mod:`consistency.cli`)::

    committee init DIR --params NAME --parties N [--id TEXT] [--budget D]
    committee join DIR --member I --secret FILE
    committee finalize DIR
    setup --params NAME --committee DIR --out KEYDIR [--ptau FILE [--zkey-out FILE] | --from-zkey FILE [--ptau FILE]]
    scan ENVELOPE --keys KEYDIR --ctx TEXT --out REQUEST
    partial REQUEST --keys KEYDIR --committee DIR --member I --secret FILE --out PARTIAL
    verdict REQUEST PARTIAL... --committee DIR --out RECORD [--keys KEYDIR]
    audit RECORD --keys KEYDIR --committee DIR

Every command takes ``--insecure`` (the toy parameter set) and ``--json`` (one JSON object on
stdout: ``{"ok": true, ...}``, or ``{"ok": false, "refused", "message", "members"}``). Exit codes: 0 success; 1 a refusal
(``REFUSED <reason>: ...`` on stderr, naming the members at fault) or any other failure; 2 bad
usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from .codec import write_bytes
from .errors import ContributionRefused, PartialRefused, RecordRefused, RequestRefused

__all__ = ["add_commands"]

Add = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _refused(exc: Exception, reason: str | None, a: argparse.Namespace) -> int:
    """``REFUSED <reason>: <message>`` on stderr (``reason`` None: a RequestRefused, whose
    message starts with its own reason), and with ``--json`` one object on stdout: ``{"ok":
    false, "refused": reason, "message", "members": {member: why}}``; exit status 1."""
    if reason is None and isinstance(exc, RequestRefused):
        _say(f"REFUSED {exc}")
        reason = exc.reason.value
    else:
        _say(f"REFUSED {reason}: {exc}")
    if getattr(a, "json", False):
        members = getattr(exc, "members", None) or {}
        print(
            json.dumps(
                {
                    "ok": False,
                    "refused": reason,
                    "message": str(exc),
                    "members": {str(k): str(v) for k, v in members.items()},
                }
            )
        )
    return 1


def _done(a: argparse.Namespace, text: str, obj: dict[str, object]) -> int:
    """``text`` on stdout, or with ``--json`` the object ``{"ok": true, ...obj}``; exit 0."""
    print(json.dumps({"ok": True, **obj}) if getattr(a, "json", False) else text)
    return 0


def _usage(msg: str) -> int:
    _say(f"usage error: {msg}")
    return 2


def cmd_init(a: argparse.Namespace) -> int:
    from ..cli import progress_printer
    from ..params import get_parameter_set
    from .config import init_committee

    params = get_parameter_set(a.params, allow_insecure=a.insecure)
    if not 1 <= a.parties <= params.bfv.parties:
        return _usage(f"--parties must be in [1, {params.bfv.parties}] for {params.name}")
    config = init_committee(a.dir, params, a.parties, a.id, decryption_budget=a.budget, progress=progress_printer())
    return _done(
        a,
        f"committee {config.digest.hex()} ({config.parties} members, {params.name}, "
        f"budget {config.decryption_budget} decryptions) in {a.dir}",
        {
            "committee": config.digest.hex(),
            "params_id": params.name,
            "parties": config.parties,
            "decryption_budget": config.decryption_budget,
            "dir": a.dir,
        },
    )


def cmd_join(a: argparse.Namespace) -> int:
    from ..cli import progress_printer
    from .keygen import join

    contribution = join(a.dir, a.member, a.secret, allow_insecure=a.insecure, progress=progress_printer())
    return _done(
        a,
        f"member {contribution.member} joined: h = {contribution.h}; share in {a.secret} (0600)",
        {"member": contribution.member, "h": str(contribution.h), "secret": a.secret},
    )


def cmd_finalize(a: argparse.Namespace) -> int:
    from schemes.bfv.serialization import public_key_digest

    from .keygen import finalize

    try:
        committee = finalize(a.dir, allow_insecure=a.insecure)
    except ContributionRefused as exc:
        return _refused(exc, "contribution", a)
    digest = public_key_digest(committee.params.bfv, committee.pk).hex()
    members = [c.member for c in committee.contributions]
    return _done(
        a, f"finalized: joint key {digest} from members {members}", {"joint_key_digest": digest, "members": members}
    )


def cmd_setup(a: argparse.Namespace) -> int:
    from ..cli import progress_printer
    from ..keys import run_setup, write_keydir
    from ..params import get_parameter_set
    from .keygen import load_committee

    params = get_parameter_set(a.params, allow_insecure=a.insecure)
    committee = load_committee(a.committee, allow_insecure=a.insecure)
    if committee.params != params:
        return _usage(f"the committee in {a.committee} is for {committee.params.name}, not {params.name}")
    if a.ptau or a.from_zkey:  # keys from a powers-of-tau ceremony
        from ..ceremony_cli import setup_phase2

        return setup_phase2(a, params, committee)
    if a.zkey_out:
        return _usage("--zkey-out needs --ptau")
    if not a.out:
        return _usage("--out KEYDIR is required")
    say = progress_printer()
    keys = run_setup(params, committee.pk, progress=say)
    write_keydir(a.out, keys)
    say(f"wrote {a.out} (digest {keys.verifier.digest.hex()[:16]}...): no secret share")
    if a.json:
        print(
            json.dumps(
                {
                    "ok": True,
                    "keys": a.out,
                    "params_id": params.name,
                    "digest": keys.verifier.digest.hex(),
                    "constraints": keys.pk.num_constraints,
                }
            )
        )
    return 0


def cmd_scan(a: argparse.Namespace) -> int:
    from ..cli import _context, _read_bytes
    from ..errors import Rejected
    from ..keys import load_verifier_keys
    from .request import make_request

    keys = load_verifier_keys(a.keys, allow_insecure=a.insecure)
    try:
        request = make_request(keys, _read_bytes(a.envelope), _context(a.ctx))
    except Rejected as exc:
        return _refused(exc, exc.reason.value, a)
    write_bytes(a.out, request.encode())
    return _done(
        a,
        f"wrote {a.out}: scan request {request.digest().hex()[:16]}... for envelope "
        f"{request.envelope_digest().hex()[:16]}...",
        {
            "request": a.out,
            "request_digest": request.digest().hex(),
            "envelope_digest": request.envelope_digest().hex(),
        },
    )


def cmd_partial(a: argparse.Namespace) -> int:
    from ..cli import _read_bytes
    from ..keys import load_verifier_keys
    from .keygen import load_committee
    from .member import Member

    committee = load_committee(a.committee, allow_insecure=a.insecure)
    if not 1 <= a.member <= committee.config.parties:
        return _usage(f"--member must be in [1, {committee.config.parties}]")
    member = Member(committee, load_verifier_keys(a.keys, allow_insecure=a.insecure), a.member, a.secret)
    try:
        answer = member.answer(_read_bytes(a.request))
    except RequestRefused as exc:
        return _refused(exc, None, a)
    write_bytes(a.out, answer.encode())
    used = member.decryptions()
    return _done(
        a,
        f"wrote {a.out}: member {a.member}'s partial decryption ({used} of {member.budget} decryptions used)",
        {"partial": a.out, "member": a.member, "decryptions": used, "decryption_budget": member.budget},
    )


def cmd_verdict(a: argparse.Namespace) -> int:
    from ..cli import _read_bytes
    from ..keys import load_verifier_keys
    from .keygen import load_committee
    from .request import decode_request
    from .verdict import combine

    committee = load_committee(a.committee, allow_insecure=a.insecure)
    keys = load_verifier_keys(a.keys, allow_insecure=a.insecure) if a.keys else None
    try:
        request = decode_request(_read_bytes(a.request))
        record = combine(committee, request, [_read_bytes(p) for p in a.partials], keys=keys)
    except PartialRefused as exc:
        return _refused(exc, "partial", a)
    except RequestRefused as exc:
        return _refused(exc, None, a)
    write_bytes(a.out, record.encode())
    return _done(
        a,
        f"score {record.score}, threshold {record.threshold}: {record.verdict.upper()} (record {a.out})",
        {"record": a.out, "score": record.score, "threshold": record.threshold, "verdict": record.verdict},
    )


def cmd_audit(a: argparse.Namespace) -> int:
    from ..cli import _read_bytes
    from ..keys import load_verifier_keys
    from .keygen import load_committee
    from .record import audit_record

    committee = load_committee(a.committee, allow_insecure=a.insecure)
    keys = load_verifier_keys(a.keys, allow_insecure=a.insecure)
    try:
        record = audit_record(_read_bytes(a.record), keys, committee)
    except RecordRefused as exc:
        return _refused(exc, "record", a)
    return _done(
        a,
        f"RECORD OK: score {record.score}, threshold {record.threshold}, verdict {record.verdict}, "
        f"{len(record.partials)} proven partials",
        {
            "score": record.score,
            "threshold": record.threshold,
            "verdict": record.verdict,
            "partials": len(record.partials),
        },
    )


def _index(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {v}")
    return v


def add_commands(add: Add) -> None:
    """Register ``committee init|join|finalize``, ``setup``, ``scan``, ``partial``, ``verdict`` and
    ``audit`` with the CLI's ``add(name, fn, help)``."""
    from ..cli import command_group

    sub = command_group(add, "committee", "a committee without a dealer: init, join, finalize", json_output=True)

    p = sub("init", cmd_init, "create a committee directory (public seed, circuit keys)")
    p.add_argument("dir")
    p.add_argument("--params", required=True)
    p.add_argument("--parties", required=True, type=_index)
    p.add_argument("--id", default=None, help="committee id (the seed of the common ring element derives from it)")
    p.add_argument("--budget", type=_index, default=None, help="decryptions per member share (at most the set's)")
    p = sub("join", cmd_join, "member I makes its share (secret FILE, 0600) and publishes its proven contribution")
    p.add_argument("dir")
    p.add_argument("--member", required=True, type=_index)
    p.add_argument("--secret", required=True)
    p = sub("finalize", cmd_finalize, "verify every contribution and publish the joint key (1: names the member)")
    p.add_argument("dir")

    p = add("setup", cmd_setup, "Groth16 keys for the finalized committee's joint key (no share in KEYDIR)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--params", required=True)
    p.add_argument("--committee", required=True, help="finalized committee directory")
    p.add_argument("--out", default=None, help="key directory (not with --ptau alone: that writes --zkey-out only)")
    from ..ceremony_cli import add_setup_options

    add_setup_options(p)
    p = add("scan", cmd_scan, "make a scan request for an envelope (checked first)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("envelope")
    p.add_argument("--keys", required=True)
    p.add_argument("--ctx", required=True, help="the message context the envelope is bound to")
    p.add_argument("--out", required=True)
    p = add("partial", cmd_partial, "member I answers a scan request (1: refused, with the reason)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("request")
    p.add_argument("--keys", required=True)
    p.add_argument("--committee", required=True)
    p.add_argument("--member", required=True, type=_index)
    p.add_argument("--secret", required=True)
    p.add_argument("--out", required=True)
    p = add("verdict", cmd_verdict, "combine proven partials into a verdict record (1: names the members)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("request")
    p.add_argument("partials", nargs="+")
    p.add_argument("--committee", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--keys", default=None, help="also verify the envelope under this key directory")
    p = add("audit", cmd_audit, "re-check a verdict record offline from public data (0 ok, 1 refused)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("record")
    p.add_argument("--keys", required=True)
    p.add_argument("--committee", required=True)
