"""Boolean and range gadgets.

Soundness of the bit decomposition. If ``b_0..b_{n-1}`` each satisfy ``b_i (b_i - 1) = 0`` in
F_R then each is 0 or 1 (F_R is a field, so the product vanishes only when a factor does).
The integer ``s = sum_{i<n} 2^i b_i`` then lies in ``[0, 2^n - 1]``; for ``n <= 252``,
``2^n - 1 < 2^252 < R`` (R > 2^253), so the field sum does not wrap and equals ``s``. Hence
``sum 2^i b_i == x`` in F_R forces the canonical representative of x in [0, R) to be ``s``,
i.e. ``0 <= x < 2^n`` as integers. The decomposition is unique, so no bit is free.

Out-of-range witnesses are not rejected while building: the gadgets assign the low bits of
the value and the recomposition constraint fails at ``check()``. This keeps witness mode and
shape-only mode identical and lets tests exercise the failing path.

Constraint counts (also in specs/r1cs.md):

=============================================  ========================  =====================
gadget                                         constraints               new private wires
=============================================  ========================  =====================
``assert_bool``                                1                         0
``to_bits(n)``                                 n + 1                     n
``assert_in_range(lo, hi)``, w = hi - lo = 0   1                         0
``assert_in_range``, w + 1 = 2^k (k >= 1)      k + 1                     k
``assert_in_range``, other w, k = bitlen(w)    2 (k + 1)                 2 k
``assert_in_signed_range(bound)``              as assert_in_range(0, 2 bound)
``alloc_bounded(C)``, k = bitlen(C)            k                         k
=============================================  ========================  =====================

``alloc_bounded`` (a bounded number on weighted bits). For a constant ``C >= 1`` with
``k = bitlen(C)`` it allocates boolean wires ``b_0 .. b_{k-1}`` with weights
``w_i = 2^i`` (i < k - 1) and ``w_{k-1} = C - 2^(k-1) + 1`` (so ``1 <= w_{k-1} <= 2^(k-1)``) and
returns ``x = sum w_i b_i``. Soundness: booleans give ``0 <= x <= sum w_i = (2^(k-1) - 1) +
(C - 2^(k-1) + 1) = C``, as integers (``C < 2^252``, no wrap). Completeness: ``x <= 2^(k-1) - 1``
is written in binary on the first k - 1 wires with ``b_{k-1} = 0``; ``x >= 2^(k-1)`` sets
``b_{k-1} = 1`` and writes ``x - w_{k-1}``, which lies in ``[2^(k-1) - w_{k-1}, 2^(k-1) - 1]``,
on the others. (The decomposition need not be unique; the proven statement is ``x`` in [0, C].
Changing any one wire changes ``x`` or breaks booleanity.) For ``C = 2^k - 1`` it is plain binary.
``C = 0`` allocates nothing and returns the constant 0.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..bn254.fields import R as _R_MPZ
from .lc import LCLike, LinearCombination, as_lc, is_int
from .system import ConstraintSystem

#: The field modulus as a plain int (faster than mpz for 254-bit operands).
R = int(_R_MPZ)

__all__ = [
    "MAX_BITS",
    "assert_bool",
    "to_bits",
    "assert_in_range",
    "assert_in_signed_range",
    "alloc_bounded",
    "bounded_weights",
]

#: Largest n for which a sum of n boolean wires cannot wrap modulo R (2^252 < R).
MAX_BITS = 252


def assert_bool(cs: ConstraintSystem, x: LCLike, name: str) -> None:
    """Enforce ``x (x - 1) = 0``, i.e. x in {0, 1}. One constraint."""
    if not cs.records_constraints:  # witness only: count the row, build nothing
        cs.enforce(0, 0, 0, name)
        return
    x = as_lc(x, cs)
    cs.enforce(x, x - 1, 0, name)


def to_bits(cs: ConstraintSystem, x: LCLike, n: int, name: str) -> list[LinearCombination]:
    """Decompose x into n little-endian boolean wires; proves ``0 <= x < 2^n`` (0 <= n <= 252).

    Constraints: n booleanity rows ``b_i (b_i - 1) = 0`` (named ``name.bool[i]``) and one
    recomposition row ``(sum 2^i b_i) * 1 = x`` (named ``name.sum``): n + 1 in total.
    Returns the bits as single-wire combinations (wires named ``name.b[i]``).
    For n = 0 this enforces x == 0 (one constraint) and returns [].
    """
    if not is_int(n) or isinstance(n, bool) or not 0 <= n <= MAX_BITS:
        raise ValueError(f"to_bits: n must be an int in [0, {MAX_BITS}], got {n!r}")
    x = as_lc(x, cs)
    xv = x.value if cs.with_witness else None
    bits: list[LinearCombination] = []
    acc = LinearCombination._raw({}, cs)
    for i in range(n):
        b = cs.witness(None if xv is None else (xv >> i) & 1, f"{name}.b[{i}]")
        cs.enforce(b, b - 1, 0, f"{name}.bool[{i}]")
        acc.add_in_place(b, 1 << i)
        bits.append(b)
    cs.enforce_equal(acc, x, f"{name}.sum")
    return bits


def assert_in_range(cs: ConstraintSystem, x: LCLike, lo: int, hi: int, name: str) -> None:
    """Prove ``lo <= x <= hi`` for the representative of x in [0, R); needs 0 <= lo <= hi < R
    and ``w = hi - lo < 2^252``.

    With ``d = x - lo`` and ``k = bitlen(w)``:

    - ``w = 0``: one row ``d * 1 = 0``.
    - ``w = 2^k - 1``: ``to_bits(d, k)`` proves ``0 <= d < 2^k = w + 1``. k + 1 rows.
    - otherwise additionally ``to_bits(w - d, k)``. Soundness: the first decomposition gives
      the integer ``d`` in [0, 2^k); if ``d > w`` then ``w - d`` is the field element
      ``R - (d - w) >= R - 2^k > 2^k`` (as ``2^(k+1) <= 2^253 < R``), which has no k-bit
      decomposition. So both hold iff ``0 <= d <= w``. 2 (k + 1) rows.

    Since lo <= hi < R, ``lo <= x <= hi`` with x in [0, R) is the same as ``x - lo`` in [0, w].
    """
    for label, bound in (("lo", lo), ("hi", hi)):
        if not is_int(bound) or isinstance(bound, bool):
            raise TypeError(f"assert_in_range: {label} must be an int, got {type(bound).__name__}")
    if not 0 <= lo <= hi < R:
        raise ValueError(f"assert_in_range: need 0 <= lo <= hi < R, got lo={lo}, hi={hi}")
    width = int(hi - lo)
    if width >= 1 << MAX_BITS:
        raise ValueError(f"assert_in_range: hi - lo must be < 2^{MAX_BITS}")
    d = as_lc(x, cs) - lo
    if width == 0:
        cs.enforce_equal(d, 0, f"{name}.eq")
        return
    k = width.bit_length()
    to_bits(cs, d, k, f"{name}.lo")
    if width != (1 << k) - 1:
        to_bits(cs, width - d, k, f"{name}.hi")


def assert_in_signed_range(cs: ConstraintSystem, x: LCLike, bound: int, name: str) -> None:
    """Prove ``-bound <= x <= bound`` for x read as a signed integer (``R - k`` means ``-k``).

    Implemented as ``assert_in_range(x + bound, 0, 2 bound)``; needs ``0 <= 2 bound < 2^252``.
    The map x -> x + bound is a bijection of F_R, and ``x + bound`` in [0, 2 bound] holds exactly
    for x in {R - bound, ..., R - 1, 0, ..., bound}.
    """
    if not is_int(bound) or isinstance(bound, bool) or bound < 0:
        raise ValueError(f"assert_in_signed_range: bound must be a non-negative int, got {bound!r}")
    assert_in_range(cs, as_lc(x, cs) + bound, 0, 2 * bound, name)


def bounded_weights(bound: int) -> list[int]:
    """The weights of :func:`alloc_bounded`: ``1, 2, ..., 2^(k-2), C - 2^(k-1) + 1`` for k = bitlen(C)."""
    if not is_int(bound) or isinstance(bound, bool) or not 0 <= bound < 1 << MAX_BITS:
        raise ValueError(f"bound must be an int in [0, 2^{MAX_BITS}), got {bound!r}")
    k = int(bound).bit_length()
    if k == 0:
        return []
    return [1 << i for i in range(k - 1)] + [int(bound) - (1 << (k - 1)) + 1]


def alloc_bounded(cs: ConstraintSystem, value: int | None, bound: int, name: str, offset: int = 0) -> LinearCombination:
    """A new number ``x`` proven to lie in ``[0, bound]``: ``bitlen(bound)`` boolean wires, one row each.

    Returns ``offset + x`` with ``x = sum w_i b_i`` for the weights of :func:`bounded_weights`
    (see the module docstring for the proof). ``value`` is x in witness mode (None in shape-only
    mode). A value outside [0, bound] gets the bits of ``value mod 2^k`` read as plain binary, so
    the caller's rows that use x fail (the gadget itself cannot represent it). Wires
    ``name.b[i]``, rows ``name.bool[i]``.
    """
    weights = bounded_weights(bound)
    k = len(weights)
    bits_v: Sequence[int | None] = [None] * k
    if cs.with_witness:
        if value is None or not is_int(value) or isinstance(value, bool):
            raise TypeError(f"alloc_bounded {name!r}: witness mode needs an int value")
        v = int(value)
        if 0 <= v <= bound and k and v >= 1 << (k - 1):
            bits_v = [((v - weights[-1]) >> i) & 1 for i in range(k - 1)] + [1]
        elif 0 <= v <= bound:
            bits_v = [(v >> i) & 1 for i in range(k - 1)] + ([0] if k else [])
        else:
            bits_v = [(v >> i) & 1 for i in range(k)]  # v mod 2^k in binary: the caller's rows fail
    terms = {0: int(offset) % R} if int(offset) % R else {}
    for i, (w, bv) in enumerate(zip(weights, bits_v)):
        b = cs.witness(bv, f"{name}.b[{i}]")
        cs.enforce_bool(b, f"{name}.bool[{i}]")
        wire = b.variable_index()
        assert wire is not None  # a fresh wire
        terms[wire] = w
    return LinearCombination._raw(terms, cs)
