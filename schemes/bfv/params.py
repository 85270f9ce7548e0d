"""BFV parameter sets: the DEFAULT (N = 4096, two-prime RNS q), the opt-in LEAKY N = 2048 set
and the loudly insecure TOY.

A :class:`BfvParams` is validated on construction: ``N`` a power of two; ``q = q_1 ... q_k`` a
product of distinct primes (the RNS basis, ``moduli``), each ``q_i = 1 (mod 2N)`` (negacyclic
NTT) and ``q_i < 2^55`` (exact uint64/float64 modular multiplication, see :mod:`.ring`);
``2 <= t < q``; and a worst-case noise budget that leaves at least one unit of flooding noise
per party (see :mod:`.budget`). A set that is not flagged ``insecure=True`` must also be covered
by the HomomorphicEncryption.org table (128-bit classical, ternary secret, sigma ~ 3.2) and meet
the flooding targets: worst-case statistical distance per decryption at most 2^-48 and a
decryption budget of at least 2^18 (:data:`.budget.LOG2_SD_TARGET`). Constructing a set
flagged insecure raises :class:`InsecureParametersError` unless ``SCHEMES_ALLOW_INSECURE_TOY=1``
is set in the environment or it is built through ``toy_params(i_know_this_is_insecure=True)``
or ``leaky_2048_params(i_know_this_leaks=True)``.
"""

from __future__ import annotations

import contextvars
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from .budget import LOG2_SD_TARGET, MIN_DECRYPTION_BUDGET, NoiseBudget, compute_noise_budget
from .errors import InsecureParametersError, InvalidParametersError, NoiseBudgetError

__all__ = [
    "BfvParams",
    "DEFAULT",
    "default_params",
    "toy_params",
    "leaky_2048_params",
    "HE_STANDARD_128_CLASSIC_TERNARY",
    "is_prime",
    "MAX_MODULUS_BITS",
    "INSECURE_ENV_VAR",
    "security_problem",
]

#: Largest log2(q) for 128-bit classical security with a ternary secret and sigma ~ 3.2, by
#: ring dimension N: HomomorphicEncryption.org standard v1.1 (Albrecht et al., 2018), Table 1
#: (the same numbers are SEAL's ``SEAL_HE_STD_PARMS_128_TC``).
HE_STANDARD_128_CLASSIC_TERNARY: dict[int, int] = {
    1024: 27,
    2048: 54,
    4096: 109,
    8192: 218,
    16384: 438,
    32768: 881,
}

#: Every RNS prime must be below 2^MAX_MODULUS_BITS for the exact float64-quotient modular
#: multiplication of :mod:`.ring`.
MAX_MODULUS_BITS = 55

#: Environment variable that allows constructing insecure (test-only) parameter sets.
INSECURE_ENV_VAR = "SCHEMES_ALLOW_INSECURE_TOY"

