"""JSON input with a nesting bound: hostile files fail with ``ValueError``, never a crash.

``json.loads`` recurses once per ``[`` or ``{``. Its C scanner stops at the interpreter's
recursion limit, but any code that raises that limit (test frameworks do) lets a file of
100 000 brackets overflow the C stack and kill the process. Every key, proof and envelope
reader therefore goes through :func:`loads`, which first counts the nesting depth outside string
literals and refuses anything deeper than ``max_depth`` (our formats nest at most 4 deep).

Soundness of the pre-check: on the longest valid prefix of the input, the string regex below
tokenizes exactly as a JSON lexer does (outside strings valid JSON has no quote or backslash),
so the depth the parser can reach before it stops is the depth counted here.

Repeated keys in one object are refused: ``json.loads`` keeps the last value and other parsers
the first, so a file with ``{"x": 1, "x": 2}`` could mean different things to two readers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from .errors import SchemesError

__all__ = ["MAX_DEPTH", "DuplicateKey", "loads"]

#: Deeper than any format of this library (snarkjs G2 points: object > list > list > string).
MAX_DEPTH = 32


class DuplicateKey(SchemesError, ValueError):
    """A JSON object repeats a key."""


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


def _check_depth(text: str, max_depth: int) -> None:
    depth = 0
    for m in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if m.group() in "[{" else -1
        if depth > max_depth:
            raise ValueError(f"JSON nested deeper than {max_depth} levels")


def loads(
    data: str | bytes,
    *,
    max_depth: int = MAX_DEPTH,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
) -> Any:
    """Parse JSON text (``bytes`` must be UTF-8) with at most ``max_depth`` nested containers.

    Raises ``ValueError`` (``json.JSONDecodeError``, ``UnicodeDecodeError``, the depth error or
    :class:`DuplicateKey`) for anything that is not such a document; ``object_pairs_hook``, if
    given, receives each object's pairs after the duplicate check.
    """
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    if not isinstance(text, str):
        raise ValueError(f"JSON text must be str or bytes, not {type(data).__name__}")
    _check_depth(text, max_depth)
    hook = object_pairs_hook or dict

    def unique(pairs: list[tuple[str, Any]]) -> Any:
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            dup = next(k for i, k in enumerate(keys) if k in keys[:i])
            raise DuplicateKey(f"duplicate key {dup!r} in a JSON object")
        return hook(pairs)

    return json.loads(text, object_pairs_hook=unique)
