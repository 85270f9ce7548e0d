"""snarkjs reads our .r1cs/.wtns files: `r1cs info` counts and `wtns check` verdicts agree with ours."""

import random

import pytest

from schemes.r1cs import ConstraintSystem
from schemes.r1cs.bits import assert_in_range, to_bits
from schemes.r1cs.iden3 import write_r1cs, write_wtns
from schemes.r1cs.negacyclic import negacyclic_mul

pytestmark = pytest.mark.interop

N = 32
SPARSE_BEFORE_BLOCK = 1 + 21 + 22  # mul, to_bits(20), assert_in_range(3, 1000) = 2 * (10 + 1)


def build(tamper_row=None):
    rng = random.Random(5)
    cs = ConstraintSystem()
    p = cs.public_input(rng.randrange(1000), "p")
    x = cs.witness(77, "x")
    y = cs.mul(x, p + 2, "y")
    to_bits(cs, y, 20, "yb")
    assert_in_range(cs, x, 3, 1000, "xr")
    poly = [rng.randrange(1, 2**54) for _ in range(N)]
    u = [cs.witness(rng.randrange(-1, 2), f"u[{i}]") for i in range(N)]
    out = negacyclic_mul(poly, [v.value for v in u])
    o = [cs.witness(v + (1 if i == tamper_row else 0), f"o[{i}]") for i, v in enumerate(out)]
    cs.enforce_negacyclic(poly, u, [oi - p for oi in o], "blk")  # C_i = o_i - p
    for i in range(N):
        cs.set_value(o[i].variable_index(), o[i].value + p.value)  # so that C_i = product
    return cs


def test_snarkjs_reads_counts_and_checks_witnesses(tmp_path, snarkjs):
    good = build()
    good.check()
    r = good.freeze()
    write_r1cs(r, tmp_path / "c.r1cs")
    info = snarkjs("r1cs", "info", tmp_path / "c.r1cs")
    assert info.returncode == 0, info.stderr
    text = info.stdout + info.stderr
    for label, value in (
        ("Wires", r.num_variables),
        ("Constraints", r.num_constraints),
        ("Public Inputs", r.num_public),
        ("Private Inputs", r.num_private),
        ("Outputs", 0),
    ):
        assert f"# of {label}: {value}\n" in text.replace("\x1b[0m", ""), (label, text)

    write_wtns(good.assignment, tmp_path / "good.wtns")
    ok = snarkjs("wtns", "check", tmp_path / "c.r1cs", tmp_path / "good.wtns")
    assert ok.returncode == 0 and "WITNESS IS CORRECT" in ok.stdout + ok.stderr

    bad = build(tamper_row=5)
    assert bad.freeze().first_failure(bad.assignment) == SPARSE_BEFORE_BLOCK + 5
    write_wtns(bad.assignment, tmp_path / "bad.wtns")
    nok = snarkjs("wtns", "check", tmp_path / "c.r1cs", tmp_path / "bad.wtns")
    out = nok.stdout + nok.stderr
    assert "WITNESS IS NOT CORRECT" in out
    assert f"aborting checking process at constraint {SPARSE_BEFORE_BLOCK + 5}" in out
