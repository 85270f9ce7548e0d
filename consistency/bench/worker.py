"""One bench measurement in this process, printed as one JSON line (run by :mod:`consistency.bench`).

``python -m consistency.bench.worker params NAME [--batch B] [--runs R] [--no-snarkjs]``,
``... size K [--runs R] [--no-snarkjs]`` or ``... msm K``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m consistency.bench.worker")
    p.add_argument("kind", choices=["params", "size", "msm"])
    p.add_argument("arg")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--no-snarkjs", action="store_true")
    a = p.parse_args(argv)
    row: Mapping[str, float | str | None]
    if a.kind == "params":
        from .params import measure_parameter_set

        row = measure_parameter_set(a.arg, a.batch, a.runs, snarkjs=not a.no_snarkjs)
    elif a.kind == "size":
        from .groth16 import run_size

        row = run_size(int(a.arg), runs=a.runs, snarkjs=not a.no_snarkjs)
    else:
        from .msm import msm_against_py_ecc

        row = msm_against_py_ecc(int(a.arg))
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
