"""BFV parameter sets: the secure DEFAULT (N = 2048, 54-bit q) and the loudly insecure TOY.

A :class:`BfvParams` is validated on construction: ``N`` a power of two, ``q`` a prime with
``q = 1 (mod 2N)`` (negacyclic NTT) and ``q < 2^55`` (exact uint64/float64 modular
multiplication, see :mod:`.ring`), ``2 <= t < q``, and a worst-case noise budget that leaves
at least one unit of flooding noise per party (see :mod:`.budget`). A set that is not covered
by the HomomorphicEncryption.org table (128-bit classical, ternary secret, sigma ~ 3.2) must
be flagged ``insecure=True``, and constructing such a set raises
:class:`InsecureParametersError` unless ``SCHEMES_ALLOW_INSECURE_TOY=1`` is set in the
environment or it is built through ``toy_params(i_know_this_is_insecure=True)``.
"""

from __future__ import annotations

import contextvars
import math
import os
from dataclasses import dataclass

from .budget import NoiseBudget, compute_noise_budget
from .errors import InsecureParametersError, InvalidParametersError, NoiseBudgetError

__all__ = [
    "BfvParams", "DEFAULT", "default_params", "toy_params", "HE_STANDARD_128_CLASSIC_TERNARY",
    "is_prime", "MAX_Q_BITS", "INSECURE_ENV_VAR",
]

#: Largest log2(q) for 128-bit classical security with a ternary secret and sigma ~ 3.2, by
#: ring dimension N: HomomorphicEncryption.org standard v1.1 (Albrecht et al., 2018), Table 1
#: (the same numbers are SEAL's ``SEAL_HE_STD_PARMS_128_TC``).
HE_STANDARD_128_CLASSIC_TERNARY: dict = {
    1024: 27, 2048: 54, 4096: 109, 8192: 218, 16384: 438, 32768: 881,
}

#: q must be below 2^MAX_Q_BITS for the exact float64-quotient modular multiplication.
MAX_Q_BITS = 55

#: Environment variable that allows constructing insecure (test-only) parameter sets.
INSECURE_ENV_VAR = "SCHEMES_ALLOW_INSECURE_TOY"

_insecure_acknowledged: contextvars.ContextVar = contextvars.ContextVar(
    "bfv_insecure_acknowledged", default=False)

_MR_BASES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)


def is_prime(n: int) -> bool:
    """Deterministic Miller-Rabin, exact for ``n < 3.3 * 10^24`` (first 13 prime bases)."""
    n = int(n)
    if n < 2:
        return False
    for p in _MR_BASES:
        if n % p == 0:
            return n == p
    if n >= 3317044064679887385961981:
        raise InvalidParametersError("is_prime is only deterministic below 3.3e24")
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for a in _MR_BASES:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


