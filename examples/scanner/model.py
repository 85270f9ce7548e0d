"""Quantized linear scanner: the plaintext reference model (numpy only).

The scanner's verdict on an image x (uint8 pixels, row-major HWC, flattened) is

    score(x) = sum_i w_i * x_i + bias        (exact integer arithmetic)
    banned   <=> score(x) > threshold        (threshold == 0: the decision point is folded into bias)

with integer weights |w_i| <= W_MAX = 7. The homomorphic scanner computes the same sum on a BFV
ciphertext whose coefficient i encodes x_i, so the model must fit the noise budget of its
parameter set (specs/bfv.md section 8): ``||w||_1 <= weight_l1_max`` and ``|bias| <= bias_max``
(:func:`budget`), which keeps ``|score| <= 255 ||w||_1 + |bias|`` (``score_bound``) below t/2.

This module also holds the deterministic 8x8 -> HxWxC upscaling used to build the training data
and the shipped images (``upscale``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "W_MAX",
    "budget",
    "SHAPES",
    "TINT",
    "ScannerModelError",
    "LinearScanner",
    "load_weights",
    "weights_path",
    "upscale",
]

W_MAX = 7
"""Largest allowed |weight|: a fixed contract with the BFV noise budget."""

SHAPES: dict[str, tuple[int, int, int]] = {
    "toy": (8, 8, 1),
    "default": (28, 28, 1),
    "rgb32": (32, 32, 3),
}
"""Image shape (H, W, C) of each parameter set."""

TINT: tuple[int, int, int] = (16, 13, 10)
"""Per-channel ink intensity in sixteenths used when replicating a digit into RGB (an amber ink)."""

_DIGITS_MAX = 16  # pixel range of the 8x8 digits data set: 0..16
_JSON_KEYS = frozenset({"shape", "weights", "bias", "w_max", "threshold", "accuracy", "trained_on", "source"})


class ScannerModelError(ValueError):
    """Malformed weights file or an input that does not fit the model."""


def budget(shape: tuple[int, int, int]) -> tuple[int, int]:
    """``(weight_l1_max, bias_max)`` of the parameter set with this image shape: the largest
    ``||w||_1`` and ``|bias|`` its BFV noise budget admits (specs/bfv.md section 8)."""
    from consistency.params import get_parameter_set

    name = next((n for n, s in SHAPES.items() if s == tuple(shape)), None)
    if name is None:
        raise ScannerModelError(f"unsupported shape {shape!r}; expected one of {sorted(SHAPES.values())}")
    bfv = get_parameter_set(name, allow_insecure=True).bfv
    return bfv.weight_l1_max, bfv.bias_max


def weights_path(name: str) -> Path:
    """Path of the shipped weights file for parameter set ``name`` (toy, default, rgb32)."""
    if name not in SHAPES:
        raise ScannerModelError(f"unknown parameter set {name!r}; expected one of {sorted(SHAPES)}")
    return Path(__file__).resolve().parents[2] / "consistency" / "data" / f"scanner_weights_{name}.json"


@dataclass(frozen=True, eq=False)
class LinearScanner:
    """An integer linear classifier over uint8 images of shape (H, W, C)."""

    shape: tuple[int, int, int]
    weights: np.ndarray  # int64, length H*W*C, HWC order, read-only
    bias: int
    threshold: int = 0
    accuracy: float | None = None
    trained_on: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        shape = tuple(self.shape)
        if len(shape) != 3 or not all(_is_int(d) and d > 0 for d in shape):
            raise ScannerModelError(f"shape must be three positive ints (H, W, C), got {self.shape!r}")
        w = np.asarray(self.weights)
        if w.ndim != 1 or w.size != shape[0] * shape[1] * shape[2]:
            raise ScannerModelError(
                f"expected {shape[0] * shape[1] * shape[2]} weights for shape {shape}, got array of shape {w.shape}"
            )
        if w.dtype.kind not in "iu":
            raise ScannerModelError(f"weights must be integers, got dtype {w.dtype}")
        magnitudes = np.abs(w.astype(np.int64))
        if w.size and int(magnitudes.max()) > W_MAX:
            raise ScannerModelError(f"weights must lie in [-{W_MAX}, {W_MAX}]")
        l1_max, bias_max = budget(shape)
        if int(magnitudes.sum()) > l1_max:
            raise ScannerModelError(f"||w||_1 must be at most {l1_max} (the BFV noise budget for shape {shape})")
        if not _is_int(self.bias) or abs(int(self.bias)) > bias_max:
            raise ScannerModelError(
                f"bias must be an int with |bias| <= {bias_max} (the BFV noise budget), got {self.bias!r}"
            )
        if not _is_int(self.threshold) or int(self.threshold) != 0:
            raise ScannerModelError(f"threshold must be 0 (folded into the bias), got {self.threshold!r}")
        w = w.astype(np.int64)
        w.setflags(write=False)
        object.__setattr__(self, "shape", tuple(int(d) for d in shape))
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "bias", int(self.bias))
        object.__setattr__(self, "threshold", int(self.threshold))

    @property
    def num_pixels(self) -> int:
        """Number of input values n = H * W * C."""
        return int(self.weights.size)

    def flatten(self, pixels: np.ndarray) -> np.ndarray:
        """Check ``pixels`` (uint8; shape (H, W, C), (H, W) when C == 1, or flat (n,)) and return it flat (HWC)."""
        x = np.asarray(pixels)
        if x.dtype != np.uint8:
            raise ScannerModelError(f"pixels must have dtype uint8, got {x.dtype}")
        h, w, c = self.shape
        allowed = {(h, w, c), (h * w * c,)}
        if c == 1:
            allowed.add((h, w))
        if x.shape not in allowed:
            raise ScannerModelError(f"pixels of shape {x.shape} do not fit model shape {self.shape}")
        return x.reshape(-1)

    def score(self, pixels: np.ndarray) -> int:
        """Exact integer score sum_i w_i x_i + bias (|score| <= score_bound() < 2^63)."""
        x = self.flatten(pixels).astype(np.int64)
        return int(np.dot(self.weights, x)) + self.bias

    def is_banned(self, pixels: np.ndarray) -> bool:
        """Verdict: score > threshold."""
        return self.score(pixels) > self.threshold

    def score_bound(self) -> int:
        """Bound on |score| over all uint8 images: 255 * ||w||_1 + |bias| (< t/2 by the budget)."""
        return 255 * int(np.abs(self.weights).sum()) + abs(self.bias)

    def tight_score_bound(self) -> int:
        """Exact max |score| over all uint8 images: max(255*sum(w>0) + b, 255*sum(|w<0|) - b)."""
        pos = int(self.weights[self.weights > 0].sum())
        neg = -int(self.weights[self.weights < 0].sum())
        return max(255 * pos + self.bias, 255 * neg - self.bias)

    def to_json(self) -> dict:
        """The weights-file dictionary (see ``load_weights``)."""
        return {
            "shape": list(self.shape),
            "weights": [int(v) for v in self.weights],
            "bias": self.bias,
            "w_max": W_MAX,
            "threshold": self.threshold,
            "accuracy": self.accuracy,
            "trained_on": self.trained_on,
            "source": self.source,
        }


def load_weights(path_or_name: str | Path) -> LinearScanner:
    """Load a weights file, given its path or a parameter-set name (toy, default, rgb32).

    The file is a JSON object with exactly the keys shape [H, W, C], weights (ints, HWC order),
    bias (int), w_max (== 7), threshold (== 0), accuracy (float), trained_on, source (strings).
    """
    if isinstance(path_or_name, str) and path_or_name in SHAPES:
        path = weights_path(path_or_name)
    else:
        path = Path(path_or_name)
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ScannerModelError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or set(data) != _JSON_KEYS:
        got = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise ScannerModelError(f"{path}: expected keys {sorted(_JSON_KEYS)}, got {got}")
    if not _is_int(data["w_max"]) or data["w_max"] != W_MAX:
        raise ScannerModelError(f"{path}: w_max must be {W_MAX}, got {data['w_max']!r}")
    weights = data["weights"]
    if not isinstance(weights, list) or not all(_is_int(v) for v in weights):
        raise ScannerModelError(f"{path}: weights must be a list of ints")
    shape = data["shape"]
    if not isinstance(shape, list):
        raise ScannerModelError(f"{path}: shape must be a list [H, W, C]")
    accuracy = data["accuracy"]
    if not isinstance(accuracy, (int, float)) or isinstance(accuracy, bool) or not 0 <= accuracy <= 1:
        raise ScannerModelError(f"{path}: accuracy must be a number in [0, 1], got {accuracy!r}")
    for key in ("trained_on", "source"):
        if not isinstance(data[key], str):
            raise ScannerModelError(f"{path}: {key} must be a string")
    return LinearScanner(
        shape=tuple(shape),
        weights=np.array(weights, dtype=np.int64),
        bias=data["bias"],
        threshold=data["threshold"],
        accuracy=float(accuracy),
        trained_on=data["trained_on"],
        source=data["source"],
    )


def _is_int(v: object) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _axis_taps(n_out: int, n_in: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bilinear taps along one axis, as exact integers over the denominator 2 * n_out.

    Output sample i sits at input coordinate s = (i + 1/2) * n_in / n_out - 1/2 (pixel centres
    aligned), clamped to [0, n_in - 1]. Returns (i0, i1, w0, w1) with w0 + w1 == 2 * n_out and
    value = (w0 * v[i0] + w1 * v[i1]) / (2 * n_out).
    """
    den = 2 * n_out
    num = (2 * np.arange(n_out, dtype=np.int64) + 1) * n_in - n_out  # s = num / den
    num = np.clip(num, 0, (n_in - 1) * den)
    i0 = num // den
    frac = num - i0 * den
    i1 = np.minimum(i0 + 1, n_in - 1)
    return i0, i1, den - frac, frac


