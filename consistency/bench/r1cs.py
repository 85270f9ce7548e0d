"""Timings of the R1CS core: ``python -m consistency.bench.r1cs [--n 2048] [--write]``.

Builds (a) two dense negacyclic blocks of size N (54-bit polynomial, ternary inputs), the
shape of the BFV relation's products, and (b) 4096 signed range checks (a sparse system),
then times evaluation, transposed evaluation, satisfaction checks and mutation testing.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from typing import TypeVar

from schemes.bigint import BACKEND
from schemes.bn254.fields import R
from schemes.r1cs.bits import assert_in_signed_range
from schemes.r1cs.iden3 import write_r1cs
from schemes.r1cs.negacyclic import negacyclic_mul
from schemes.r1cs.system import ConstraintSystem
from schemes.r1cs.testing import assert_witness_mutations_fail

Q_DEFAULT = 18014398492704769  # the default BFV modulus (54 bits)
_T = TypeVar("_T")


def _timed(fn: Callable[[], _T]) -> tuple[_T, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=2048)
    ap.add_argument("--write", action="store_true", help="also time write_r1cs to a temp file")
    args = ap.parse_args(argv)
    rng = random.Random(1)
    n = args.n
    print(f"backend: {BACKEND}")

    def dense() -> ConstraintSystem:
        cs = ConstraintSystem()
        for b in range(2):
            poly = [rng.randrange(Q_DEFAULT) for _ in range(n)]
            u = [cs.witness(rng.randrange(-1, 2), f"u{b}[{i}]") for i in range(n)]
            out = negacyclic_mul(poly, [x.value for x in u])
            o = [cs.witness(v, f"o{b}[{i}]") for i, v in enumerate(out)]
            cs.enforce_negacyclic(poly, u, o, f"blk{b}")
        return cs

    def sparse() -> ConstraintSystem:
        cs = ConstraintSystem()
        for i in range(4096):
            e = cs.witness(rng.randrange(-19, 20), f"e[{i}]")
            assert_in_signed_range(cs, e, 19, f"e[{i}]")
        return cs

    for label, build in ((f"2 negacyclic blocks, N={n}", dense), ("4096 signed range checks", sparse)):
        cs, t_build = _timed(build)
        r1cs = cs.freeze()
        w = cs.assignment
        y = [rng.randrange(int(R)) for _ in range(r1cs.num_constraints)]
        _, t_eval = _timed(lambda: r1cs.evaluate(w))
        _, t_tr = _timed(lambda: r1cs.transpose_evaluate(y))
        ok, t_sat = _timed(lambda: r1cs.is_satisfied(w))
        checked, t_mut = _timed(lambda: assert_witness_mutations_fail(cs))
        print(f"{label}: {r1cs.num_constraints} rows, {r1cs.num_variables} wires, nnz(A,B,C)={r1cs.num_nonzeros()}")
        print(
            f"  build+witness {t_build:.3f}s  evaluate {t_eval:.3f}s  transpose_evaluate {t_tr:.3f}s  "
            f"is_satisfied {t_sat:.3f}s ({ok})  mutations ({checked} wires) {t_mut:.2f}s"
        )
        if args.write:
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "c.r1cs")
                _, t_w = _timed(lambda: write_r1cs(r1cs, path))
                print(f"  write_r1cs {t_w:.2f}s, {os.path.getsize(path) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
