"""The commitment in R1CS: ``C = PoseidonSponge([rho] + values, COMMIT_DOMAIN)`` on LCs.

The gadget is :func:`schemes.poseidon.gadget.poseidon_sponge_gadget` with the commitment's
domain (a circuit constant); it returns ``C`` as a combination, which the caller binds
(typically ``cs.enforce_equal(C_public, C_lc, ...)``). It adds no range check: ``rho`` and
the values are field elements by construction. For an image, pass the output of
:func:`schemes.packing.gadget.pack_gadget`, which proves the pixels are bytes.

Constraints: those of the sponge over ``m = n + 1`` inputs when every input is a
non-constant combination: ``612 * ceil(m / 16) - 3 * (1 + max(0, 16 - m))`` (the round-0
S-boxes of the constant capacity and of empty rate slots are free), e.g. 1221 for 784 pixels
= 26 elements, 4281 for 3072 pixels = 100 elements, 573 for 64 pixels = 3 elements. Every private wire is an S-box output, fixed by
its multiplication constraint.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..packing.gadget import pack_gadget
from ..poseidon.gadget import poseidon_sponge_gadget
from ..r1cs import ConstraintSystem, LinearCombination
from ..r1cs.lc import LCLike
from . import COMMIT_DOMAIN

__all__ = ["commit_gadget", "commit_image_gadget"]


def commit_gadget(
    cs: ConstraintSystem, values: Sequence[LCLike], rho: LCLike, name: str = "commit"
) -> LinearCombination:
    """``Commit(values; rho)`` as a combination (see the module docstring for the cost)."""
    return poseidon_sponge_gadget(cs, [rho, *values], COMMIT_DOMAIN, name)


def commit_image_gadget(
    cs: ConstraintSystem, pixels: Sequence[LinearCombination], rho: LCLike, name: str = "commit"
) -> LinearCombination:
    """``Commit(pack(pixels); rho)``; the pixels get the byte range proof of ``pack_gadget``
    unless they are a :class:`~schemes.packing.gadget.ByteWires`."""
    return commit_gadget(cs, pack_gadget(cs, pixels, f"{name}.pack"), rho, name)
