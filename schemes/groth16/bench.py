"""Groth16 benchmark: setup, prove, verify and peak memory on synthetic circuits, vs snarkjs.

``python -m consistency bench [--sizes 12,14,16] [--public 3] [--verify-runs 5] [--no-snarkjs]``

For each size k the circuit is :func:`.example.synthetic_circuit` with ``2^k - l - 1``
constraints (so the QAP domain, rows plus the ``l + 1`` input rows, is exactly 2^k) and
full-width pseudo-random witness values (the worst case for the MSMs). Each size runs in a fresh
Python process so that the peak RSS belongs to that size alone; it is the measuring process's
own ``ru_maxrss`` after setup, prove and verify (forked MSM workers share the parent's pages
copy-on-write and are not added; the snarkjs run comes later and is not included). Columns:
setup and prove wall time (s), verify (median of ``--verify-runs`` runs, ms, prepared key),
peak RSS (MB); where Node.js is available, ``snarkjs groth16 prove``
wall time on the same ``.zkey``/``.wtns`` (node start-up and file reading included, as a user
would run it) and the ratio ours/snarkjs. The snarkjs proof is checked with our verifier.

A final row compares the MSM with py_ecc when :mod:`schemes.bn254.msm` offers ``bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

__all__ = ["main", "run_size", "snarkjs_prove"]


def _peak_rss_mb() -> float:
    """Peak resident set of this process in MB (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_size(log_size: int, num_public: int, verify_runs: int, snarkjs: bool) -> dict:
    """Measure one size in this process; returns the row as a dict."""
    from .data_structures import prepare_verifying_key
    from .example import synthetic_circuit
    from .generator import setup
    from .prover import prove
    from .r1cs_to_qap import domain_for
    from .verifier import verify

    row: dict = {"log_size": log_size}
    m = (1 << log_size) - num_public - 1
    cs = synthetic_circuit(m, num_public, seed=log_size)
    r1cs = cs.freeze()
    assert domain_for(r1cs).size == 1 << log_size
    row["constraints"] = r1cs.num_constraints
    t = time.perf_counter()
    pk = setup(r1cs)
    row["setup_s"] = time.perf_counter() - t
    t = time.perf_counter()
    proof = prove(pk, r1cs, cs.assignment)
    row["prove_s"] = time.perf_counter() - t
    pvk = prepare_verifying_key(pk.vk)
    times = []
    for _ in range(verify_runs):
        t = time.perf_counter()
        verify(pvk, cs.public_values, proof)
        times.append(time.perf_counter() - t)
    row["verify_ms"] = 1000 * statistics.median(times)
    row["peak_mb"] = _peak_rss_mb()
    if snarkjs:
        row.update(snarkjs_prove(pk, r1cs, cs, pvk))
    return row


def snarkjs_prove(pk, r1cs, cs, pvk) -> dict:
    """Time ``snarkjs groth16 prove`` on our ``.zkey`` and ``.wtns`` for ``cs`` and check its proof
    with our verifier. Returns ``{"snarkjs_prove_s": seconds}`` or ``{"snarkjs_note": reason}``."""
    from ..r1cs.iden3 import write_wtns
    from .snarkjs import read_proof, read_public
    from .snarkjs_cli import SnarkjsUnavailable, ensure_snarkjs, run_snarkjs
    from .verifier import verify
    from .zkey import write_zkey

    try:
        cli = ensure_snarkjs()
    except SnarkjsUnavailable as e:
        return {"snarkjs_note": str(e).splitlines()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        write_zkey(pk, r1cs, d / "k.zkey")
        write_wtns(cs.assignment, d / "w.wtns")
        t = time.perf_counter()
        proc = run_snarkjs(cli, ["groth16", "prove", str(d / "k.zkey"), str(d / "w.wtns"),
                                 str(d / "proof.json"), str(d / "public.json")], timeout=3600)
        elapsed = time.perf_counter() - t
        if proc.returncode != 0:
            return {"snarkjs_note": "snarkjs prove failed: " + (proc.stderr or proc.stdout)[-300:]}
        verify(pvk, read_public(d / "public.json"), read_proof(d / "proof.json"))
    return {"snarkjs_prove_s": elapsed}


_COLUMNS = (("size", 5), ("constraints", 11), ("setup s", 8), ("prove s", 8), ("verify ms", 9),
            ("peak MB", 8), ("snarkjs prove s", 15), ("ours/snarkjs", 12))
HEADER = (" | ".join(f"{name:>{w}}" for name, w in _COLUMNS) + "\n"
          + "-+-".join("-" * w for _, w in _COLUMNS))


def _fmt(row: dict) -> str:
    sj = row.get("snarkjs_prove_s")
    cells = [
        f"2^{row['log_size']}",
        f"{row['constraints']:d}",
        f"{row['setup_s']:.2f}",
        f"{row['prove_s']:.2f}",
        f"{row['verify_ms']:.1f}",
        f"{row['peak_mb']:.0f}",
        f"{sj:.2f}" if sj is not None else "-",
        f"{row['prove_s'] / sj:.2f}" if sj else "-",
    ]
    return " | ".join(f"{c:>{w}}" for c, (_, w) in zip(cells, _COLUMNS))


def _msm_row(log_size: int) -> Optional[str]:
    try:
        from ..bn254 import msm
    except ImportError:  # pragma: no cover
        return None
    fn = getattr(msm, "bench", None)
    if fn is None:
        return None
    try:
        return str(fn(1 << log_size))
    except TypeError:
        return str(fn())


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m consistency bench",
                                     description="Groth16 benchmark (see schemes/groth16/bench.py)")
    parser.add_argument("--sizes", default="12,14,16",
                        help="comma-separated log2 domain sizes (default 12,14,16)")
    parser.add_argument("--public", type=int, default=3, help="public inputs (default 3)")
    parser.add_argument("--verify-runs", type=int, default=5, help="verify repetitions (median)")
    parser.add_argument("--no-snarkjs", action="store_true", help="skip the snarkjs comparison")
    parser.add_argument("--msm-size", type=int, default=10,
                        help="log2 size of the MSM-vs-py_ecc comparison (0 to skip)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON too")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # worker mode
    try:
        args = parser.parse_args(argv)
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except SystemExit as e:
        return 2 if e.code else 0
    except ValueError:
        print("--sizes must be comma-separated integers", file=sys.stderr)
        return 2
    if any(not 1 <= k <= 24 for k in sizes) or args.public < 1 or args.verify_runs < 1:
        print("sizes must be in 1..24, --public and --verify-runs >= 1", file=sys.stderr)
        return 2

    if args.one is not None:  # worker: one size, JSON on stdout
        row = run_size(args.one, args.public, args.verify_runs, not args.no_snarkjs)
        print(json.dumps(row))
        return 0

    rows = []
    print(HEADER, flush=True)
    for k in sizes:
        print(f"[bench] 2^{k}: running ...", file=sys.stderr, flush=True)
        cmd = [sys.executable, "-m", "schemes.groth16.bench", "--one", str(k), "--public",
               str(args.public), "--verify-runs", str(args.verify_runs)]
        if args.no_snarkjs:
            cmd.append("--no-snarkjs")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
        if proc.returncode != 0:
            print(f"[bench] 2^{k} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
            return 1
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(_fmt(row), flush=True)
        if "snarkjs_note" in row:
            print(f"        snarkjs: {row['snarkjs_note']}", flush=True)
    if args.msm_size:
        line = _msm_row(args.msm_size)
        if line:
            print(f"MSM vs py_ecc (2^{args.msm_size} points): {line}")
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
