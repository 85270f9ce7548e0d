"""Shared input checks: polynomials mod q and small signed polynomials (internal)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .params import BfvParams
from .rns import RnsRing, get_rns_ring

__all__ = ["residues_mod_q", "ints_mod_q", "small_signed", "as_int_tuple", "rns_ring"]


def rns_ring(params: BfvParams) -> RnsRing:
    """The RNS ring of ``params`` (cached)."""
    return get_rns_ring(params.n, params.moduli)


def _as_int64(values: Sequence[int], what: str, error: type) -> np.ndarray:
    if isinstance(values, np.ndarray):
        if values.dtype.kind not in "iu":
            raise error(f"{what} must hold integers, got dtype {values.dtype}")
        if values.dtype == np.uint64 and values.size and int(values.max()) >= 1 << 63:
            raise error(f"{what} has a coefficient >= 2^63")
        return values.astype(np.int64).reshape(-1)
    try:
        if any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in values):
            raise error(f"{what} must be a sequence of ints")
        return np.array([int(v) for v in values], dtype=np.int64)
    except OverflowError:
        raise error(f"{what} has a coefficient outside the 64-bit range") from None
    except TypeError:
        raise error(f"{what} must be a sequence of ints") from None


def ints_mod_q(params: BfvParams, values: Sequence[int], what: str, error: type[Exception]) -> list[int]:
    """Check ``values`` is exactly N ints in [0, q); return them as a list of Python ints."""
    if isinstance(values, np.ndarray):
        if values.dtype.kind not in "iu":
            raise error(f"{what} must hold integers, got dtype {values.dtype}")
        values = values.reshape(-1).tolist()
    try:
        vals = list(values)
    except TypeError:
        raise error(f"{what} must be a sequence of ints") from None
    if not all(type(v) is int for v in vals):  # the common case is checked at C speed
        if any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in vals):
            raise error(f"{what} must be a sequence of ints")
        vals = [int(v) for v in vals]
    if len(vals) != params.n:
        raise error(f"{what} has {len(vals)} coefficients, expected N = {params.n}")
    if vals and (min(vals) < 0 or max(vals) >= params.q):
        raise error(f"{what} has a coefficient outside [0, q)")
    return vals


def residues_mod_q(params: BfvParams, values: Sequence[int], what: str, error: type) -> np.ndarray:
    """Check ``values`` is exactly N ints in [0, q); return their ``k x N`` RNS residues."""
    return rns_ring(params).basis.to_rns(ints_mod_q(params, values, what, error))


def small_signed(
    params: BfvParams, values: Sequence[int], bound: int, what: str, error: type, exact_length: bool = True
) -> np.ndarray:
    """Check ``values`` are ints with |v| <= bound (length N, or <= N); return int64 (padded to N)."""
    arr = _as_int64(values, what, error)
    if exact_length and arr.size != params.n:
        raise error(f"{what} has {arr.size} coefficients, expected N = {params.n}")
    if arr.size > params.n:
        raise error(f"{what} has {arr.size} coefficients, more than N = {params.n}")
    if arr.size and int(np.abs(arr).max()) > bound:
        raise error(f"{what} has a coefficient with absolute value above {bound}")
    if arr.size < params.n:
        arr = np.concatenate([arr, np.zeros(params.n - arr.size, dtype=np.int64)])
    return arr


def as_int_tuple(arr: np.ndarray) -> tuple[int, ...]:
    """numpy integer array -> tuple of Python ints."""
    return tuple(int(v) for v in arr.tolist())
