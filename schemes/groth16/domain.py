"""Radix-2 evaluation domains over the scalar field F_R (FFT, inverse FFT, cosets, Lagrange bases).

A domain of size ``n = 2^k`` (``1 <= k <= 27``) is the group ``{w^j : 0 <= j < n}`` of n-th roots
of unity. The roots are chosen exactly as ffjavascript (and therefore snarkjs) chooses them:
``g = 5`` is the smallest quadratic non-residue mod R, ``R - 1 = 2^28 * t`` with t odd,
``w_28 = g^t`` and ``w_{k-1} = w_k^2``. Matching the roots matters: the proving key's query
points are Lagrange polynomials at these roots, and snarkjs's prover interpolates over them.

- ``fft(c)`` evaluates ``sum_i c_i X^i`` at ``w^0 .. w^(n-1)``;
- ``ifft(v)`` interpolates: the coefficients of the polynomial of degree < n through ``(w^j, v_j)``;
- ``odd_coset_fft(c)`` evaluates at ``u * w^j`` where ``u = w_{k+1}`` is a primitive 2n-th
  root of unity, i.e. at the odd powers of ``u``. There ``X^n = -1``, so the vanishing polynomial
  ``Z(X) = X^n - 1`` of the domain equals ``-2`` at every point of that coset.

Vectors are Python lists of integers (gmpy2 ``mpz`` when available); outputs are reduced to [0, R).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from ..bigint import big, invmod
from ..bn254.fields import R
from ..errors import SchemesError

__all__ = ["MAX_LOG_SIZE", "Domain", "DomainTooLarge", "root_of_unity", "batch_inverse"]

#: R - 1 = 2^TWO_ADICITY * odd.
TWO_ADICITY = 28
#: Largest domain for which the odd coset (a primitive 2n-th root) exists, as snarkjs requires.
MAX_LOG_SIZE = TWO_ADICITY - 1
#: Smallest quadratic non-residue mod R (ffjavascript's ``Fr.nqr``).
QUADRATIC_NON_RESIDUE = 5


class DomainTooLarge(SchemesError, ValueError):
    """The requested domain exceeds 2^MAX_LOG_SIZE elements."""


@cache
def _roots() -> tuple[int, ...]:
    odd = (R - 1) >> TWO_ADICITY
    w = [big(0)] * (TWO_ADICITY + 1)
    w[TWO_ADICITY] = pow(big(QUADRATIC_NON_RESIDUE), odd, R)
    for k in range(TWO_ADICITY - 1, -1, -1):
        w[k] = w[k + 1] * w[k + 1] % R
    if w[0] != 1 or w[1] != R - 1:  # pragma: no cover - a wrong constant, not an input error
        raise AssertionError("the 2-adic root of unity is wrong")
    return tuple(w)


def root_of_unity(log_size: int) -> int:
    """ffjavascript's ``Fr.w[log_size]``: a primitive 2^log_size-th root of unity mod R."""
    if not 0 <= log_size <= TWO_ADICITY:
        raise DomainTooLarge(f"no 2^{log_size}-th root of unity in F_R (2-adicity is {TWO_ADICITY})")
    return int(_roots()[log_size])


def batch_inverse(values: Sequence[int]) -> list[int]:
    """Montgomery's trick: all inverses mod R with one field inversion; raises ZeroDivisionError on 0."""
    n = len(values)
    prefix = [big(1)] * (n + 1)
    acc = big(1)
    for i, v in enumerate(values):
        acc = acc * v % R
        prefix[i + 1] = acc
    if n and acc == 0:
        raise ZeroDivisionError("batch_inverse: an input is zero mod R")
    inv = invmod(acc, R) if n else big(1)
    out = [big(0)] * n
    for i in range(n - 1, -1, -1):
        out[i] = inv * prefix[i] % R
        inv = inv * values[i] % R
    return out


def _powers(base: int, count: int, first: int = 1) -> list[int]:
    """[first * base^i mod R for i < count]."""
    out = [big(0)] * count
    acc = big(first) % R
    base = big(base)
    for i in range(count):
        out[i] = acc
        acc = acc * base % R
    return out


def _fft_rec(a: list[int], twiddles: list[int], stride: int) -> list[int]:
    """Unreduced radix-2 DIT FFT of ``a`` (len m); ``twiddles[::stride][:m//2]`` are the m-th root powers.

    Only the twiddle products are reduced mod R; sums and differences are left unreduced
    (magnitude grows by at most a factor m), and the caller reduces once at the end.
    """
    m = len(a)
    if m == 1:
        return a
    if m == 2:
        x, y = a
        return [x + y, x - y]
    even = _fft_rec(a[0::2], twiddles, stride * 2)
    odd = _fft_rec(a[1::2], twiddles, stride * 2)
    t = [o * w % R for o, w in zip(odd, twiddles[::stride])]
    return [e + u for e, u in zip(even, t)] + [e - u for e, u in zip(even, t)]


