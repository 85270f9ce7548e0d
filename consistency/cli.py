"""``python -m consistency <command>``: params, keygen, setup, send, verify, open, inspect, pack,
export, demo, bench. Exit codes: 0 success (``verify``: valid), 1 rejected / failed, 2 bad usage."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Callable, Optional

from .errors import ConsistencyError, Rejected

__all__ = ["main"]


def progress_printer(prefix: str = "") -> Callable[[str], None]:
    """Progress lines with elapsed time on stderr."""
    t0 = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:7.1f}s] {prefix}{msg}", file=sys.stderr, flush=True)

    return say


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 (argparse's default too)
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ConsistencyError(f"cannot read {path}: {exc.strerror}") from None


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

    sk = generate_recipient_key()
    sk.write(a.out)
    Path(a.out + ".pub").write_bytes(sk.public_bytes())
    print(f"wrote {a.out} (secret) and {a.out}.pub (public)", file=sys.stderr)
    return 0


def cmd_setup(a: argparse.Namespace) -> int:
    from .keys import generate_committee, run_setup, write_keydir
    from .params import get_parameter_set

    params = get_parameter_set(a.params, allow_insecure=a.insecure)
    say = progress_printer()
    say(f"committee key generation ({params.bfv.parties} simulated parties)")
    committee = generate_committee(params)
    keys = run_setup(params, committee, progress=say)
    write_keydir(a.out, keys, committee)
    say(f"wrote {a.out} (digest {keys.verifier.digest.hex()[:16]}...)")
    return 0


def cmd_send(a: argparse.Namespace) -> int:
    from .envelope import encode
    from .keys import load_prover_keys
    from .sender import send

    keys = load_prover_keys(a.keys, allow_insecure=a.insecure)
    recipient_pub = _read_bytes(a.recipient)
    env = send(a.image, recipient_pub, keys, a.ctx.encode(), progress=progress_printer())
    data = encode(env, allow_insecure=a.insecure)
    Path(a.out).write_bytes(data)
    print(f"wrote {a.out} ({len(data)} bytes, C = {env.C})", file=sys.stderr)
    return 0


def cmd_verify(a: argparse.Namespace) -> int:
    from .keys import load_verifier_keys
    from .server import verify_envelope

    keys = load_verifier_keys(a.keys, allow_insecure=a.insecure)
    try:
        v = verify_envelope(keys, _read_bytes(a.envelope), a.ctx.encode())
    except Rejected as exc:
        print(f"REJECTED: {exc}", file=sys.stderr)
        return 1
    print(f"VALID: C = {v.C}")
    return 0


def cmd_open(a: argparse.Namespace) -> int:
    from .envelope import decode
    from .image import save_png
    from .params import get_parameter_set
    from .recipient import open_payload
    from .server import ForwardPayload

    env = decode(_read_bytes(a.envelope), allow_insecure=a.insecure)
    params = get_parameter_set(env.params_id, allow_insecure=a.insecure)
    payload = ForwardPayload(env.params_id, env.C, env.nonce, env.eph_pub, env.ct_msg)
    opening = open_payload(payload, _read_bytes(a.key), params)
    save_png(opening.image, a.out)
    print(json.dumps({"C": str(opening.C), "rho": str(opening.rho), "image": a.out}))
    return 0


def cmd_inspect(a: argparse.Namespace) -> int:
    from .envelope import decode, to_json

    print(json.dumps(to_json(decode(_read_bytes(a.envelope), allow_insecure=a.insecure)), indent=1))
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
    print(f"wrote {out}/verification_key.json, proof.json, public.json; check with: "
          f"snarkjs groth16 verify {out}/verification_key.json {out}/public.json {out}/proof.json", file=sys.stderr)
    return 0


def cmd_demo(a: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(a.params, cache_dir=a.cache, insecure=a.insecure)


def cmd_bench(a: argparse.Namespace) -> int:
    from .bench import run_bench

    return run_bench(a)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m consistency", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(name: str, fn: Callable[[argparse.Namespace], int], help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_)
        sp.set_defaults(fn=fn)
        sp.add_argument("--insecure", action="store_true",
                        help="allow the INSECURE toy set and the LEAKY default-2048-leaky set")
        return sp

    sp = add("params", cmd_params, "describe a parameter set (noise budget, flooding, decryption budget)")
    sp.add_argument("name", help="parameter set name (default, rgb32, toy, default-2048-leaky)")
    sp.add_argument("--json", action="store_true", help="one JSON object on stdout")

    sp = add("keygen", cmd_keygen, "recipient X25519 key pair: secret in OUT, public in OUT.pub")
    sp.add_argument("--out", required=True)
    sp = add("setup", cmd_setup, "committee BFV keys (simulated n-of-n) and Groth16 keys")
    sp.add_argument("--params", required=True)
    sp.add_argument("--out", required=True, help="key directory")
    sp = add("send", cmd_send, "commit, encrypt and prove an image")
    sp.add_argument("image")
    sp.add_argument("--keys", required=True)
    sp.add_argument("--recipient", required=True, help="recipient public key file (32 bytes)")
    sp.add_argument("--ctx", required=True, help="message context text issued by the server")
    sp.add_argument("--out", required=True)
    sp = add("verify", cmd_verify, "verify an envelope: exit 0 valid, 1 rejected, 2 usage")
    sp.add_argument("envelope")
    sp.add_argument("--keys", required=True)
    sp.add_argument("--ctx", required=True, help="the message context the envelope must be bound to")
    sp = add("open", cmd_open, "recipient: decrypt, check the commitment, write the image")
    sp.add_argument("envelope")
    sp.add_argument("--key", required=True, help="recipient secret key file")
    sp.add_argument("--out", required=True)
    sp = add("inspect", cmd_inspect, "print the envelope as JSON")
    sp.add_argument("envelope")
    sp = add("pack", cmd_pack, "JSON envelope back to the binary encoding")
    sp.add_argument("json")
    sp.add_argument("--out", required=True)
    sp = add("export", cmd_export, "snarkjs verification_key.json, proof.json, public.json")
    sp.add_argument("envelope")
    sp.add_argument("--keys", required=True)
    sp.add_argument("--out", required=True)
    sp = add("demo", cmd_demo, "the whole flow on the shipped images")
    sp.add_argument("--params", default="default")
    sp.add_argument("--cache", default=None, help="key cache directory")
    sp = add("bench", cmd_bench, "benchmark table")
    sp.add_argument("--params", default="toy,default", help="comma-separated parameter sets ('' for none)")
    sp.add_argument("--sizes", default="12,14,16", help="synthetic circuit sizes log2 ('' for none)")
    sp.add_argument("--batch", type=int, default=32, help="proofs in the batch-verification row")
    sp.add_argument("--no-snarkjs", action="store_true", help="skip the snarkjs comparisons")
    return p


def main(argv: Optional[list[str]] = None) -> int:
    parser = build_parser()
    a = parser.parse_args(argv)
    try:
        return a.fn(a)
    except ConsistencyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # unreadable input, unwritable output: reported, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1