_insecure_acknowledged: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "bfv_insecure_acknowledged", default=False
)

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

    ``n`` ring dimension N (ring ``Z_q[X]/(X^N + 1)``), ``moduli`` the RNS primes
    ``(q_1, ..., q_k)`` with ``q = q_1 ... q_k``, ``t`` plaintext modulus, ``sigma`` standard
    deviation of the discrete Gaussian errors, ``error_bound`` B (errors are rejected outside
    ``[-B, B]``), ``parties`` the largest committee size the noise budget covers,
    ``weight_l1_max`` the largest ``||w||_1`` of a scanner's weights (over all chunks),
    ``pixel_max`` the largest message coefficient of an image (255 for uint8 pixels),
    ``insecure`` marks a set that needs an explicit opt-in (test-only, or leaking).
    """

    name: str
    n: int
    moduli: tuple[int, ...]
    t: int
    sigma: float
    error_bound: int
    parties: int
    weight_l1_max: int
    pixel_max: int = 255
    insecure: bool = False

    def __post_init__(self) -> None:
        for field_name in ("n", "t", "error_bound", "parties", "weight_l1_max", "pixel_max"):
            value = getattr(self, field_name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidParametersError(f"{field_name} must be an int, got {type(value).__name__}")
            object.__setattr__(self, field_name, int(value))
        if not self.name or not isinstance(self.name, str):
            raise InvalidParametersError("a parameter set needs a non-empty name")
        n = self.n
        if n < 2 or n & (n - 1):
            raise InvalidParametersError(f"N must be a power of two >= 2, got {n}")
        if not isinstance(self.moduli, (tuple, list)) or not self.moduli:
            raise InvalidParametersError("moduli must be a non-empty tuple of primes")
        if any(isinstance(m, bool) or not isinstance(m, int) for m in self.moduli):
            raise InvalidParametersError("moduli must be ints")
        object.__setattr__(self, "moduli", tuple(int(m) for m in self.moduli))
        if len(set(self.moduli)) != len(self.moduli):
            raise InvalidParametersError("the RNS moduli must be distinct")
        for m in self.moduli:
            if m.bit_length() > MAX_MODULUS_BITS:
                raise InvalidParametersError(
                    f"every RNS modulus must be below 2^{MAX_MODULUS_BITS}, got {m.bit_length()} bits"
                )
            if not is_prime(m):
                raise InvalidParametersError(f"modulus {m} is not prime")
            if m % (2 * n) != 1:
                raise InvalidParametersError(f"modulus {m} is not 1 mod 2N = {2 * n} (no negacyclic NTT)")
        t = self.t
        if not 2 <= t < self.q:
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
                f"{self.pixel_max * self.weight_l1_max} exceeds (t-1)/2 = {budget.score_max}"
            )
        if budget.flooding_per_party < 1:
            raise NoiseBudgetError(
                f"{self.name}: worst-case noise {budget.worst_case} leaves no room "
                f"below the decryption limit {budget.limit}"
            )
        if self.insecure:
            if not (_insecure_acknowledged.get() or os.environ.get(INSECURE_ENV_VAR) == "1"):
                raise InsecureParametersError(
                    f"{self.name} is an INSECURE parameter set (test-only or leaking); use "
                    f"toy_params(i_know_this_is_insecure=True), leaky_2048_params(i_know_this_leaks=True) "
                    f"or set {INSECURE_ENV_VAR}=1"
                )
        else:
            problem = security_problem(self)
            if problem is not None:
                raise InsecureParametersError(f"{self.name}: {problem}; mark it insecure=True (test-only) if intended")

    # -- derived quantities -------------------------------------------------------------
    @property
    def q(self) -> int:
        """The ciphertext modulus ``q = q_1 ... q_k``."""
        return math.prod(self.moduli)

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
        return compute_noise_budget(
            self.n, self.q, self.t, self.error_bound, self.parties, self.weight_l1_max, self.pixel_max
        )

    @property
    def flood_bound(self) -> int:
        """F: each party's flooding noise is uniform in [-F, F]."""
        return self.noise_budget.flooding_per_party

    @property
    def bias_max(self) -> int:
        """Largest |bias| a scanner may add without the score wrapping mod t."""
        return self.noise_budget.bias_max

    @property
    def sd_per_decryption(self) -> Fraction:
        """Worst-case statistical distance of one threshold decryption, ``V / (2F + 1)``."""
        return self.noise_budget.sd_per_decryption

    @property
    def log2_sd_per_decryption(self) -> float:
        """log2 of :attr:`sd_per_decryption`."""
        return self.noise_budget.log2_sd_per_decryption

    @property
    def decryption_budget(self) -> int:
        """Decryptions per committee key before the cumulative distance passes 2^-30."""
        return self.noise_budget.decryption_budget

    @property
    def score_index(self) -> int:
        """The coefficient (N - 1) that carries the dot product (see :mod:`.evaluation`)."""
        return self.n - 1

    @property
    def coeff_bytes(self) -> int:
        """Bytes per serialized coefficient mod q: ceil(bitlen(q - 1) / 8)."""
        return ((self.q - 1).bit_length() + 7) // 8

    @property
    def residue_bytes(self) -> int:
        """Bytes per serialized residue mod one RNS prime: ceil(bitlen(max q_i - 1) / 8)."""
        return ((max(self.moduli) - 1).bit_length() + 7) // 8

    def max_abs_weight(self, num_pixels: int) -> int:
        """W_MAX for an image of ``num_pixels``: floor(weight_l1_max / num_pixels)."""
        if num_pixels < 1:
            raise InvalidParametersError("num_pixels must be >= 1")
        return self.weight_l1_max // num_pixels