class Domain:
    """The multiplicative subgroup of size ``n = 2^log_size`` of F_R*, with its odd coset."""

    def __init__(self, log_size: int) -> None:
        if not isinstance(log_size, int) or isinstance(log_size, bool):
            raise TypeError("log_size must be an int")
        if not 0 <= log_size <= MAX_LOG_SIZE:
            raise DomainTooLarge(
                f"domain 2^{log_size} is out of range: sizes 2^0 .. 2^{MAX_LOG_SIZE} are supported "
                "(the prover needs a primitive 2n-th root of unity)"
            )
        self.log_size = log_size
        self.size = 1 << log_size
        self.omega = big(root_of_unity(log_size))
        self.omega_inv = invmod(self.omega, R)
        self.size_inv = invmod(big(self.size), R)
        #: A primitive 2n-th root of unity with coset_shift^2 = omega (ffjavascript's ``Fr.w[k+1]``).
        self.coset_shift = big(root_of_unity(log_size + 1))
        self._tw: list[int] | None = None
        self._tw_inv: list[int] | None = None
        self._coset_scale: list[int] | None = None

    @classmethod
    def for_size(cls, min_size: int) -> Domain:
        """The smallest domain with at least ``min_size`` elements."""
        if min_size < 1:
            raise ValueError("a domain needs at least one element")
        return cls(max(0, (min_size - 1).bit_length()))

    def __repr__(self) -> str:
        return f"Domain(2^{self.log_size})"

    # -- tables (computed on first use, then cached on the instance) --------------------------

    def _twiddles(self) -> list[int]:
        if self._tw is None:
            self._tw = _powers(self.omega, max(1, self.size // 2))
        return self._tw

    def _twiddles_inv(self) -> list[int]:
        if self._tw_inv is None:
            self._tw_inv = _powers(self.omega_inv, max(1, self.size // 2))
        return self._tw_inv

    def _odd_coset_scale(self) -> list[int]:
        """``u^i / n`` for i < n: folds the iFFT normalisation into the coset shift."""
        if self._coset_scale is None:
            self._coset_scale = _powers(self.coset_shift, self.size, self.size_inv)
        return self._coset_scale

    def elements(self) -> list[int]:
        """``[w^0, w^1, ..., w^(n-1)]``."""
        return _powers(self.omega, self.size)

    # -- transforms ---------------------------------------------------------------------------

    def _check_len(self, values: Sequence[int]) -> list[int]:
        if len(values) > self.size:
            raise ValueError(f"{len(values)} values do not fit a domain of size {self.size}")
        a = [big(v) for v in values]
        a.extend([big(0)] * (self.size - len(a)))
        return a

    def fft(self, coeffs: Sequence[int]) -> list[int]:
        """Evaluations ``[p(w^j) for j < n]`` of ``p = sum_i coeffs[i] X^i`` (zero-padded to n)."""
        a = self._check_len(coeffs)
        return [x % R for x in _fft_rec(a, self._twiddles(), 1)]

    def ifft(self, evals: Sequence[int]) -> list[int]:
        """Coefficients of the unique polynomial of degree < n with ``p(w^j) = evals[j]``."""
        a = self._check_len(evals)
        inv = self.size_inv
        return [x * inv % R for x in _fft_rec(a, self._twiddles_inv(), 1)]

    def odd_coset_fft(self, coeffs: Sequence[int]) -> list[int]:
        """Evaluations ``[p(u * w^j) for j < n]`` with ``u = coset_shift`` (the odd 2n-th roots)."""
        a = self._check_len(coeffs)
        u = self.coset_shift
        scaled = [c * s % R for c, s in zip(a, _powers(u, self.size))]
        return [x % R for x in _fft_rec(scaled, self._twiddles(), 1)]

    def evals_to_odd_coset(self, evals: Sequence[int]) -> list[int]:
        """Given ``p(w^j)`` for a polynomial of degree < n, return ``p(u * w^j)``: iFFT, shift, FFT.

        The iFFT's 1/n and the coset powers ``u^i`` are applied in one pass.
        """
        a = self._check_len(evals)
        coeffs = _fft_rec(a, self._twiddles_inv(), 1)
        scaled = [c * s % R for c, s in zip(coeffs, self._odd_coset_scale())]
        return [x % R for x in _fft_rec(scaled, self._twiddles(), 1)]

    # -- Lagrange bases -----------------------------------------------------------------------

    def vanishing_at(self, x: int) -> int:
        """``Z(x) = x^n - 1``."""
        return int((pow(big(x), self.size, R) - 1) % R)

    def lagrange_at(self, tau: int) -> list[int]:
        """``[L_j(tau) for j < n]`` with ``L_j(w^i) = [i == j]``: ``L_j(x) = Z(x) w^j / (n (x - w^j))``.

        Requires ``tau`` outside the domain (raises ValueError otherwise).
        """
        return _lagrange(big(tau) % R, self.omega, self.size, 0, 1)

    def odd_coset_lagrange_at(self, tau: int) -> list[int]:
        """``[L'_{2j+1}(tau) for j < n]``: the Lagrange basis of the 2n-element domain at its odd points.

        These are the Groth16 H-query scalars of snarkjs (times 1/delta): for a polynomial
        ``P`` of degree < 2n that vanishes on the n-element domain,
        ``P(tau) = sum_j P(u w^j) L'_{2j+1}(tau)``. Requires ``tau^(2n) != 1``.
        """
        return _lagrange(big(tau) % R, self.coset_shift, 2 * self.size, 1, 2)


def _lagrange(tau: int, gen: int, m: int, start: int, step: int) -> list[int]:
    """``[L_j(tau) for j in range(start, m, step)]`` for the m-element domain generated by ``gen``."""
    z = (pow(tau, m, R) - 1) % R
    if z == 0:
        raise ValueError("the evaluation point lies in the domain")
    m_inv = invmod(big(m), R)
    nodes = _powers(pow(gen, step, R), (m - start + step - 1) // step, pow(gen, start, R))
    inv = batch_inverse([(tau - x) % R for x in nodes])
    zm = z * m_inv % R
    return [zm * x % R * i % R for x, i in zip(nodes, inv)]