def upscale(img8x8: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """Bilinear upscaling of a digits-data-set image (values 0..16) to uint8 of shape (H, W, C).

    out[y, x, c] = round(bilinear(img)(y, x) * 255/16 * TINT[c]/16) for C == 3, and without the tint
    for C == 1; computed exactly in integers, ties rounded up. With (H, W) == (8, 8) the sampling is
    the identity, so the toy image is round(img * 255 / 16).
    """
    img = np.asarray(img8x8)
    if img.shape != (8, 8):
        raise ScannerModelError(f"expected an 8x8 image, got shape {img.shape}")
    if img.dtype.kind not in "iu":
        raise ScannerModelError(f"expected integer pixel values 0..16, got dtype {img.dtype}")
    img = img.astype(np.int64)
    if img.min() < 0 or img.max() > _DIGITS_MAX:
        raise ScannerModelError("expected pixel values in 0..16 (the digits data set range)")
    if tuple(shape) not in SHAPES.values():
        raise ScannerModelError(f"unsupported shape {shape!r}; expected one of {sorted(SHAPES.values())}")
    h, w, c = (int(d) for d in shape)
    y0, y1, wy0, wy1 = _axis_taps(h, 8)
    x0, x1, wx0, wx1 = _axis_taps(w, 8)
    rows = wy0[:, None] * img[y0, :] + wy1[:, None] * img[y1, :]  # (h, 8), scale 2h
    num = rows[:, x0] * wx0[None, :] + rows[:, x1] * wx1[None, :]  # (h, w), scale 4hw
    tint = np.array(TINT, dtype=np.int64) if c == 3 else np.array([_DIGITS_MAX], dtype=np.int64)
    num = num[:, :, None] * tint[None, None, :] * 255  # value = num / den
    den = (2 * h) * (2 * w) * _DIGITS_MAX * _DIGITS_MAX
    out = (2 * num + den) // (2 * den)  # round half up
    return out.astype(np.uint8)
