"""A small built-in circuit and an end-to-end run that writes snarkjs-compatible files.

Circuit ("cubic with context"): public ``y`` and ``ctx``, private ``x``;

    x2 = x * x,   x3 = x2 * x,   (x3 + x + 5) * 1 = y          (3 constraints)

``ctx`` appears in no constraint. It is still bound by the proof through its input-consistency
row (see :mod:`.r1cs_to_qap`): changing it makes verification fail. That is the situation of a
message-context field that a circuit only carries along.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..bn254.fields import R
from ..r1cs import ConstraintSystem
from ..r1cs.iden3 import write_r1cs, write_wtns
from .data_structures import prepare_verifying_key
from .generator import insecure_setup_from_seed, setup
from .prover import prove
from .snarkjs import write_proof, write_public, write_verification_key
from .verifier import verify
from .zkey import write_zkey

__all__ = ["cubic_circuit", "synthetic_circuit", "run_example", "EXAMPLE_FILES"]

EXAMPLE_FILES = ("verification_key.json", "proof.json", "public.json", "circuit.r1cs", "witness.wtns", "circuit.zkey")


def cubic_circuit(x: int | None = None, ctx: int | None = None) -> ConstraintSystem:
    """The example circuit; with ``x`` and ``ctx`` given, in witness mode with ``y = x^3 + x + 5``."""
    with_witness = x is not None
    if with_witness and ctx is None:
        raise ValueError("ctx is required in witness mode")
    cs = ConstraintSystem(with_witness=with_witness)
    y_val = (pow(x, 3, R) + x + 5) % R if x is not None else None
    y = cs.public_input(y_val, "y")
    cs.public_input(ctx, "ctx")
    xw = cs.witness(x, "x")
    x2 = cs.mul(xw, xw, "x2")
    x3 = cs.mul(x2, xw, "x3")
    cs.enforce_equal(x3 + xw + 5, y, "y = x^3 + x + 5")
    return cs


def synthetic_circuit(
    num_constraints: int, num_public: int = 3, *, with_witness: bool = True, seed: int = 1, negacyclic_n: int = 0
) -> ConstraintSystem:
    """A benchmark/test circuit with exactly ``num_constraints`` rows and full-width witness values.

    Public ``p_1..p_l``; private ``x_0, x_1``; then ``x_{i+1} = (x_i + p_{i mod l}) * (x_{i-1} + i)``
    until the row budget is used. With ``negacyclic_n = N > 0`` the first N rows are one dense
    negacyclic block ``M(poly) (x_0 .. x_{N-1}) = outputs`` over N fresh private inputs (a
    product by a constant polynomial, as in the BFV relation), with ``poly`` derived from
    ``seed``. Values are pseudo-random field elements derived from ``seed`` (not secret).
    """
    if num_constraints < 1 or num_public < 1:
        raise ValueError("need at least one constraint and one public input")
    if negacyclic_n < 0 or negacyclic_n > num_constraints:
        raise ValueError("negacyclic_n must be in [0, num_constraints]")
    state = [seed * 0x9E3779B97F4A7C15 + 12345]

    def rand() -> int:
        state[0] = pow(state[0] + 7, 5, R)
        return int(state[0])

    cs = ConstraintSystem(with_witness=with_witness)
    val = (lambda v: v) if with_witness else (lambda v: None)
    pubs = [cs.public_input(val(rand()), f"p{i}") for i in range(num_public)]
    rows = 0
    if negacyclic_n:
        n = negacyclic_n
        poly = [rand() % 1000003 - 500001 for _ in range(n)]
        ins = [cs.witness(val(rand()), f"in{j}") for j in range(n)]
        outs_v: list[int | None]
        if with_witness:
            xs = [cs.value_of(x) for x in ins]
            outs_v = [
                sum((poly[i - j] if j <= i else -poly[n + i - j]) * xs[j] for j in range(n)) % R for i in range(n)
            ]
        else:
            outs_v = [None] * n
        outs = [cs.witness(outs_v[i], f"out{i}") for i in range(n)]
        cs.enforce_negacyclic(poly, ins, outs, "negacyclic")
        rows += n
    prev = cs.witness(val(rand()), "x0")
    cur = cs.witness(val(rand()), "x1")
    i = 0
    while rows < num_constraints:
        nxt = cs.mul(cur + pubs[i % num_public], prev + i, f"x{i + 2}")
        prev, cur = cur, nxt
        rows += 1
        i += 1
    return cs


def run_example(
    out_dir: str | os.PathLike[str],
    *,
    x: int = 3,
    ctx: int = 42,
    insecure_seed: bytes | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[int]:
    """Set up, prove and verify the example circuit; write :data:`EXAMPLE_FILES` into ``out_dir``.

    ``insecure_seed`` selects the deterministic INSECURE setup (tests only). Returns the public
    inputs ``[y, ctx]``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cs = cubic_circuit(x, ctx)
    r1cs = cs.freeze()
    if insecure_seed is None:
        pk = setup(r1cs, progress=progress)
    else:
        pk = insecure_setup_from_seed(r1cs, insecure_seed, progress=progress)
    proof = prove(pk, r1cs, cs.assignment, progress=progress)
    public = cs.public_values
    verify(prepare_verifying_key(pk.vk), public, proof)
    write_verification_key(out / "verification_key.json", pk.vk)
    write_proof(out / "proof.json", proof)
    write_public(out / "public.json", public)
    write_r1cs(r1cs, out / "circuit.r1cs")
    write_wtns(cs.assignment, out / "witness.wtns")
    write_zkey(pk, r1cs, out / "circuit.zkey")
    return public
