"""The recipient: derive the key, decrypt with the tag check, unpack, re-check the commitment.

The returned :class:`Opening` ``(image, rho)`` is also an abuse-report opening of ``C`` (in
the style of message franking): anyone holding ``C`` can check it with :func:`check_opening`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schemes.commitment import commit
from schemes.key_agreement import RecipientSecretKey, recipient_derive
from schemes.packing import PackingError, pack, unpack
from schemes.poseidon_cipher import decrypt

from .errors import OpeningError, UnknownParameterSet
from .image import bytes_to_image, image_bytes
from .params import ParameterSet, get_parameter_set
from .payload import ForwardPayload

__all__ = ["Opening", "open_payload", "check_opening"]


@dataclass(frozen=True)
class Opening:
    """The image (uint8, H x W x C) and the commitment salt ``rho``; ``C = Commit(pack(x); rho)``."""

    image: np.ndarray
    rho: int
    C: int


def open_payload(
    payload: ForwardPayload, recipient_secret: RecipientSecretKey | bytes, params: ParameterSet | None = None
) -> Opening:
    """Decrypt and check a forwarded message. Raises :class:`OpeningError` with the reason.

    ``params`` defaults to the set the payload carries (a decoded or admitted payload carries
    it), else the secure set it names."""
    if params is None:
        try:
            params = payload.params if payload.params is not None else get_parameter_set(payload.params_id)
        except UnknownParameterSet as exc:
            raise OpeningError(str(exc)) from None
    if payload.params_id != params.name:
        raise OpeningError(f"payload is for parameter set {payload.params_id!r}, not {params.name!r}")
    try:
        key = recipient_derive(recipient_secret, payload.eph_pub)
        plain = decrypt(list(payload.ct_msg), key, payload.nonce, params.plaintext_len)
    except (ValueError, TypeError) as exc:  # TypeError: a payload field of the wrong type
        raise OpeningError(f"decryption failed: {exc}") from None
    rho, packed = plain[0], plain[1:]
    try:
        pixels = unpack(packed, params.num_pixels)
    except PackingError as exc:
        raise OpeningError(f"the plaintext is not an image of this shape: {exc}") from None
    if commit(packed, rho) != payload.C:
        raise OpeningError("the decrypted image does not open the commitment C")
    return Opening(bytes_to_image(pixels, params), rho, payload.C)


def check_opening(C: int, image: np.ndarray, rho: int, params: ParameterSet) -> None:
    """Abuse report: raise :class:`OpeningError` unless ``(image, rho)`` opens ``C``."""
    try:
        ok = commit(pack(image_bytes(image, params)), rho) == C
    except ValueError as exc:
        raise OpeningError(f"not an opening: {exc}") from None
    if not ok:
        raise OpeningError("(image, rho) does not open C")
