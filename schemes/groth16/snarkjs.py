"""snarkjs JSON formats: ``verification_key.json``, ``proof.json`` and ``public.json``.

Encodings (as written by snarkjs 0.7 for curve ``bn128`` = BN254):

- scalars and coordinates are decimal strings without sign or leading zeros;
- G1: ``[x, y, "1"]``; infinity ``["0", "1", "0"]``;
- G2: ``[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]`` with ``x = x.c0 + x.c1 i``;
  infinity ``[["0", "0"], ["1", "0"], ["0", "0"]]``;
- GT (``vk_alphabeta_12``): ``[[a0, a1, a2], [b0, b1, b2]]`` of Fp2 pairs for
  ``(a0 + a1 v + a2 v^2) + (b0 + b1 v + b2 v^2) w`` (tower of :mod:`schemes.bn254.tower`).
  snarkjs's pairing (ffjavascript) ends with a final-exponentiation chain that computes a fixed
  power of the reduced Tate/ate value: its ``e(P, Q)`` equals ours raised to
  :data:`SNARKJS_GT_EXPONENT` ``= 2u(6u^2 + 3u + 1)`` (coprime to R, so it is still a
  non-degenerate pairing and verification equations are unaffected). ``vk_alphabeta_12`` is
  written and checked in snarkjs's convention, so our file equals snarkjs's byte for byte.

Decoding is strict and validates everything: the JSON shape, decimal syntax, coordinates in
[0, P), public inputs in [0, R), points on the curve, G2 points in the order-R subgroup, no
infinity where a valid object cannot have one (all proof points, alpha, beta, gamma, delta),
``nPublic == len(IC) - 1``, and ``vk_alphabeta_12`` = snarkjs's ``e(alpha, beta)`` when present. Errors are
subclasses of :class:`.errors.EncodingError`. Unknown extra keys are ignored.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import Any

from .. import strict_json
from ..bn254.curve import G1Point, G2Point, InvalidPoint, U, g1_from_ints, g2_from_ints
from ..bn254.fields import P, R
from ..bn254.pairing import pairing
from ..bn254.tower import fp12_cyclotomic_pow, fp12_eq
from ..r1cs.lc import is_int
from .data_structures import Proof, VerifyingKey
from .errors import EncodingError, InvalidPointEncoding, NonCanonicalCoordinate, NonCanonicalScalar

__all__ = [
    "vk_to_json",
    "vk_from_json",
    "proof_to_json",
    "proof_from_json",
    "public_to_json",
    "public_from_json",
    "write_verification_key",
    "read_verification_key",
    "write_proof",
    "read_proof",
    "write_public",
    "read_public",
    "snarkjs_alpha_beta",
    "CURVE_NAME",
    "PROTOCOL",
    "SNARKJS_GT_EXPONENT",
]

#: ffjavascript's pairing is ours raised to this power (see the module docstring).
SNARKJS_GT_EXPONENT = 2 * U * (6 * U * U + 3 * U + 1)
CURVE_NAME = "bn128"
PROTOCOL = "groth16"
#: Curve names snarkjs's ``getCurveFromName`` maps to BN254.
_CURVE_ALIASES = frozenset({"bn128", "bn254", "alt_bn128"})
_DECIMAL = re.compile(r"(?:0|[1-9][0-9]*)\Z")
#: More digits than any element of F_P or F_R can have (both are < 10^77).
_MAX_DIGITS = 78


# -- encoding ---------------------------------------------------------------------------------


def _g1_json(pt: G1Point) -> list[str]:
    if pt is None:
        return ["0", "1", "0"]
    return [str(int(pt[0])), str(int(pt[1])), "1"]


def _g2_json(pt: G2Point) -> list[list[str]]:
    if pt is None:
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    (x0, x1), (y0, y1) = pt
    return [[str(int(x0)), str(int(x1))], [str(int(y0)), str(int(y1))], ["1", "0"]]


def _gt_json(f: Sequence[int]) -> list[list[list[str]]]:
    s = [str(int(c)) for c in f]
    return [[[s[0], s[1]], [s[2], s[3]], [s[4], s[5]]], [[s[6], s[7]], [s[8], s[9]], [s[10], s[11]]]]


def snarkjs_alpha_beta(vk: VerifyingKey) -> tuple[int, ...]:
    """``vk_alphabeta_12`` as snarkjs computes it: ``e(alpha, beta)^SNARKJS_GT_EXPONENT`` (12 ints)."""
    return tuple(int(c) for c in fp12_cyclotomic_pow(pairing(vk.alpha_g1, vk.beta_g2), SNARKJS_GT_EXPONENT))


def vk_to_json(vk: VerifyingKey) -> dict[str, Any]:
    """The snarkjs ``verification_key.json`` object (``vk_alphabeta_12`` in snarkjs's pairing convention)."""
    return {
        "protocol": PROTOCOL,
        "curve": CURVE_NAME,
        "nPublic": vk.num_public,
        "vk_alpha_1": _g1_json(vk.alpha_g1),
        "vk_beta_2": _g2_json(vk.beta_g2),
        "vk_gamma_2": _g2_json(vk.gamma_g2),
        "vk_delta_2": _g2_json(vk.delta_g2),
        "vk_alphabeta_12": _gt_json(snarkjs_alpha_beta(vk)),
        "IC": [_g1_json(p) for p in vk.ic],
    }


def proof_to_json(proof: Proof) -> dict[str, Any]:
    """The snarkjs ``proof.json`` object."""
    return {
        "pi_a": _g1_json(proof.a),
        "pi_b": _g2_json(proof.b),
        "pi_c": _g1_json(proof.c),
        "protocol": PROTOCOL,
        "curve": CURVE_NAME,
    }


def public_to_json(public_inputs: Sequence[int]) -> list[str]:
    """The snarkjs ``public.json`` list (decimal strings); inputs must be in [0, R)."""
    out: list[str] = []
    for i, x in enumerate(public_inputs):
        if isinstance(x, bool) or not is_int(x):
            raise NonCanonicalScalar(f"public input #{i} is not an integer")
        if not 0 <= x < R:
            raise NonCanonicalScalar(f"public input #{i} is not in [0, R)")
        out.append(str(int(x)))
    return out


# -- decoding ---------------------------------------------------------------------------------


def _decimal(v: Any, what: str) -> int:
    if not isinstance(v, str):
        raise EncodingError(f"{what} must be a decimal string, got {type(v).__name__}")
    if len(v) > _MAX_DIGITS:
        raise EncodingError(f"{what} has more than {_MAX_DIGITS} digits")
    if not _DECIMAL.match(v):
        raise EncodingError(f"{what} is not a canonical decimal string: {v[:80]!r}")
    return int(v)


def _coord(v: Any, what: str) -> int:
    x = _decimal(v, what)
    if x >= P:
        raise NonCanonicalCoordinate(f"{what} is not a canonical base-field element (>= P)")
    return x


def _list(v: Any, n: int, what: str) -> list[Any]:
    if not isinstance(v, list) or len(v) != n:
        raise EncodingError(f"{what} must be a JSON array of length {n}")
    return v


def _g1_from_json(v: Any, what: str, allow_infinity: bool) -> G1Point:
    x, y, z = _list(v, 3, what)
    z = _decimal(z, f"{what}[2]")
    xs = (_coord(x, f"{what}[0]"), _coord(y, f"{what}[1]"))
    if z == 0:
        if xs != (0, 1):
            raise InvalidPointEncoding(f'{what}: infinity must be encoded as ["0", "1", "0"]')
        if not allow_infinity:
            raise InvalidPointEncoding(f"{what} is the point at infinity")
        return None
    if z != 1:
        raise InvalidPointEncoding(f'{what}: expected affine coordinates (z = "1")')
    try:
        pt = g1_from_ints(*xs)
    except InvalidPoint as e:
        raise InvalidPointEncoding(f"{what}: {e}") from None
    if pt is None:  # (0, 0) is the EIP-196 infinity for g1_from_ints, but it is not on the curve
        raise InvalidPointEncoding(f"{what}: (0, 0) is not on the curve")
    return pt


def _g2_from_json(v: Any, what: str, allow_infinity: bool) -> G2Point:
    x, y, z = _list(v, 3, what)
    x = [_coord(c, f"{what}[0][{i}]") for i, c in enumerate(_list(x, 2, f"{what}[0]"))]
    y = [_coord(c, f"{what}[1][{i}]") for i, c in enumerate(_list(y, 2, f"{what}[1]"))]
    z = [_decimal(c, f"{what}[2][{i}]") for i, c in enumerate(_list(z, 2, f"{what}[2]"))]
    if z == [0, 0]:
        if x != [0, 0] or y != [1, 0]:
            raise InvalidPointEncoding(f'{what}: infinity must be [["0","0"],["1","0"],["0","0"]]')
        if not allow_infinity:
            raise InvalidPointEncoding(f"{what} is the point at infinity")
        return None
    if z != [1, 0]:
        raise InvalidPointEncoding(f'{what}: expected affine coordinates (z = ["1", "0"])')
    try:
        pt = g2_from_ints(tuple(x), tuple(y))
    except InvalidPoint as e:
        raise InvalidPointEncoding(f"{what}: {e}") from None
    if pt is None:
        raise InvalidPointEncoding(f"{what}: (0, 0) is not on the twist")
    return pt


def _header(obj: Any, what: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise EncodingError(f"{what} must be a JSON object")
    if obj.get("protocol") != PROTOCOL:
        raise EncodingError(f"{what}: protocol must be {PROTOCOL!r}, got {obj.get('protocol')!r}")
    curve = obj.get("curve")
    if not isinstance(curve, str) or curve.lower() not in _CURVE_ALIASES:
        raise EncodingError(f"{what}: curve must be {CURVE_NAME!r}, got {curve!r}")
    return obj


def _require(obj: dict[str, Any], key: str, what: str) -> Any:
    if key not in obj:
        raise EncodingError(f"{what}: missing field {key!r}")
    return obj[key]


def vk_from_json(obj: Any) -> VerifyingKey:
    """Decode and fully validate a snarkjs verification key (see the module docstring)."""
    what = "verification key"
    _header(obj, what)
    n_public = _require(obj, "nPublic", what)
    if isinstance(n_public, bool) or not isinstance(n_public, int) or n_public < 0:
        raise EncodingError(f"{what}: nPublic must be a non-negative integer")
    ic_json = _require(obj, "IC", what)
    if not isinstance(ic_json, list) or len(ic_json) != n_public + 1:
        raise EncodingError(f"{what}: IC must be an array of nPublic + 1 = {n_public + 1} points")
    vk = VerifyingKey(
        alpha_g1=_g1_from_json(_require(obj, "vk_alpha_1", what), "vk_alpha_1", False),
        beta_g2=_g2_from_json(_require(obj, "vk_beta_2", what), "vk_beta_2", False),
        gamma_g2=_g2_from_json(_require(obj, "vk_gamma_2", what), "vk_gamma_2", False),
        delta_g2=_g2_from_json(_require(obj, "vk_delta_2", what), "vk_delta_2", False),
        ic=tuple(_g1_from_json(p, f"IC[{i}]", True) for i, p in enumerate(ic_json)),
    )
    if "vk_alphabeta_12" in obj:
        ab = obj["vk_alphabeta_12"]
        flat = []
        for i, half in enumerate(_list(ab, 2, "vk_alphabeta_12")):
            for j, pair in enumerate(_list(half, 3, f"vk_alphabeta_12[{i}]")):
                for k, c in enumerate(_list(pair, 2, f"vk_alphabeta_12[{i}][{j}]")):
                    flat.append(_coord(c, f"vk_alphabeta_12[{i}][{j}][{k}]"))
        if not fp12_eq(tuple(flat), snarkjs_alpha_beta(vk)):
            raise EncodingError(f"{what}: vk_alphabeta_12 is not e(vk_alpha_1, vk_beta_2)")
    return vk


def proof_from_json(obj: Any) -> Proof:
    """Decode and fully validate a snarkjs proof (no point may be infinity)."""
    what = "proof"
    _header(obj, what)
    return Proof(
        a=_g1_from_json(_require(obj, "pi_a", what), "pi_a", False),
        b=_g2_from_json(_require(obj, "pi_b", what), "pi_b", False),
        c=_g1_from_json(_require(obj, "pi_c", what), "pi_c", False),
    )


def public_from_json(obj: Any) -> list[int]:
    """Decode ``public.json``: a list of decimal strings, each in [0, R)."""
    if not isinstance(obj, list):
        raise EncodingError("public inputs must be a JSON array")
    out: list[int] = []
    for i, v in enumerate(obj):
        x = _decimal(v, f"public input #{i}")
        if x >= R:
            raise NonCanonicalScalar(f"public input #{i} is not a canonical scalar (>= R)")
        out.append(x)
    return out


# -- files ------------------------------------------------------------------------------------


def _write(path: str | os.PathLike[str], obj: Any) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def _read(path: str | os.PathLike[str]) -> Any:
    with open(path, "rb") as f:
        data = f.read()
    try:
        return strict_json.loads(data)
    except ValueError as e:  # JSONDecodeError, UnicodeDecodeError, too deep
        raise EncodingError(f"{os.fspath(path)}: not valid JSON UTF-8 text ({e})") from None


def write_verification_key(path: str | os.PathLike[str], vk: VerifyingKey) -> None:
    _write(path, vk_to_json(vk))


def read_verification_key(path: str | os.PathLike[str]) -> VerifyingKey:
    return vk_from_json(_read(path))


def write_proof(path: str | os.PathLike[str], proof: Proof) -> None:
    _write(path, proof_to_json(proof))


def read_proof(path: str | os.PathLike[str]) -> Proof:
    return proof_from_json(_read(path))


def write_public(path: str | os.PathLike[str], public_inputs: Sequence[int]) -> None:
    _write(path, public_to_json(public_inputs))


def read_public(path: str | os.PathLike[str]) -> list[int]:
    return public_from_json(_read(path))
