"""The BN254 extension tower above Fp2: Fp6 = Fp2[v]/(v^3 - xi), Fp12 = Fp6[w]/(w^2 - v).

xi = 9 + i, so w^6 = xi and Fp12 is also Fp2[w]/(w^6 - xi).

Representation: flat tuples of integers (no per-element objects), reduced to [0, P) on output.

- Fp6, 6 ints ``(a0, a1, b0, b1, c0, c1)`` = (a0 + a1 i) + (b0 + b1 i) v + (c0 + c1 i) v^2.
- Fp12, 12 ints: the Fp6 coefficient of 1 (indices 0..5), then the Fp6 coefficient of w (6..11).
  Seen as a polynomial in w over Fp2, the coefficient of w^k sits at the Fp2 slot
  ``_W_SLOT[k]``: w^0 -> 0, w^2 -> 1, w^4 -> 2 (inside the first Fp6), and w^1 -> 3,
  w^3 -> 4, w^5 -> 5 (inside the second); Fp2 slot s is the int pair (2s, 2s + 1).

The functions inline the Fp2 arithmetic (schoolbook, i^2 = -1) on ints and reduce once per
output coordinate (lazy reduction): with interpreted integer arithmetic an addition costs about
as much as a multiplication, so fewer operations beat Karatsuba-style tricks here. Inputs of the
multiplication routines may be unreduced integers of either sign; outputs are always reduced.
"""

from __future__ import annotations

from functools import cache

from .fields import XI, Fp2, P, fp2_inv, fp2_mul, fp2_sqr

__all__ = [
    "Fp6",
    "Fp12",
    "FP6_ZERO",
    "FP6_ONE",
    "FP12_ZERO",
    "FP12_ONE",
    "fp6_add",
    "fp6_sub",
    "fp6_neg",
    "fp6_mul",
    "fp6_sqr",
    "fp6_mul_by_v",
    "fp6_inv",
    "fp12_add",
    "fp12_sub",
    "fp12_mul",
    "fp12_sqr",
    "fp12_inv",
    "fp12_conj",
    "fp12_pow",
    "fp12_frobenius",
    "fp12_mul_by_034",
    "fp12_cyclotomic_sqr",
    "fp12_cyclotomic_pow",
    "fp12_eq",
    "fp12_is_one",
    "fp12_to_ints",
    "fp12_from_w_coeffs",
    "fp12_w_coeffs",
    "fp2_pow",
]

Fp6 = tuple[int, ...]  # 6 ints
Fp12 = tuple[int, ...]  # 12 ints

FP6_ZERO: Fp6 = (0,) * 6
FP6_ONE: Fp6 = (1,) + (0,) * 5
FP12_ZERO: Fp12 = (0,) * 12
FP12_ONE: Fp12 = (1,) + (0,) * 11

#: Fp2 slot (0..5) holding the coefficient of w^k, for k = 0..5.
_W_SLOT = (0, 3, 1, 4, 2, 5)


# ---------------------------------------------------------------------------------------------
# Fp6
# ---------------------------------------------------------------------------------------------


def fp6_add(a: Fp6, b: Fp6) -> Fp6:
    return tuple((x + y) % P for x, y in zip(a, b))


def fp6_sub(a: Fp6, b: Fp6) -> Fp6:
    return tuple((x - y) % P for x, y in zip(a, b))


def fp6_neg(a: Fp6) -> Fp6:
    return tuple(-x % P for x in a)


def fp6_mul_by_v(a: Fp6) -> Fp6:
    """(a0 + a1 v + a2 v^2) v = xi a2 + a0 v + a1 v^2, with xi (x + y i) = (9x - y) + (x + 9y) i."""
    a0r, a0i, a1r, a1i, a2r, a2i = a
    return ((9 * a2r - a2i) % P, (a2r + 9 * a2i) % P, a0r % P, a0i % P, a1r % P, a1i % P)


