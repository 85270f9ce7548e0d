"""Image files: only 8-bit L and RGB of the parameter set's size, checked before decoding."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from consistency.image import ImageError, image_bytes
from consistency.params import get_parameter_set

TOY = get_parameter_set("toy", allow_insecure=True)  # 8x8x1


def _save(tmp_path, name, arr, mode=None):
    p = tmp_path / name
    Image.fromarray(arr, mode=mode).save(p)
    return p


def test_the_accepted_file_gives_exactly_its_pixels(tmp_path):
    arr = np.arange(64, dtype=np.uint8).reshape(8, 8) * 3
    p = _save(tmp_path, "ok.png", arr)
    assert image_bytes(p, TOY) == arr.tobytes()


@pytest.mark.parametrize(
    "make, mode",
    [
        (lambda: Image.fromarray(np.arange(64, dtype=np.uint16).reshape(8, 8) * 1000), "I;16"),
        (lambda: Image.fromarray(np.full((8, 8), 0.5, dtype=np.float32), mode="F"), "F"),
        (lambda: Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).convert("P"), "P"),
        (lambda: Image.fromarray(np.zeros((8, 8, 4), dtype=np.uint8), mode="RGBA"), "RGBA"),
        (lambda: Image.fromarray(np.zeros((8, 8, 2), dtype=np.uint8), mode="LA"), "LA"),
    ],
)
def test_other_modes_are_refused_not_converted(tmp_path, make, mode):
    """A 16-bit image used to be clipped to 8 bits: the proof was about another image."""
    p = tmp_path / ("x.png" if mode in ("I;16", "P", "RGBA", "LA") else "x.tiff")
    make().save(p)
    with pytest.raises(ImageError, match=f"mode '{mode}'"):
        image_bytes(p, TOY)


def test_size_and_channels_are_checked_from_the_header(tmp_path):
    p = _save(tmp_path, "big.png", np.zeros((9, 8), dtype=np.uint8))
    with pytest.raises(ImageError, match="9|takes 8x8"):
        image_bytes(p, TOY)
    rgb = _save(tmp_path, "rgb.png", np.zeros((8, 8, 3), dtype=np.uint8))
    with pytest.raises(ImageError, match="channel"):
        image_bytes(rgb, TOY)


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path, monkeypatch):
    """A huge canvas compresses to a few KB; its header alone refuses it, nothing is expanded."""
    p = tmp_path / "bomb.png"
    Image.new("L", (12000, 12000)).save(p)  # 144 Mpixel: above Pillow's warning limit, below its error
    assert p.stat().st_size < 1_000_000
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self, *a, **k: decoded.append(1))
    with pytest.warns(Image.DecompressionBombWarning):
        with pytest.raises(ImageError, match="12000x12000"):
            image_bytes(p, TOY)
    assert not decoded
    monkeypatch.undo()
    huge = tmp_path / "huge.png"
    Image.new("L", (20000, 20000)).save(huge)  # Pillow's own limit: an error at open, turned into ImageError
    with pytest.raises(ImageError, match="decompression bomb"):
        image_bytes(huge, TOY)


def test_not_an_image(tmp_path):
    p = tmp_path / "x.png"
    p.write_bytes(b"not an image")
    with pytest.raises(ImageError, match="cannot read"):
        image_bytes(p, TOY)