def security_problem(params: BfvParams) -> str | None:
    """Why ``params`` may not be called secure, or None: the 128-bit HE-standard table, the
    error distribution, and the flooding targets of :mod:`.budget`."""
    max_bits = HE_STANDARD_128_CLASSIC_TERNARY.get(params.n)
    if max_bits is None:
        return f"N = {params.n} is not in the HomomorphicEncryption.org table"
    if params.q.bit_length() > max_bits:
        return f"log2 q = {params.q.bit_length()} exceeds {max_bits} for N = {params.n}"
    if params.sigma < 3.19:
        return f"sigma = {params.sigma} is below the table's 3.19"
    if params.error_bound < math.floor(6 * params.sigma):
        return f"error bound {params.error_bound} truncates the Gaussian below 6 sigma"
    if params.sd_per_decryption > Fraction(1, 1 << -LOG2_SD_TARGET):
        return (
            f"worst-case statistical distance per decryption 2^{params.log2_sd_per_decryption:.2f} "
            f"exceeds 2^{LOG2_SD_TARGET}"
        )
    if params.decryption_budget < MIN_DECRYPTION_BUDGET:
        return f"decryption budget {params.decryption_budget} is below {MIN_DECRYPTION_BUDGET}"
    return None


#: The default: N = 4096 and q = q1 q2 (109 bits), the two largest primes below 2^54.5 that are
#: 1 mod 2^24 (so q = 1 mod t and mod 2N); t = 2^23, sigma = 3.2, B = 19, a 3-party committee
#: and scanner weights with ||w||_1 <= 3N = 12288.
DEFAULT = BfvParams(
    name="bfv-n4096-q109-rns2-t23",
    n=4096,
    moduli=(25476206438645761, 25476206405091329),
    t=1 << 23,
    sigma=3.2,
    error_bound=19,
    parties=3,
    weight_l1_max=12288,
)


def default_params() -> BfvParams:
    """The DEFAULT parameter set (128-bit classical by the HE-standard table, flooding <= 2^-48)."""
    return DEFAULT


def _acknowledged(build: Callable[[], BfvParams]) -> BfvParams:
    token = _insecure_acknowledged.set(True)
    try:
        return build()
    finally:
        _insecure_acknowledged.reset(token)


def leaky_2048_params(i_know_this_leaks: bool = False) -> BfvParams:
    """The first release's set, LEAKY: N = 2048, q = 2^54 - 2^24 + 1, t = 2^22, ||w||_1 <= 6144.

    Its RLWE security is in the table (log2 q = 54 for N = 2048), but q leaves no room for
    flooding: its worst-case noise exceeds 2F + 1, so threshold decryption has no statistical
    guarantee (specs/bfv.md section 8) and its decryption budget is 0. Raises
    :class:`InsecureParametersError` unless ``i_know_this_leaks=True`` or the environment has
    ``SCHEMES_ALLOW_INSECURE_TOY=1``.
    """
    if not (i_know_this_leaks or os.environ.get(INSECURE_ENV_VAR) == "1"):
        raise InsecureParametersError(
            "the N = 2048 BFV set LEAKS in threshold decryption; pass i_know_this_leaks=True "
            f"or set {INSECURE_ENV_VAR}=1"
        )
    return _acknowledged(
        lambda: BfvParams(
            name="bfv-n2048-q54-t22-LEAKY",
            n=2048,
            moduli=(18014398492704769,),
            t=1 << 22,
            sigma=3.2,
            error_bound=19,
            parties=3,
            weight_l1_max=6144,
            insecure=True,
        )
    )


#: TOY moduli: the two largest primes below 2^44 that are 1 mod 2^18 (= t, and 1 mod 2N = 128).
_TOY_MODULI = (17592180539393, 17592178180097)


def toy_params(i_know_this_is_insecure: bool = False) -> BfvParams:
    """INSECURE test-only set: N = 64 (one 8x8 image), 88-bit two-prime q, t = 2^18, ||w||_1 <= 448.

    It has the structure of DEFAULT (two RNS primes, a flooding bound that closes), so fast
    tests exercise the same code. Raises :class:`InsecureParametersError` unless
    ``i_know_this_is_insecure=True`` or the environment has ``SCHEMES_ALLOW_INSECURE_TOY=1``.
    N = 64 offers no security at all.
    """
    if not (i_know_this_is_insecure or os.environ.get(INSECURE_ENV_VAR) == "1"):
        raise InsecureParametersError(
            "the TOY BFV parameters are INSECURE (N = 64); pass i_know_this_is_insecure=True "
            f"or set {INSECURE_ENV_VAR}=1 (tests only)"
        )
    return _acknowledged(
        lambda: BfvParams(
            name="bfv-n64-q88-rns2-t18-TOY-INSECURE",
            n=64,
            moduli=_TOY_MODULI,
            t=1 << 18,
            sigma=3.2,
            error_bound=19,
            parties=3,
            weight_l1_max=448,
            insecure=True,
        )
    )