def fp6_mul(a: Fp6, b: Fp6) -> Fp6:
    """(a0 + a1 v + a2 v^2)(b0 + b1 v + b2 v^2) with v^3 = xi:

        c0 = a0 b0 + xi (a1 b2 + a2 b1)
        c1 = a0 b1 + a1 b0 + xi a2 b2
        c2 = a0 b2 + a1 b1 + a2 b0

    Schoolbook over Fp2, (x + y i)(x' + y' i) = (x x' - y y') + (x y' + y x') i, one reduction
    per output int.
    """
    a0r, a0i, a1r, a1i, a2r, a2i = a
    b0r, b0i, b1r, b1i, b2r, b2i = b
    # s = a1 b2 + a2 b1 and t = a2 b2, the terms multiplied by xi
    sr = a1r * b2r - a1i * b2i + a2r * b1r - a2i * b1i
    si = a1r * b2i + a1i * b2r + a2r * b1i + a2i * b1r
    tr = a2r * b2r - a2i * b2i
    ti = a2r * b2i + a2i * b2r
    return (
        (a0r * b0r - a0i * b0i + 9 * sr - si) % P,
        (a0r * b0i + a0i * b0r + sr + 9 * si) % P,
        (a0r * b1r - a0i * b1i + a1r * b0r - a1i * b0i + 9 * tr - ti) % P,
        (a0r * b1i + a0i * b1r + a1r * b0i + a1i * b0r + tr + 9 * ti) % P,
        (a0r * b2r - a0i * b2i + a1r * b1r - a1i * b1i + a2r * b0r - a2i * b0i) % P,
        (a0r * b2i + a0i * b2r + a1r * b1i + a1i * b1r + a2r * b0i + a2i * b0r) % P,
    )


def fp6_sqr(a: Fp6) -> Fp6:
    """(a0 + a1 v + a2 v^2)^2 = (a0^2 + 2 xi a1 a2) + (2 a0 a1 + xi a2^2) v + (a1^2 + 2 a0 a2) v^2."""
    a0r, a0i, a1r, a1i, a2r, a2i = a
    # s = 2 a1 a2 and t = a2^2, the terms multiplied by xi
    sr = 2 * (a1r * a2r - a1i * a2i)
    si = 2 * (a1r * a2i + a1i * a2r)
    tr = (a2r + a2i) * (a2r - a2i)
    ti = 2 * a2r * a2i
    return (
        ((a0r + a0i) * (a0r - a0i) + 9 * sr - si) % P,
        (2 * a0r * a0i + sr + 9 * si) % P,
        (2 * (a0r * a1r - a0i * a1i) + 9 * tr - ti) % P,
        (2 * (a0r * a1i + a0i * a1r) + tr + 9 * ti) % P,
        ((a1r + a1i) * (a1r - a1i) + 2 * (a0r * a2r - a0i * a2i)) % P,
        (2 * a1r * a1i + 2 * (a0r * a2i + a0i * a2r)) % P,
    )


def fp6_inv(a: Fp6) -> Fp6:
    """(a0 + a1 v + a2 v^2)^-1 = (t0 + t1 v + t2 v^2) / d, where

        t0 = a0^2 - xi a1 a2,   t1 = xi a2^2 - a0 a1,   t2 = a1^2 - a0 a2,
        d  = a0 t0 + xi (a2 t1 + a1 t2)   (the norm to Fp2).

    Raises ZeroDivisionError for 0.
    """
    a0, a1, a2 = (a[0], a[1]), (a[2], a[3]), (a[4], a[5])
    t0 = _fp2_sub(fp2_sqr(a0), _fp2_mul_xi(fp2_mul(a1, a2)))
    t1 = _fp2_sub(_fp2_mul_xi(fp2_sqr(a2)), fp2_mul(a0, a1))
    t2 = _fp2_sub(fp2_sqr(a1), fp2_mul(a0, a2))
    d = _fp2_add(fp2_mul(a0, t0), _fp2_mul_xi(_fp2_add(fp2_mul(a2, t1), fp2_mul(a1, t2))))
    d_inv = fp2_inv(d)
    c0, c1, c2 = fp2_mul(t0, d_inv), fp2_mul(t1, d_inv), fp2_mul(t2, d_inv)
    return (c0[0], c0[1], c1[0], c1[1], c2[0], c2[1])


