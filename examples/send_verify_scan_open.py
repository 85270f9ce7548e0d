"""Send an image, verify at the server, scan it homomorphically, and open it at the recipient.

    python examples/send_verify_scan_open.py [--params default|rgb32|toy]

Shows that the plaintext score of the reference classifier and the score the committee
threshold-decrypts from the BFV inference input agree.
"""

from __future__ import annotations

import numpy as np
from _keys import cached_keys, parse_args

from consistency.cli import progress_printer
from consistency.demo import _shipped_image
from consistency.envelope import encode
from consistency.image import image_bytes
from consistency.recipient import open_payload
from consistency.scanner import homomorphic_score, load_scanner, plaintext_score
from consistency.sender import send
from consistency.server import Server
from schemes.bfv.errors import DecryptionBudgetExhausted
from schemes.key_agreement import generate_recipient_key


def main() -> None:
    args = parse_args(__doc__)
    keys, committee = cached_keys(args.params)
    params = keys.params
    server, model, bob = Server(keys.verifier), load_scanner(params), generate_recipient_key()
    for i, kind in enumerate(("benign", "banned")):
        image = _shipped_image(params.data_name, kind)
        context = f"msg-id={i};from=alice;to=bob".encode()
        data = encode(send(image, bob.public_bytes(), keys, context, progress=progress_printer()),
                      allow_insecure=params.insecure)
        verified = server.admit(data, context)  # raises Rejected otherwise
        try:
            he = homomorphic_score(params, model, keys.pk_fhe, committee, verified.inference_input)
        except DecryptionBudgetExhausted as exc:  # the leaky set: its committee never decrypts
            raise SystemExit(f"{kind}: verified, but the committee refuses to decrypt: {exc}")
        plain = plaintext_score(model, image_bytes(image, params))
        print(f"{kind}: envelope {len(data)} bytes, verified; score homomorphic {he} = plaintext {plain}: "
              f"{'BLOCK' if he > 0 else 'forward'}")
        assert he == plain
        if he <= 0:
            opened = open_payload(verified.forward_payload, bob, params)
            assert np.array_equal(opened.image, image)
            print(f"{kind}: recipient decrypted the image and checked the commitment C = {opened.C}")


if __name__ == "__main__":
    main()
