"""``python -m consistency <command>``: params, keygen, send, verify, open, inspect, pack, export, demo,
bench; for servers issue-context, admit, audit-log (:mod:`consistency.server_cli`); for the
committee ``committee init|join|finalize``, setup, scan, partial, verdict, audit
(:mod:`consistency.committee.cli`); for the trusted setup ``ceremony contribute|beacon|verify``,
inspect-keys (:mod:`consistency.ceremony_cli`).
Exit codes: 0 success (``verify``: valid); 1 rejected (an envelope, a key directory or an input
that does not pass its checks); 2 bad usage; 3 operational error (a file that cannot be read or
written, a store or log that is unavailable): the command could not run."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from schemes.errors import SchemesError

from .errors import ConsistencyError, OperationalError, Rejected

#: Exit codes (README, "Command line"; ``--help``).
EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_OPERATIONAL = 0, 1, 2, 3

__all__ = ["main"]


def progress_printer(prefix: str = "") -> Callable[[str], None]:
    """Progress lines with elapsed time on stderr."""
    t0 = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:7.1f}s] {prefix}{msg}", file=sys.stderr, flush=True)

    return say


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors exit 2 (argparse's default too)
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _context(text: str) -> bytes:
    """``--ctx TEXT`` as the UTF-8 bytes of TEXT (specs/consistency.md §2); text that is not
    valid Unicode (undecodable bytes in argv) is a usage error, never transcoded."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        print("error: --ctx must be valid UTF-8 text", file=sys.stderr)
        raise SystemExit(2) from None


#: No input file of the command line is longer than this: 8 times the largest envelope of any
#: parameter set (the JSON view of an envelope is at most about 3 times its binary size).
def _max_input_bytes() -> int:
    from .params import PARAMETER_SET_NAMES, get_parameter_set
    from .verification import envelope_size

    return 8 * max(envelope_size(get_parameter_set(n, allow_insecure=True)) for n in PARAMETER_SET_NAMES)


def _read_bytes(path: str, limit: int | None = None) -> bytes:
    """The file's bytes, refused (before they are read whole) if longer than ``limit`` (default:
    :func:`_max_input_bytes`). A file that cannot be read is an operational error."""
    from .files import read_at_most

    cap = _max_input_bytes() if limit is None else limit
    data = read_at_most(path, cap)
    if len(data) > cap:
        raise ConsistencyError(f"{path} is longer than {cap} bytes, more than any valid input; refused unread")
    return data


def cmd_params(a: argparse.Namespace) -> int:
    from .params import get_parameter_set

    info = get_parameter_set(a.name, allow_insecure=a.insecure).describe()
    if a.json:
        print(json.dumps(info))
    else:
        width = max(map(len, info))
        for key, value in info.items():
            print(f"{key:<{width}}  {value}")
    return 0


def cmd_keygen(a: argparse.Namespace) -> int:
    from schemes.key_agreement import generate_recipient_key

    from .keyfile import write_recipient_keys

    pub = write_recipient_keys(generate_recipient_key(), a.out)
    print(f"wrote {a.out} (recipient secret key, 0600) and {pub} (recipient public key)", file=sys.stderr)
    return 0


