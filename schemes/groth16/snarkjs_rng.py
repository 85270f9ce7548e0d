"""The deterministic randomness of snarkjs's phase-2 ceremony (ffjavascript 0.3), re-implemented:
needed to check (and to make) contributions that ``snarkjs zkey verify`` accepts.

- :class:`ChaCha`: the ChaCha20 block function (RFC 8439 quarter rounds, 20 rounds) keyed by
  eight u32 words, the 4 counter words starting at 0 (word 12 the low one), nonce-free; it
  returns the 16 output words of each block in order.
- ``nextU64 = 2^32 * nextU32 + nextU32`` (high word first); ``nextBool = nextU32 & 1``.
- field element from the stream (Fp or Fr, 254 bits): ``v = sum_i nextU64 * 2^(64 i)``, i < 4,
  masked to 254 bits, drawn again while ``v >= modulus``; ffjavascript keeps elements in
  Montgomery form, so the element is ``v * 2^-256 mod modulus``.
- point from the stream: draw x (Fp, or Fp2 = c0 then c1) and a bit ``greatest``, until
  ``x^3 + b`` is a square; y = a square root, negated when ``greatest`` differs from "y is
  negative" (Fp: ``y > (p-1)/2``; Fp2: that of c1, or of c0 when c1 = 0); G2 points are then
  multiplied by the cofactor ``2p - r`` (into the order-r subgroup).
- ``hashToG2(h)``: the G2 point from a ChaCha keyed by the first 32 bytes of h as eight
  big-endian u32 words (the proof-of-knowledge base of a contribution, bound to its transcript).
- beacon: ``h = SHA-256^(2^e)(beacon hash)``; the ChaCha keyed by h (big-endian words) gives the
  contribution's secret (Fr) and then its ``g1_s`` (G1).
"""

from __future__ import annotations

import hashlib
import struct

from ..bn254.curve import B2, G2Point, g2_mul
from ..bn254.fields import Fp2, P, R, fp2_add, fp2_mul, fp2_neg, fp2_sqr
from ..bn254.tower import fp2_pow

__all__ = ["ChaCha", "hash_to_g2", "fr_from_rng", "g1_from_rng", "g2_from_rng", "beacon_rng", "G2_COFACTOR"]

_P = int(P)
_R = int(R)
_M32 = 0xFFFFFFFF
_MASK254 = (1 << 254) - 1
_RINV_P = pow(1 << 256, -1, _P)
_RINV_R = pow(1 << 256, -1, _R)
#: ffjavascript's cofactorG2 for bn128 (= 2p - r).
G2_COFACTOR = 2 * _P - _R
_SIGMA = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)
_ROUNDS = (
    (0, 4, 8, 12),
    (1, 5, 9, 13),
    (2, 6, 10, 14),
    (3, 7, 11, 15),
    (0, 5, 10, 15),
    (1, 6, 11, 12),
    (2, 7, 8, 13),
    (3, 4, 9, 14),
)


def _rotl(x: int, n: int) -> int:
    return ((x << n) | (x >> (32 - n))) & _M32


def _qr(s: list[int], a: int, b: int, c: int, d: int) -> None:
    """The ChaCha quarter round (RFC 7539 §2.1) on words a, b, c, d of ``s``."""
    for x, y, z, rot in ((a, b, d, 16), (c, d, b, 12), (a, b, d, 8), (c, d, b, 7)):
        s[x] = (s[x] + s[y]) & _M32
        s[z] = _rotl(s[z] ^ s[x], rot)


class ChaCha:
    """ffjavascript's ChaCha random stream (see the module docstring)."""

    def __init__(self, seed: tuple[int, ...]) -> None:
        if len(seed) != 8:
            raise ValueError("ChaCha takes 8 u32 seed words")
        self._state = [*_SIGMA, *(int(w) & _M32 for w in seed), 0, 0, 0, 0]
        self._buf: list[int] = []
        self._idx = 16

    @classmethod
    def from_hash(cls, digest: bytes) -> ChaCha:
        """Keyed by the first 32 bytes of ``digest`` read as big-endian u32 words."""
        return cls(struct.unpack(">8I", digest[:32]))

    def _update(self) -> None:
        s = list(self._state)
        for _ in range(10):  # column rounds, then diagonal rounds
            for quarter in _ROUNDS:
                _qr(s, *quarter)
        self._buf = [(x + y) & _M32 for x, y in zip(s, self._state)]
        self._idx = 0
        for i in range(12, 16):  # 128-bit counter, low word first
            self._state[i] = (self._state[i] + 1) & _M32
            if self._state[i]:
                break

    def next_u32(self) -> int:
        if self._idx == 16:
            self._update()
        v = self._buf[self._idx]
        self._idx += 1
        return v

    def next_u64(self) -> int:
        hi = self.next_u32()
        return (hi << 32) | self.next_u32()

    def next_bool(self) -> bool:
        return bool(self.next_u32() & 1)


