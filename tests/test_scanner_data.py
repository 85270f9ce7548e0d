"""Shipped scanner data: weights (consistency/data/scanner_weights_*.json) and images (consistency/data/*.png).

Expected facts come from outside the code under test: the shape contract of the parameter sets,
W_MAX = 7, the data set's labels (the *_banned images are digit 7, the *_benign ones are not),
scores recomputed in plain Python from the raw JSON and Pillow's pixels, and Pillow's own
float bilinear resize as an independent upscaler. The limits on weights, bias and score are
the BFV noise budget of each parameter set (schemes.bfv.budget via ``BfvParams.noise_budget``,
``check_scanner``), cross-checked against the table of specs/bfv.md §8.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from consistency.params import get_parameter_set
from schemes.bfv import (
    DeterministicRng,
    ScannerBudgetError,
    check_scanner,
    combine_score,
    crs_polynomials,
    encrypt_image,
    generate_share,
    joint_public_key,
    linear_score,
)
from schemes.bfv.moduli import residues
from schemes.bfv.partial import partial_decrypt_score

REPO = Path(__file__).resolve().parent.parent
SCANNER_DIR = REPO / "examples" / "scanner"
DATA_DIR = REPO / "consistency" / "data"
BFV_SPEC = REPO / "specs" / "bfv.md"

# The parameter-set contract: (H, W, C), pixels row-major HWC.
SHAPES = {"toy": (8, 8, 1), "default": (28, 28, 1), "rgb32": (32, 32, 3)}
W_MAX = 7
PIXEL_MAX = 255


def _bfv(name: str):
    """The BFV parameters of parameter set ``name`` (rgb32 uses DEFAULT's, toy its own)."""
    return get_parameter_set(name, allow_insecure=True).bfv


def _spec_budget_row(label: str) -> dict:
    """A row of the noise-budget table of specs/bfv.md §8: {"default": int, "toy": int}."""
    rows = re.findall(r"^\| " + re.escape(label) + r".*\| ([\d ]+) \| ([\d ]+) \|$", BFV_SPEC.read_text(), re.M)
    assert len(rows) == 1, f"specs/bfv.md needs exactly one budget row {label!r}"
    default, toy = (int(v.replace(" ", "")) for v in rows[0])
    return {"default": default, "toy": toy}


#: |score + bias| <= (t-1)/2 (no wrap mod t) and bias_max = (t-1)/2 - 255 L1, from the spec.
SPEC_SCORE_MAX = _spec_budget_row("score range without wrap")
SPEC_BIAS_MAX = _spec_budget_row("`bias_max = ")


def _spec(table: dict, name: str) -> int:
    return table["toy" if name == "toy" else "default"]


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
    # the BFV budget of the set: ||w||_1 <= L1 and |bias| <= bias_max (specs/bfv.md §7-8)
    bfv = _bfv(name)
    assert sum(abs(v) for v in raw["weights"]) <= bfv.weight_l1_max
    assert type(raw["bias"]) is int and abs(raw["bias"]) <= _spec(SPEC_BIAS_MAX, name) == bfv.bias_max
    check_scanner(bfv, raw["weights"], raw["bias"])  # raises ScannerBudgetError otherwise
    assert isinstance(raw["accuracy"], float) and 0.95 <= raw["accuracy"] <= 1.0
    assert "load_digits" in raw["trained_on"] and raw["source"] == "examples/scanner/train.py"
    # Not a degenerate model: both signs occur.
    assert any(v > 0 for v in raw["weights"]) and any(v < 0 for v in raw["weights"])

    scanner = model.load_weights(name)
    assert scanner.shape == (h, w, c)
    assert scanner.weights.tolist() == raw["weights"] and scanner.bias == raw["bias"]


@pytest.mark.parametrize("name", NAMES)
def test_budget_limits_are_the_spec_table(name):
    """score_max = (t-1)/2 and bias_max = score_max - 255 L1 (stated math, specs/bfv.md §8),
    equal to the table: toy 131,071 and 16,831; default and rgb32 4,194,303 and 1,060,863."""
    bfv = _bfv(name)
    budget = bfv.noise_budget
    assert budget.score_max == (bfv.t - 1) // 2 == _spec(SPEC_SCORE_MAX, name)
    assert budget.bias_max == budget.score_max - PIXEL_MAX * bfv.weight_l1_max == _spec(SPEC_BIAS_MAX, name)
    assert budget.slack >= 0


@pytest.mark.parametrize("name", NAMES)
def test_worst_case_score_bound(name):
    """Over all uint8 images |score| <= 255 ||w||_1 + |b|, which the budget keeps within the
    no-wrap range (t-1)/2 of the set (toy 131,071; default and rgb32 4,194,303)."""
    raw = _raw(name)
    n = len(raw["weights"])
    l1 = sum(abs(v) for v in raw["weights"])
    budget_bound = PIXEL_MAX * l1 + abs(raw["bias"])
    assert budget_bound <= _spec(SPEC_SCORE_MAX, name)
    scanner = model.load_weights(name)
    assert scanner.score_bound() == budget_bound  # the model's formula
    assert n * W_MAX >= l1

    # The exact maximum |score| is reached by an extreme image: 255 where w > 0 (resp. w < 0), else 0.
    w = np.array(raw["weights"])
    hi = np.where(w > 0, 255, 0).astype(np.uint8)
    lo = np.where(w < 0, 255, 0).astype(np.uint8)
    worst = max(abs(_plain_score(raw, hi)), abs(_plain_score(raw, lo)))
    assert scanner.tight_score_bound() == worst <= budget_bound <= scanner.score_bound()


def _threshold_score(name: str, pixels: np.ndarray, weights: list, bias: int, seed: bytes) -> int:
    """The homomorphic pipeline of specs/bfv.md §7: encrypt the chunks under a 3-member joint
    key, linear_score, threshold-decrypt the score coefficient N-1 only, centred mod t."""
    bfv = _bfv(name)
    rng = DeterministicRng(seed)
    crs = crs_polynomials(bfv, seed + bytes(16))
    shares = [generate_share(bfv, crs, i, rng)[:2] for i in range(1, bfv.parties + 1)]
    pk = joint_public_key(bfv, crs, [p for _, p in shares])
    flat = [int(v) for v in pixels.reshape(-1).tolist()]
    cts = [ct for ct, _ in encrypt_image(bfv, pk, flat, rng)]
    assert len(cts) == -(-len(flat) // bfv.n)  # rgb32: two chunks
    score = linear_score(bfv, cts, weights, bias)
    parts = [partial_decrypt_score(bfv, s, residues(score.c1, bfv.moduli), rng)[0] for s, _ in shares]
    v = combine_score(bfv, [score.c0[bfv.n - 1] % q for q in bfv.moduli], parts)
    return v - bfv.t if 2 * v > bfv.t else v


@pytest.mark.parametrize("name", NAMES)
def test_shipped_weights_score_homomorphically(name):
    """The shipped weights through the BFV scanner (all sets, both RNS primes): the
    threshold-decrypted score equals the plain-Python score of the shipped images."""
    raw = _raw(name)
    for kind in KINDS:
        px = _pixels(name, kind)
        got = _threshold_score(name, px, raw["weights"], raw["bias"], f"scanner-data-test/{name}/{kind}".encode())
        assert got == _plain_score(raw, px)
    assert _plain_score(raw, _pixels(name, "banned")) > 0 >= _plain_score(raw, _pixels(name, "benign"))


@pytest.mark.parametrize("name", NAMES)
def test_check_scanner_refuses_weights_just_over_the_budget(name):
    """Control for check_scanner on the shipped weights: one unit more of bias than bias_max,
    or of ||w||_1 than L1, is refused."""
    raw, bfv = _raw(name), _bfv(name)
    with pytest.raises(ScannerBudgetError):
        check_scanner(bfv, raw["weights"], bfv.bias_max + 1)
    with pytest.raises(ScannerBudgetError):
        check_scanner(bfv, raw["weights"], -bfv.bias_max - 1)
    l1 = sum(abs(v) for v in raw["weights"])
    heavier = list(raw["weights"]) + [bfv.weight_l1_max - l1 + 1]
    with pytest.raises(ScannerBudgetError):
        check_scanner(bfv, heavier, raw["bias"])


@pytest.mark.parametrize("name", NAMES)
def test_model_contract_is_the_bfv_budget(name):
    """The model accepts exactly what check_scanner accepts on the budget's edges: the extreme
    model (||w||_1 = weight_l1_max, |bias| = bias_max, spec values) loads and passes
    check_scanner; one more unit of either is refused by both."""
    bfv = _bfv(name)
    shape = SHAPES[name]
    n = shape[0] * shape[1] * shape[2]
    l1_max, bias_max = model.budget(shape)
    assert (l1_max, bias_max) == (bfv.weight_l1_max, bfv.bias_max) and bias_max == _spec(SPEC_BIAS_MAX, name)
    assert sum(map(abs, _raw(name)["weights"])) <= l1_max  # the shipped file too
    reach = min(l1_max, W_MAX * n)  # the largest ||w||_1 the model can hold
    full, rest = divmod(reach, W_MAX)
    edge = [W_MAX] * full + ([rest] if rest else [])
    edge += [0] * (n - len(edge))
    model.LinearScanner(shape, np.array(edge), -bias_max)
    check_scanner(bfv, edge, -bias_max)
    cases = [(edge, bias_max + 1, "bias")]
    if W_MAX * n > l1_max:  # rgb32: |w| <= 7 alone would allow 7 * 3072 > 12288
        over = list(edge)
        over[edge.index(rest if rest else 0)] += 1
        cases.append((over, 0, "noise budget"))
    else:  # toy (7 * 64 = 448) and default (7 * 784 = 5488 <= 12288): |w| <= 7 implies the L1 bound
        assert name in ("toy", "default")
    for weights, bias, what in cases:
        assert sum(map(abs, weights)) <= l1_max or what == "noise budget"
        with pytest.raises(model.ScannerModelError, match=what):
            model.LinearScanner(shape, np.array(weights), bias)
        with pytest.raises(ScannerBudgetError):
            check_scanner(bfv, weights, bias)


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
        (lambda d: d.__setitem__("bias", 16_831 + 1), "bias"),  # toy bias_max, specs/bfv.md section 8
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
