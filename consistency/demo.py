"""``python -m consistency demo``: the whole flow on the images shipped with the package, with a
committee of three members, each in its own process.

committee init -> three ``committee join`` processes (each member's share only in its own 0600
file) -> finalize -> setup for the joint key (all cached) -> send a benign and a banned image ->
the server admits them -> ``scan`` makes a request per envelope -> three ``partial`` processes
(each member verifies the envelope, recomputes the score ciphertext, decrypts coefficient N-1
once, proves it) -> ``verdict`` (every proof checked) -> ``audit`` of the record -> forward or
block -> the recipient opens -> a replayed request, a swap at the server and a swap at the
prover are all refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from schemes.key_agreement import generate_recipient_key

from .circuit import build_circuit
from .cli import progress_printer
from .envelope import encode
from .errors import ConsistencyError, KeyMismatch, Rejected
from .image import image_bytes, load_image
from .keys import load_prover_keys, run_setup, write_keydir
from .params import get_parameter_set
from .recipient import open_payload
from .scanner import load_scanner, plaintext_score
from .sender import encrypt_for_scanner, prepare_statement, send
from .server import Server, verify_envelope

if TYPE_CHECKING:
    import numpy as np

    from .committee import Committee
    from .keys import ProverKeys
    from .params import ParameterSet

__all__ = ["run_demo", "default_cache_dir", "DemoPaths", "DEMO_MEMBERS", "cached_committee"]

#: The demo committee: the provider, a regulator and an NGO.
DEMO_MEMBERS = 3

_T = TypeVar("_T")


def default_cache_dir(params_name: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "greco-consistency" / f"keys-{params_name}-v2"


@dataclass(frozen=True)
class DemoPaths:
    """The demo's cache: the committee directory, each member's own directory (its secret file
    and decryption log), and the key directory made for the committee's joint key."""

    root: Path

    @property
    def committee(self) -> Path:
        return self.root / "committee"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    def secret(self, member: int) -> Path:
        return self.root / f"member_{member}" / "share.secret"


def _shipped_image(name: str, kind: str) -> np.ndarray:
    with resources.as_file(resources.files("consistency") / "data" / f"{name}_{kind}.png") as p:
        return load_image(p)


def _cli(*args: str, insecure: bool) -> list[str]:
    return [sys.executable, "-m", "consistency", *args, *(["--insecure"] if insecure else [])]


