"""A domain-separated Poseidon sponge for inputs of any length.

Definition (normative, see ``specs/poseidon.md``): width ``t = 17`` (rate 16, capacity 1),
circomlib's ``t = 17`` permutation ``P``.

- ``0 <= domain < 2^64``; the initial state is ``[domain + len(inputs) * 2^64, 0, ..., 0]``;
- the inputs are cut into chunks of 16, the last chunk zero-padded; an empty input is one
  all-zero chunk;
- for every chunk: ``state[1 + k] += chunk[k]`` (mod R) for ``k = 0..15``, then
  ``state = P(state)``;
- the output is ``state[0]``.

Since ``len(inputs) < 2^190`` for any list, ``domain + len * 2^64 < R`` never wraps, so
(domain, length) pairs give distinct initial capacities.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..bn254.fields import R
from .field import canonical_list
from .permutation import _permute_unchecked

__all__ = [
    "SPONGE_RATE",
    "SPONGE_WIDTH",
    "DOMAIN_BITS",
    "sponge_initial_capacity",
    "sponge_chunks",
    "poseidon_sponge",
]

SPONGE_WIDTH = 17
SPONGE_RATE = SPONGE_WIDTH - 1
#: Domain tags are below 2^DOMAIN_BITS; the input length is placed above them.
DOMAIN_BITS = 64


def sponge_initial_capacity(domain: int, length: int) -> int:
    """``domain + length * 2^64``, after checking ``0 <= domain < 2^64`` and ``length >= 0``."""
    if isinstance(domain, bool) or not isinstance(domain, int):
        raise TypeError(f"sponge domain must be an int, got {type(domain).__name__}")
    if not 0 <= domain < (1 << DOMAIN_BITS):
        raise ValueError(f"sponge domain must be in [0, 2^{DOMAIN_BITS}), got {domain}")
    capacity = domain + (length << DOMAIN_BITS)
    if length < 0 or capacity >= R:
        raise ValueError(f"sponge input length {length} out of range")
    return capacity


def sponge_chunks(length: int) -> list[range]:
    """Index ranges of the absorbed chunks (one empty chunk for an empty input)."""
    return [range(i, min(i + SPONGE_RATE, length)) for i in range(0, max(length, 1), SPONGE_RATE)]


def poseidon_sponge(inputs: Sequence[int], domain: int) -> int:
    """The sponge of the module docstring over canonical field elements; returns ``state[0]``."""
    values = canonical_list(inputs, "input")
    state = [sponge_initial_capacity(domain, len(values))] + [0] * SPONGE_RATE
    for chunk in sponge_chunks(len(values)):
        for k, i in enumerate(chunk):
            state[1 + k] = (state[1 + k] + values[i]) % R
        state = _permute_unchecked(state)
    return int(state[0])
