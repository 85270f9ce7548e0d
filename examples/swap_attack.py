"""The swap attack, rejected twice: at the server and at the prover.

    python examples/swap_attack.py [--params default|rgb32|toy]

A cheating sender wants the scanner to see a benign image while the recipient gets another.
1. Splice the benign image's BFV ciphertext into the envelope of the other image: the server's
   Groth16 check fails.
2. Try to prove the mixed statement honestly: the witness does not satisfy the relation, so no
   proof exists to make.
"""

from __future__ import annotations

from dataclasses import replace

from _keys import cached_keys, parse_args

from consistency.circuit import build_circuit
from consistency.demo import _shipped_image
from consistency.errors import Rejected
from consistency.image import image_bytes
from consistency.sender import encrypt_for_scanner, prepare_statement, send
from consistency.server import Server
from schemes.key_agreement import generate_recipient_key


def main() -> None:
    args = parse_args(__doc__)
    keys, _ = cached_keys(args.params)
    p = keys.params
    bob = generate_recipient_key().public_bytes()
    benign, banned = (image_bytes(_shipped_image(p.data_name, k), p) for k in ("benign", "banned"))

    server = Server(keys.verifier)
    ctx_benign, ctx_banned = server.issue_context(), server.issue_context()
    env_benign = send(_shipped_image(p.data_name, "benign"), bob, keys, ctx_benign)
    env_banned = send(_shipped_image(p.data_name, "banned"), bob, keys, ctx_banned)
    spliced = replace(env_banned, ct_fhe=env_benign.ct_fhe)
    try:
        server.admit(spliced, ctx_banned)
        raise SystemExit("BUG: the spliced envelope was accepted")
    except Rejected as exc:
        print(f"1. spliced envelope rejected by the server: {exc}")

    stmt, wit, _ = prepare_statement(p, keys.pk_fhe, banned, bob, b"msg-id=3")
    ct_fhe, bfv_wit = encrypt_for_scanner(p, keys.pk_fhe, benign)
    cs = build_circuit(p, keys.pk_fhe, replace(stmt, ct_fhe=ct_fhe), replace(wit, bfv=bfv_wit))
    assert not cs.is_satisfied()
    failing = cs.freeze().first_failure(cs.assignment)
    print(
        f"2. mixed witness fails constraint #{failing} ({cs.freeze().constraint_name(failing)}): no proof can be made"
    )


if __name__ == "__main__":
    main()
