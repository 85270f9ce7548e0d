"""Shared by the examples: the key directory for a parameter set, made once and cached."""

from __future__ import annotations

import argparse
import sys

from consistency.cli import progress_printer
from consistency.demo import default_cache_dir
from consistency.errors import KeyMismatch
from consistency.keys import (Committee, ProverKeys, generate_committee, load_committee, load_prover_keys,
                              run_setup, write_keydir)
from consistency.params import INSECURE_SETS, get_parameter_set


def parse_args(doc: str) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=doc)
    p.add_argument("--params", default="default",
                   help="default (28x28, N = 4096), rgb32, toy (INSECURE) or default-2048-leaky (LEAKS)")
    return p.parse_args()


def cached_keys(name: str) -> tuple[ProverKeys, Committee]:
    """Load the cached key directory of ``name`` or run the setup once (seconds for default)."""
    insecure = name in INSECURE_SETS
    params = get_parameter_set(name, allow_insecure=insecure)
    keydir = default_cache_dir(name)
    try:
        keys = load_prover_keys(keydir, allow_insecure=insecure)
        return keys, load_committee(keydir, params, keys.pk_fhe)
    except KeyMismatch:
        print(f"setting up {name} keys in {keydir} (once)", file=sys.stderr)
        committee = generate_committee(params)
        keys = run_setup(params, committee, progress=progress_printer())
        write_keydir(keydir, keys, committee)
        return keys, load_committee(keydir, params, keys.pk_fhe)  # decryption counts kept in keydir
