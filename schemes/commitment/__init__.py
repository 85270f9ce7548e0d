"""Poseidon commitment to a vector of field elements (see ``specs/commitment.md``).

    Commit(v_1..v_n; rho) = PoseidonSponge([rho, v_1, ..., v_n], domain = COMMIT_DOMAIN)

with the width-17 sponge of :mod:`schemes.poseidon.sponge` (initial capacity
``COMMIT_DOMAIN + (n + 1) * 2^64``). An image is committed through its packing:
``commit_image(x, rho) = Commit(pack(x); rho)``.

- Hiding: for ``rho`` uniform in ``[0, R)`` and Poseidon modelled as a random permutation,
  ``C`` is (statistically close to) uniform and independent of the values.
- Binding: an opening to two different value vectors of the same length is a sponge
  collision; different lengths start from different capacities (the length is in the IV).

The in-circuit side lives in :mod:`schemes.commitment.gadget`.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence

from ..bn254.fields import R
from ..errors import SchemesError
from ..packing import pack
from ..poseidon import poseidon_sponge
from ..poseidon.field import canonical

__all__ = [
    "COMMIT_DOMAIN",
    "COMMIT_DOMAIN_TAG",
    "InvalidOpening",
    "commit",
    "commit_image",
    "random_salt",
    "verify_opening",
    "verify_image_opening",
]

#: ASCII tag of the commitment's sponge domain.
COMMIT_DOMAIN_TAG = b"GRC/CMT1"
#: The tag read as a 64-bit big-endian integer: 0x4752432F434D5431.
COMMIT_DOMAIN = int.from_bytes(COMMIT_DOMAIN_TAG, "big")

_R = int(R)


class InvalidOpening(SchemesError, ValueError):
    """``(values, rho)`` is not an opening of the commitment."""


def commit(values: Sequence[int], rho: int) -> int:
    """``PoseidonSponge([rho] + values, COMMIT_DOMAIN)``; all inputs canonical (in ``[0, R)``).

    Raises :class:`~schemes.poseidon.InvalidFieldElement` (a ``ValueError``) for a
    non-canonical input and ``TypeError`` for a non-integer; nothing is reduced mod R.
    """
    salt = canonical(rho, "rho")
    if isinstance(values, (str, bytes, bytearray)):
        raise TypeError("values must be a sequence of field elements; use commit_image for bytes")
    elements = [canonical(v, f"value[{i}]") for i, v in enumerate(values)]
    return int(poseidon_sponge([salt] + elements, COMMIT_DOMAIN))


def commit_image(pixels: bytes | bytearray, rho: int) -> int:
    """``commit(pack(pixels), rho)``: the commitment to an image's bytes (row-major HWC).

    The byte length is not committed: it is fixed by the shape (see specs/commitment.md).
    """
    return commit(pack(pixels), rho)


def random_salt() -> int:
    """A uniform element of ``[0, R)`` from :mod:`secrets`, by rejection (no modulo bias).

    Draws 254-bit integers until one is below R (each is accepted w.p. R / 2^254 > 0.75).
    """
    bits = _R.bit_length()
    while True:
        candidate = secrets.randbits(bits)
        if candidate < _R:
            return candidate


def verify_opening(commitment: int, values: Sequence[int], rho: int) -> None:
    """Raise :class:`InvalidOpening` unless ``commit(values, rho) == commitment``.

    A non-integer or non-canonical ``commitment``, value or ``rho`` is rejected the same way
    (never reduced mod R).
    """
    try:
        c = canonical(commitment, "commitment")
        recomputed = commit(values, rho)
    except (TypeError, ValueError) as exc:
        raise InvalidOpening(f"malformed opening: {exc}") from exc
    # Commitments are public; the constant-time comparison is only hygiene.
    if not hmac.compare_digest(recomputed.to_bytes(32, "big"), c.to_bytes(32, "big")):
        raise InvalidOpening("the opening does not match the commitment")


def verify_image_opening(commitment: int, pixels: bytes | bytearray, rho: int, length: int) -> None:
    """:func:`verify_opening` for an image of the expected byte ``length`` (``H * W * C``).

    Raises :class:`InvalidOpening` on a length mismatch (``pack`` does not encode the
    length, so the shape must be checked here) or a commitment mismatch.
    """
    if not isinstance(pixels, (bytes, bytearray)):
        raise InvalidOpening(f"pixels must be bytes, not {type(pixels).__name__}")
    if len(pixels) != length:
        raise InvalidOpening(f"the image has {len(pixels)} bytes, the shape needs {length}")
    verify_opening(commitment, pack(pixels), rho)
