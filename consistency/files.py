"""Reading an input file without reading more than a cap."""

from __future__ import annotations

import os

from .errors import OperationalError

__all__ = ["read_at_most"]


def read_at_most(path: str | os.PathLike[str], cap: int) -> bytes:
    """At most ``cap + 1`` bytes of the file (so the caller sees that it is longer than ``cap``
    without reading it whole). A file that cannot be read raises :class:`OperationalError`."""
    try:
        with open(path, "rb") as f:
            return f.read(cap + 1)
    except OSError as exc:
        raise OperationalError(f"cannot read {os.fspath(path)}: {exc.strerror or exc}") from None
