"""A third-party audit: export a verified envelope's proof, public inputs and verifying key in
the snarkjs formats and check them with `snarkjs groth16 verify`; with `--reprove`, also export
the circuit (`.r1cs`), the proving key (`.zkey`) and the sender's witness (`.wtns`, secret: it
holds the image) and let snarkjs redo the whole flow on its own: `wtns check`, `groth16 prove`
with our key, `groth16 verify` of its own proof.

    python examples/audit_with_snarkjs.py [--params default|rgb32|toy] [--out DIR] [--reprove]

Uses the pinned snarkjs in tests/interop (installing it with `npm ci` if needed). Exit status:
snarkjs's own (0 = the proof verified); 2 if snarkjs could not be run here, after printing the
command to run with any snarkjs.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from _keys import cached_keys

from consistency.circuit import build_circuit
from consistency.demo import _shipped_image
from consistency.sender import send
from consistency.server import Server
from schemes.groth16.snarkjs import vk_to_json, write_proof, write_public
from schemes.groth16.zkey import write_zkey
from schemes.key_agreement import generate_recipient_key
from schemes.r1cs.iden3 import write_r1cs

INTEROP = Path(__file__).resolve().parents[1] / "tests" / "interop"


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--params", default="default")
    ap.add_argument("--out", default=None)
    ap.add_argument("--reprove", action="store_true", help="also let snarkjs prove from exported .r1cs/.zkey/.wtns")
    args = ap.parse_args()
    keys, _ = cached_keys(args.params)
    out = Path(args.out or tempfile.mkdtemp(prefix="audit-"))
    out.mkdir(parents=True, exist_ok=True)
    wtns = out / "witness.wtns" if args.reprove else None
    server = Server(keys.verifier)
    context = server.issue_context()
    env = send(
        _shipped_image(keys.params.data_name, "benign"),
        generate_recipient_key().public_bytes(),
        keys,
        context,
        witness_out=wtns,
    )
    record = server.admit(env, context).audit_record()
    (out / "verification_key.json").write_text(json.dumps(vk_to_json(keys.verifier.vk), indent=1))
    write_proof(out / "proof.json", env.proof)
    write_public(out / "public.json", env.public_inputs())
    print(f"audit record for C = {record['C']} written to {out}")
    cmd = ["groth16", "verify", str(out / "verification_key.json"), str(out / "public.json"), str(out / "proof.json")]
    from schemes.groth16.snarkjs_cli import SnarkjsUnavailable, ensure_snarkjs, run_snarkjs

    try:
        cli = ensure_snarkjs(INTEROP)
    except SnarkjsUnavailable as exc:  # no node here: nothing was checked, say how to check by hand
        print(f"snarkjs not available here ({exc}); run: snarkjs {' '.join(cmd)}", file=sys.stderr)
        sys.exit(2)
    r = run_snarkjs(cli, cmd)
    print(r.stdout.strip() or r.stderr.strip())
    if r.returncode or not args.reprove:
        sys.exit(r.returncode)
    r1cs = build_circuit(keys.params, keys.pk_fhe).freeze()
    write_r1cs(r1cs, out / "circuit.r1cs")
    write_zkey(keys.pk, r1cs, out / "circuit.zkey")
    for step in (
        ["wtns", "check", str(out / "circuit.r1cs"), str(wtns)],
        [
            "groth16",
            "prove",
            str(out / "circuit.zkey"),
            str(wtns),
            str(out / "sj_proof.json"),
            str(out / "sj_public.json"),
        ],
        [
            "groth16",
            "verify",
            str(out / "verification_key.json"),
            str(out / "sj_public.json"),
            str(out / "sj_proof.json"),
        ],
    ):
        r = run_snarkjs(cli, step, timeout=3600)
        print(f"snarkjs {step[0]} {step[1]}: " + (r.stdout.strip().splitlines() or [r.stderr.strip()])[-1])
        if r.returncode:
            sys.exit(r.returncode)


if __name__ == "__main__":
    main()