def _check_writable(path: str) -> None:
    """Refuse an output path that cannot be written (a directory, a missing or read-only parent)."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise OperationalError(f"cannot write {path}: it is a directory")
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise OperationalError(f"cannot write {path}: the directory is missing or not writable")


def cmd_send(a: argparse.Namespace) -> int:
    from .envelope import encode
    from .image import image_bytes
    from .keyfile import read_recipient_public
    from .keys import load_prover_keys
    from .sender import send

    context = _context(a.ctx)
    for out in (a.out, a.wtns):  # before any expensive step, not after the proof
        if out is not None:
            _check_writable(out)
    keys = load_prover_keys(a.keys, allow_insecure=a.insecure)
    recipient_pub = read_recipient_public(a.recipient)
    image_bytes(a.image, keys.params)  # refuse a wrong file, mode or size before the keys are used
    env = send(a.image, recipient_pub, keys, context, progress=progress_printer(), witness_out=a.wtns)
    data = encode(env, allow_insecure=a.insecure)
    Path(a.out).write_bytes(data)
    print(f"wrote {a.out} ({len(data)} bytes, C = {env.C})", file=sys.stderr)
    return 0


def cmd_verify(a: argparse.Namespace) -> int:
    from .keys import load_verifier_keys
    from .server import verify_envelope

    keys = load_verifier_keys(a.keys, allow_insecure=a.insecure)
    try:
        v = verify_envelope(keys, _read_bytes(a.envelope), _context(a.ctx))
    except Rejected as exc:
        if a.json:
            print(json.dumps({"valid": False, "reason": exc.reason.value, "message": str(exc)}))
        print(f"REJECTED: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    if a.json:
        print(json.dumps({"valid": True, "params_id": keys.params.name, "C": str(v.C)}))
    else:
        print(f"VALID: C = {v.C}")
    return EXIT_OK


def cmd_open(a: argparse.Namespace) -> int:
    from .envelope import decode
    from .image import save_png
    from .keyfile import read_recipient_secret
    from .params import get_parameter_set
    from .payload import PAYLOAD_MAGIC, ForwardPayload, decode_payload
    from .recipient import open_payload

    data = _read_bytes(a.envelope)
    if data[:4] == PAYLOAD_MAGIC:  # what a server forwards (specs/consistency.md, "Forward payload")
        payload = decode_payload(data, allow_insecure=a.insecure)
    else:  # a whole envelope: its forward part
        env = decode(data, allow_insecure=a.insecure)
        payload = ForwardPayload(env.params_id, env.C, env.nonce, env.eph_pub, env.ct_msg)
    params = get_parameter_set(payload.params_id, allow_insecure=a.insecure)
    opening = open_payload(payload, read_recipient_secret(a.key), params)
    save_png(opening.image, a.out)
    print(json.dumps({"C": str(opening.C), "rho": str(opening.rho), "image": a.out}))
    return 0


def cmd_inspect(a: argparse.Namespace) -> int:
    from .envelope import decode, to_json

    view = to_json(decode(_read_bytes(a.envelope), allow_insecure=a.insecure))
    print(json.dumps(view) if a.json else json.dumps(view, indent=1))
    return 0


def cmd_pack(a: argparse.Namespace) -> int:
    from .envelope import encode, loads_json

    env = loads_json(_read_bytes(a.json), allow_insecure=a.insecure)
    Path(a.out).write_bytes(encode(env, allow_insecure=a.insecure))
    return 0


def cmd_export(a: argparse.Namespace) -> int:
    from schemes.groth16.snarkjs import vk_to_json, write_proof, write_public

    from .envelope import decode
    from .keys import load_verifier_keys

    keys = load_verifier_keys(a.keys, allow_insecure=a.insecure)
    env = decode(_read_bytes(a.envelope), allow_insecure=a.insecure)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "verification_key.json").write_text(json.dumps(vk_to_json(keys.vk), indent=1) + "\n")
    write_proof(out / "proof.json", env.proof)
    write_public(out / "public.json", env.public_inputs())
    print(
        f"wrote {out}/verification_key.json, proof.json, public.json; check with: "
        f"snarkjs groth16 verify {out}/verification_key.json {out}/public.json {out}/proof.json",
        file=sys.stderr,
    )
    if a.r1cs or a.zkey:
        from schemes.groth16.zkey import write_zkey
        from schemes.r1cs.iden3 import write_r1cs

        from .circuit import build_circuit
        from .keys import load_prover_keys

        prover = load_prover_keys(a.keys, allow_insecure=a.insecure) if a.zkey else None
        r1cs = build_circuit(keys.params, keys.pk_fhe).freeze()
        if a.r1cs:
            write_r1cs(r1cs, out / "circuit.r1cs")
            print(f"wrote {out}/circuit.r1cs", file=sys.stderr)
        if prover is not None:
            write_zkey(prover.pk, r1cs, out / "circuit.zkey")
            print(f"wrote {out}/circuit.zkey (the proving key, for snarkjs groth16 prove)", file=sys.stderr)
    return 0


def cmd_demo(a: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(a.params, cache_dir=a.cache, insecure=a.insecure)


def cmd_bench(a: argparse.Namespace) -> int:
    if a.server:
        from .server_bench import run_server_bench

        return run_server_bench(a)
    from .bench import run_bench

    return run_bench(a)


def command_group(
    add: Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser],
    name: str,
    help_: str,
    *,
    json_output: bool = False,
) -> Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]:
    """Register ``name`` as a group of subcommands (``committee init``, ``ceremony verify``) and
    return its ``sub(name, fn, help)``: each subcommand takes ``--insecure`` (and ``--json``)."""
    group = add(name, lambda a: EXIT_USAGE, help_)
    nested = group.add_subparsers(dest=f"{name}_command", required=True, parser_class=type(group))

    def sub(sub_name: str, fn: Callable[[argparse.Namespace], int], sub_help: str) -> argparse.ArgumentParser:
        p = nested.add_parser(sub_name, help=sub_help)
        p.set_defaults(fn=fn)
        p.add_argument("--insecure", action="store_true", help="allow the INSECURE toy parameter set")
        if json_output:
            p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
        return p

    return sub


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m consistency", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(name: str, fn: Callable[[argparse.Namespace], int], help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_)
        sp.set_defaults(fn=fn)
        sp.add_argument(
            "--insecure", action="store_true", help="allow the INSECURE toy set and the LEAKY default-2048-leaky set"
        )
        return sp

    sp = add("params", cmd_params, "describe a parameter set (noise budget, flooding, decryption budget)")
    sp.add_argument("name", help="parameter set name (default, rgb32, toy, default-2048-leaky)")
    sp.add_argument("--json", action="store_true", help="one JSON object on stdout")

    sp = add("keygen", cmd_keygen, "recipient X25519 key pair: secret in OUT, public in OUT.pub")
    sp.add_argument("--out", required=True)
    sp = add("send", cmd_send, "commit, encrypt and prove an image")
    sp.add_argument("image")
    sp.add_argument("--keys", required=True)
    sp.add_argument(
        "--recipient",
        required=True,
        help='recipient public key file (keygen\'s OUT.pub, specs/consistency.md "Key files")',
    )
    sp.add_argument("--ctx", required=True, help="message context text issued by the server")
    sp.add_argument("--out", required=True)
    sp.add_argument(
        "--wtns",
        default=None,
        metavar="FILE",
        help="also write the witness (.wtns, for snarkjs); SECRET: it holds the image (created 0600)",
    )
    sp = add("verify", cmd_verify, "verify an envelope: exit 0 valid, 1 rejected, 2 usage")
    sp.add_argument("envelope")
    sp.add_argument("--keys", required=True)
    sp.add_argument("--ctx", required=True, help="the message context the envelope must be bound to")
    sp.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object: {"valid": true, "params_id", "C"} or {"valid": false, "reason", "message"}',
    )
    sp = add("open", cmd_open, "recipient: decrypt, check the commitment, write the image")
    sp.add_argument("envelope", help="a forward payload (what the server forwards) or a whole envelope")
    sp.add_argument("--key", required=True, help="recipient secret key file")
    sp.add_argument("--out", required=True)
    sp = add("inspect", cmd_inspect, "print the envelope as JSON (specs/consistency.md section 7)")
    sp.add_argument("envelope")
    sp.add_argument("--json", action="store_true", help="one JSON object on one line (default: indented)")
    sp = add("pack", cmd_pack, "JSON envelope back to the binary encoding")
    sp.add_argument("json")
    sp.add_argument("--out", required=True)
    sp = add("export", cmd_export, "snarkjs verification_key.json, proof.json, public.json")
    sp.add_argument("envelope")
    sp.add_argument("--keys", required=True)
    sp.add_argument("--out", required=True)
    sp.add_argument("--r1cs", action="store_true", help="also write the circuit as circuit.r1cs (iden3)")
    sp.add_argument(
        "--zkey",
        action="store_true",
        help="also write the proving key as circuit.zkey (needs proving_key.bin in KEYDIR)",
    )
    sp = add("demo", cmd_demo, "the whole flow on the shipped images")
    sp.add_argument("--params", default="default")
    sp.add_argument("--cache", default=None, help="key cache directory")
    sp = add("bench", cmd_bench, "benchmark table (or --json), against snarkjs")
    sp.add_argument("--params", default="toy,default", help="comma-separated parameter sets ('' for none)")
    sp.add_argument("--sizes", default="12,14,16", help="synthetic circuit sizes log2 ('' for none)")
    sp.add_argument("--batch", type=int, default=32, help="proofs in the batch-verification row")
    sp.add_argument(
        "--runs", type=int, default=1, metavar="N", help="runs per send/prove figure, the median is shown (default 1)"
    )
    sp.add_argument("--msm-size", type=int, default=12, help="log2 points of the MSM-vs-py_ecc row (0: none)")
    sp.add_argument("--no-snarkjs", action="store_true", help="skip the snarkjs comparisons")
    sp.add_argument("--json", action="store_true", help="print the results as one JSON object")
    sp.add_argument(
        "--plot",
        metavar="FILE.png",
        default=None,
        help="draw prove time against constraints, ours beside snarkjs (needs matplotlib)",
    )
    sp.add_argument(
        "--server",
        nargs="?",
        const="default",
        default=None,
        metavar="PARAMS",
        help="server admissions/s per store and executor instead (consistency.server_bench)",
    )
    sp.add_argument("--server-envelopes", type=int, default=48, help="envelopes per --server run")
    from .server_cli import add_commands

    add_commands(add)
    from .committee.cli import add_commands as add_committee_commands

    add_committee_commands(add)
    from .ceremony_cli import add_commands as add_ceremony_commands

    add_ceremony_commands(add)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    a = parser.parse_args(argv)
    try:
        code: int = a.fn(a)
        return code
    except (OperationalError, OSError) as exc:  # could not run: reported, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_OPERATIONAL
    except (ConsistencyError, SchemesError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
