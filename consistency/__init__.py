"""Input-consistency proofs for private image scanning (the product).

Built on :mod:`schemes`. See ``specs/`` for the normative description.

The server side is importable from here (loaded on first use, so that ``import consistency``
stays light): :class:`Server`, :class:`AdmittedEnvelope`, the replay stores
(:class:`ReplayStore`, :class:`MemoryReplayStore`, :class:`SqliteReplayStore`,
:class:`PostgresReplayStore`, the last needing the ``postgres`` extra), :class:`RejectReason`,
:class:`Rejected` and :class:`OperationalError`.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Server", "AdmittedEnvelope", "ReplayStore", "MemoryReplayStore", "SqliteReplayStore",
           "PostgresReplayStore", "RejectReason", "Rejected", "OperationalError"]

_HOME = {
    "Server": "server", "AdmittedEnvelope": "server",
    "ReplayStore": "store", "MemoryReplayStore": "store", "SqliteReplayStore": "store",
    "PostgresReplayStore": "store_postgres",
    "RejectReason": "errors", "Rejected": "errors", "OperationalError": "errors",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module 'consistency' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
