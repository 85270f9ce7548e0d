"""One snarkjs version everywhere: the constant in the code, the npm pin, the lock file, the
installed package, the CLI that actually runs, and the version the specs quote.

``SNARKJS_VERSION`` (schemes/groth16/snarkjs_cli.py) is what the code and the docs claim to be
interoperable with; ``tests/interop/package.json`` + ``package-lock.json`` are what ``npm ci``
installs. If someone bumps one and not the others, the interop tests would silently exercise
another version than the one documented.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from schemes.groth16.snarkjs_cli import SNARKJS_VERSION

ROOT = Path(__file__).resolve().parents[1]
INTEROP = ROOT / "tests" / "interop"
EXACT = re.compile(r"^\d+\.\d+\.\d+$")


def _json(path: Path) -> dict:
    return json.loads(path.read_text())


def test_constant_is_an_exact_version():
    assert EXACT.match(SNARKJS_VERSION), SNARKJS_VERSION


def test_package_json_pins_exactly_that_version():
    deps = _json(INTEROP / "package.json")["dependencies"]
    # an exact pin: no range operator (^, ~, >=, x) that npm could resolve to another release
    assert deps["snarkjs"] == SNARKJS_VERSION


def test_lock_file_agrees():
    lock = _json(INTEROP / "package-lock.json")
    assert lock["lockfileVersion"] >= 2, "the checks below read the v2/v3 'packages' map"
    packages = lock["packages"]
    assert packages[""]["dependencies"]["snarkjs"] == SNARKJS_VERSION
    entry = packages["node_modules/snarkjs"]
    assert entry["version"] == SNARKJS_VERSION
    assert entry["integrity"].startswith("sha512-")  # npm ci checks the tarball against it
    if "resolved" in entry:  # absent when npm omits registry URLs from the lock file
        assert entry["resolved"].endswith(f"/snarkjs-{SNARKJS_VERSION}.tgz"), entry["resolved"]
    if "dependencies" in lock:  # lockfile v2 also carries the v1 view; it must agree too
        assert lock["dependencies"]["snarkjs"]["version"] == SNARKJS_VERSION


@pytest.mark.interop
def test_installed_package_and_cli_agree(snarkjs_cli):
    installed = _json(INTEROP / "node_modules" / "snarkjs" / "package.json")
    assert installed["name"] == "snarkjs"
    assert installed["version"] == SNARKJS_VERSION
    # the script the fixture hands to the tests is the installed package's CLI ...
    assert Path(snarkjs_cli).resolve() == (INTEROP / "node_modules" / "snarkjs" / installed["bin"]["snarkjs"]).resolve()
    # ... and it reports that version itself
    out = subprocess.run(["node", str(snarkjs_cli), "--version"], capture_output=True, text=True, timeout=60)
    assert f"snarkjs@{SNARKJS_VERSION}" in out.stdout + out.stderr, out.stdout + out.stderr


def test_specs_and_docs_quote_the_pinned_version():
    """Every 'snarkjs X.Y.Z' / 'snarkjs (X.Y.Z)' in specs/, the READMEs and test docstrings."""
    files = [
        *sorted((ROOT / "specs").glob("*.md")),
        ROOT / "README.md",
        ROOT / "examples" / "README.md",
        *sorted((ROOT / "tests").glob("test_*.py")),
    ]
    pattern = re.compile(r"snarkjs\W{0,3}(\d+\.\d+\.\d+)", re.I)
    found = {}
    for f in files:
        for m in pattern.finditer(f.read_text()):
            found.setdefault(m.group(1), []).append(f.relative_to(ROOT).as_posix())
    assert found, "expected the specs to name the pinned snarkjs version somewhere"
    assert set(found) == {SNARKJS_VERSION}, found