def _fp2_add(a: Fp2, b: Fp2) -> Fp2:
    return ((a[0] + b[0]) % P, (a[1] + b[1]) % P)


def _fp2_sub(a: Fp2, b: Fp2) -> Fp2:
    return ((a[0] - b[0]) % P, (a[1] - b[1]) % P)


def _fp2_mul_xi(a: Fp2) -> Fp2:
    return ((9 * a[0] - a[1]) % P, (a[0] + 9 * a[1]) % P)


def fp2_pow(a: Fp2, e: int) -> Fp2:
    """a^e in Fp2 for e >= 0 (square and multiply; not constant time)."""
    if e < 0:
        raise ValueError("fp2_pow needs a non-negative exponent")
    result = (1, 0)
    for bit in bin(e)[2:]:
        result = fp2_sqr(result)
        if bit == "1":
            result = fp2_mul(result, a)
    return result


# ---------------------------------------------------------------------------------------------
# Fp12
# ---------------------------------------------------------------------------------------------


def fp12_add(a: Fp12, b: Fp12) -> Fp12:
    return tuple((x + y) % P for x, y in zip(a, b))


def fp12_sub(a: Fp12, b: Fp12) -> Fp12:
    return tuple((x - y) % P for x, y in zip(a, b))


def fp12_eq(a: Fp12, b: Fp12) -> bool:
    return all((x - y) % P == 0 for x, y in zip(a, b))


def fp12_is_one(a: Fp12) -> bool:
    return fp12_eq(a, FP12_ONE)


def fp12_to_ints(a: Fp12) -> Fp12:
    """The same element with every coordinate a plain Python ``int`` (public API form)."""
    return tuple(int(x % P) for x in a)


def fp12_conj(a: Fp12) -> Fp12:
    """(c0 + c1 w) -> c0 - c1 w, the Frobenius map x^(p^6); the inverse on the cyclotomic subgroup."""
    return a[:6] + tuple(-x % P for x in a[6:])


def fp12_mul(a: Fp12, b: Fp12) -> Fp12:
    """(a0 + a1 w)(b0 + b1 w) with w^2 = v, Karatsuba over Fp6:

    t0 = a0 b0,  t1 = a1 b1,
    c0 = t0 + v t1,
    c1 = (a0 + a1)(b0 + b1) - t0 - t1.
    """
    a0, a1, b0, b1 = a[:6], a[6:], b[:6], b[6:]
    t0 = fp6_mul(a0, b0)
    t1 = fp6_mul(a1, b1)
    s = fp6_mul(tuple(x + y for x, y in zip(a0, a1)), tuple(x + y for x, y in zip(b0, b1)))
    return (
        (t0[0] + 9 * t1[4] - t1[5]) % P,
        (t0[1] + t1[4] + 9 * t1[5]) % P,
        (t0[2] + t1[0]) % P,
        (t0[3] + t1[1]) % P,
        (t0[4] + t1[2]) % P,
        (t0[5] + t1[3]) % P,
    ) + tuple((x - y - z) % P for x, y, z in zip(s, t0, t1))


def fp12_sqr(a: Fp12) -> Fp12:
    """(a0 + a1 w)^2 = (a0^2 + v a1^2) + 2 a0 a1 w, by the complex method:

    t  = a0 a1,
    c0 = (a0 + a1)(a0 + v a1) - t - v t,
    c1 = 2 t.
    """
    a0, a1 = a[:6], a[6:]
    t = fp6_mul(a0, a1)
    va1 = fp6_mul_by_v(a1)
    s = fp6_mul(tuple(x + y for x, y in zip(a0, a1)), tuple(x + y for x, y in zip(a0, va1)))
    vt = fp6_mul_by_v(t)
    return tuple((x - y - z) % P for x, y, z in zip(s, t, vt)) + tuple(2 * x % P for x in t)


