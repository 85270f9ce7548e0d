"""``python -m consistency params NAME --json``: the parameter set as one JSON object, and the
flooding bound, statistical distance and decryption budget recomputed from that object alone,
with this file's own arithmetic (specs/bfv.md section 8): nothing here calls the library's
budget code.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from fractions import Fraction

import gmpy2
import pytest

from consistency.cli import main

#: HomomorphicEncryption.org standard v1.1, Table 1 (128-bit classical, ternary secret)
HE_TABLE = {1024: 27, 2048: 54, 4096: 109, 8192: 218}
REQUIRED = (
    "n",
    "moduli",
    "t",
    "sigma",
    "B",
    "parties",
    "L1",
    "bias_max",
    "flood_bound",
    "decryption_budget",
    "log2_sd_per_decryption",
)


def params_json(capsys, name: str, *flags: str) -> dict:
    capsys.readouterr()
    assert main(["params", name, "--json", *flags]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # one JSON object on one line
    return json.loads(out)


def recompute(d: dict) -> dict:
    """The budget of specs/bfv.md section 8 from the JSON fields."""
    moduli = [int(m) for m in d["moduli"]]
    q = math.prod(moduli)
    n, t, b, parties, l1 = d["n"], d["t"], d["B"], d["parties"], d["L1"]
    fresh = b * (2 * parties * n + 1)  # |e u + e0 + e1 s| for |u|, |s_i| <= 1, |e| <= B
    worst = l1 * fresh + fresh  # dot product with ||w||_1 <= L1, plus the mask
    r_t, score_max = q % t, (t - 1) // 2
    # the largest V with t V + r_t (t-1)/2 < q/2, found by its definition
    limit = (q - 2 * r_t * score_max - 1) // (2 * t)
    assert 2 * (t * limit + r_t * score_max) < q <= 2 * (t * (limit + 1) + r_t * score_max)
    flood = (limit - worst) // parties
    sd = Fraction(worst, 2 * flood + 1)
    budget = math.floor(Fraction(1, 2**30) / sd)  # the largest D with D * sd <= 2^-30
    return {
        "moduli": moduli,
        "q": q,
        "limit": limit,
        "flood": flood,
        "worst": worst,
        "sd": sd,
        "budget": budget,
        "score_max": score_max,
        "bias_max": score_max - 255 * l1,
    }


def test_default_json_has_the_fields_and_closes_the_flooding_argument(capsys):
    d = params_json(capsys, "default")
    assert set(REQUIRED) <= set(d)
    assert all(isinstance(m, str) for m in d["moduli"]) and isinstance(d["flood_bound"], str)
    r = recompute(d)
    # the ring: two NTT-friendly primes of about 54 bits, inside the 128-bit table
    assert d["n"] == 4096 and len(r["moduli"]) == 2
    for m in r["moduli"]:
        assert gmpy2.is_prime(m) and m % (2 * d["n"]) == 1 and 54 <= m.bit_length() <= 55
    assert r["q"].bit_length() <= HE_TABLE[d["n"]] == 109
    # correctness for the worst case plus n_par F, and the stated flooding bound
    assert int(d["flood_bound"]) == r["flood"] and r["worst"] + d["parties"] * r["flood"] <= r["limit"]
    assert d["bias_max"] == r["bias_max"] == 1060863
    # the targets: <= 2^-48 per decryption in the worst case, a budget of at least 2^18
    assert r["sd"] <= Fraction(1, 2**48)
    assert abs(d["log2_sd_per_decryption"] - (math.log2(r["worst"]) - math.log2(2 * r["flood"] + 1))) < 1e-9
    assert d["log2_sd_per_decryption"] < -51.9
    assert d["decryption_budget"] == r["budget"] >= 2**18
    assert d["decryption_budget"] * r["sd"] <= Fraction(1, 2**30) < (d["decryption_budget"] + 1) * r["sd"]
    assert d["insecure"] is False and d["shape"] == [28, 28, 1] and d["chunks"] == 1


@pytest.mark.parametrize("name", ["rgb32", "toy", "default-2048-leaky"])
def test_other_sets_recompute_too(capsys, name):
    d = params_json(capsys, name, "--insecure")
    r = recompute(d)
    assert int(d["flood_bound"]) == r["flood"] and d["bias_max"] == r["bias_max"]
    assert d["decryption_budget"] == r["budget"]
    if name == "default-2048-leaky":  # no guarantee: V > 2F + 1, budget 0
        assert r["worst"] > 2 * r["flood"] + 1 and d["decryption_budget"] == 0 and d["insecure"] is True
    if name == "rgb32":
        assert d["chunks"] == 1 and d["pixels"] == 3072


def test_params_error_model(capsys):
    assert main(["params", "toy", "--json"]) == 1  # insecure without --insecure: refused
    assert "INSECURE" in capsys.readouterr().err
    assert main(["params", "default-2048-leaky"]) == 1
    assert "LEAKS" in capsys.readouterr().err
    assert main(["params", "nonesuch"]) == 1
    with pytest.raises(SystemExit) as e:
        main(["params"])
    assert e.value.code == 2
    assert main(["params", "default"]) == 0  # the human-readable form
    assert "decryption_budget" in capsys.readouterr().out


def test_params_json_as_a_process():
    proc = subprocess.run(
        [sys.executable, "-m", "consistency", "params", "default", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["moduli"] == ["25476206438645761", "25476206405091329"]
