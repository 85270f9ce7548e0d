"""The Groth16 verifier: one multi-Miller loop over three pairs and one final exponentiation.

A proof ``(A, B, C)`` for public inputs ``x_1..x_l`` is accepted iff

    e(A, B) * e(S, -[gamma]_2) * e(C, -[delta]_2) == e([alpha]_1, [beta]_2),
    S = ic[0] + sum_i x_i ic[i],

with ``e([alpha]_1, [beta]_2)`` and the lines of ``-gamma``, ``-delta`` cached in the
:class:`.PreparedVerifyingKey`. Before any pairing, the inputs are checked: exactly ``l`` public
inputs, each an int in [0, R); ``A, C`` on the curve, ``B`` on the twist and in the order-R
subgroup (G1 has cofactor 1); no point at infinity (an honest proof never has one, except with
negligible probability). Every rejection raises :class:`InvalidProof` with the reason.
"""

from __future__ import annotations

from typing import Sequence

from ..bn254.curve import g1_add, g1_is_on_curve, g2_in_subgroup, g2_is_on_curve
from ..bn254.fields import R
from ..bn254.msm import msm_g1
from ..bn254.pairing import final_exponentiation, multi_miller_loop
from ..bn254.tower import fp12_eq
from ..r1cs.lc import is_int
from .data_structures import PreparedVerifyingKey, Proof, VerifyingKey, prepare_verifying_key
from .errors import InvalidProof

__all__ = ["verify", "verify_proof", "is_valid_proof", "public_input_combination"]


def _check_public_inputs(num_public: int, public_inputs: Sequence[int]) -> list:
    if isinstance(public_inputs, (str, bytes)) or not hasattr(public_inputs, "__len__"):
        raise InvalidProof("public inputs must be a sequence of integers")
    if len(public_inputs) != num_public:
        raise InvalidProof(f"expected {num_public} public inputs, got {len(public_inputs)}")
    out = []
    for i, x in enumerate(public_inputs):
        if not is_int(x) or isinstance(x, bool):
            raise InvalidProof(f"public input #{i} is not an integer ({type(x).__name__})")
        if not 0 <= x < R:
            raise InvalidProof(f"public input #{i} is not a canonical scalar (must be in [0, R))")
        out.append(int(x))
    return out


def _check_proof_points(proof: Proof) -> None:
    if not isinstance(proof, Proof):
        raise InvalidProof(f"expected a Proof, got {type(proof).__name__}")
    for name, pt in (("A", proof.a), ("C", proof.c)):
        if pt is None:
            raise InvalidProof(f"proof point {name} is the point at infinity")
        if not _is_g1_shape(pt) or not g1_is_on_curve(pt):
            raise InvalidProof(f"proof point {name} is not on the curve (or not canonical)")
    if proof.b is None:
        raise InvalidProof("proof point B is the point at infinity")
    if not _is_g2_shape(proof.b) or not g2_is_on_curve(proof.b):
        raise InvalidProof("proof point B is not on the twist (or not canonical)")
    if not g2_in_subgroup(proof.b):
        raise InvalidProof("proof point B is not in the order-R subgroup of the twist")


def _is_g1_shape(pt) -> bool:
    return (isinstance(pt, tuple) and len(pt) == 2 and all(is_int(c) and not isinstance(c, bool) for c in pt))


def _is_g2_shape(pt) -> bool:
    return (isinstance(pt, tuple) and len(pt) == 2 and all(_is_g1_shape(c) for c in pt))


def public_input_combination(vk: VerifyingKey, public_inputs: Sequence[int]):
    """``S = ic[0] + sum_i x_i ic[i]`` (inputs must already be validated).

    The key's points are not re-checked on every call: a verifying key is trusted material,
    validated once by the decoder that produced it (:mod:`.snarkjs`, :mod:`.zkey`, :mod:`.keyfile`).
    """
    if not public_inputs:
        return vk.ic[0]
    return g1_add(vk.ic[0], msm_g1(vk.ic[1:], list(public_inputs), validate=False))


def verify(pvk: PreparedVerifyingKey, public_inputs: Sequence[int], proof: Proof) -> None:
    """Return None if ``proof`` is valid for ``public_inputs``; raise :class:`InvalidProof` otherwise."""
    if not isinstance(pvk, PreparedVerifyingKey):
        raise TypeError("verify needs a PreparedVerifyingKey (see prepare_verifying_key, or use verify_proof)")
    vk = pvk.vk
    xs = _check_public_inputs(vk.num_public, public_inputs)
    _check_proof_points(proof)
    s = public_input_combination(vk, xs)
    f = multi_miller_loop([(proof.a, proof.b), (s, pvk.neg_gamma_g2), (proof.c, pvk.neg_delta_g2)])
    if not fp12_eq(final_exponentiation(f), pvk.alpha_beta):
        raise InvalidProof("the pairing equation does not hold")


def verify_proof(vk: VerifyingKey, public_inputs: Sequence[int], proof: Proof) -> None:
    """:func:`verify` for an unprepared key (prepares it first: one extra pairing)."""
    verify(prepare_verifying_key(vk), public_inputs, proof)


def is_valid_proof(pvk: PreparedVerifyingKey, public_inputs: Sequence[int], proof: Proof) -> bool:
    """Boolean wrapper of :func:`verify` (prefer :func:`verify`: an exception cannot be ignored)."""
    try:
        verify(pvk, public_inputs, proof)
    except InvalidProof:
        return False
    return True