def _run_members(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    """Run one process per member at once; wait for all."""
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    out = []
    for c, p in zip(commands, procs):
        stdout, stderr = p.communicate()
        out.append(subprocess.CompletedProcess(c, p.returncode, stdout, stderr))
    return out


def _check(results: list[subprocess.CompletedProcess[str]], what: str) -> None:
    for r in results:
        if r.returncode != 0:
            raise ConsistencyError(f"{what} failed (exit {r.returncode}): {r.stderr.strip()[-2000:]}")


def cached_committee(
    params: ParameterSet, paths: DemoPaths, insecure: bool, say: Callable[[str], None]
) -> tuple[Committee, ProverKeys, str]:
    """The cached committee and key directory, or a fresh committee (three join processes)."""
    from .committee import init_committee, load_committee
    from .committee.errors import CommitteeError

    try:
        committee = load_committee(paths.committee, allow_insecure=insecure)
        keys = load_prover_keys(paths.keys, allow_insecure=insecure)
        if keys.pk_fhe == committee.pk and all(paths.secret(i).exists() for i in range(1, DEMO_MEMBERS + 1)):
            return committee, keys, "cached"
    except (CommitteeError, KeyMismatch, OSError):
        pass
    say(f"no usable committee in {paths.root}; running the setup once (cached afterwards)")
    if paths.root.exists():
        stale = paths.root.with_name(paths.root.name + f".stale-{int(time.time())}")
        paths.root.rename(stale)
        say(f"moved the unusable cache to {stale}")
    init_committee(paths.committee, params, DEMO_MEMBERS, progress=say)
    for i in range(1, DEMO_MEMBERS + 1):
        paths.secret(i).parent.mkdir(parents=True, mode=0o700)
    _check(
        _run_members(
            [
                _cli(
                    "committee",
                    "join",
                    str(paths.committee),
                    "--member",
                    str(i),
                    "--secret",
                    str(paths.secret(i)),
                    insecure=insecure,
                )
                for i in range(1, DEMO_MEMBERS + 1)
            ]
        ),
        "committee join",
    )
    from .committee import finalize

    committee = finalize(paths.committee, allow_insecure=insecure)
    keys = run_setup(params, committee.pk, progress=say)
    write_keydir(paths.keys, keys)
    return committee, keys, "fresh"


def run_demo(
    params_name: str = "default",
    *,
    cache_dir: str | None = None,
    insecure: bool = False,
    out: Callable[[str], None] = print,
) -> int:
    from .committee import audit_record, combine, make_request
    from .committee.request import decode_request

    params = get_parameter_set(params_name, allow_insecure=insecure)
    say = progress_printer()
    rows: list[tuple[str, float, str]] = []

    def step(label: str, fn: Callable[[], _T], detail: Callable[[_T], str] = lambda r: "") -> _T:
        t0 = time.perf_counter()
        r = fn()
        rows.append((label, time.perf_counter() - t0, detail(r)))
        return r

    paths = DemoPaths(Path(cache_dir) if cache_dir else default_cache_dir(params.name))
    committee, keys, how = step(
        f"committee ({DEMO_MEMBERS} join processes) + setup",
        lambda: cached_committee(params, paths, insecure, say),
        lambda r: f"{r[2]}, {paths.root}",
    )
    server = Server(keys.verifier)
    model = load_scanner(params)
    recipient = generate_recipient_key()
    images = {kind: _shipped_image(params.data_name, kind) for kind in ("benign", "banned")}

    envelopes = {}
    for kind in ("benign", "banned"):
        ctx = server.issue_context(sender="alice", recipient="bob")
        env = step(
            f"send {kind} image (commit, encrypt, prove)",
            lambda: send(images[kind], recipient.public_bytes(), keys, ctx, progress=say),
            lambda e: f"{len(encode(e, allow_insecure=insecure))} bytes",
        )
        envelopes[kind] = (env, ctx)

    verdicts = {}
    refusals = []
    with tempfile.TemporaryDirectory(prefix="consistency-demo-") as work:
        w = Path(work)
        for kind, (env, ctx) in envelopes.items():
            data = encode(env, allow_insecure=insecure)
            admitted = step(f"server admits {kind}", lambda: server.admit(data, ctx), lambda v: "valid")
            request = step(
                f"scan request for {kind}",
                lambda: make_request(keys.verifier, data, ctx),
                lambda r: f"{len(r.encode())} bytes",
            )
            req_file = w / f"{kind}.request.json"
            req_file.write_bytes(request.encode())
            parts = [w / f"{kind}.partial_{i}.json" for i in range(1, DEMO_MEMBERS + 1)]

            def partial_cmd(member: int, out: Path, req: Path = req_file) -> list[str]:
                """Member ``member``'s ``partial`` command line on the request ``req``."""
                args = ["--keys", paths.keys, "--committee", paths.committee, "--member", member]
                args += ["--secret", paths.secret(member), "--out", out]
                return _cli("partial", str(req), *map(str, args), insecure=insecure)

            cmds = [partial_cmd(i, parts[i - 1]) for i in range(1, DEMO_MEMBERS + 1)]
            step(
                f"{DEMO_MEMBERS} members decrypt {kind}'s score (own processes)",
                lambda: _check(_run_members(cmds), "partial"),
                lambda _r: "each proved its partial",
            )
            record = step(
                f"verdict for {kind} (every proof checked)",
                lambda: combine(
                    committee,
                    decode_request(req_file.read_bytes()),
                    [p.read_bytes() for p in parts],
                    keys=keys.verifier,
                ),
                lambda r: f"score {r.score} (plaintext {plaintext_score(model, image_bytes(images[kind], params))})",
            )
            step(
                f"audit of {kind}'s record",
                lambda: audit_record(record.encode(), keys.verifier, committee),
                lambda r: "re-checked from public data",
            )
            blocked = record.verdict == "banned"
            verdicts[kind] = blocked
            rows.append((f"server decision for {kind}", 0.0, "BLOCK" if blocked else "forward"))
            if not blocked:
                step(
                    f"recipient opens {kind}",
                    lambda: open_payload(admitted.forward_payload, recipient, params),
                    lambda o: "image matches" if (o.image == images[kind]).all() else "MISMATCH",
                )
            if kind == "benign":  # a second decryption of the same envelope, asked of member 1

                def again() -> bool:
                    r = _run_members([partial_cmd(1, w / "again.json")])[0]
                    return r.returncode == 1 and "REFUSED replay" in r.stderr

                refusals.append(
                    step(
                        "member 1 asked to decrypt benign again",
                        again,
                        lambda ok: "refused: replay" if ok else "ACCEPTED (bug!)",
                    )
                )

    # The swap at the server: the benign BFV input with the banned message, commitment and proof.
    benign, (banned, banned_ctx) = envelopes["benign"][0], envelopes["banned"]

    def try_swap() -> str:
        try:
            verify_envelope(keys.verifier, replace(banned, ct_fhe=benign.ct_fhe), banned_ctx)
        except Rejected as exc:
            return f"rejected: {exc}"
        return "ACCEPTED (bug!)"

    step("swap attempt at the server", try_swap, lambda r: r)

    # The swap at the prover: message part from the banned image, BFV part (with its real
    # randomness) from the benign image. No proof can be made: the witness fails the relation.
    def try_prove_swap() -> str:
        stmt, wit, _ = prepare_statement(
            params, keys.pk_fhe, image_bytes(images["banned"], params), recipient.public_bytes(), banned_ctx + b";swap"
        )
        ct_fhe, bfv_wit = encrypt_for_scanner(params, keys.pk_fhe, image_bytes(images["benign"], params))
        cs = build_circuit(params, keys.pk_fhe, replace(stmt, ct_fhe=ct_fhe), replace(wit, bfv=bfv_wit))
        return "ACCEPTED (bug!)" if cs.is_satisfied() else "rejected: the witness fails the constraints"

    step("swap attempt at the prover", try_prove_swap, lambda r: r)

    width = max(len(r[0]) for r in rows)
    out(
        f"\ndemo on parameter set '{params.name}' ({'x'.join(map(str, params.shape))}, BFV N={params.bfv.n}), "
        f"committee of {DEMO_MEMBERS} ({how})"
    )
    out(f"{'step':<{width}}  {'seconds':>8}  result")
    for label, secs, detail in rows:
        out(f"{label:<{width}}  {secs:8.2f}  {detail}")
    ok = (
        (not verdicts["benign"])
        and verdicts["banned"]
        and all(refusals)
        and all(d.startswith("rejected") for label, _, d in rows if "swap" in label)
    )
    out(
        "demo "
        + ("completed: the swap was rejected, the banned image was blocked, the replay was refused" if ok else "FAILED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run_demo())
