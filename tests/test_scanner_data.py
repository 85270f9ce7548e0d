"""Shipped scanner data: weights (consistency/data/scanner_weights_*.json) and images (consistency/data/*.png).

Expected facts come from outside the code under test: the shape contract of the parameter sets,
W_MAX = 7, the data set's labels (the *_banned images are digit 7, the *_benign ones are not),
scores recomputed in plain Python from the raw JSON and Pillow's pixels, and Pillow's own
float bilinear resize as an independent upscaler.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
SCANNER_DIR = REPO / "examples" / "scanner"
DATA_DIR = REPO / "consistency" / "data"

# The parameter-set contract: (H, W, C), pixels row-major HWC.
SHAPES = {"toy": (8, 8, 1), "default": (28, 28, 1), "rgb32": (32, 32, 3)}
W_MAX = 7
BIAS_MAX = 2**20
# Worst-case |score| = 255 * 7 * n + |bias| must stay below these (BFV plaintext headroom).
SCORE_LIMIT_LOG2 = {"toy": 21, "default": 23, "rgb32": 25}


def _load_model_module():
    spec = importlib.util.spec_from_file_location("scanner_model", SCANNER_DIR / "model.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("scanner_model", module)
    spec.loader.exec_module(module)
    return module


model = _load_model_module()
NAMES = sorted(SHAPES)
KINDS = ("banned", "benign")


def _raw(name: str) -> dict:
    return json.loads((DATA_DIR / f"scanner_weights_{name}.json").read_text())


def _pixels(name: str, kind: str) -> np.ndarray:
    with Image.open(DATA_DIR / f"{name}_{kind}.png") as img:
        img.load()
        return np.asarray(img)


def _plain_score(raw: dict, pixels: np.ndarray) -> int:
    """sum_i w_i x_i + b with Python ints, x in row-major HWC order."""
    flat = [int(v) for v in pixels.reshape(-1).tolist()]
    assert len(flat) == len(raw["weights"])
    return sum(w * x for w, x in zip(raw["weights"], flat)) + raw["bias"]


# --- weights files ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_weights_file_contract(name):
    raw = _raw(name)
    h, w, c = SHAPES[name]
    assert raw["shape"] == [h, w, c]
    assert raw["w_max"] == W_MAX and raw["threshold"] == 0
    assert len(raw["weights"]) == h * w * c
    assert all(type(v) is int and -W_MAX <= v <= W_MAX for v in raw["weights"])
    assert type(raw["bias"]) is int and abs(raw["bias"]) <= BIAS_MAX
    assert isinstance(raw["accuracy"], float) and 0.95 <= raw["accuracy"] <= 1.0
    assert "load_digits" in raw["trained_on"] and raw["source"] == "examples/scanner/train.py"
    # Not a degenerate model: both signs occur.
    assert any(v > 0 for v in raw["weights"]) and any(v < 0 for v in raw["weights"])

    scanner = model.load_weights(name)
    assert scanner.shape == (h, w, c)
    assert scanner.weights.tolist() == raw["weights"] and scanner.bias == raw["bias"]


@pytest.mark.parametrize("name", NAMES)
def test_worst_case_score_bound(name):
    """255 * 7 * n + |b| with |b| <= 2^20: toy 114,240 + |b| < 2^21, default 1,399,440 + |b| < 2^23,
    rgb32 5,483,520 + |b| < 2^25 (each holds for any allowed bias)."""
    raw = _raw(name)
    n = len(raw["weights"])
    bound = 255 * W_MAX * n + abs(raw["bias"])
    assert bound < 2 ** SCORE_LIMIT_LOG2[name]
    assert 255 * W_MAX * n + BIAS_MAX < 2 ** SCORE_LIMIT_LOG2[name]
    scanner = model.load_weights(name)
    assert scanner.score_bound() == bound

    # The exact maximum |score| is reached by an extreme image: 255 where w > 0 (resp. w < 0), else 0.
    w = np.array(raw["weights"])
    hi = np.where(w > 0, 255, 0).astype(np.uint8)
    lo = np.where(w < 0, 255, 0).astype(np.uint8)
    worst = max(abs(_plain_score(raw, hi)), abs(_plain_score(raw, lo)))
    assert scanner.tight_score_bound() == worst <= bound


# --- shipped images --------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", KINDS)
def test_image_format(name, kind):
    h, w, c = SHAPES[name]
    with Image.open(DATA_DIR / f"{name}_{kind}.png") as img:
        assert img.format == "PNG"
        assert img.mode == ("L" if c == 1 else "RGB")
        assert img.size == (w, h)
    px = _pixels(name, kind)
    assert px.dtype == np.uint8
    assert px.shape == ((h, w) if c == 1 else (h, w, c))
    assert px.max() > 128 and px.min() == 0  # a visible digit on a black background


@pytest.mark.parametrize("name", NAMES)
def test_model_flags_banned_not_benign(name):
    raw = _raw(name)
    scanner = model.load_weights(name)
    banned, benign = _pixels(name, "banned"), _pixels(name, "benign")
    assert _plain_score(raw, banned) > 0
    assert _plain_score(raw, benign) <= 0
    assert scanner.score(banned) == _plain_score(raw, banned)
    assert scanner.score(benign) == _plain_score(raw, benign)
    assert scanner.is_banned(banned) and not scanner.is_banned(benign)


@pytest.mark.parametrize("kind", KINDS)
def test_images_share_one_source_digit(kind):
    """The toy image is round(v * 255 / 16) of a digits image v; the others are its upscalings."""
    toy = _pixels("toy", kind).astype(np.int64)
    v = (toy * 16 + 127) // 255  # inverse of round(v * 255 / 16): the steps are 15.9 apart
    assert ((v * 255 * 2 + 16) // 32 == toy).all()
    for name in ("default", "rgb32"):
        expected = model.upscale(v, SHAPES[name])
        assert np.array_equal(expected.reshape(_pixels(name, kind).shape), _pixels(name, kind))


def test_rgb_channels_differ():
    px = _pixels("rgb32", "banned").astype(int)
    assert (px[..., 0] >= px[..., 1]).all() and (px[..., 1] >= px[..., 2]).all()
    assert (px[..., 0] > px[..., 2]).any()


# --- upscale against an independent implementation ------------------------------------------

@settings(max_examples=25, deadline=None)
@given(img=arrays(np.int64, (8, 8), elements=st.integers(0, 16)), name=st.sampled_from(NAMES))
def test_upscale_matches_pillow_bilinear(img, name):
    h, w, c = SHAPES[name]
    out = model.upscale(img, (h, w, c))
    assert out.dtype == np.uint8 and out.shape == (h, w, c)
    ref = Image.fromarray((img * 255 / 16).astype(np.float32), "F").resize((w, h), Image.BILINEAR)
    ref = np.asarray(ref, dtype=np.float64)
    tint = [t / 16 for t in model.TINT] if c == 3 else [1.0]
    for ch in range(c):
        assert np.abs(out[:, :, ch] - ref * tint[ch]).max() <= 0.5 + 1e-3


def test_upscale_toy_is_value_scaling():
    img = np.arange(64).reshape(8, 8) % 17
    expected = np.array([[int(v * 255 / 16 + 0.5) for v in row] for row in img.tolist()])
    assert model.upscale(img, (8, 8, 1))[:, :, 0].tolist() == expected.tolist()


# --- bad input --------------------------------------------------------------------------------

def test_rejects_bad_pixels():
    scanner = model.load_weights("default")
    with pytest.raises(model.ScannerModelError, match="uint8"):
        scanner.score(np.zeros((28, 28), dtype=np.int64))
    with pytest.raises(model.ScannerModelError, match="shape"):
        scanner.score(np.zeros((28, 27), dtype=np.uint8))
    with pytest.raises(model.ScannerModelError, match="shape"):
        model.load_weights("rgb32").score(np.zeros((32, 32), dtype=np.uint8))
    assert scanner.score(np.zeros(784, dtype=np.uint8)) == scanner.bias


def test_rejects_bad_upscale_input():
    with pytest.raises(model.ScannerModelError, match="0..16"):
        model.upscale(np.full((8, 8), 17), (28, 28, 1))
    with pytest.raises(model.ScannerModelError, match="8x8"):
        model.upscale(np.zeros((8, 7), dtype=np.int64), (28, 28, 1))
    with pytest.raises(model.ScannerModelError, match="shape"):
        model.upscale(np.zeros((8, 8), dtype=np.int64), (16, 16, 1))


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["weights"].__setitem__(0, 8), r"\[-7, 7\]"),
        (lambda d: d["weights"].__setitem__(0, 1.5), "ints"),
        (lambda d: d["weights"].pop(), "expected 64 weights"),
        (lambda d: d.__setitem__("bias", 2**20 + 1), "bias"),
        (lambda d: d.__setitem__("w_max", 8), "w_max"),
        (lambda d: d.__setitem__("threshold", 5), "threshold"),
        (lambda d: d.__setitem__("shape", [8, 8]), "shape"),
        (lambda d: d.__setitem__("extra", 1), "keys"),
        (lambda d: d.pop("accuracy"), "keys"),
    ],
)
def test_rejects_bad_weights_file(tmp_path, change, message):
    data = _raw("toy")
    change(data)
    path = tmp_path / "w.json"
    path.write_text(json.dumps(data))
    with pytest.raises(model.ScannerModelError, match=message):
        model.load_weights(path)
    assert issubclass(model.ScannerModelError, ValueError)
