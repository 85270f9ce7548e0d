"""``python -m consistency bench``: one table per parameter set and the synthetic Groth16 rows.

Each parameter set runs in a fresh subprocess so that its peak memory (``ru_maxrss``) is its
own. Columns: constraints; setup s (committee keygen + synthesis + Groth16 setup); prove s
(sender total: encryption, synthesis, proof; median); verify ms (server: parse + ctx + Groth16,
median of 5); batch ms/proof (Groth16 batch verification of 32 re-randomized proofs of one
statement, per proof); envelope bytes; peak MB (before the snarkjs run); Groth16 prove s (our
prover alone on the same circuit and a fresh witness); snarkjs prove s (``snarkjs groth16 prove``
on our ``.zkey``/``.wtns`` for that witness, node start-up included, its proof checked by our
verifier) and the ratio, where node is available.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time

__all__ = ["run_bench", "measure_parameter_set"]


def _median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure_parameter_set(name: str, batch: int = 32, prove_runs: int = 1, snarkjs: bool = True) -> dict:
    """Measure one parameter set in this process (call it in a fresh process for peak memory)."""
    from schemes.groth16 import prepare_verifying_key, prove
    from schemes.groth16.bench import snarkjs_prove
    from schemes.groth16.batch import verify_batch
    from schemes.groth16.rerandomize import rerandomize
    from schemes.key_agreement import generate_recipient_key

    from .circuit import build_circuit
    from .demo import _shipped_image
    from .image import image_bytes
    from .envelope import encode
    from .keys import generate_committee, run_setup
    from .params import get_parameter_set
    from .sender import prepare_statement, send
    from .server import verify_envelope

    params = get_parameter_set(name, allow_insecure=True)
    t0 = time.perf_counter()
    committee = generate_committee(params)
    keys = run_setup(params, committee)
    setup_s = time.perf_counter() - t0
    recipient = generate_recipient_key().public_bytes()
    image = _shipped_image(params.data_name, "benign")
    envs = []
    prove_s = _median_time(lambda: envs.append(send(image, recipient, keys, b"bench")), prove_runs)
    env = envs[-1]
    data = encode(env, allow_insecure=True)
    pvk = prepare_verifying_key(keys.verifier.vk)
    verify_s = _median_time(lambda: verify_envelope(keys.verifier, data, b"bench", pvk), 5)
    # the same circuit with a fresh witness: our Groth16 prover alone, then snarkjs on our .zkey
    stmt, wit, _ = prepare_statement(params, keys.pk_fhe, image_bytes(image, params), recipient, b"bench")
    cs = build_circuit(params, keys.pk_fhe, stmt, wit)
    r1cs = cs.freeze()
    t0 = time.perf_counter()
    prove(keys.pk, r1cs, cs.assignment)
    groth16_s = time.perf_counter() - t0
    proofs = [rerandomize(env.proof, keys.verifier.vk) for _ in range(batch)]
    public = env.public_inputs()
    batch_s = _median_time(lambda: verify_batch(pvk, [(public, p) for p in proofs]), 3)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sj = snarkjs_prove(keys.pk, r1cs, cs, pvk) if snarkjs else {"snarkjs_note": "skipped"}
    return {
        "params": name, "constraints": keys.pk.num_constraints, "public": params.num_public,
        "setup_s": setup_s, "prove_s": prove_s, "verify_ms": 1e3 * verify_s,
        "batch_ms_per_proof": 1e3 * batch_s / batch, "batch": batch, "envelope_bytes": len(data),
        "groth16_prove_s": groth16_s, **sj,
        "peak_mb": peak_mb,
    }


def _run_child(name: str, batch: int, snarkjs: bool) -> dict:
    code = ("import json, sys; from consistency.bench import measure_parameter_set; "
            f"print(json.dumps(measure_parameter_set({name!r}, {batch}, snarkjs={snarkjs!r})))")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp)
    if proc.returncode != 0:
        raise RuntimeError(f"bench of {name} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_bench(args: argparse.Namespace) -> int:
    names = [n for n in args.params.split(",") if n]
    rows = []
    for name in names:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        rows.append(_run_child(name, args.batch, not args.no_snarkjs))
    if rows:
        print("| params | constraints | public inputs | setup s | prove s | verify ms | batch ms/proof "
              "| envelope bytes | peak MB | Groth16 prove s | snarkjs prove s | ours/snarkjs |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            sj = r.get("snarkjs_prove_s")
            sj_cols = (f"{sj:.1f} | {r['groth16_prove_s'] / sj:.2f}" if sj
                       else f"- ({r.get('snarkjs_note', 'n/a')}) | -")
            print(f"| {r['params']} | {r['constraints']} | {r['public']} | {r['setup_s']:.1f} | {r['prove_s']:.1f} "
                  f"| {r['verify_ms']:.0f} | {r['batch_ms_per_proof']:.1f} (of {r['batch']}) "
                  f"| {r['envelope_bytes']} | {r['peak_mb']:.0f} | {r['groth16_prove_s']:.1f} | {sj_cols} |")
        print()
    if args.sizes:
        from schemes.groth16.bench import main as groth16_bench

        return groth16_bench(["--sizes", args.sizes, "--msm-size", "12"] + (["--no-snarkjs"] if args.no_snarkjs else []))
    return 0