def fp12_inv(a: Fp12) -> Fp12:
    """(a0 + a1 w)^-1 = (a0 - a1 w) / (a0^2 - v a1^2); raises ZeroDivisionError for 0."""
    a0, a1 = a[:6], a[6:]
    d_inv = fp6_inv(fp6_sub(fp6_sqr(a0), fp6_mul_by_v(fp6_sqr(a1))))
    return fp6_mul(a0, d_inv) + fp6_neg(fp6_mul(a1, d_inv))


def fp12_pow(a: Fp12, e: int) -> Fp12:
    """a^e for any integer e (a^-|e| via one inversion); plain square and multiply."""
    if e < 0:
        a, e = fp12_inv(a), -e
    result = FP12_ONE
    for bit in bin(e)[2:]:
        result = fp12_sqr(result)
        if bit == "1":
            result = fp12_mul(result, a)
    return result


@cache
def _frobenius_coeffs(n: int) -> tuple[Fp2, ...]:
    """gamma_{n,k} = w^(k (p^n - 1)) = xi^(k (p^n - 1)/6) for k = 0..5, as Fp2 pairs.

    p = 1 (mod 6), so (p^n - 1)/6 is an integer.
    """
    g = fp2_pow(XI, (int(P) ** n - 1) // 6)
    coeffs = [(1, 0)]
    for _ in range(5):
        coeffs.append(fp2_mul(coeffs[-1], g))
    return tuple(coeffs)


def fp12_frobenius(a: Fp12, n: int = 1) -> Fp12:
    """a^(p^n). Writing a = sum_k g_k w^k (g_k in Fp2, k = 0..5):

        a^(p^n) = sum_k conj^n(g_k) gamma_{n,k} w^k,   gamma_{n,k} = xi^(k (p^n - 1)/6),

    since g^(p^n) = conj^n(g) on Fp2 and (w^k)^(p^n) = w^k w^(k (p^n - 1)).
    """
    n %= 12
    if n == 0:
        return tuple(x % P for x in a)
    gammas = _frobenius_coeffs(n)
    out = [0] * 12
    for k in range(6):
        s = 2 * _W_SLOT[k]
        x, y = a[s], a[s + 1]
        if n & 1:
            y = -y
        gr, gi = gammas[k]
        out[s] = (x * gr - y * gi) % P
        out[s + 1] = (x * gi + y * gr) % P
    return tuple(out)


def fp12_mul_by_034(f: Fp12, l0: Fp2, l3: Fp2, l4: Fp2) -> Fp12:
    """f * l for a sparse (line) element l = l0 + (l3 + l4 v) w, i.e. l0 at w^0, l3 at w^1,
    l4 at w^3 (the Fp2 slots 0, 3, 4):

        f l = f0 l0 + v f1 L1 + ((f0 + f1)(l0 + L1) - f0 l0 - f1 L1) w,   L1 = l3 + l4 v,

    where f0 l0 scales by one Fp2 element and a (b0 + b1 v) uses
        a (b0 + b1 v) = (a0 b0 + xi a2 b1) + (a0 b1 + a1 b0) v + (a1 b1 + a2 b0) v^2.
    """
    f0r, f0i, f1r, f1i, f2r, f2i, g0r, g0i, g1r, g1i, g2r, g2i = f
    xr, xi_ = l0
    yr, yi = l3
    zr, zi = l4
    # t0 = f0 * l0   (f0 = f0 + f1 v + f2 v^2 in Fp6, scaled by l0 in Fp2)
    t00r, t00i = f0r * xr - f0i * xi_, f0r * xi_ + f0i * xr
    t01r, t01i = f1r * xr - f1i * xi_, f1r * xi_ + f1i * xr
    t02r, t02i = f2r * xr - f2i * xi_, f2r * xi_ + f2i * xr
    # t1 = g * (l3 + l4 v)   (g = g0 + g1 v + g2 v^2 is the coefficient of w)
    u_r, u_i = g2r * zr - g2i * zi, g2r * zi + g2i * zr  # g2 l4, multiplied by xi below
    t10r = g0r * yr - g0i * yi + 9 * u_r - u_i
    t10i = g0r * yi + g0i * yr + u_r + 9 * u_i
    t11r = g0r * zr - g0i * zi + g1r * yr - g1i * yi
    t11i = g0r * zi + g0i * zr + g1r * yi + g1i * yr
    t12r = g1r * zr - g1i * zi + g2r * yr - g2i * yi
    t12i = g1r * zi + g1i * zr + g2r * yi + g2i * yr
    # s = (f0 + g) * (l0 + l3 + l4 v)
    h0r, h0i, h1r, h1i, h2r, h2i = f0r + g0r, f0i + g0i, f1r + g1r, f1i + g1i, f2r + g2r, f2i + g2i
    br, bi = xr + yr, xi_ + yi
    u_r, u_i = h2r * zr - h2i * zi, h2r * zi + h2i * zr
    s0r = h0r * br - h0i * bi + 9 * u_r - u_i
    s0i = h0r * bi + h0i * br + u_r + 9 * u_i
    s1r = h0r * zr - h0i * zi + h1r * br - h1i * bi
    s1i = h0r * zi + h0i * zr + h1r * bi + h1i * br
    s2r = h1r * zr - h1i * zi + h2r * br - h2i * bi
    s2i = h1r * zi + h1i * zr + h2r * bi + h2i * br
    return (
        # t0 + v t1,  v (c0 + c1 v + c2 v^2) = xi c2 + c0 v + c1 v^2
        (t00r + 9 * t12r - t12i) % P,
        (t00i + t12r + 9 * t12i) % P,
        (t01r + t10r) % P,
        (t01i + t10i) % P,
        (t02r + t11r) % P,
        (t02i + t11i) % P,
        # s - t0 - t1
        (s0r - t00r - t10r) % P,
        (s0i - t00i - t10i) % P,
        (s1r - t01r - t11r) % P,
        (s1i - t01i - t11i) % P,
        (s2r - t02r - t12r) % P,
        (s2i - t02i - t12i) % P,
    )


def fp12_cyclotomic_sqr(a: Fp12) -> Fp12:
    """a^2 for a in the cyclotomic subgroup (a^(p^4 - p^2 + 1) = 1), Granger-Scott.

    View Fp12 = Fp4[t]/(t^3 - s) with t = w, s = w^3, Fp4 = Fp2[s]/(s^2 - xi), and
    a = A0 + A1 t + A2 t^2 with A0 = g0 + g3 s, A1 = g1 + g4 s, A2 = g2 + g5 s (g_k the
    coefficient of w^k). Then, with conj(x + y s) = x - y s,

        a^2 = (3 A0^2 - 2 conj(A0)) + (3 s A2^2 + 2 conj(A1)) t + (3 A1^2 - 2 conj(A2)) t^2,

    and (x + y s)^2 = (x^2 + xi y^2) + 2 x y s. WRONG for elements outside the subgroup.
    """
    # slots: w^0 -> (0,1), w^1 -> (6,7), w^2 -> (2,3), w^3 -> (8,9), w^4 -> (4,5), w^5 -> (10,11)
    g0r, g0i, g2r, g2i, g4r, g4i, g1r, g1i, g3r, g3i, g5r, g5i = a
    # A0^2 = x0 + y0 s
    pr, pi_ = (g3r + g3i) * (g3r - g3i), 2 * g3r * g3i  # g3^2
    x0r = (g0r + g0i) * (g0r - g0i) + 9 * pr - pi_
    x0i = 2 * g0r * g0i + pr + 9 * pi_
    y0r, y0i = 2 * (g0r * g3r - g0i * g3i), 2 * (g0r * g3i + g0i * g3r)
    # A1^2 = x1 + y1 s
    pr, pi_ = (g4r + g4i) * (g4r - g4i), 2 * g4r * g4i  # g4^2
    x1r = (g1r + g1i) * (g1r - g1i) + 9 * pr - pi_
    x1i = 2 * g1r * g1i + pr + 9 * pi_
    y1r, y1i = 2 * (g1r * g4r - g1i * g4i), 2 * (g1r * g4i + g1i * g4r)
    # A2^2 = x2 + y2 s, and s A2^2 = xi y2 + x2 s
    pr, pi_ = (g5r + g5i) * (g5r - g5i), 2 * g5r * g5i  # g5^2
    x2r = (g2r + g2i) * (g2r - g2i) + 9 * pr - pi_
    x2i = 2 * g2r * g2i + pr + 9 * pi_
    y2r, y2i = 2 * (g2r * g5r - g2i * g5i), 2 * (g2r * g5i + g2i * g5r)
    return (
        (3 * x0r - 2 * g0r) % P,  # w^0: 3 x0 - 2 g0
        (3 * x0i - 2 * g0i) % P,
        (3 * x1r - 2 * g2r) % P,  # w^2: 3 x1 - 2 g2
        (3 * x1i - 2 * g2i) % P,
        (3 * x2r - 2 * g4r) % P,  # w^4: 3 x2 - 2 g4
        (3 * x2i - 2 * g4i) % P,
        (3 * (9 * y2r - y2i) + 2 * g1r) % P,  # w^1: 3 xi y2 + 2 g1
        (3 * (y2r + 9 * y2i) + 2 * g1i) % P,
        (3 * y0r + 2 * g3r) % P,  # w^3: 3 y0 + 2 g3
        (3 * y0i + 2 * g3i) % P,
        (3 * y1r + 2 * g5r) % P,  # w^5: 3 y1 + 2 g5
        (3 * y1i + 2 * g5i) % P,
    )


def _naf(e: int) -> list[int]:
    """Non-adjacent form of e >= 0, least significant digit first, digits in {-1, 0, 1}."""
    digits = []
    while e:
        if e & 1:
            d = 2 - (e & 3)
            e -= d
        else:
            d = 0
        digits.append(d)
        e >>= 1
    return digits


def fp12_cyclotomic_pow(a: Fp12, e: int) -> Fp12:
    """a^e for a in the cyclotomic subgroup, using the NAF of |e|, cyclotomic squarings and
    a^-1 = conj(a). WRONG for elements outside the subgroup."""
    if e < 0:
        a, e = fp12_conj(a), -e
    a_inv = fp12_conj(a)
    result = FP12_ONE
    started = False
    for d in reversed(_naf(e)):
        if started:
            result = fp12_cyclotomic_sqr(result)
        if d:
            result = fp12_mul(result, a if d > 0 else a_inv) if started else (a if d > 0 else a_inv)
            started = True
    return result


def fp12_w_coeffs(a: Fp12) -> tuple[Fp2, ...]:
    """The six Fp2 coefficients (g_0, ..., g_5) of a = sum_k g_k w^k."""
    return tuple((a[2 * _W_SLOT[k]], a[2 * _W_SLOT[k] + 1]) for k in range(6))


def fp12_from_w_coeffs(g: tuple[Fp2, ...]) -> Fp12:
    """The element sum_k g_k w^k from its six Fp2 coefficients (inverse of fp12_w_coeffs)."""
    out = [0] * 12
    for k in range(6):
        s = 2 * _W_SLOT[k]
        out[s], out[s + 1] = g[k][0] % P, g[k][1] % P
    return tuple(out)
