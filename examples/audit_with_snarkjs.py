"""A third-party audit: export a verified envelope's proof, public inputs and verifying key in
the snarkjs formats and check them with `snarkjs groth16 verify`.

    python examples/audit_with_snarkjs.py [--params default|rgb32|toy] [--out DIR]

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

from consistency.demo import _shipped_image
from consistency.sender import send
from consistency.server import Server
from schemes.groth16.snarkjs import vk_to_json, write_proof, write_public
from schemes.key_agreement import generate_recipient_key

INTEROP = Path(__file__).resolve().parents[1] / "tests" / "interop"


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--params", default="default")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    keys, _ = cached_keys(args.params)
    env = send(_shipped_image(keys.params.data_name, "benign"), generate_recipient_key().public_bytes(), keys, b"audit-1")
    record = Server(keys.verifier).admit(env, b"audit-1").audit_record()
    out = Path(args.out or tempfile.mkdtemp(prefix="audit-"))
    out.mkdir(parents=True, exist_ok=True)
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
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
