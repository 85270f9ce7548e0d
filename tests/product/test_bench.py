"""``python -m consistency bench``: the JSON keys, the tables, ``--plot``, bad arguments, and the
bench being tooling that the library never imports (consistency/bench/)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from consistency.cli import main

ROOT = Path(__file__).resolve().parents[2]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

PARAMS_KEYS = (
    "constraints",
    "public",
    "setup_s",
    "send_s",
    "prove_s",
    "verify_ms",
    "batch_verify_ms_per_proof",
    "envelope_bytes",
    "peak_mb",
)
SIZE_KEYS = ("constraints", "setup_s", "ours_prove_s", "verify_ms", "peak_mb")


@pytest.fixture(scope="module")
def bench_json():
    """One real ``bench --json`` process on the toy set and 2^10, without snarkjs: (result, stderr).
    Parsing the whole of stdout checks that nothing but the one JSON object is printed there."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "consistency",
            "bench",
            "--insecure",
            "--params",
            "toy",
            "--sizes",
            "10",
            "--batch",
            "2",
            "--runs",
            "2",
            "--no-snarkjs",
            "--msm-size",
            "4",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout), proc.stderr


def _positive(row: dict, keys) -> None:
    for key in keys:
        value = row[key]
        assert isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0, (key, value)


def test_bench_json_has_the_documented_keys(bench_json):
    result, stderr = bench_json
    assert set(result) == {"params", "synthetic", "msm"}
    toy = result["params"]["toy"]
    _positive(toy, PARAMS_KEYS)
    assert toy["send_s"] >= toy["prove_s"] * 0.5  # send includes a proof of the same circuit
    assert toy["snarkjs_prove_s"] is None and toy["ratio"] is None  # JSON null: skipped
    size = result["synthetic"]["2^10"]
    _positive(size, SIZE_KEYS)
    assert size["constraints"] == 2**10 - 3 - 1  # with the 3 + 1 input rows the domain is exactly 2^10
    assert size["snarkjs_prove_s"] is None and size["ratio"] is None
    msm = result["msm"]
    assert msm["points"] == 16 and msm["native_s"] > 0 and msm["speedup"] > 1
    assert "[bench] parameter set toy" in stderr  # progress goes to stderr


def test_bench_tables_are_the_json_numbers(bench_json, capsys):
    from consistency.bench import print_tables

    result, _ = bench_json
    print_tables(result)
    out = capsys.readouterr().out
    toy = result["params"]["toy"]
    assert "| params | constraints | public inputs | setup s | send s | Groth16 prove s |" in out
    assert f"| toy | {toy['constraints']} | {toy['public']} |" in out
    assert f"| {toy['prove_s']:.2f} |" in out and f"| {toy['batch_verify_ms_per_proof']:.2f} (of 2) |" in out
    assert f"| 2^10 | {2**10 - 4} |" in out and "| snarkjs prove s | ours/snarkjs |" in out
    assert "MSM of 16 G1 points" in out


def test_bench_prints_markdown_without_json(capsys):
    assert main(["bench", "--params", "", "--sizes", "5", "--no-snarkjs", "--msm-size", "0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| size | constraints |") and "| 2^5 | 28 |" in out
    assert "{" not in out


def test_bench_plot_writes_a_png(tmp_path, capsys):
    png = tmp_path / "prove.png"
    assert (
        main(
            ["bench", "--params", "", "--sizes", "5,6", "--no-snarkjs", "--msm-size", "0", "--json", "--plot", str(png)]
        )
        == 0
    )
    json.loads(capsys.readouterr().out)  # --plot does not add anything to the JSON output
    assert png.read_bytes()[:8] == PNG_MAGIC


def test_plot_draws_snarkjs_and_parameter_sets(tmp_path):
    from consistency.bench.plot import plot

    result = {
        "params": {"toy": {"constraints": 4316, "prove_s": 0.06, "snarkjs_prove_s": 0.74}},
        "synthetic": {
            f"2^{k}": {
                "constraints": 2**k - 4,
                "ours_prove_s": 0.01 * k,
                "snarkjs_prove_s": (0.1 * k if k < 16 else None),
            }
            for k in (12, 14, 16)
        },
    }
    plot(result, str(tmp_path / "p.png"))
    assert (tmp_path / "p.png").read_bytes()[:8] == PNG_MAGIC


def test_plot_without_matplotlib_is_a_clear_error_before_running(monkeypatch, tmp_path, capsys):
    from consistency.bench.plot import PlotUnavailable, plot

    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    assert main(["bench", "--params", "toy", "--sizes", "10", "--plot", str(tmp_path / "p.png")]) == 2
    err = capsys.readouterr().err
    assert "matplotlib" in err and ".[plot]" in err and "[bench]" not in err  # nothing was run
    with pytest.raises(PlotUnavailable, match=r"\.\[plot\]"):
        plot({"params": {}, "synthetic": {}}, str(tmp_path / "p.png"))
    assert not (tmp_path / "p.png").exists()


@pytest.mark.parametrize("args", [["--sizes", "x"], ["--sizes", "40"], ["--runs", "0"], ["--batch", "0"]])
def test_bench_refuses_bad_arguments_before_running(args, capsys):
    assert main(["bench", "--params", "", *args]) == 2
    assert "[bench]" not in capsys.readouterr().err


def test_r1cs_timings_run():
    from consistency.bench.r1cs import main as r1cs_main

    r1cs_main(["--n", "16"])  # prints its timings; a smoke test that the moved script still runs


def _imported_modules(path: Path, module: str) -> set:
    """Absolute names of the modules that ``path`` (module ``module``) imports."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            prefix = ".".join(base + ([node.module] if node.module else []))
            names.add(prefix)
            names.update(f"{prefix}.{a.name}" for a in node.names)
    return names


def test_the_library_does_not_import_the_bench():
    """Only the CLI dispatch (consistency/cli.py, lazily) and the bench itself import
    consistency.bench; the old bench modules are gone."""
    for old in ("consistency/bench.py", "schemes/groth16/bench.py", "schemes/r1cs/bench.py"):
        assert not (ROOT / old).exists(), old
    offenders = []
    for top in ("schemes", "consistency"):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if rel.parts[:2] == ("consistency", "bench") or rel == Path("consistency/cli.py"):
                continue
            module = ".".join(rel.with_suffix("").parts)
            for name in _imported_modules(path, module):
                if (
                    name == "consistency.bench"
                    or name.startswith("consistency.bench.")
                    or (name.startswith("schemes.") and name.split(".")[-1] == "bench")
                ):
                    offenders.append(f"{rel} imports {name}")
    assert not offenders, offenders
    code = (
        "import sys, consistency, consistency.cli, consistency.server, schemes.groth16; "
        "print(sorted(m for m in sys.modules if m.startswith('consistency.bench')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_schemes_groth16_has_no_bench_command(capsys):
    from schemes.groth16.__main__ import main as groth16_main

    assert groth16_main(["bench"]) == 2
