"""Images in and out: numpy uint8 arrays (H, W, C) or image files (PNG via Pillow)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .errors import ConsistencyError
from .params import ParameterSet

__all__ = ["ImageError", "load_image", "image_bytes", "bytes_to_image", "save_png"]


class ImageError(ConsistencyError):
    """The image has the wrong type, dtype or shape for the parameter set."""


def load_image(path: str | os.PathLike) -> np.ndarray:
    """Read an image file as uint8 (H, W, C); grayscale files give C = 1."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(Path(path)) as im:
            im.load()
            if im.mode not in ("L", "RGB"):
                im = im.convert("RGB" if im.mode in ("RGBA", "P", "CMYK") else "L")
            arr = np.asarray(im, dtype=np.uint8)
    except (OSError, UnidentifiedImageError) as exc:
        raise ImageError(f"cannot read image {path}: {exc}") from None
    return arr[:, :, None] if arr.ndim == 2 else arr


def image_bytes(image: np.ndarray | str | os.PathLike, params: ParameterSet) -> bytes:
    """Row-major HWC bytes of ``image`` after checking dtype and shape against ``params``."""
    if isinstance(image, (str, os.PathLike)):
        image = load_image(image)
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
    return np.frombuffer(data, dtype=np.uint8).reshape(params.shape).copy()


def save_png(image: np.ndarray, path: str | os.PathLike) -> None:
    from PIL import Image

    arr = image[:, :, 0] if image.shape[2] == 1 else image
    Image.fromarray(arr, mode="L" if arr.ndim == 2 else "RGB").save(Path(path), format="PNG")
