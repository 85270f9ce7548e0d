"""Strict JSON for the committee's files: canonical numbers, exact key sets, atomic writes.

Every committee file is a JSON object with exactly the keys its format names. Integers that can
exceed 2^53 (residues, field elements) are canonical decimal strings (no sign, no leading zero);
digests and byte strings are lower-case hex. Readers go through :func:`schemes.strict_json.loads`
(nesting bound, no repeated key) and raise the caller's error class with a reason.

Writers: :func:`write_json` replaces a public file atomically (a temporary file in the same
directory, then ``rename``), :func:`create_json` refuses an existing file (``O_EXCL``).
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from schemes import strict_json

from .errors import MalformedCommitteeFile

__all__ = [
    "canonical",
    "loads",
    "read_json",
    "write_bytes",
    "write_json",
    "create_json",
    "require_keys",
    "dec",
    "dec_list",
    "hexbytes",
    "small_int",
]

_DEC = re.compile(r"^(0|[1-9][0-9]*)$")
_HEX = re.compile(r"^([0-9a-f]{2})*$")


def canonical(obj: Any) -> bytes:
    """Compact sorted-key UTF-8 JSON (the form digests are computed over)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def loads(data: bytes | str, what: str, error: type = MalformedCommitteeFile) -> dict[str, Any]:
    """Parse ``data`` as one JSON object, strictly."""
    try:
        obj = strict_json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise error(f"{what} is not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise error(f"{what} must be a JSON object")
    return obj


def read_json(path: str | os.PathLike[str], what: str, error: type = MalformedCommitteeFile) -> dict[str, Any]:
    """Read and parse a JSON object file; a missing or unreadable file is an ``error`` too."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    return loads(data, what, error)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` atomically with ``data`` (public files only)."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(tmp, "xb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Replace ``path`` atomically with ``obj`` as indented JSON (public files only)."""
    write_bytes(path, (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def create_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Write ``obj`` to a new file; ``FileExistsError`` if ``path`` exists."""
    with open(Path(path), "x", encoding="utf-8") as f:
        f.write(json.dumps(obj, indent=1, sort_keys=True) + "\n")


def require_keys(obj: dict[str, Any], keys: Iterable[str], what: str, error: type = MalformedCommitteeFile) -> None:
    """Exactly the keys ``keys``: no missing one, no extra one."""
    want = set(keys)
    if set(obj) != want:
        missing, extra = sorted(want - set(obj)), sorted(set(obj) - want)
        raise error(
            f"{what}: expected exactly the keys {sorted(want)}"
            + (f"; missing {missing}" if missing else "")
            + (f"; unexpected {extra}" if extra else "")
        )


def dec(value: Any, what: str, below: int | None = None, error: type = MalformedCommitteeFile) -> int:
    """A canonical decimal string, optionally ``< below``."""
    if not isinstance(value, str) or not _DEC.match(value) or len(value) > 100:
        raise error(f"{what} must be a canonical decimal string")
    x = int(value)
    if below is not None and x >= below:
        raise error(f"{what} is out of range (>= {below})")
    return x


def dec_list(value: Any, length: int, below: int, what: str, error: type = MalformedCommitteeFile) -> tuple[int, ...]:
    """Exactly ``length`` canonical decimal strings, each ``< below``."""
    if not isinstance(value, list) or len(value) != length:
        raise error(f"{what} must be a list of {length} decimal strings")
    return tuple(dec(v, f"{what}[{i}]", below, error) for i, v in enumerate(value))


def hexbytes(value: Any, what: str, length: int | None = None, error: type = MalformedCommitteeFile) -> bytes:
    """Lower-case hex, optionally of exactly ``length`` bytes."""
    if not isinstance(value, str) or not _HEX.match(value):
        raise error(f"{what} must be lower-case hex")
    raw = bytes.fromhex(value)
    if length is not None and len(raw) != length:
        raise error(f"{what} must be {length} bytes")
    return raw


def small_int(value: Any, what: str, lo: int, hi: int, error: type = MalformedCommitteeFile) -> int:
    """A JSON integer (not a bool) in ``[lo, hi]``."""
    if type(value) is not int or not lo <= value <= hi:
        raise error(f"{what} must be an integer in [{lo}, {hi}]")
    return value
