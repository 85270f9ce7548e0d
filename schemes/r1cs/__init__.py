"""Rank-1 constraint systems over the BN254 scalar field F_R.

- :mod:`.lc`         -- :class:`LinearCombination`, sparse ``{wire: coeff}`` over F_R.
- :mod:`.system`     -- :class:`ConstraintSystem`, the builder (witness or shape-only mode).
- :mod:`.matrices`   -- :class:`R1CS`, frozen matrices with compact dense negacyclic blocks.
- :mod:`.negacyclic` -- negacyclic products mod R by Kronecker substitution.
- :mod:`.bits`       -- boolean, bit-decomposition and range gadgets.
- :mod:`.iden3`      -- iden3 ``.r1cs`` / ``.wtns`` binary files (read by snarkjs).
- :mod:`.testing`    -- witness-mutation testing of gadgets.
- :mod:`.errors`     -- exceptions (SchemesError and ValueError).
"""

from .errors import InvalidAssignment, R1CSError, R1CSFormatError, UnsatisfiedConstraint, WitnessUnavailable
from .lc import LinearCombination
from .matrices import R1CS, NegacyclicBlock
from .system import ConstraintSystem

__all__ = [
    "ConstraintSystem",
    "LinearCombination",
    "R1CS",
    "NegacyclicBlock",
    "R1CSError",
    "UnsatisfiedConstraint",
    "WitnessUnavailable",
    "InvalidAssignment",
    "R1CSFormatError",
]
