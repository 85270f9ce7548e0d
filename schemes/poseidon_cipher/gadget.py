"""Poseidon encryption (zk-kit compatible) as an R1CS gadget.

:func:`encrypt_gadget` follows :func:`schemes.poseidon_cipher.encrypt` step by step on linear
combinations. The duplex additions are linear (no constraints); the cost is the width-4
permutations (:func:`schemes.poseidon.gadget.permute_gadget`) plus the nonce range proof.

Constraints for a plaintext of ``l`` elements (``b = ceil(l / 3)`` blocks), with a
non-constant key and nonce:

- ``b + 1`` permutations of width 4: ``3 * (8 * 4 + 56) = 264`` each, except the first,
  whose capacity element is the constant 0 (``261``);
- ``to_bits(nonce, 128)``: ``129`` constraints (128 booleanity rows + 1 recomposition),
  proving ``0 <= nonce < 2^128`` so that ``nonce + l * 2^128`` cannot alias another
  (nonce, length) pair.

Total ``264 (b + 1) - 3 + 129`` (for ``l = 0``: ``390``). The padding elements are the
constant 0, so a proved ciphertext always decrypts with valid padding.

The returned ciphertext LCs are not constrained to anything: the caller binds them (for
example to public inputs with ``cs.enforce_equal``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..poseidon.gadget import permutation_constraints, permute_gadget
from ..r1cs import ConstraintSystem, LinearCombination
from ..r1cs.bits import to_bits
from ..r1cs.lc import LCLike, as_lc
from .cipher import KEY_ELEMENTS, NONCE_BITS, RATE, WIDTH, _check_length

__all__ = ["encrypt_gadget", "encrypt_constraints"]


def encrypt_gadget(
    cs: ConstraintSystem,
    plaintext: Sequence[LCLike],
    key: Sequence[LCLike],
    nonce: LCLike,
    length: int,
    name: str = "cipher",
) -> list[LinearCombination]:
    """Ciphertext LCs (``3 * ceil(length / 3)`` elements, then the tag) of zk-kit encryption.

    ``plaintext`` must have exactly ``length`` elements (``length`` is a circuit constant);
    ``key`` two elements. Proves ``0 <= nonce < 2^128``. See the module docstring for costs.
    """
    n = _check_length(length)
    if len(plaintext) != n:
        raise ValueError(f"plaintext has {len(plaintext)} elements but length is {n}")
    if len(key) != KEY_ELEMENTS:
        raise ValueError(f"key must have {KEY_ELEMENTS} elements, got {len(key)}")
    nonce_lc = as_lc(nonce, cs)
    with cs.namespace(name):
        to_bits(cs, nonce_lc, NONCE_BITS, "nonce")
        message = [as_lc(m, cs) for m in plaintext]
        message += [LinearCombination.constant(0, cs)] * (-n % RATE)
        state = [LinearCombination.constant(0, cs), as_lc(key[0], cs), as_lc(key[1], cs), nonce_lc + (n << NONCE_BITS)]
        ciphertext: list[LinearCombination] = []
        for b, i in enumerate(range(0, len(message), RATE)):
            state = permute_gadget(cs, state, f"p{b}")
            for k in range(RATE):
                state[1 + k] = state[1 + k] + message[i + k]
            ciphertext.extend(state[1:])
        state = permute_gadget(cs, state, f"p{len(message) // RATE}")
        ciphertext.append(state[1])
    return ciphertext


def encrypt_constraints(length: int) -> int:
    """Constraint count of :func:`encrypt_gadget` for a non-constant key and nonce."""
    blocks = -(-_check_length(length) // RATE)
    return permutation_constraints(WIDTH) * (blocks + 1) - 3 + (NONCE_BITS + 1)
