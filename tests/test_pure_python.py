"""The library must run with plain Python ints as well as with gmpy2 (schemes.bigint).

This runs a cross-section of the suite in a subprocess with SCHEMES_PURE_PYTHON=1: the field and
curve arithmetic against py_ecc, Poseidon against the circomlibjs vectors, the R1CS gadgets, and
a Groth16 setup/prove/verify round trip through the whole consistency flow on the toy set.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SELECTION = [
    "tests/test_bn254_curve.py",
    "tests/test_poseidon.py",
    "tests/test_r1cs_bits.py",
    "tests/product/test_vectors.py::test_toy_envelope_vector_verifies_and_opens",
    "tests/product/test_flow.py::test_admit_then_open_recovers_the_image",
]


def test_backend_switch_is_honoured():
    code = "import schemes.bigint as b, schemes.bn254.fields as f; print(b.BACKEND, type(f.P).__name__)"
    env = dict(os.environ, SCHEMES_PURE_PYTHON="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["int", "int"]


def test_suite_cross_section_with_plain_ints():
    env = dict(os.environ, SCHEMES_PURE_PYTHON="1", PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *SELECTION],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout
