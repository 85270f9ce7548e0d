"""Plaintext-ciphertext operations and the linear-scanner helpers.

Homomorphic operations (``ct = (c0, c1)`` encrypts ``P`` with noise ``v`` when
``c0 + c1*s = Delta*P + v mod q``):

* ``add(a, b)``         encrypts ``P_a + P_b`` with noise ``v_a + v_b``;
* ``add_plain(ct, p)``  adds ``Delta*p`` to ``c0``: encrypts ``P + p``, same noise;
* ``mul_plain(ct, w)``  multiplies both parts by the small integer polynomial ``w``:
  encrypts the integer product ``P*w`` in Z[X]/(X^N+1) with noise ``v*w``, and
  ``|(v*w)_k| <= ||w||_1 |v|_inf``.

Dot product by one polynomial product. In Z[X]/(X^N+1),
``(m*w)_k = sum_{i+j=k} m_i w_j - sum_{i+j=k+N} m_i w_j``. For ``k = N-1`` the second sum is
empty (``i + j <= 2N-2 < 2N-1``), so with the weights reversed, ``w_{N-1-i} = weight_i``,

    (m*w)_{N-1} = sum_i m_i w_{N-1-i} = sum_i weight_i m_i.

Images with several chunks use ``weights[c*N:(c+1)*N]`` (reversed) for chunk c and add the
products: coefficient N-1 of the sum is the full dot product. The scanner then adds the
bias at N-1. The other coefficients hold partial products and are never decrypted: committee
members decrypt coefficient N-1 only (:mod:`.partial`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validate import rns_ring, small_signed
from .encoding import num_chunks
from .encryption import Ciphertext, check_ciphertext, ciphertext_residues
from .errors import InvalidPlaintextError, ScannerBudgetError
from .params import BfvParams

__all__ = [
    "add",
    "add_plain",
    "mul_plain",
    "dot_product_weights",
    "check_scanner",
    "linear_score",
]


def add(params: BfvParams, a: Ciphertext, b: Ciphertext) -> Ciphertext:
    """Componentwise sum: encrypts ``P_a + P_b``."""
    q = params.q
    a0, a1 = check_ciphertext(params, a)
    b0, b1 = check_ciphertext(params, b)
    return Ciphertext(tuple((x + y) % q for x, y in zip(a0, b0)), tuple((x + y) % q for x, y in zip(a1, b1)))


def add_plain(params: BfvParams, ct: Ciphertext, plain: Sequence[int]) -> Ciphertext:
    """``(c0 + Delta*p, c1)`` for signed integer coefficients ``p`` (length <= N, |p_i| < t)."""
    q, delta = params.q, params.delta
    c0, c1 = check_ciphertext(params, ct)
    p = small_signed(params, plain, params.t - 1, "plaintext", InvalidPlaintextError, exact_length=False)
    return Ciphertext(tuple((x + delta * int(y)) % q for x, y in zip(c0, p.tolist())), tuple(c1))


def mul_plain(params: BfvParams, ct: Ciphertext, poly: Sequence[int]) -> Ciphertext:
    """``(c0*w, c1*w)`` for a signed integer polynomial ``w`` (length <= N, |w_i| < t), in RNS."""
    ring = rns_ring(params)
    c0, c1 = ciphertext_residues(params, ct)
    w = small_signed(params, poly, params.t - 1, "plaintext polynomial", InvalidPlaintextError, exact_length=False)
    w_hat = ring.ntt(ring.from_small(w))
    return Ciphertext(tuple(ring.to_ints(ring.mul_ntt(w_hat, c0))), tuple(ring.to_ints(ring.mul_ntt(w_hat, c1))))


def check_scanner(params: BfvParams, weights: Sequence[int], bias: int) -> None:
    """Raise :class:`ScannerBudgetError` unless ``||w||_1 <= weight_l1_max`` and ``|bias| <= bias_max``."""
    if len(weights) == 0:
        raise ScannerBudgetError("a scanner needs at least one weight")
    if any(isinstance(w, bool) or not isinstance(w, (int, np.integer)) for w in weights):
        raise ScannerBudgetError("weights must be ints")
    l1 = sum(abs(int(w)) for w in weights)
    if l1 > params.weight_l1_max:
        raise ScannerBudgetError(f"||w||_1 = {l1} exceeds the budget {params.weight_l1_max} of {params.name}")
    if isinstance(bias, bool) or not isinstance(bias, (int, np.integer)) or abs(int(bias)) > params.bias_max:
        raise ScannerBudgetError(f"bias must be an int with |bias| <= {params.bias_max}")


def dot_product_weights(params: BfvParams, weights: Sequence[int]) -> list[list[int]]:
    """Per-chunk weight polynomials: chunk c gets ``w[N-1-i] = weights[c*N + i]`` (signed ints)."""
    n = params.n
    polys = []
    for c in range(num_chunks(params, len(weights))):
        block = [int(w) for w in weights[c * n : (c + 1) * n]]
        poly = [0] * n
        for i, w in enumerate(block):
            poly[n - 1 - i] = w
        polys.append(poly)
    return polys


def linear_score(params: BfvParams, cts: Sequence[Ciphertext], weights: Sequence[int], bias: int) -> Ciphertext:
    """Encrypts ``sum_i weights_i * pixel_i + bias`` at coefficient ``params.score_index`` (= N-1).

    ``cts`` are the image's chunk ciphertexts (as from :func:`encoding.encrypt_image`), and
    ``len(weights)`` is the image's pixel count. The other coefficients hold partial products:
    only coefficient N-1 may ever be decrypted (:mod:`.partial`).
    """
    check_scanner(params, weights, bias)
    polys = dot_product_weights(params, weights)
    if len(cts) != len(polys):
        raise ScannerBudgetError(f"{len(weights)} weights need {len(polys)} chunk ciphertexts, got {len(cts)}")
    acc = mul_plain(params, cts[0], polys[0])
    for ct, poly in zip(cts[1:], polys[1:]):
        acc = add(params, acc, mul_plain(params, ct, poly))
    bias_poly = [0] * params.n
    bias_poly[params.score_index] = int(bias)
    return add_plain(params, acc, bias_poly)
