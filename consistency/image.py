"""Images in and out: numpy uint8 arrays (H, W, C) or image files (via Pillow).

Accepted files (specs/consistency.md, "Images"): any format Pillow reads, in mode ``L`` (8-bit
grayscale, C = 1) or ``RGB`` (8-bit, C = 3). Every other mode is refused with its name, never
converted: 16-bit and floating-point modes would be clipped or rounded (the proof would then be
about another image than the one the user meant), palette and alpha modes have no single
specified conversion. The header's size is checked against the parameter set before any pixel
is decoded, so an oversized file (a decompression bomb) is refused without being expanded.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .errors import ConsistencyError
from .params import ParameterSet

__all__ = ["ImageError", "load_image", "image_bytes", "bytes_to_image", "save_png"]


class ImageError(ConsistencyError, ValueError):
    """The image has the wrong type, dtype or shape for the parameter set."""


#: The accepted file modes and their channel counts.
ACCEPTED_MODES = {"L": 1, "RGB": 3}


def load_image(path: str | os.PathLike[str], params: ParameterSet | None = None) -> np.ndarray:
    """Read an 8-bit ``L`` or ``RGB`` image file as uint8 (H, W, C); grayscale gives C = 1.

    With ``params``, the size and the mode are checked against its shape from the header,
    before the pixels are decoded. Raises :class:`ImageError` for anything else.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(Path(path)) as im:
            if im.mode not in ACCEPTED_MODES:
                raise ImageError(
                    f"image {path} has mode {im.mode!r}; only 8-bit 'L' (grayscale) and 'RGB' "
                    "are accepted (convert it explicitly, e.g. to 8-bit grayscale)"
                )
            if params is not None:
                h, w, c = params.shape
                if im.size != (w, h) or ACCEPTED_MODES[im.mode] != c:
                    raise ImageError(
                        f"image {path} is {im.size[0]}x{im.size[1]} {im.mode}; parameter set "
                        f"{params.name} takes {w}x{h} with {c} channel(s)"
                    )
            im.load()
            arr = np.asarray(im, dtype=np.uint8)
    except ImageError:
        raise
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError) as exc:
        raise ImageError(f"cannot read image {path}: {exc}") from None
    return arr[:, :, None] if arr.ndim == 2 else arr


def image_bytes(image: np.ndarray | str | os.PathLike[str], params: ParameterSet) -> bytes:
    """Row-major HWC bytes of ``image`` after checking dtype and shape against ``params``."""
    if isinstance(image, (str, os.PathLike)):
        image = load_image(image, params)
    if not isinstance(image, np.ndarray):
        raise ImageError("an image is a numpy uint8 array or a path to an image file")
    if image.dtype != np.uint8:
        raise ImageError(f"image dtype must be uint8, got {image.dtype}")
    h, w, c = params.shape
    if image.ndim == 2 and c == 1:
        image = image[:, :, None]
    if image.shape != (h, w, c):
        raise ImageError(f"image shape {image.shape} does not match parameter set {params.name} ({h}, {w}, {c})")
    return np.ascontiguousarray(image).tobytes()


def bytes_to_image(data: bytes, params: ParameterSet) -> np.ndarray:
    """Inverse of :func:`image_bytes`."""
    image: np.ndarray = np.frombuffer(data, dtype=np.uint8).reshape(params.shape).copy()
    return image


def save_png(image: np.ndarray, path: str | os.PathLike[str]) -> None:
    from PIL import Image

    arr = image[:, :, 0] if image.shape[2] == 1 else image
    Image.fromarray(arr, mode="L" if arr.ndim == 2 else "RGB").save(Path(path), format="PNG")
