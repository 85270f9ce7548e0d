"""The optimal-ate pairing on BN254, e: G1 x G2 -> GT (the R-th roots of unity in Fp12).

    e(P, Q) = ( f_{6u+2,Q}(P) * l_{[6u+2]Q, psi(Q)}(P) * l_{[6u+2]Q + psi(Q), -psi^2(Q)}(P) )^((p^12 - 1)/r)

with u = 4965661367192848881 and psi the p-power endomorphism of the twist (:func:`curve.g2_psi`).
The value equals py_ecc's ``pairing(Q, P)`` exactly (same loop, same exponent); lines are only
computed up to factors in proper subfields, which the final exponentiation removes.

Miller loop: the signed (NAF) digits of 6u + 2, the twist point T kept in homogeneous projective
coordinates (x = X/Z, y = Y/Z), lines for the D-type twist untwist(x, y) = (x w^2, y w^3):

    l(P) = c0 yP + c1 xP w + c2 w^3   (Fp2 coefficients c0, c1, c2 depending only on Q),

multiplied into f with :func:`tower.fp12_mul_by_034`. :func:`prepare_g2` computes all (c0, c1, c2)
of a fixed Q once; :func:`multi_miller_loop` shares one accumulator (one squaring per step)
between all pairs.

Final exponentiation: (p^12 - 1)/r = (p^6 - 1)(p^2 + 1) * (p^4 - p^2 + 1)/r. The easy part uses a
conjugation, one inversion and a Frobenius map; the hard part is the addition chain of Scott,
Benger, Charlemagne, Dominguez Perez and Kachisa ("On the final exponentiation for calculating
pairings on ordinary elliptic curves", 2009), which needs three exponentiations by u and
computes exactly the power (p^4 - p^2 + 1)/r.

Inputs are not secret here (verification); nothing is constant time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .curve import (
    B2,
    G1Point,
    G2Coords,
    G2Point,
    InvalidPoint,
    U,
    g1_is_on_curve,
    g2_in_subgroup,
    g2_is_on_curve,
    g2_neg,
    g2_psi,
)
from .fields import Fp2, P, fp2_mul, fp2_sqr
from .tower import (
    FP12_ONE,
    Fp12,
    _naf,
    fp12_conj,
    fp12_cyclotomic_pow,
    fp12_cyclotomic_sqr,
    fp12_frobenius,
    fp12_inv,
    fp12_is_one,
    fp12_mul,
    fp12_mul_by_034,
    fp12_sqr,
    fp12_to_ints,
)

__all__ = [
    "ATE_LOOP_COUNT",
    "G2Prepared",
    "prepare_g2",
    "multi_miller_loop",
    "final_exponentiation",
    "pairing",
    "pairing_check",
    "FP12_ONE",
]

#: Ate loop length 6u + 2 (positive for BN254, so no final conjugation is needed).
ATE_LOOP_COUNT = 6 * U + 2
#: Signed digits of 6u + 2 below the leading 1, most significant first (65 steps, 21 non-zero).
_LOOP_DIGITS = tuple(reversed(_naf(ATE_LOOP_COUNT)[:-1]))

_TWO_INV = (P + 1) // 2
_THREE_B2 = (3 * B2[0] % P, 3 * B2[1] % P)

G1Affine = G1Point
G2Affine = G2Point
#: A G2 point in homogeneous projective coordinates (X, Y, Z) over Fp2.
_Homogeneous = tuple[Fp2, Fp2, Fp2]
#: A line's coefficients (c0, c1, c2).
_Line = tuple[Fp2, Fp2, Fp2]


@dataclass(frozen=True)
class G2Prepared:
    """Line coefficients (c0, c1, c2) of a fixed G2 point for every Miller-loop step, in loop
    order: per digit one doubling line, plus one addition line for a non-zero digit, then the
    two Frobenius lines. ``point`` is the affine point (None for infinity, with no lines).
    Build it with :func:`prepare_g2`, which validates the point; the Miller loop trusts it."""

    point: G2Affine
    coeffs: tuple[_Line, ...]


def _doubling_step(t: _Homogeneous) -> tuple[_Homogeneous, _Line]:
    """T <- 2T in homogeneous coordinates on y^2 = x^3 + b' (b' = 3/xi), and the tangent line.

        A = X Y / 2, B = Y^2, C = Z^2, E = 3 b' C, F = 3 E, G = (B + F)/2, H = 2 Y Z,
        X' = A (B - F),  Y' = G^2 - 3 E^2,  Z' = B H,
        line (c0, c1, c2) = (-H, 3 X^2, E - B)

    (the tangent y - y_T = lambda (x - x_T), lambda = 3 x_T^2 / (2 y_T), untwisted and scaled by
    -2 Y Z, using Y^2 Z = X^3 + b' Z^3).
    """
    x, y, z = t
    a = fp2_mul(x, y)
    a = (a[0] * _TWO_INV % P, a[1] * _TWO_INV % P)
    b = fp2_sqr(y)
    c = fp2_sqr(z)
    e = fp2_mul(_THREE_B2, c)
    f = (3 * e[0], 3 * e[1])
    g = ((b[0] + f[0]) * _TWO_INV % P, (b[1] + f[1]) * _TWO_INV % P)
    yz = fp2_mul(y, z)
    h = (2 * yz[0] % P, 2 * yz[1] % P)
    j = fp2_sqr(x)
    ee = fp2_sqr(e)
    gg = fp2_sqr(g)
    new_x = fp2_mul(a, (b[0] - f[0], b[1] - f[1]))
    new_y = ((gg[0] - 3 * ee[0]) % P, (gg[1] - 3 * ee[1]) % P)
    new_z = fp2_mul(b, h)
    line = (-h[0] % P, -h[1] % P), (3 * j[0] % P, 3 * j[1] % P), ((e[0] - b[0]) % P, (e[1] - b[1]) % P)
    return (new_x, new_y, new_z), line


def _addition_step(t: _Homogeneous, q: G2Coords) -> tuple[_Homogeneous, _Line]:
    """T <- T + Q for affine Q = (x2, y2), and the line through T and Q.

        theta = Y - y2 Z, lam = X - x2 Z, C = theta^2, D = lam^2, E = lam D, F = Z C, G = X D,
        H = E + F - 2 G,  X' = lam H,  Y' = theta (G - H) - E Y,  Z' = Z E,
        line (c0, c1, c2) = (lam, -theta, theta x2 - lam y2)

    (the chord with slope theta/lam, untwisted and scaled by lam). Requires T != +-Q, which
    holds inside the loop for Q of order r.
    """
    x, y, z = t
    x2, y2 = q
    zy2 = fp2_mul(z, y2)
    zx2 = fp2_mul(z, x2)
    theta = ((y[0] - zy2[0]) % P, (y[1] - zy2[1]) % P)
    lam = ((x[0] - zx2[0]) % P, (x[1] - zx2[1]) % P)
    c = fp2_sqr(theta)
    d = fp2_sqr(lam)
    e = fp2_mul(lam, d)
    f = fp2_mul(z, c)
    g = fp2_mul(x, d)
    h = ((e[0] + f[0] - 2 * g[0]) % P, (e[1] + f[1] - 2 * g[1]) % P)
    t1 = fp2_mul(theta, (g[0] - h[0], g[1] - h[1]))
    t2 = fp2_mul(e, y)
    new_t = (fp2_mul(lam, h), ((t1[0] - t2[0]) % P, (t1[1] - t2[1]) % P), fp2_mul(z, e))
    j1 = fp2_mul(theta, x2)
    j2 = fp2_mul(lam, y2)
    line = lam, ((-theta[0]) % P, (-theta[1]) % P), ((j1[0] - j2[0]) % P, (j1[1] - j2[1]) % P)
    return new_t, line


def _line_coefficients(q: G2Coords) -> tuple[_Line, ...]:
    """All Miller-loop lines of the affine G2 point q (not infinity), in loop order."""
    neg_q = g2_neg(q)
    t = (q[0], q[1], (1, 0))
    coeffs = []
    for digit in _LOOP_DIGITS:
        t, line = _doubling_step(t)
        coeffs.append(line)
        if digit == 1:
            t, line = _addition_step(t, q)
            coeffs.append(line)
        elif digit == -1:
            t, line = _addition_step(t, neg_q)
            coeffs.append(line)
    q1 = g2_psi(q)
    q2 = g2_psi(q1)
    t, line = _addition_step(t, q1)
    coeffs.append(line)
    _, line = _addition_step(t, g2_neg(q2))
    coeffs.append(line)
    return tuple(coeffs)


def prepare_g2(q: G2Affine) -> G2Prepared:
    """Precompute the line coefficients of a fixed G2 point (e.g. a verifying key's beta, gamma,
    delta). Checks that q is on the twist and in the order-R subgroup (InvalidPoint otherwise)."""
    _check_g2(q)
    if q is None:
        return G2Prepared(None, ())
    return G2Prepared(q, _line_coefficients(q))


def _check_g2(q: G2Affine) -> None:
    if not g2_is_on_curve(q):
        raise InvalidPoint("G2 point is not on the twist (or has coordinates outside [0, P))")
    if not g2_in_subgroup(q):
        raise InvalidPoint("G2 point is on the twist but not in the order-R subgroup")


def multi_miller_loop(pairs: Iterable[tuple[G1Affine, G2Prepared | G2Affine]]) -> Fp12:
    """prod_i f_i(P_i) over the pairs (P_i, Q_i) (before the final exponentiation), with one
    shared accumulator: each loop step squares f once and multiplies in every pair's line.

    Q_i is a :class:`G2Prepared` (validated by :func:`prepare_g2`) or an affine G2 point, which
    is validated here like in :func:`prepare_g2` (on the twist and in the order-R subgroup,
    about 1 ms). Pairs with an infinite point are skipped (they contribute 1). Raises
    InvalidPoint for a G1 point off the curve or an invalid G2 point.
    """
    terms = []
    for p, q in pairs:
        if not g1_is_on_curve(p):
            raise InvalidPoint("G1 point is not on the curve")
        if isinstance(q, G2Prepared):
            q_point, coeffs = q.point, q.coeffs
        else:
            _check_g2(q)
            q_point, coeffs = q, None
        if p is None or q_point is None:
            continue
        terms.append((p[0], p[1], coeffs if coeffs is not None else _line_coefficients(q_point)))

    f = FP12_ONE
    j = 0
    for step, digit in enumerate(_LOOP_DIGITS):
        if step:
            f = fp12_sqr(f)
        for n in (0, 1) if digit else (0,):
            for xp, yp, coeffs in terms:
                c0, c1, c2 = coeffs[j + n]
                f = fp12_mul_by_034(f, (c0[0] * yp, c0[1] * yp), (c1[0] * xp, c1[1] * xp), c2)
        j += 2 if digit else 1
    for n in (0, 1):
        for xp, yp, coeffs in terms:
            c0, c1, c2 = coeffs[j + n]
            f = fp12_mul_by_034(f, (c0[0] * yp, c0[1] * yp), (c1[0] * xp, c1[1] * xp), c2)
    return fp12_to_ints(f)


def final_exponentiation(f: Fp12) -> Fp12:
    """f^((p^12 - 1)/r) for f != 0, as a tuple of 12 ints.

    Easy part: m = f^((p^6 - 1)(p^2 + 1)) = (conj(f) f^-1)^(p^2) * conj(f) f^-1; m is then in the
    cyclotomic subgroup, where inversion is conjugation.
    Hard part, m^((p^4 - p^2 + 1)/r) = m^(l0 + l1 p + l2 p^2 + l3 p^3) with
    l3 = 1, l2 = 6u^2 + 1, l1 = -36u^3 - 18u^2 - 12u + 1, l0 = -36u^3 - 30u^2 - 18u - 2, as
        y0 = m^p m^(p^2) m^(p^3),  y1 = 1/m,  y2 = (m^(u^2))^(p^2),  y3 = 1/(m^u)^p,
        y4 = 1/(m^u (m^(u^2))^p),  y5 = 1/m^(u^2),  y6 = 1/(m^(u^3) (m^(u^3))^p),
        result = y0 y1^2 y2^6 y3^12 y4^18 y5^30 y6^36   (vectorial addition chain below).
    """
    # easy part
    m = fp12_mul(fp12_conj(f), fp12_inv(f))
    m = fp12_mul(fp12_frobenius(m, 2), m)
    # hard part
    mu = fp12_cyclotomic_pow(m, U)
    mu2 = fp12_cyclotomic_pow(mu, U)
    mu3 = fp12_cyclotomic_pow(mu2, U)
    y0 = fp12_mul(fp12_mul(fp12_frobenius(m, 1), fp12_frobenius(m, 2)), fp12_frobenius(m, 3))
    y1 = fp12_conj(m)
    y2 = fp12_frobenius(mu2, 2)
    y3 = fp12_conj(fp12_frobenius(mu, 1))
    y4 = fp12_conj(fp12_mul(mu, fp12_frobenius(mu2, 1)))
    y5 = fp12_conj(mu2)
    y6 = fp12_conj(fp12_mul(mu3, fp12_frobenius(mu3, 1)))
    t0 = fp12_mul(fp12_mul(fp12_cyclotomic_sqr(y6), y4), y5)  # y6^2 y4 y5
    t1 = fp12_mul(fp12_mul(y3, y5), t0)  # y3 y5 t0
    t0 = fp12_mul(t0, y2)  # t0 y2
    t1 = fp12_cyclotomic_sqr(fp12_mul(fp12_cyclotomic_sqr(t1), t0))  # (t1^2 t0)^2
    t0 = fp12_mul(t1, y1)
    t1 = fp12_mul(t1, y0)
    t0 = fp12_mul(fp12_cyclotomic_sqr(t0), t1)
    return fp12_to_ints(t0)


def pairing(p: G1Affine, q: G2Prepared | G2Affine) -> Fp12:
    """e(p, q) in GT as 12 ints (see :mod:`.tower` for the layout); e(O, q) = e(p, O) = 1.

    Argument order is (G1, G2); py_ecc's ``pairing`` takes (G2, G1)."""
    return final_exponentiation(multi_miller_loop([(p, q)]))


def pairing_check(pairs: Iterable[tuple[G1Affine, G2Prepared | G2Affine]]) -> bool:
    """True iff prod_i e(P_i, Q_i) == 1, with one multi-Miller loop and one final exponentiation.
    The same input rules as :func:`multi_miller_loop` apply (invalid points raise InvalidPoint)."""
    return fp12_is_one(final_exponentiation(multi_miller_loop(pairs)))
