"""Command line: ``python -m consistency <command>``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m consistency {bench} ...", file=sys.stderr)
        return 2
    if argv[0] == "bench":
        from schemes.groth16.bench import main as bench_main

        return bench_main(argv[1:])
    print(f"unknown command {argv[0]!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
