"""Poseidon over the BN254 scalar field, compatible with circomlib / circomlibjs.

- :mod:`.grain`       -- the Grain LFSR of the Poseidon reference parameter script.
- :mod:`.parameters`  -- round numbers, round constants and Cauchy MDS per width t = 2..17.
- :mod:`.permutation` -- the permutation ``permute(state)``.
- :mod:`.hash`        -- ``poseidon(inputs)``: circomlib's ``Poseidon(n)``, n = 1..16.
- :mod:`.sponge`      -- ``poseidon_sponge(inputs, domain)`` for any number of inputs.
- :mod:`.gadget`      -- the same three as R1CS gadgets.
"""

from .errors import InvalidFieldElement
from .hash import MAX_INPUTS, poseidon
from .parameters import PoseidonParameters, parameters
from .permutation import permute
from .sponge import poseidon_sponge

__all__ = [
    "InvalidFieldElement",
    "MAX_INPUTS",
    "PoseidonParameters",
    "parameters",
    "permute",
    "poseidon",
    "poseidon_sponge",
]
