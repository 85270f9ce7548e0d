"""One parameter set, measured in this process (the bench runs it in a fresh one, for its peak).

Keys of the result: ``constraints``, ``public``; ``setup_s`` (committee keygen + synthesis +
Groth16 setup); ``send_s`` (the sender's whole ``send``: both encryptions, synthesis, proof;
median of ``runs``, the first send with a key included); ``prove_s`` (the Groth16 prover alone
on the same circuit with a fresh witness, median of ``runs``); ``verify_ms`` (the server's
verification: parse, ctx, Groth16; median of 15 after one warm-up call); ``batch_verify_ms_per_proof`` (batch
verification of ``batch`` re-randomized proofs of one statement, per proof, median of 3);
``envelope_bytes``; ``peak_mb`` (``ru_maxrss`` before the snarkjs run); ``snarkjs_prove_s``
(``snarkjs groth16 prove`` on our ``.zkey``/``.wtns`` for that witness, node start-up included,
its proof checked by our verifier; null without node) and ``ratio`` (ours/snarkjs, or null).
"""

from __future__ import annotations

import time

from .groth16 import Row, SnarkjsTiming, snarkjs_columns
from .timing import median_time, peak_rss_mb

__all__ = ["measure_parameter_set"]


def measure_parameter_set(name: str, batch: int = 32, runs: int = 1, snarkjs: bool = True) -> Row:
    """Measure one parameter set in this process (call it in a fresh process for peak memory)."""
    from schemes.bfv.keys import keygen
    from schemes.groth16 import prepare_verifying_key, prove
    from schemes.groth16.batch import verify_batch
    from schemes.groth16.rerandomize import rerandomize
    from schemes.key_agreement import generate_recipient_key

    from ..circuit import build_circuit
    from ..demo import _shipped_image
    from ..envelope import Envelope, encode
    from ..image import image_bytes
    from ..keys import run_setup
    from ..params import get_parameter_set
    from ..sender import prepare_statement, send
    from ..server import verify_envelope
    from .groth16 import snarkjs_prove

    params = get_parameter_set(name, allow_insecure=True)
    t0 = time.perf_counter()
    # a single-party key stands in for the committee's joint key: the circuit and its cost depend
    # on the key only through its coefficients (a committee's key is made by `committee join`)
    keys = run_setup(params, keygen(params.bfv)[1])
    setup_s = time.perf_counter() - t0
    recipient = generate_recipient_key().public_bytes()
    image = _shipped_image(params.data_name, "benign")
    envs: list[Envelope] = []
    send_s = median_time(lambda: envs.append(send(image, recipient, keys, b"bench")), runs)
    env = envs[-1]
    data = encode(env, allow_insecure=True)
    pvk = prepare_verifying_key(keys.verifier.vk)
    verify_envelope(keys.verifier, data, b"bench", pvk)  # a server's steady state: the key's tables are warm
    verify_s = median_time(lambda: verify_envelope(keys.verifier, data, b"bench", pvk), 15)
    # the same circuit with a fresh witness: our Groth16 prover alone, then snarkjs on our .zkey
    stmt, wit, _ = prepare_statement(params, keys.pk_fhe, image_bytes(image, params), recipient, b"bench")
    cs = build_circuit(params, keys.pk_fhe, stmt, wit)
    r1cs = cs.freeze()
    prove_s = median_time(lambda: prove(keys.pk, r1cs, cs.assignment), runs)
    proofs = [rerandomize(env.proof, keys.verifier.vk) for _ in range(batch)]
    public = env.public_inputs()
    batch_s = median_time(lambda: verify_batch(pvk, [(public, p) for p in proofs]), 3)
    peak_mb = peak_rss_mb()
    sj: SnarkjsTiming = (
        snarkjs_prove(keys.pk, r1cs, cs, pvk) if snarkjs else {"snarkjs_prove_s": None, "snarkjs_note": "skipped"}
    )
    sj_s = sj["snarkjs_prove_s"]
    return {
        "params": name,
        "constraints": keys.pk.num_constraints,
        "public": params.num_public,
        "setup_s": setup_s,
        "send_s": send_s,
        "prove_s": prove_s,
        "verify_ms": 1e3 * verify_s,
        "batch_verify_ms_per_proof": 1e3 * batch_s / batch,
        "batch": batch,
        "envelope_bytes": len(data),
        "peak_mb": peak_mb,
        **snarkjs_columns(sj),
        "ratio": prove_s / sj_s if sj_s else None,
    }
