"""Big-integer backend: gmpy2's ``mpz`` when available, plain ``int`` otherwise.

Every module that does heavy modular arithmetic converts its moduli with :func:`big`
once; Python's operators then dispatch to GMP when gmpy2 is installed. Results are
converted back with ``int()`` at public API boundaries, so callers always see ints.

Set ``SCHEMES_PURE_PYTHON=1`` in the environment (before import) to force plain ints;
the test suite runs a subset that way so the pure-Python path stays correct.
"""

from __future__ import annotations

import os
from collections.abc import Callable

__all__ = ["BACKEND", "big", "invmod"]

_pure = os.environ.get("SCHEMES_PURE_PYTHON", "") not in ("", "0")

try:
    if _pure:
        raise ImportError("pure Python requested")
    import gmpy2 as _gmpy2

    # typed as int: an mpz behaves as one under Python's operators
    big: Callable[[int], int] = _gmpy2.mpz
    BACKEND = "gmpy2"

    def invmod(a: int, m: int) -> int:
        """Inverse of ``a`` modulo ``m``; raises ``ZeroDivisionError`` if none exists."""
        inverse: int = _gmpy2.invert(a, m)
        return inverse

except ImportError:  # pragma: no cover - exercised by the pure-Python test run

    def big(x: int) -> int:
        return int(x)

    BACKEND = "int"

    def invmod(a: int, m: int) -> int:
        """Inverse of ``a`` modulo ``m``; raises ``ZeroDivisionError`` if none exists."""
        if a % m == 0:
            raise ZeroDivisionError("no inverse of 0")
        return pow(a, -1, m)