def _raw_254(rng: ChaCha, modulus: int) -> int:
    while True:
        v = 0
        for i in range(4):
            v |= rng.next_u64() << (64 * i)
        v &= _MASK254
        if v < modulus:
            return v


def fr_from_rng(rng: ChaCha) -> int:
    """ffjavascript ``Fr.fromRng``: the element ``v * 2^-256 mod r``."""
    return _raw_254(rng, _R) * _RINV_R % _R


def _fp_from_rng(rng: ChaCha) -> int:
    return _raw_254(rng, _P) * _RINV_P % _P


def _fp_negative(a: int) -> bool:
    return a > (_P - 1) // 2


def _fp_sqrt(a: int) -> int | None:
    s = pow(a, (_P + 1) // 4, _P)
    return s if s * s % _P == a % _P else None


def g1_from_rng(rng: ChaCha) -> tuple[int, int]:
    """ffjavascript ``G1.fromRng`` (G1 has cofactor 1)."""
    while True:
        x = _fp_from_rng(rng)
        greatest = rng.next_bool()
        y = _fp_sqrt((x * x * x + 3) % _P)
        if y is not None:
            break
    if greatest != _fp_negative(y):
        y = (-y) % _P
    return (x, y)


def _ints(a: Fp2) -> Fp2:
    """``a`` with plain-int coordinates (the field helpers may return GMP integers)."""
    return (int(a[0]), int(a[1]))


def _fp2_is_square(a: Fp2) -> bool:
    norm = (a[0] * a[0] + a[1] * a[1]) % _P  # i^2 = -1
    return norm == 0 or pow(norm, (_P - 1) // 2, _P) == 1


def _fp2_sqrt(a: Fp2) -> Fp2 | None:
    """A square root in Fp2 (p = 3 mod 4; Adj and Rodriguez-Henriquez, algorithm 9), or None."""
    a = (a[0] % _P, a[1] % _P)
    if a == (0, 0):
        return (0, 0)
    a1 = _ints(fp2_pow(a, (_P - 3) // 4))
    alpha = fp2_mul(fp2_sqr(a1), a)
    x0 = fp2_mul(a1, a)
    if tuple(int(c) % _P for c in alpha) == (_P - 1, 0):
        x = (int(-x0[1]) % _P, int(x0[0]) % _P)  # i * x0
    else:
        b = fp2_pow(fp2_add(alpha, (1, 0)), (_P - 1) // 2)
        x = fp2_mul(b, x0)
    x = (int(x[0]) % _P, int(x[1]) % _P)
    sq = fp2_sqr(x)
    return x if (int(sq[0]) % _P, int(sq[1]) % _P) == a else None


def _fp2_negative(a: Fp2) -> bool:
    return _fp_negative(a[0]) if a[1] == 0 else _fp_negative(a[1])


def g2_from_rng(rng: ChaCha) -> G2Point:
    """ffjavascript ``G2.fromRng``: a point of the twist, times the cofactor."""
    b = (int(B2[0]), int(B2[1]))
    while True:
        x = (_fp_from_rng(rng), _fp_from_rng(rng))
        greatest = rng.next_bool()
        rhs = fp2_add(fp2_mul(fp2_sqr(x), x), b)
        rhs = (int(rhs[0]) % _P, int(rhs[1]) % _P)
        if _fp2_is_square(rhs):
            y = _fp2_sqrt(rhs)
            if y is not None:
                break
    if greatest != _fp2_negative(y):
        neg = fp2_neg(y)
        y = (int(neg[0]) % _P, int(neg[1]) % _P)
    return g2_mul((x, y), G2_COFACTOR)


def hash_to_g2(digest: bytes) -> G2Point:
    """snarkjs ``hashToG2``: the G2 point drawn from a ChaCha keyed by ``digest`` (>= 32 bytes)."""
    if len(digest) < 32:
        raise ValueError("hash_to_g2 needs at least 32 bytes")
    return g2_from_rng(ChaCha.from_hash(digest))


def beacon_rng(beacon_hash: bytes, num_iterations_exp: int) -> ChaCha:
    """snarkjs ``rngFromBeaconParams``: SHA-256 applied 2^e times, then a ChaCha keyed by it.
    The exponent is limited to 10..63 as snarkjs does (it is the beacon's delay)."""
    if not 10 <= num_iterations_exp <= 63:
        raise ValueError("the beacon's iteration exponent must be in [10, 63]")
    h = bytes(beacon_hash)
    for _ in range(1 << num_iterations_exp):
        h = hashlib.sha256(h).digest()
    return ChaCha.from_hash(h)
