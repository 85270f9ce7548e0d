"""A two-prime RNS parameter set for tests of the committee's code (INSECURE, N = 64).

Today's parameter sets have one prime; the sound-parameters branch moves the default to
``q = q_1 q_2``. The committee's key generation and partial decryption iterate over
``schemes.bfv.moduli.moduli(params)``, so they are exercised here on a stand-in that has the
attributes they read (``n, moduli, q, t, sigma, error_bound, parties, flood_bound, name``),
with the flooding bound from the same budget formula (:mod:`schemes.bfv.budget`). With a 90-bit
q the flooding bound F exceeds each prime, as on the real RNS default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from schemes.bfv.budget import compute_noise_budget

#: Two primes = 1 mod 128 below 2^45 (the toy prime and the next one down).
RNS_PRIMES = (35184372088321, 35184372087937)


@dataclass(frozen=True)
class RnsToyParams:
    name: str = "test-rns-n64-2x45-INSECURE"
    n: int = 64
    moduli: tuple = RNS_PRIMES
    t: int = 1 << 18
    sigma: float = 3.2
    error_bound: int = 19
    parties: int = 3
    weight_l1_max: int = 448
    pixel_max: int = 255
    insecure: bool = True

    @property
    def q(self) -> int:
        return math.prod(self.moduli)

    @property
    def delta(self) -> int:
        return self.q // self.t

    @property
    def noise_budget(self):
        return compute_noise_budget(self.n, self.q, self.t, self.error_bound, self.parties,
                                    self.weight_l1_max, self.pixel_max)

    @property
    def flood_bound(self) -> int:
        return self.noise_budget.flooding_per_party

    @property
    def score_index(self) -> int:
        return self.n - 1


RNS_TOY = RnsToyParams()
