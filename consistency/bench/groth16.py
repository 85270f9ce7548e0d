"""Synthetic Groth16 circuits of 2^k rows: setup, prove, verify, peak memory, against snarkjs.

For each size k the circuit is :func:`schemes.groth16.example.synthetic_circuit` with
``2^k - l - 1`` constraints (so the QAP domain, rows plus the ``l + 1`` input rows, is exactly
2^k) and full-width pseudo-random witness values (the worst case for the MSMs). Keys of the
result: ``log_size``, ``constraints``, ``setup_s``, ``ours_prove_s`` (median of ``runs``),
``verify_ms`` (median, prepared key), ``peak_mb`` (this process, before snarkjs),
``snarkjs_prove_s`` (``snarkjs groth16 prove`` on the same ``.zkey``/``.wtns``, node start-up
and file reading included, as a user would run it; its proof is checked by our verifier; null
without node) and ``ratio`` (ours/snarkjs, or null).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from .timing import median_time, peak_rss_mb

if TYPE_CHECKING:
    from schemes.groth16 import PreparedVerifyingKey, ProvingKey
    from schemes.r1cs.matrices import R1CS
    from schemes.r1cs.system import ConstraintSystem

__all__ = ["run_size", "snarkjs_prove"]

#: A bench row as printed in JSON (numbers, notes, null for what was not measured).
Row = dict[str, float | str | None]


class _SnarkjsTime(TypedDict):
    snarkjs_prove_s: float | None


class SnarkjsTiming(_SnarkjsTime, total=False):
    """What :func:`snarkjs_prove` measured: seconds, or None with a ``snarkjs_note``."""

    snarkjs_note: str


def snarkjs_columns(sj: SnarkjsTiming) -> Row:
    """``sj`` as columns of a row (a TypedDict is not a ``dict[str, ...]`` to mypy)."""
    row: Row = {"snarkjs_prove_s": sj["snarkjs_prove_s"]}
    if "snarkjs_note" in sj:
        row["snarkjs_note"] = sj["snarkjs_note"]
    return row


def run_size(log_size: int, num_public: int = 3, verify_runs: int = 5, runs: int = 1, snarkjs: bool = True) -> Row:
    """Measure one size in this process."""
    from schemes.groth16 import Proof, prepare_verifying_key, prove, setup, verify
    from schemes.groth16.example import synthetic_circuit
    from schemes.groth16.r1cs_to_qap import domain_for

    m = (1 << log_size) - num_public - 1
    cs = synthetic_circuit(m, num_public, seed=log_size)
    r1cs = cs.freeze()
    assert domain_for(r1cs).size == 1 << log_size
    t = time.perf_counter()
    pk = setup(r1cs)
    setup_s = time.perf_counter() - t
    proofs: list[Proof] = []
    prove_s = median_time(lambda: proofs.append(prove(pk, r1cs, cs.assignment)), runs)
    pvk = prepare_verifying_key(pk.vk)
    verify_s = median_time(lambda: verify(pvk, cs.public_values, proofs[-1]), verify_runs)
    row: Row = {
        "log_size": log_size,
        "constraints": r1cs.num_constraints,
        "setup_s": setup_s,
        "ours_prove_s": prove_s,
        "verify_ms": 1e3 * verify_s,
        "peak_mb": peak_rss_mb(),
    }
    sj: SnarkjsTiming = (
        snarkjs_prove(pk, r1cs, cs, pvk) if snarkjs else {"snarkjs_prove_s": None, "snarkjs_note": "skipped"}
    )
    row.update(snarkjs_columns(sj))
    sj_s = sj["snarkjs_prove_s"]
    row["ratio"] = prove_s / sj_s if sj_s else None
    return row


def snarkjs_prove(pk: ProvingKey, r1cs: R1CS, cs: ConstraintSystem, pvk: PreparedVerifyingKey) -> SnarkjsTiming:
    """Time ``snarkjs groth16 prove`` on our ``.zkey`` and ``.wtns`` for ``cs`` and check its proof
    with our verifier. Returns ``{"snarkjs_prove_s": seconds}``, or ``None`` with a
    ``snarkjs_note`` saying why not."""
    from schemes.groth16 import verify
    from schemes.groth16.snarkjs import read_proof, read_public
    from schemes.groth16.snarkjs_cli import SnarkjsUnavailable, ensure_snarkjs, run_snarkjs
    from schemes.groth16.zkey import write_zkey
    from schemes.r1cs.iden3 import write_wtns

    try:
        cli = ensure_snarkjs()
    except SnarkjsUnavailable as e:
        return {"snarkjs_prove_s": None, "snarkjs_note": str(e).splitlines()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        write_zkey(pk, r1cs, d / "k.zkey")
        write_wtns(cs.assignment, d / "w.wtns")
        t = time.perf_counter()
        proc = run_snarkjs(
            cli,
            ["groth16", "prove", str(d / "k.zkey"), str(d / "w.wtns"), str(d / "proof.json"), str(d / "public.json")],
            timeout=3600,
        )
        elapsed = time.perf_counter() - t
        if proc.returncode != 0:
            return {
                "snarkjs_prove_s": None,
                "snarkjs_note": "snarkjs prove failed: " + (proc.stderr or proc.stdout)[-300:],
            }
        verify(pvk, read_public(d / "public.json"), read_proof(d / "proof.json"))
    return {"snarkjs_prove_s": elapsed}
