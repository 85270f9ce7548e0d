"""``python -m consistency demo``: the whole flow on the images shipped with the package.

setup (cached) -> recipient key -> send a benign and a banned image -> server verifies ->
scanner evaluates homomorphically, committee decrypts the score -> forward or block ->
recipient opens -> a swap attempt (benign BFV input, banned message) is rejected.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Callable

from schemes.bfv.errors import DecryptionBudgetExhausted
from schemes.key_agreement import generate_recipient_key

from .circuit import build_circuit
from .cli import progress_printer
from .envelope import encode
from .errors import KeyMismatch, Rejected
from .image import image_bytes, load_image
from .keys import (generate_committee, load_committee, load_prover_keys, run_setup, write_keydir)
from .params import get_parameter_set
from .recipient import open_payload
from .scanner import homomorphic_score, load_scanner, plaintext_score
from .sender import encrypt_for_scanner, prepare_statement, send
from .server import Server, verify_envelope

__all__ = ["run_demo", "default_cache_dir"]


def default_cache_dir(params_name: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "greco-consistency" / f"keys-{params_name}-v2"


def _shipped_image(name: str, kind: str):
    with resources.as_file(resources.files("consistency").joinpath("data", f"{name}_{kind}.png")) as p:
        return load_image(p)


def run_demo(params_name: str = "default", *, cache_dir: str | None = None, insecure: bool = False,
             out: Callable[[str], None] = print) -> int:
    params = get_parameter_set(params_name, allow_insecure=insecure)
    say = progress_printer()
    rows: list[tuple[str, float, str]] = []

    def step(label: str, fn, detail=lambda r: ""):
        t0 = time.perf_counter()
        r = fn()
        rows.append((label, time.perf_counter() - t0, detail(r)))
        return r

    keydir = Path(cache_dir) if cache_dir else default_cache_dir(params.name)

    def setup():
        try:
            keys = load_prover_keys(keydir, allow_insecure=insecure)
            return keys, load_committee(keydir, params, keys.pk_fhe), "cached"
        except KeyMismatch:
            say(f"no usable keys in {keydir}; running the setup once (cached afterwards)")
            committee = generate_committee(params)
            keys = run_setup(params, committee, progress=say)
            write_keydir(keydir, keys, committee)
            # reload: the members' decryption counts are then stored in the key directory
            return keys, load_committee(keydir, params, keys.pk_fhe), "fresh"

    keys, committee, how = step("setup (committee BFV + Groth16)", setup, lambda r: f"{r[2]}, {keydir}")
    server = Server(keys.verifier)
    model = load_scanner(params)
    recipient = generate_recipient_key()
    images = {kind: _shipped_image(params.data_name, kind) for kind in ("benign", "banned")}

    envelopes = {}
    for i, kind in enumerate(("benign", "banned")):
        ctx = f"msg-id={i + 1};from=alice;to=bob".encode()
        env = step(f"send {kind} image (commit, encrypt, prove)",
                   lambda: send(images[kind], recipient.public_bytes(), keys, ctx, progress=say),
                   lambda e: f"{len(encode(e, allow_insecure=insecure))} bytes")
        envelopes[kind] = (env, ctx)

    verdicts = {}
    for kind, (env, ctx) in envelopes.items():
        data = encode(env, allow_insecure=insecure)
        verified = step(f"server verifies {kind}", lambda: server.admit(data, ctx), lambda v: "valid")
        try:
            score = step(f"scan {kind} (homomorphic, threshold decrypt)",
                         lambda: homomorphic_score(params, model, keys.pk_fhe, committee, verified.inference_input),
                         lambda s: f"score {s} (plaintext {plaintext_score(model, image_bytes(images[kind], params))})")
        except DecryptionBudgetExhausted as exc:  # e.g. the leaky set, whose budget is 0
            rows.append((f"scan {kind} (homomorphic, threshold decrypt)", 0.0, f"REFUSED by the committee: {exc}"))
            verdicts[kind] = None
            continue
        banned = score > 0
        verdicts[kind] = banned
        rows.append((f"server decision for {kind}", 0.0, "BLOCK" if banned else "forward"))
        if not banned:
            step(f"recipient opens {kind}", lambda: open_payload(verified.forward_payload, recipient, params),
                           lambda o: "image matches" if (o.image == images[kind]).all() else "MISMATCH")

    # The swap at the server: the benign BFV input with the banned message, commitment and proof.
    benign, (banned, banned_ctx) = envelopes["benign"][0], envelopes["banned"]

    def try_swap():
        try:
            verify_envelope(keys.verifier, replace(banned, ct_fhe=benign.ct_fhe), banned_ctx)
        except Rejected as exc:
            return f"rejected: {exc}"
        return "ACCEPTED (bug!)"

    step("swap attempt at the server", try_swap, lambda r: r)

    # The swap at the prover: message part from the banned image, BFV part (with its real
    # randomness) from the benign image. No proof can be made: the witness fails the relation.
    def try_prove_swap():
        stmt, wit, _ = prepare_statement(params, keys.pk_fhe, image_bytes(images["banned"], params),
                                         recipient.public_bytes(), banned_ctx + b";swap")
        ct_fhe, bfv_wit = encrypt_for_scanner(params, keys.pk_fhe, image_bytes(images["benign"], params))
        cs = build_circuit(params, keys.pk_fhe, replace(stmt, ct_fhe=ct_fhe), replace(wit, bfv=bfv_wit))
        return "ACCEPTED (bug!)" if cs.is_satisfied() else "rejected: the witness fails the constraints"

    step("swap attempt at the prover", try_prove_swap, lambda r: r)

    width = max(len(r[0]) for r in rows)
    out(f"\ndemo on parameter set '{params.name}' ({'x'.join(map(str, params.shape))}, BFV N={params.bfv.n})")
    out(f"{'step':<{width}}  {'seconds':>8}  result")
    for label, secs, detail in rows:
        out(f"{label:<{width}}  {secs:8.2f}  {detail}")
    ok = verdicts["benign"] is False and verdicts["banned"] is True and all(d.startswith("rejected")
                                                               for label, _, d in rows if "swap" in label)
    if None in verdicts.values():
        out("demo FAILED: the committee refused to decrypt (its decryption budget on this parameter set is spent "
            f"or zero: {params.bfv.decryption_budget} decryptions per key)")
    else:
        out("demo " + ("completed: the swap was rejected, the banned image was blocked" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run_demo())
