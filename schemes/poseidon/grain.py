"""The Grain LFSR that generates Poseidon's round constants and MDS matrix.

This follows the reference parameter script of the Poseidon paper
(``generate_parameters_grain.sage``, eprint 2019/458, appendix F) for a prime field:

1. An 80-bit register is initialised with the bits, most significant first, of
   ``field`` (2 bits, 1 = prime field), ``sbox`` (4 bits, 0 = x^alpha), ``n`` (12 bits,
   the field size in bits), ``t`` (12 bits), ``R_F`` (10 bits), ``R_P`` (10 bits),
   followed by thirty 1 bits.
2. The register is clocked with ``b[i+80] = b[i+62] ^ b[i+51] ^ b[i+38] ^ b[i+23] ^
   b[i+13] ^ b[i]``. The first 160 produced bits are discarded.
3. The remaining bits are read in pairs ``(a, b)`` (self-shrinking): ``b`` is output
   when ``a == 1``; the pair is discarded when ``a == 0``.
4. A field element candidate is ``n`` consecutive output bits read most significant
   bit first.
"""

from __future__ import annotations

from itertools import compress

__all__ = ["GrainLFSR"]

_REGISTER_BITS = 80
_TAPS = (62, 51, 38, 23, 13, 0)
_WARMUP = 160
# The nearest tap to the new bit is 80 - 62 = 18 positions back, so 18 new bits depend
# only on bits that already exist and can be computed at once with word operations.
_BLOCK = _REGISTER_BITS - _TAPS[0]
_BLOCK_MASK = (1 << _BLOCK) - 1
_REFILL_BITS = 1 << 14
_ASCII_BIT = bytes.maketrans(b"01", b"\x00\x01")  # '0'/'1' -> a falsy/truthy selector byte


class GrainLFSR:
    """Deterministic bit source of the Poseidon reference script (see module docstring)."""

    def __init__(self, field: int, sbox: int, n: int, t: int, r_f: int, r_p: int) -> None:
        fields = ((field, 2), (sbox, 4), (n, 12), (t, 12), (r_f, 10), (r_p, 10))
        init = ""
        for value, width in fields:
            if not 0 <= value < (1 << width):
                raise ValueError(f"Grain parameter {value} does not fit in {width} bits")
            init += format(value, f"0{width}b")
        init += "1" * 30
        # Register as an int: bit j holds b[i + j] for the current offset i.
        self._state = int(init[::-1], 2)
        self._raw = ""  # produced register bits not yet consumed, as '0'/'1'
        self._out = ""  # self-shrunk output bits not yet consumed
        self._skip_raw(_WARMUP)

    def _clock(self, count: int) -> str:
        """The next ``count`` (rounded up to a multiple of 18) register bits, as '0'/'1'."""
        s = self._state
        blocks = []
        for _ in range(-(-count // _BLOCK)):
            new = (s >> 62 ^ s >> 51 ^ s >> 38 ^ s >> 23 ^ s >> 13 ^ s) & _BLOCK_MASK
            s = (s >> _BLOCK) | (new << (_REGISTER_BITS - _BLOCK))
            blocks.append(format(new, f"0{_BLOCK}b")[::-1])
        self._state = s
        return "".join(blocks)

    def _skip_raw(self, count: int) -> None:
        raw = self._clock(count)
        self._raw = raw[count:]

    def _fill_output(self, count: int) -> None:
        """Make at least ``count`` self-shrunk bits available in ``_out``."""
        while len(self._out) < count:
            # About 4 register bits per output bit; refill in bulk.
            raw = self._raw + self._clock(max(4 * (count - len(self._out)), _REFILL_BITS))
            pairs = len(raw) // 2
            keep = raw[0 : 2 * pairs : 2].encode().translate(_ASCII_BIT)
            self._out += "".join(compress(raw[1 : 2 * pairs : 2], keep))
            self._raw = raw[2 * pairs :]

    def random_bits(self, n: int) -> int:
        """The next ``n`` output bits as an integer, first bit most significant."""
        self._fill_output(n)
        bits, self._out = self._out[:n], self._out[n:]
        return int(bits, 2)

    def field_element(self, n: int, modulus: int) -> int:
        """Next ``n``-bit candidate below ``modulus`` (rejection sampling, as for constants)."""
        while True:
            x = self.random_bits(n)
            if x < modulus:
                return x
