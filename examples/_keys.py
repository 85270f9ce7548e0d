"""Shared by the examples: a committee of three and the key directory for its joint key, made
once and cached (the demo's cache, ``consistency.demo.DemoPaths``)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from consistency.cli import progress_printer
from consistency.committee import Committee, Member
from consistency.demo import DEMO_MEMBERS, DemoPaths, cached_committee, default_cache_dir
from consistency.keys import ProverKeys
from consistency.params import INSECURE_SETS, get_parameter_set


def parse_args(doc: str) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=doc)
    p.add_argument(
        "--params",
        default="default",
        help="default (28x28, N = 4096), rgb32, toy (INSECURE) or default-2048-leaky (LEAKS)",
    )
    return p.parse_args()


@dataclass
class CachedCommittee:
    """The cached committee and where each member keeps its share (one directory per member)."""

    committee: Committee
    paths: DemoPaths

    def members(self, keys: ProverKeys) -> list[Member]:
        """The members, in this process (the demo runs each in its own)."""
        return [Member(self.committee, keys.verifier, i, self.paths.secret(i)) for i in range(1, DEMO_MEMBERS + 1)]


def cached_keys(name: str) -> tuple[ProverKeys, CachedCommittee]:
    """Load the cached committee and key directory of ``name`` or make them once (three member
    processes join, then the Groth16 setup: about a minute for default)."""
    insecure = name in INSECURE_SETS
    params = get_parameter_set(name, allow_insecure=insecure)
    paths = DemoPaths(default_cache_dir(name))
    committee, keys, _how = cached_committee(params, paths, insecure, progress_printer())
    return keys, CachedCommittee(committee, paths)
