"""``python -m consistency bench``: the benchmark table (tooling; the library never imports it).

- :mod:`.params`  -- one parameter set: setup, send, prove, verify, batch verify, size, memory;
- :mod:`.groth16` -- synthetic circuits of 2^k rows against ``snarkjs groth16 prove``;
- :mod:`.msm`     -- the native MSM against py_ecc;
- :mod:`.plot`    -- ``--plot FILE.png`` (matplotlib, an optional extra);
- :mod:`.r1cs`    -- timings of the Python R1CS core (``python -m consistency.bench.r1cs``).

Every parameter set and every size runs in a fresh Python process (``python -m
consistency.bench.worker``), so that its peak memory is its own. ``--runs N`` (default 1) gives
the median of N sends and N proofs. ``--json`` prints one JSON object, ``{"params": {name:
row}, "synthetic": {"2^k": row}, "msm": row}``, with the keys documented in :mod:`.params` and
:mod:`.groth16`; the tables are the same numbers.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from typing import Any

__all__ = ["run_bench", "collect"]


def _child(args: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "consistency.bench.worker", *args], capture_output=True, text=True, cwd=tmp
        )
    if proc.returncode != 0:
        raise RuntimeError(f"bench worker {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    row: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])  # one JSON object (bench.worker)
    return row


def _say(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def collect(
    names: list[str], sizes: list[int], *, batch: int, runs: int, snarkjs: bool, msm_log_size: int
) -> dict[str, Any]:
    """Run every measurement, each in a fresh process; the result as one dict."""
    flag = [] if snarkjs else ["--no-snarkjs"]
    out: dict[str, Any] = {"params": {}, "synthetic": {}, "msm": None}
    for name in names:
        _say(f"parameter set {name} ...")
        out["params"][name] = _child(["params", name, "--batch", str(batch), "--runs", str(runs), *flag])
    for k in sizes:
        _say(f"synthetic 2^{k} ...")
        out["synthetic"][f"2^{k}"] = _child(["size", str(k), "--runs", str(runs), *flag])
    if msm_log_size:
        _say(f"MSM of 2^{msm_log_size} points against py_ecc ...")
        out["msm"] = _child(["msm", str(msm_log_size)])
    return out


def _f(x: float | None, fmt: str) -> str:
    return "-" if x is None else format(x, fmt)


def print_tables(result: dict[str, Any]) -> None:
    rows = result["params"].values()
    if rows:
        print(
            "| params | constraints | public inputs | setup s | send s | Groth16 prove s | verify ms "
            "| batch ms/proof | envelope bytes | peak MB | snarkjs prove s | ours/snarkjs |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            print(
                f"| {r['params']} | {r['constraints']} | {r['public']} | {r['setup_s']:.1f} | {r['send_s']:.2f} "
                f"| {r['prove_s']:.2f} | {r['verify_ms']:.1f} | {r['batch_verify_ms_per_proof']:.2f} (of {r['batch']}) "
                f"| {r['envelope_bytes']} | {r['peak_mb']:.0f} | {_f(r.get('snarkjs_prove_s'), '.2f')} "
                f"| {_f(r.get('ratio'), '.3f')} |"
            )
        print()
    sizes = result["synthetic"].values()
    if sizes:
        print(
            "| size | constraints | setup s | prove s (native engine) | verify ms (3 inputs) | peak MB "
            "| snarkjs prove s | ours/snarkjs |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for r in sizes:
            print(
                f"| 2^{r['log_size']} | {r['constraints']} | {r['setup_s']:.2f} | {r['ours_prove_s']:.2f} "
                f"| {r['verify_ms']:.2f} | {r['peak_mb']:.0f} | {_f(r.get('snarkjs_prove_s'), '.2f')} "
                f"| {_f(r.get('ratio'), '.3f')} |"
            )
        print()
    m = result.get("msm")
    if m:
        ref = (
            f", py_ecc {m['py_ecc_s']:.1f} s for as many multiplications ({m['speedup']:.0f}x)"
            if m.get("py_ecc_s")
            else " (py_ecc not installed)"
        )
        print(f"MSM of {m['points']} G1 points: {m['native_s'] * 1e3:.1f} ms{ref}")
    for r in list(rows) + list(sizes):
        if r.get("snarkjs_note"):
            print(
                f"note: snarkjs not run for {r.get('params', r.get('log_size'))}: {r['snarkjs_note']}", file=sys.stderr
            )


def run_bench(args: argparse.Namespace) -> int:
    """The ``bench`` subcommand (options declared in :mod:`consistency.cli`)."""
    try:
        names = [n for n in args.params.split(",") if n]
        sizes = [int(k) for k in args.sizes.split(",") if k.strip()]
    except ValueError:
        print("error: --sizes takes comma-separated integers", file=sys.stderr)
        return 2
    if any(not 2 <= k <= 22 for k in sizes) or args.runs < 1 or args.batch < 1:
        print("error: sizes must be in 2..22, --runs and --batch >= 1", file=sys.stderr)
        return 2
    if args.plot:  # checked before the long run, not after it
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("error: --plot needs matplotlib: pip install -e '.[plot]'", file=sys.stderr)
            return 2
    result = collect(
        names, sizes, batch=args.batch, runs=args.runs, snarkjs=not args.no_snarkjs, msm_log_size=args.msm_size
    )
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print_tables(result)
    if args.plot:
        from .plot import plot

        plot(result, args.plot)
        _say(f"plot written to {args.plot}")
    return 0
