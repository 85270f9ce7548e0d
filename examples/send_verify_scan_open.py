"""Send an image, admit it at the server, have the committee decrypt its score, open it.

    python examples/send_verify_scan_open.py [--params default|rgb32|toy]

The scanner sends each member a scan request (the envelope, its context, the model digest); each
member verifies the envelope, recomputes the score ciphertext, decrypts coefficient N-1 once and
proves it; the verdict checks every proof and is audited from public data. Shows that the
plaintext score of the reference classifier and the score the committee decrypts agree.
"""

from __future__ import annotations

import numpy as np
from _keys import cached_keys, parse_args

from consistency.cli import progress_printer
from consistency.committee import audit_record, combine, make_request
from consistency.demo import _shipped_image
from consistency.envelope import encode
from consistency.image import image_bytes
from consistency.recipient import open_payload
from consistency.scanner import load_scanner, plaintext_score
from consistency.sender import send
from consistency.server import Server
from schemes.key_agreement import generate_recipient_key


def main() -> None:
    args = parse_args(__doc__)
    keys, committee = cached_keys(args.params)
    params = keys.params
    server, model, bob = Server(keys.verifier), load_scanner(params), generate_recipient_key()
    for _i, kind in enumerate(("benign", "banned")):
        image = _shipped_image(params.data_name, kind)
        context = server.issue_context(sender="alice", recipient="bob")
        data = encode(
            send(image, bob.public_bytes(), keys, context, progress=progress_printer()), allow_insecure=params.insecure
        )
        verified = server.admit(data, context)  # raises Rejected otherwise
        request = make_request(keys.verifier, data, context)
        answers = [member.answer(request) for member in committee.members(keys)]  # each checks, then decrypts
        record = combine(committee.committee, request, answers, keys=keys.verifier)  # every proof checked
        audit_record(record.encode(), keys.verifier, committee.committee)
        he = record.score
        plain = plaintext_score(model, image_bytes(image, params))
        print(
            f"{kind}: envelope {len(data)} bytes, verified; score committee {he} = plaintext {plain}: "
            f"{'BLOCK' if record.verdict == 'banned' else 'forward'}"
        )
        assert he == plain
        if record.verdict != "banned":
            opened = open_payload(verified.forward_payload, bob, params)
            assert np.array_equal(opened.image, image)
            print(f"{kind}: recipient decrypted the image and checked the commitment C = {opened.C}")


if __name__ == "__main__":
    main()
