"""Multi-scalar multiplication on BN254 G1 and G2, by the native engine.

``msm_g1(points, scalars)`` returns ``sum_i [s_i] P_i`` (affine, or ``None`` for infinity).
Scalars are any integers, taken mod R. The work is Pippenger's bucket method in
:mod:`schemes._native` (``schemes/native/src/msm.rs``): scalars above R/2 are negated with their
point, zeros dropped, ones summed directly and the rest grouped by bit length, so that the bits
and bytes that make up most of a witness cost about one addition each.

Points may be a :class:`~.vectors.G1Vector` / :class:`~.vectors.G2Vector` already in native
memory (no conversion, no checks: they were checked when decoded) or a sequence of affine
tuples, which are converted and checked: canonical coordinates and on the curve; for G2 the
order-R subgroup is checked too unless ``validate=False`` (then only the twist equation and the
coordinate range are checked). The readable reference that tests compare against is
``sum(g1_mul(P, s))`` with :mod:`.curve`, and py_ecc.

Timing: the native MSM is not constant time; scalars of a prover are secret, so timing side
channels are out of scope here as for any non-constant-time prover (snarkjs, rapidsnark).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from ..errors import SchemesError
from .curve import G1Point, G2Point, InvalidPoint
from .vectors import G1Vector, G2Vector, _PointVector, scalars_to_bytes

_Pt = TypeVar("_Pt", G1Point, G2Point)

__all__ = ["MSMInputError", "msm_g1", "msm_g2"]


class MSMInputError(SchemesError, ValueError):
    """Malformed MSM input: a length mismatch, a non-integer scalar, or an invalid point."""


def _msm(cls: type[_PointVector[_Pt, Any]], points: Sequence[_Pt], scalars: Sequence[int], subgroup: bool) -> _Pt:
    if isinstance(scalars, (str, bytes)) or not hasattr(scalars, "__len__"):
        raise MSMInputError("scalars must be a sequence of integers")
    if len(points) != len(scalars):
        raise MSMInputError(f"{len(points)} points but {len(scalars)} scalars")
    try:
        data = scalars_to_bytes(scalars)
        vec = points if isinstance(points, _PointVector) else cls.from_points(points, subgroup=subgroup)
    except (TypeError, InvalidPoint) as exc:
        raise MSMInputError(str(exc)) from None
    if not isinstance(vec, cls):
        raise MSMInputError(f"expected {cls.__name__} points, got {type(vec).__name__}")
    return vec.msm(data)


def msm_g1(points: Sequence[G1Point], scalars: Sequence[int], *, validate: bool = True) -> G1Point:
    """``sum_i [scalars[i]] points[i]`` in G1 (see the module docstring).

    Points off the curve or with coordinates outside [0, P) raise :class:`MSMInputError`
    whatever ``validate`` says (G1 has cofactor 1, so there is nothing more to skip).
    """
    return _msm(G1Vector, points, scalars, True)


def msm_g2(points: Sequence[G2Point], scalars: Sequence[int], *, validate: bool = True) -> G2Point:
    """``sum_i [scalars[i]] points[i]`` in G2; ``validate=False`` skips only the subgroup check."""
    return _msm(G2Vector, points, scalars, validate)
