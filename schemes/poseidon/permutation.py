"""The Poseidon permutation (circomlib instance), natively.

Round ``r`` (``0 <= r < R_F + R_P``) maps the state ``s`` (``t`` field elements) to:

1. ``s[i] += C[r][i]`` for every ``i`` (add round constants);
2. ``s[i] = s[i]^5`` for every ``i`` in a full round, only ``s[0] = s[0]^5`` in a partial
   round (rounds ``R_F/2 .. R_F/2 + R_P - 1``);
3. ``s = M s``, i.e. ``s'[i] = sum_j M[i][j] * s[j]``.

Constants ``C`` and ``M`` are those of :mod:`.parameters`. :func:`permute_reference` is the
readable loop above; :func:`permute` runs the same rounds in the native engine (the tests
compare the two for every width).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from .. import _native
from ..bigint import big
from ..bn254.fields import R
from .field import canonical_list
from .parameters import _big_parameters, _check_width, parameters

__all__ = ["permute", "permute_reference"]


def _le(values: Iterable[int]) -> bytes:
    return b"".join(int(v).to_bytes(32, "little") for v in values)


@cache
def _instance(t: int) -> _native.Poseidon:
    spec = parameters(t)
    constants, mds = _big_parameters(t)
    return _native.Poseidon(
        t,
        spec.full_rounds,
        spec.partial_rounds,
        _le(c for row in constants for c in row),
        _le(m for row in mds for m in row),
    )


def _permute_unchecked(state: Sequence[int]) -> list[int]:
    """The permutation on already canonical values (native)."""
    out = _instance(len(state)).permute(_le(state))
    return [int.from_bytes(out[k : k + 32], "little") for k in range(0, len(out), 32)]


def permute_reference(state: Sequence[int]) -> list[int]:
    """The readable permutation on canonical values (the reference for the native one)."""
    t = len(state)
    spec = parameters(t)
    constants, mds = _big_parameters(t)
    s = [big(x) for x in state]
    for r in range(spec.rounds):
        s = [a + c for a, c in zip(s, constants[r])]
        if spec.is_full_round(r):
            s = [pow(a, 5, R) for a in s]
        else:
            s[0] = pow(s[0], 5, R)
        s = [sum(m * a for m, a in zip(row, s)) % R for row in mds]
    return [int(x) for x in s]


def permute(state: Sequence[int]) -> list[int]:
    """The circomlib Poseidon permutation of width ``t = len(state)`` (2..17).

    ``state`` must hold canonical field elements (ints in ``[0, R)``); raises
    :class:`~schemes.poseidon.errors.InvalidFieldElement` otherwise and ``ValueError`` for
    an unsupported width. circomlib's ``PoseidonEx(t - 1, t)`` with ``initialState =
    state[0]`` and ``inputs = state[1:]`` computes the same map.
    """
    values = canonical_list(state, "state")
    _check_width(len(values))
    return _permute_unchecked(values)
