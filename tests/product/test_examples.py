"""The deliverables in examples/ and ``python -m consistency demo``, run as real subprocesses on
the toy set, with their output checked against values computed here independently.

The cache the scripts use (``$XDG_CACHE_HOME/greco-consistency/keys-toy-v2``, see
``consistency.demo.DemoPaths``) is pre-filled with the session's toy committee (its directory and
each member's secret file, copied with their 0600 mode, without the members' logs) and key
directory, so the scripts exercise their "load the cached keys" path and no setup is repeated; a
test fails if a script ran the setup anyway.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from consistency.circuit import build_circuit
from consistency.demo import DemoPaths, default_cache_dir
from consistency.envelope import encode
from consistency.image import image_bytes
from consistency.keys import write_keydir
from consistency.scanner import load_scanner, plaintext_score

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def cache(toy, tmp_path_factory):
    """An XDG cache home whose toy cache holds the session's toy committee and keys."""
    import shutil

    home = tmp_path_factory.mktemp("xdg-cache")
    env = {**os.environ, "XDG_CACHE_HOME": str(home)}
    with pytest.MonkeyPatch.context() as mp:  # where the scripts will look, given that variable
        mp.setenv("XDG_CACHE_HOME", str(home))
        root = default_cache_dir("toy")
    assert root.is_relative_to(home)
    paths = DemoPaths(root)
    shutil.copytree(toy.committee.config.path, paths.committee)
    for i, secret in toy.secrets.items():
        paths.secret(i).parent.mkdir(parents=True, mode=0o700)
        shutil.copy2(secret, paths.secret(i))
    write_keydir(paths.keys, toy.keys)
    return env, root


def run(args: list[str], env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    p = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    p.stdout, p.stderr = ANSI.sub("", p.stdout), ANSI.sub("", p.stderr)
    return p


def _ok(p: subprocess.CompletedProcess) -> str:
    assert p.returncode == 0, f"exit {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr[-3000:]}"
    assert "setting up" not in p.stderr and "running the setup" not in p.stderr, "the cached keys were not used"
    return p.stdout


def test_send_verify_scan_open(toy, cache):
    env, _ = cache
    out = _ok(run(["examples/send_verify_scan_open.py", "--params", "toy"], env))
    rows = {
        m.group(1): m.groups()[1:]
        for m in re.finditer(
            r"^(benign|banned): envelope (\d+) bytes, verified; score committee (-?\d+) = plaintext (-?\d+): "
            r"(BLOCK|forward)$",
            out,
            re.M,
        )
    }
    assert set(rows) == {"benign", "banned"}, out
    model = load_scanner(toy.params)
    size = len(encode(toy.env_benign, allow_insecure=True))  # every toy envelope has this size
    for kind, image in (("benign", toy.benign), ("banned", toy.banned)):
        nbytes, he, plain, verdict = rows[kind]
        expected = plaintext_score(model, image_bytes(image, toy.params))  # computed here, in-process
        assert int(he) == int(plain) == expected, (kind, he, plain, expected)
        assert verdict == ("BLOCK" if expected > 0 else "forward")
        assert int(nbytes) == size
    assert rows["benign"][3] == "forward" and rows["banned"][3] == "BLOCK"
    opened = re.findall(r"^(\w+): recipient decrypted the image and checked the commitment C = \d+$", out, re.M)
    assert opened == ["benign"]  # the blocked image is never forwarded, hence never opened


def test_swap_attack_is_rejected_twice(toy, cache):
    env, _ = cache
    out = _ok(run(["examples/swap_attack.py", "--params", "toy"], env))
    assert "BUG" not in out
    assert re.search(r"^1\. spliced envelope rejected by the server: invalid proof", out, re.M), out
    m = re.search(r"^2\. mixed witness fails constraint #(\d+) \((.+)\): no proof can be made$", out, re.M)
    assert m, out
    # the reported row exists in the toy circuit under that name, and it is a BFV relation row:
    # the message part is honest for the banned image, the BFV part encrypts the benign one
    names = build_circuit(toy.params, toy.keys.pk_fhe).freeze().names
    index, name = int(m.group(1)), m.group(2)
    assert names[index] == name
    assert re.fullmatch(r"bfv\[0\]/ct_relation\[\d+\]", name), name


@pytest.mark.interop
def test_audit_with_snarkjs(toy, cache, snarkjs, tmp_path):
    env, _ = cache  # the snarkjs fixture has run `npm ci`, so the script finds the pinned CLI
    out = _ok(run(["examples/audit_with_snarkjs.py", "--params", "toy", "--out", str(tmp_path), "--reprove"], env))
    # snarkjs redid the flow on its own from the exported circuit, key and witness
    assert re.search(r"snarkjs wtns check: .*WITNESS CHECKING FINISHED SUCCESSFULLY", out), out
    assert re.search(r"snarkjs groth16 verify: .*OK!", out), out
    m = re.search(r"^audit record for C = (\d+) written to (.+)$", out, re.M)
    assert m and Path(m.group(2)) == tmp_path, out
    assert re.search(r"snarkJS: OK!", out), out  # not the "snarkjs not available" fallback
    public = json.loads((tmp_path / "public.json").read_text())
    assert public[0] == m.group(1)  # C is the first public input
    assert len(public) == toy.params.num_public
    # the exported files are what snarkjs checked: tampering with one input makes it fail
    public[1] = str(int(public[1]) + 1)
    (tmp_path / "public.json").write_text(json.dumps(public))
    bad = snarkjs(
        "groth16", "verify", tmp_path / "verification_key.json", tmp_path / "public.json", tmp_path / "proof.json"
    )
    assert bad.returncode != 0 or "OK" not in bad.stdout


def test_cli_demo_on_toy(cache):
    env, keydir = cache
    out = _ok(run(["-m", "consistency", "demo", "--params", "toy", "--insecure", "--cache", str(keydir)], env))
    steps = {}
    for line in out.splitlines():
        m = re.match(r"^(.+?)\s+(\d+\.\d\d)  (.*)$", line)
        if m:
            steps[m.group(1).strip()] = m.group(3)
    assert steps["committee (3 join processes) + setup"].startswith("cached")
    assert steps["server admits benign"] == steps["server admits banned"] == "valid"
    assert steps["server decision for benign"] == "forward"
    assert steps["server decision for banned"] == "BLOCK"
    assert steps["recipient opens benign"] == "image matches"
    assert "recipient opens banned" not in steps
    assert steps["swap attempt at the server"].startswith("rejected: invalid proof")
    assert steps["swap attempt at the prover"] == "rejected: the witness fails the constraints"
    assert steps["member 1 asked to decrypt benign again"] == "refused: replay"
    for kind in ("benign", "banned"):
        assert steps[f"3 members decrypt {kind}'s score (own processes)"] == "each proved its partial"
        assert steps[f"audit of {kind}'s record"] == "re-checked from public data"
        m = re.fullmatch(r"score (-?\d+) \(plaintext (-?\d+)\)", steps[f"verdict for {kind} (every proof checked)"])
        assert m and m.group(1) == m.group(2)
    assert out.rstrip().endswith(
        "demo completed: the swap was rejected, the banned image was blocked, the replay was refused"
    )
