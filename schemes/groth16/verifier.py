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

from collections.abc import Callable, Sequence
from typing import Any

from .. import _native
from ..bn254.curve import G1Point, InvalidPoint
from ..bn254.fields import R
from ..bn254.vectors import g1_from_le, g1_to_le, g2_to_le, scalars_to_bytes
from ..r1cs.lc import is_int
from .data_structures import PreparedVerifyingKey, Proof, VerifyingKey, prepare_verifying_key
from .errors import InvalidProof

__all__ = ["verify", "verify_proof", "is_valid_proof", "public_input_combination", "encode_statement"]

_R = int(R)


def _check_public_inputs(num_public: int, public_inputs: Sequence[int]) -> bytes:
    """The inputs as 32-byte scalars; InvalidProof for a wrong count, a non-integer or a value
    outside [0, R) (never reduced: a non-canonical input is refused, not wrapped)."""
    if isinstance(public_inputs, (str, bytes)) or not hasattr(public_inputs, "__len__"):
        raise InvalidProof("public inputs must be a sequence of integers")
    if len(public_inputs) != num_public:
        raise InvalidProof(f"expected {num_public} public inputs, got {len(public_inputs)}")
    xs = public_inputs
    if all(type(x) is int for x in xs) and (not xs or (min(xs) >= 0 and max(xs) < _R)):
        return b"".join([x.to_bytes(32, "little") for x in xs])
    for i, x in enumerate(xs):  # the slow path names the first bad input
        if type(x) is not int:
            if not is_int(x) or isinstance(x, bool):
                raise InvalidProof(f"public input #{i} is not an integer ({type(x).__name__})")
            x = int(x)
        if not 0 <= x < _R:
            raise InvalidProof(f"public input #{i} is not a canonical scalar (must be in [0, R))")
    return scalars_to_bytes(xs)


def _proof_bytes(proof: Proof) -> tuple[bytes, bytes, bytes]:
    """``(A, B, C)`` in the engine's layout; InvalidProof for a malformed point tuple (the
    engine checks the curve, the subgroup and infinity)."""
    if not isinstance(proof, Proof):
        raise InvalidProof(f"expected a Proof, got {type(proof).__name__}")
    out: list[bytes] = []
    # the points are checked here: a Proof may hold anything its maker put in
    points: tuple[tuple[str, Any, Callable[[Any], bytes]], ...] = (
        ("A", proof.a, g1_to_le),
        ("B", proof.b, g2_to_le),
        ("C", proof.c, g1_to_le),
    )
    for name, pt, enc in points:
        if pt is None:
            raise InvalidProof(f"proof point {name} is the point at infinity")
        shaped = _is_pair(pt) and (all(_is_pair(c) for c in pt) if name == "B" else True)
        try:
            if not shaped:
                raise InvalidPoint("not an affine tuple")
            out.append(enc(pt))
        except InvalidPoint:
            what = "twist" if name == "B" else "curve"
            raise InvalidProof(f"proof point {name} is not on the {what} (or not canonical)") from None
    return out[0], out[1], out[2]


def _is_pair(pt: object) -> bool:
    return type(pt) is tuple and len(pt) == 2


def encode_statement(
    pvk: PreparedVerifyingKey, public_inputs: Sequence[int], proof: Proof
) -> tuple[bytes, bytes, bytes, bytes]:
    """``(inputs, A, B, C)`` as the engine takes them, after the checks above."""
    return (_check_public_inputs(pvk.vk.num_public, public_inputs), *_proof_bytes(proof))


def public_input_combination(vk: VerifyingKey | PreparedVerifyingKey, public_inputs: Sequence[int]) -> G1Point:
    """``S = ic[0] + sum_i x_i ic[i]`` for canonical public inputs."""
    pvk = vk if isinstance(vk, PreparedVerifyingKey) else prepare_verifying_key(vk)
    data = _check_public_inputs(pvk.vk.num_public, public_inputs)
    return g1_from_le(pvk.native.public_input_combination(data))


def verify(pvk: PreparedVerifyingKey, public_inputs: Sequence[int], proof: Proof) -> None:
    """Return None if ``proof`` is valid for ``public_inputs``; raise :class:`InvalidProof` otherwise."""
    if not isinstance(pvk, PreparedVerifyingKey):
        raise TypeError("verify needs a PreparedVerifyingKey (see prepare_verifying_key, or use verify_proof)")
    statement = encode_statement(pvk, public_inputs, proof)
    try:
        ok = pvk.native.verify(*statement)
    except _native.DecodeError as exc:
        raise InvalidProof(str(exc)) from None
    if not ok:
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
