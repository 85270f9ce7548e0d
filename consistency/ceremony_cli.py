"""Trusted-setup commands of ``python -m consistency`` (registered by :mod:`consistency.cli`)::

    setup --ptau FILE [--zkey-out INIT.zkey] --params NAME --committee DIR --out KEYDIR
    setup --from-zkey FILE [--ptau FILE] --params NAME --committee DIR --out KEYDIR
    ceremony contribute IN.zkey OUT.zkey [--entropy TEXT] [--name TEXT]
    ceremony beacon IN.zkey OUT.zkey BEACON_HASH_HEX NUM_ITERATIONS_EXP [--name TEXT]
    ceremony verify ZKEY --ptau FILE (--r1cs FILE | --params NAME --committee DIR)
    inspect-keys KEYDIR [--json]

(``setup`` itself is registered by :mod:`consistency.committee.cli`; its ``--ptau`` and
``--from-zkey`` forms land in :func:`setup_phase2`.) Errors follow the CLI's model: library
exceptions, mapped to exit codes by :func:`consistency.cli.main` (1 rejected, 2 usage, 3 a file
that cannot be read or written).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .committee.keygen import Committee
    from .params import ParameterSet

__all__ = ["add_commands", "setup_phase2"]

Add = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _usage(msg: str) -> int:
    _say(f"usage error: {msg}")
    return 2


def _ptau_info(path: str) -> dict[str, Any]:
    from schemes.groth16.ptau import open_ptau, ptau_file_hash

    with open_ptau(path) as pt:
        info = {"power": pt.power, "phase1_contributions": pt.num_contributions}
    return {"blake2b": ptau_file_hash(path), **info}


def setup_phase2(a: argparse.Namespace, params: ParameterSet, committee: Committee) -> int:
    """``setup --ptau`` / ``setup --from-zkey``: a key directory whose key comes from a ptau."""
    from schemes.bfv.serialization import public_key_to_bytes
    from schemes.groth16.ceremony import check_circuit, read_chain, verify_chain
    from schemes.groth16.ptau_setup import setup_from_ptau
    from schemes.groth16.zkey import read_zkey

    from .circuit import build_circuit
    from .cli import progress_printer
    from .keys import ProverKeys, VerifierKeys, write_keydir
    from .provenance import phase2

    if a.zkey_out and a.from_zkey:
        return _usage("--zkey-out goes with --ptau alone (it writes the ceremony's initial key)")
    if not a.from_zkey and (a.out or not a.zkey_out):
        return _usage(
            "--ptau alone writes the ceremony's initial key (--zkey-out FILE) and no key directory: a key "
            "with no phase-2 contribution (delta = gamma) is forgeable; run `ceremony contribute`, then "
            "`setup --from-zkey FILE --ptau FILE --out KEYDIR`"
        )
    if a.from_zkey and not a.out:
        return _usage("--from-zkey needs --out KEYDIR")
    say = progress_printer()
    say(f"{params.name}: synthesizing the circuit (shape only)")
    r1cs = build_circuit(params, committee.pk).freeze()
    ptau = _ptau_info(a.ptau) if a.ptau else None
    if a.from_zkey:
        check_circuit(a.from_zkey, r1cs)
        if a.ptau:
            report = verify_chain(a.from_zkey, r1cs, a.ptau, progress=say)
        else:
            say("WARNING: no --ptau: the zkey's circuit is checked, its contribution chain is NOT verified")
            report = read_chain(a.from_zkey)
        pk = replace(read_zkey(a.from_zkey), r1cs_digest=r1cs.digest())
        verified = a.ptau is not None
    else:
        with tempfile.TemporaryDirectory(prefix="consistency-setup-") as tmp:
            init = Path(a.zkey_out) if a.zkey_out else Path(tmp) / "init.zkey"
            pk, _cs_hash = setup_from_ptau(r1cs, a.ptau, init, progress=say)
            report = read_chain(init)
            if a.zkey_out:
                say(f"wrote {a.zkey_out}: the ceremony's initial key (= snarkjs groth16 setup)")
        verified = True
    if not a.from_zkey:  # --ptau alone: the initial key only
        return 0
    if not report.contributions or pk.vk.delta_g2 == pk.vk.gamma_g2:
        _say(
            f"REFUSED key: {a.from_zkey} has no phase-2 contribution (delta = gamma): anyone can change the "
            "public inputs of a proof under it; run `ceremony contribute` first"
        )
        return 1
    digest = params.digest(public_key_to_bytes(params.bfv, committee.pk))
    keys = ProverKeys(VerifierKeys(params, committee.pk, pk.vk, digest), pk, circuit_cache={"r1cs": r1cs})
    write_keydir(a.out, keys, provenance=phase2(pk.vk, report, ptau=ptau, chain_verified=verified))
    say(f"wrote {a.out} ({len(report.contributions)} phase-2 contributions)")
    return 0


def cmd_contribute(a: argparse.Namespace) -> int:
    from schemes.groth16.ceremony import contribute

    from .cli import progress_printer

    c = contribute(a.input, a.output, entropy=a.entropy or "", name=a.name, progress=progress_printer())
    print(f"contribution hash: {c.hash.hex()}")
    return 0


def cmd_beacon(a: argparse.Namespace) -> int:
    from schemes.groth16.ceremony import beacon

    from .cli import progress_printer

    try:
        h = bytes.fromhex(a.beacon_hash)
    except ValueError:
        return _usage("BEACON_HASH_HEX must be hexadecimal")
    if not 0 < len(h) < 256:
        return _usage("the beacon hash must be 1 to 255 bytes")
    if not 10 <= a.num_iterations_exp <= 63:
        return _usage("NUM_ITERATIONS_EXP must be in [10, 63]")
    c = beacon(a.input, a.output, h, a.num_iterations_exp, name=a.name, progress=progress_printer())
    print(f"contribution hash: {c.hash.hex()}")
    return 0


def cmd_verify(a: argparse.Namespace) -> int:
    from schemes.groth16.ceremony import verify_chain

    from .cli import progress_printer

    if (a.r1cs is None) == (a.params is None):
        return _usage("give the circuit as --r1cs FILE or as --params NAME --committee DIR")
    if a.r1cs is not None:
        from schemes.r1cs.iden3 import read_r1cs

        r1cs = read_r1cs(a.r1cs).to_r1cs()
    else:
        if a.committee is None:
            return _usage("--params needs --committee DIR")
        from .circuit import build_circuit
        from .committee.keygen import load_committee
        from .params import get_parameter_set

        params = get_parameter_set(a.params, allow_insecure=a.insecure)
        committee = load_committee(a.committee, allow_insecure=a.insecure)
        if committee.params != params:
            return _usage(f"the committee in {a.committee} is for {committee.params.name}, not {params.name}")
        r1cs = build_circuit(params, committee.pk).freeze()
    report = verify_chain(a.zkey, r1cs, a.ptau, progress=progress_printer())
    print(f"circuit hash: {report.cs_hash.hex()}")
    for i, c in enumerate(report.contributions, 1):
        kind = "beacon" if c.type == 1 else "contribution"
        print(f"#{i} {kind:<12} {c.hash.hex()}  {c.name or ''}")
    print(f"ZKEY OK: {len(report.contributions)} phase-2 contributions verified")
    return 0


def cmd_inspect_keys(a: argparse.Namespace) -> int:
    from .keys import load_verifier_keys
    from .provenance import describe, read_provenance

    keys = load_verifier_keys(a.keydir, allow_insecure=a.insecure)
    rec = read_provenance(a.keydir, keys.vk)
    if a.json:
        print(json.dumps({"params_id": keys.params.name, "digest": keys.digest.hex(), "provenance": rec}))
        return 0
    print(f"key directory: {a.keydir}")
    print(f"parameter set: {keys.params.name} (digest {keys.digest.hex()})")
    for line in describe(rec):
        print(line)
    return 0


def _exp(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be an integer") from None


def add_setup_options(p: argparse.ArgumentParser) -> None:
    """The phase-2 options of ``setup`` (see :func:`setup_phase2`)."""
    p.add_argument(
        "--ptau",
        default=None,
        metavar="FILE",
        help="build the key from this phase-2-prepared powers-of-tau file (snarkjs .ptau)",
    )
    p.add_argument(
        "--from-zkey",
        default=None,
        metavar="FILE",
        help="take the key from this snarkjs .zkey for our circuit (with --ptau: its chain is verified)",
    )
    p.add_argument(
        "--zkey-out",
        default=None,
        metavar="FILE",
        help="with --ptau: also write the ceremony's initial .zkey (0 contributions)",
    )


def add_commands(add: Add) -> None:
    """Register ``ceremony contribute|beacon|verify`` and ``inspect-keys``."""
    from .cli import command_group

    sub = command_group(add, "ceremony", "phase-2 trusted-setup ceremony on snarkjs .zkey files")

    p = sub("contribute", cmd_contribute, "add a phase-2 contribution (fresh secret, never stored)")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--entropy", default=None, help="extra entropy text, mixed with OS randomness")
    p.add_argument("--name", default=None, help="contributor name recorded in the key (<= 64 characters)")
    p = sub("beacon", cmd_beacon, "add the final beacon contribution (public randomness)")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("beacon_hash", metavar="BEACON_HASH_HEX")
    p.add_argument("num_iterations_exp", metavar="NUM_ITERATIONS_EXP", type=_exp)
    p.add_argument("--name", default=None)
    p = sub("verify", cmd_verify, "verify a zkey's contribution chain against the ptau and the circuit")
    p.add_argument("zkey")
    p.add_argument("--ptau", required=True)
    p.add_argument("--r1cs", default=None, help="the circuit as an iden3 .r1cs file")
    p.add_argument("--params", default=None, help="or our circuit: parameter set ...")
    p.add_argument("--committee", default=None, help="... and finalized committee directory")

    p = add("inspect-keys", cmd_inspect_keys, "print a key directory's parameter set and key provenance")
    p.add_argument("keydir")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
