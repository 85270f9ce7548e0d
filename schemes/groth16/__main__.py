"""Command line: ``python -m schemes.groth16 {example,verify} ...``.

- ``example --out DIR [--insecure-seed HEX]``: set up, prove and verify the built-in circuit and
  write verification_key.json, proof.json, public.json, circuit.r1cs, witness.wtns, circuit.zkey.
- ``verify VK PROOF PUBLIC``: verify snarkjs JSON files; exit 0 if valid, 1 if rejected (reason
  on stderr), 2 on bad usage.

Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import sys


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m schemes.groth16")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("example", help="run the built-in example and write snarkjs files")
    ex.add_argument("--out", required=True, help="output directory")
    ex.add_argument("--insecure-seed", default=None, help="hex seed for a deterministic INSECURE setup (tests only)")
    ve = sub.add_parser("verify", help="verify snarkjs verification_key.json, proof.json, public.json")
    ve.add_argument("vk")
    ve.add_argument("proof")
    ve.add_argument("public")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0

    if args.command == "example":
        from .example import run_example

        seed = None
        if args.insecure_seed is not None:
            try:
                seed = bytes.fromhex(args.insecure_seed)
            except ValueError:
                print("--insecure-seed must be hex", file=sys.stderr)
                return 2
            print("WARNING: insecure seeded setup; anyone with the seed can forge proofs", file=sys.stderr)
        public = run_example(args.out, insecure_seed=seed, progress=_progress)
        print(f"wrote {args.out} (public inputs {public})", file=sys.stderr)
        return 0

    from .data_structures import prepare_verifying_key
    from .errors import EncodingError, InvalidProof
    from .snarkjs import read_proof, read_public, read_verification_key
    from .verifier import verify

    try:
        vk = read_verification_key(args.vk)
        proof = read_proof(args.proof)
        public = read_public(args.public)
    except OSError as e:
        print(f"cannot read input: {e}", file=sys.stderr)
        return 2
    except EncodingError as e:
        print(f"rejected: {e}", file=sys.stderr)
        return 1
    try:
        verify(prepare_verifying_key(vk), public, proof)
    except InvalidProof as e:
        print(f"rejected: {e.reason}", file=sys.stderr)
        return 1
    print("OK", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