@dataclass(frozen=True)
class BfvParams:
    """A named BFV parameter set for coefficient-encoded images.

    ``n`` ring dimension N (ring ``Z_q[X]/(X^N + 1)``), ``q`` ciphertext modulus, ``t``
    plaintext modulus, ``sigma`` standard deviation of the discrete Gaussian errors,
    ``error_bound`` B (errors are rejected outside ``[-B, B]``), ``parties`` the largest
    committee size the noise budget covers, ``weight_l1_max`` the largest ``||w||_1`` of a
    scanner's weights (over all chunks), ``pixel_max`` the largest message coefficient of an
    image (255 for uint8 pixels), ``insecure`` marks a test-only set.
    """

    name: str
    n: int
    q: int
    t: int
    sigma: float
    error_bound: int
    parties: int
    weight_l1_max: int
    pixel_max: int = 255
    insecure: bool = False

    def __post_init__(self) -> None:
        for field_name in ("n", "q", "t", "error_bound", "parties", "weight_l1_max", "pixel_max"):
            value = getattr(self, field_name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidParametersError(f"{field_name} must be an int, got {type(value).__name__}")
            object.__setattr__(self, field_name, int(value))
        if not self.name or not isinstance(self.name, str):
            raise InvalidParametersError("a parameter set needs a non-empty name")
        n, q, t = self.n, self.q, self.t
        if n < 2 or n & (n - 1):
            raise InvalidParametersError(f"N must be a power of two >= 2, got {n}")
        if q.bit_length() > MAX_Q_BITS:
            raise InvalidParametersError(f"q must be below 2^{MAX_Q_BITS}, got {q.bit_length()} bits")
        if not is_prime(q):
            raise InvalidParametersError(f"q = {q} is not prime")
        if q % (2 * n) != 1:
            raise InvalidParametersError(f"q = {q} is not 1 mod 2N = {2 * n} (no negacyclic NTT)")
        if not 2 <= t < q:
            raise InvalidParametersError(f"t must satisfy 2 <= t < q, got {t}")
        if not (isinstance(self.sigma, (int, float)) and math.isfinite(self.sigma) and self.sigma > 0):
            raise InvalidParametersError(f"sigma must be a positive finite number, got {self.sigma!r}")
        object.__setattr__(self, "sigma", float(self.sigma))
        if self.error_bound < 1:
            raise InvalidParametersError("error bound B must be >= 1")
        if self.parties < 1:
            raise InvalidParametersError("parties must be >= 1")
        if self.weight_l1_max < 1 or self.pixel_max < 1:
            raise InvalidParametersError("weight_l1_max and pixel_max must be >= 1")
        budget = self.noise_budget
        if budget.bias_max < 0:
            raise NoiseBudgetError(
                f"{self.name}: t = {t} is too small: pixel_max * weight_l1_max = "
                f"{self.pixel_max * self.weight_l1_max} exceeds (t-1)/2 = {budget.score_max}")
        if budget.flooding_per_party < 1:
            raise NoiseBudgetError(
                f"{self.name}: worst-case noise {budget.dot_product + budget.mask} leaves no room "
                f"below the decryption limit {budget.limit}")
        if self.insecure:
            if not (_insecure_acknowledged.get() or os.environ.get(INSECURE_ENV_VAR) == "1"):
                raise InsecureParametersError(
                    f"{self.name} is an INSECURE test-only parameter set; use "
                    f"toy_params(i_know_this_is_insecure=True) or set {INSECURE_ENV_VAR}=1")
        else:
            problem = security_problem(self)
            if problem is not None:
                raise InsecureParametersError(
                    f"{self.name}: {problem}; mark it insecure=True (test-only) if intended")

    # -- derived quantities -------------------------------------------------------------
    @property
    def delta(self) -> int:
        """Delta = floor(q / t), the message scaling factor."""
        return self.q // self.t

    @property
    def t_residue(self) -> int:
        """r_t = q mod t (so that Delta * t = q - r_t)."""
        return self.q % self.t

    @property
    def noise_budget(self) -> NoiseBudget:
        """The worst-case noise budget of the reference scanner pipeline (:mod:`.budget`)."""
        return compute_noise_budget(self.n, self.q, self.t, self.error_bound, self.parties,
                                    self.weight_l1_max, self.pixel_max)

    @property
    def flood_bound(self) -> int:
        """F: each party's flooding noise is uniform in [-F, F]."""
        return self.noise_budget.flooding_per_party

    @property
    def bias_max(self) -> int:
        """Largest |bias| a scanner may add without the score wrapping mod t."""
        return self.noise_budget.bias_max

    @property
    def score_index(self) -> int:
        """The coefficient (N - 1) that carries the dot product (see :mod:`.evaluation`)."""
        return self.n - 1

    @property
    def coeff_bytes(self) -> int:
        """Bytes per serialized coefficient mod q: ceil(bitlen(q - 1) / 8)."""
        return ((self.q - 1).bit_length() + 7) // 8

    def max_abs_weight(self, num_pixels: int) -> int:
        """W_MAX for an image of ``num_pixels``: floor(weight_l1_max / num_pixels)."""
        if num_pixels < 1:
            raise InvalidParametersError("num_pixels must be >= 1")
        return self.weight_l1_max // num_pixels


def security_problem(params: BfvParams) -> str | None:
    """Why ``params`` is not covered by the 128-bit HE-standard table, or None if it is."""
    max_bits = HE_STANDARD_128_CLASSIC_TERNARY.get(params.n)
    if max_bits is None:
        return f"N = {params.n} is not in the HomomorphicEncryption.org table"
    if params.q.bit_length() > max_bits:
        return f"log2 q = {params.q.bit_length()} exceeds {max_bits} for N = {params.n}"
    if params.sigma < 3.19:
        return f"sigma = {params.sigma} is below the table's 3.19"
    if params.error_bound < math.floor(6 * params.sigma):
        return f"error bound {params.error_bound} truncates the Gaussian below 6 sigma"
    return None


#: The secure default: N = 2048, q = 2^54 - 2^24 + 1 (prime, = 1 mod 2^25), t = 2^22,
#: sigma = 3.2, B = 19, a 3-party committee and scanner weights with ||w||_1 <= 3N = 6144.
DEFAULT = BfvParams(
    name="bfv-n2048-q54-t22-default",
    n=2048,
    q=18014398492704769,
    t=1 << 22,
    sigma=3.2,
    error_bound=19,
    parties=3,
    weight_l1_max=6144,
)


def default_params() -> BfvParams:
    """The DEFAULT parameter set (128-bit classical by the HE-standard table)."""
    return DEFAULT


_TOY_Q = 35184372088321  # largest prime below 2^45 that is 1 mod 128


def toy_params(i_know_this_is_insecure: bool = False) -> BfvParams:
    """INSECURE test-only set: N = 64 (one 8x8 image), 45-bit q, t = 2^18, ||w||_1 <= 448.

    Raises :class:`InsecureParametersError` unless ``i_know_this_is_insecure=True`` or the
    environment has ``SCHEMES_ALLOW_INSECURE_TOY=1``. N = 64 offers no security at all.
    """
    if not (i_know_this_is_insecure or os.environ.get(INSECURE_ENV_VAR) == "1"):
        raise InsecureParametersError(
            "the TOY BFV parameters are INSECURE (N = 64); pass i_know_this_is_insecure=True "
            f"or set {INSECURE_ENV_VAR}=1 (tests only)")
    token = _insecure_acknowledged.set(True)
    try:
        return BfvParams(
            name="bfv-n64-q45-t18-TOY-INSECURE",
            n=64,
            q=_TOY_Q,
            t=1 << 18,
            sigma=3.2,
            error_bound=19,
            parties=3,
            weight_l1_max=448,
            insecure=True,
        )
    finally:
        _insecure_acknowledged.reset(token)
