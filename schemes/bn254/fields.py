"""BN254 base field Fp and its quadratic extension Fp2 = Fp[i]/(i^2 + 1).

Elements of Fp are integers in [0, P). Elements of Fp2 are pairs ``(c0, c1)`` meaning
``c0 + c1*i``. Functions are flat and allocation-light, in the style of py_ecc, so that
each line can be checked against the formula in its docstring. With gmpy2 installed the
moduli are ``mpz`` and all arithmetic runs in GMP (see :mod:`schemes.bigint`).

The scalar field Fr (the group order R) is the field of R1CS and Groth16.
"""

from __future__ import annotations

from ..bigint import big, invmod

__all__ = [
    "P",
    "R",
    "Fp2",
    "FP2_ZERO",
    "FP2_ONE",
    "XI",
    "fp_inv",
    "fp_sqrt",
    "fp2_add",
    "fp2_sub",
    "fp2_neg",
    "fp2_mul",
    "fp2_sqr",
    "fp2_inv",
    "fp2_mul_fp",
    "fp2_conj",
    "fp2_mul_xi",
    "fp2_eq",
    "fp2_is_zero",
]

#: Base field modulus p (254 bits).
P = big(21888242871839275222246405745257275088696311157297823662689037894645226208583)
#: Scalar field modulus r = order of G1 and G2 (254 bits).
R = big(21888242871839275222246405745257275088548364400416034343698204186575808495617)

Fp2 = tuple[int, int]  # (c0, c1)

FP2_ZERO: Fp2 = (big(0), big(0))
FP2_ONE: Fp2 = (big(1), big(0))
#: Non-residue xi = 9 + i used to build Fp6 = Fp2[v]/(v^3 - xi) and the twist.
XI: Fp2 = (big(9), big(1))


def fp_inv(a: int) -> int:
    """a^-1 mod P; raises ZeroDivisionError for a = 0."""
    return invmod(a, P)


def fp_sqrt(a: int) -> int | None:
    """A square root of a in Fp (P = 3 mod 4, so a^((P+1)/4)), or None if a is a non-residue."""
    s = pow(a, (P + 1) // 4, P)
    return s if s * s % P == a % P else None


def fp2_add(a: Fp2, b: Fp2) -> Fp2:
    return ((a[0] + b[0]) % P, (a[1] + b[1]) % P)


def fp2_sub(a: Fp2, b: Fp2) -> Fp2:
    return ((a[0] - b[0]) % P, (a[1] - b[1]) % P)


def fp2_neg(a: Fp2) -> Fp2:
    return (-a[0] % P, -a[1] % P)


def fp2_mul(a: Fp2, b: Fp2) -> Fp2:
    """(a0 + a1 i)(b0 + b1 i) = (a0 b0 - a1 b1) + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) i."""
    t0 = a[0] * b[0]
    t1 = a[1] * b[1]
    return ((t0 - t1) % P, ((a[0] + a[1]) * (b[0] + b[1]) - t0 - t1) % P)


def fp2_sqr(a: Fp2) -> Fp2:
    """(a0 + a1 i)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 i."""
    return ((a[0] + a[1]) * (a[0] - a[1]) % P, 2 * a[0] * a[1] % P)


def fp2_mul_fp(a: Fp2, k: int) -> Fp2:
    """Multiply an Fp2 element by a base-field scalar k."""
    return (a[0] * k % P, a[1] * k % P)


def fp2_conj(a: Fp2) -> Fp2:
    """Conjugate a0 - a1 i, which is also the Frobenius map a^p."""
    return (a[0], -a[1] % P)


def fp2_mul_xi(a: Fp2) -> Fp2:
    """Multiply by xi = 9 + i: (9 a0 - a1) + (a0 + 9 a1) i."""
    return ((9 * a[0] - a[1]) % P, (a[0] + 9 * a[1]) % P)


def fp2_inv(a: Fp2) -> Fp2:
    """(a0 + a1 i)^-1 = (a0 - a1 i) / (a0^2 + a1^2); raises ZeroDivisionError for 0."""
    d = invmod((a[0] * a[0] + a[1] * a[1]) % P, P)
    return (a[0] * d % P, -a[1] * d % P)


def fp2_eq(a: Fp2, b: Fp2) -> bool:
    return a[0] % P == b[0] % P and a[1] % P == b[1] % P


def fp2_is_zero(a: Fp2) -> bool:
    return a[0] % P == 0 and a[1] % P == 0
