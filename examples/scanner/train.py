"""Train the reference scanner: a quantized linear "is this a 7?" classifier, one per shape.

Data: scikit-learn's bundled 8x8 handwritten digits (sklearn.datasets.load_digits, offline).
Task: digit 7 ("banned", a stand-in) against every other digit ("benign").

For each parameter set (toy 8x8x1, default 28x28x1, rgb32 32x32x3):
  1. upscale every image with ``model.upscale`` (exact bilinear, 0..16 -> 0..255, amber tint for RGB);
  2. fit an L2 logistic regression on x / 255 (class weights balanced, fixed seed);
  3. quantize: w_q = round(w * 7 / max|w|), so w_q in [-7, 7];
  4. pick the integer bias on the training split: banned <=> w_q . x + bias > 0, with bias chosen
     to maximise balanced training accuracy (midpoint of the best gap between sorted scores);
  5. report the accuracy of the integer model on a held-out split (30 %, stratified, seed 0).
It writes examples/scanner/weights_{name}.json and, from the held-out split, one correctly
classified benign image and one 7 (those with the largest margin) per shape to
consistency/data/{name}_{benign,banned}.png (the same two source digits for all shapes).

Needs scikit-learn (not a project dependency): pip install scikit-learn; then
    python examples/scanner/train.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import model  # noqa: E402  (the sibling module; examples/ is not a package)

REPO = HERE.parent.parent
DATA_DIR = REPO / "consistency" / "data"
SEED = 0
TEST_FRACTION = 0.3
BANNED_DIGIT = 7
C_REG = 1.0  # inverse L2 strength of the logistic regression (scikit-learn's default)


def _fit_float(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C_REG, class_weight="balanced", max_iter=5000, random_state=SEED)
    clf.fit(x / 255.0, y)
    return clf.coef_.ravel()


def _quantize(w: np.ndarray) -> np.ndarray:
    scale = model.W_MAX / np.abs(w).max()
    return np.clip(np.rint(w * scale), -model.W_MAX, model.W_MAX).astype(np.int64)


def _pick_bias(scores: np.ndarray, y: np.ndarray) -> int:
    """Integer bias maximising balanced accuracy of (scores + bias > 0) on the training split."""
    cuts = np.unique(scores)
    best = (-1.0, 0)
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        t = (int(lo) + int(hi)) // 2  # banned <=> score > t, t in [lo, hi)
        pred = scores > t
        bal = 0.5 * (pred[y].mean() + (~pred[~y]).mean())
        if bal > best[0]:
            best = (bal, -t)
    return best[1]


def _metrics(scanner: model.LinearScanner, x: np.ndarray, y: np.ndarray) -> dict:
    pred = np.array([scanner.is_banned(row) for row in x])
    return {
        "accuracy": float((pred == y).mean()),
        "recall_banned": float(pred[y].mean()),
        "false_positive_rate": float(pred[~y].mean()),
    }


def main() -> None:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = digits.images.astype(np.int64)  # (1797, 8, 8), values 0..16
    labels = digits.target
    idx_train, idx_test = train_test_split(
        np.arange(len(labels)), test_size=TEST_FRACTION, random_state=SEED, stratify=labels
    )
    y = labels == BANNED_DIGIT
    import sklearn

    trained_on = (
        f"sklearn.datasets.load_digits (scikit-learn {sklearn.__version__}): digit {BANNED_DIGIT} vs rest; "
        f"{len(idx_train)} train / {len(idx_test)} held-out (stratified, seed {SEED}); "
        f"bilinear upscale 0..16 -> 0..255 (RGB tint {list(model.TINT)}/16); "
        f"logistic regression C={C_REG} balanced, weights rounded to [-{model.W_MAX}, {model.W_MAX}]; "
        "accuracy = integer model on the held-out split"
    )
    scanners = {}
    for name, shape in model.SHAPES.items():
        x = np.stack([model.upscale(img, shape).reshape(-1) for img in images])
        w = _quantize(_fit_float(x[idx_train], y[idx_train]))
        bias = _pick_bias(x[idx_train].astype(np.int64) @ w, y[idx_train])
        m = _metrics(model.LinearScanner(shape, w, bias), x[idx_test], y[idx_test])
        scanner = model.LinearScanner(
            shape,
            w,
            bias,
            accuracy=round(m["accuracy"], 4),
            trained_on=trained_on,
            source="examples/scanner/train.py",
        )
        scanners[name] = scanner
        model.weights_path(name).write_text(json.dumps(scanner.to_json()) + "\n")
        print(
            f"{name:8s} shape={list(shape)} held-out accuracy={m['accuracy']:.4f} "
            f"recall(7)={m['recall_banned']:.4f} FPR={m['false_positive_rate']:.4f} "
            f"bias={bias} bound=255*||w||_1+|b|={scanner.score_bound()} "
            f"(log2 {np.log2(scanner.score_bound()):.2f}) tight={scanner.tight_score_bound()}"
        )

    # Demo images: per class, the held-out image with the largest margin, i.e. the largest
    # min over shapes of (+score for a 7, -score otherwise) / tight_score_bound; it must be > 0.
    def margin(i: int) -> float:
        sign = 1 if y[i] else -1
        return min(sign * s.score(model.upscale(images[i], s.shape)) / s.tight_score_bound() for s in scanners.values())

    picks = {
        "banned": max((i for i in idx_test if y[i]), key=margin),
        "benign": max((i for i in idx_test if not y[i]), key=margin),
    }
    assert all(margin(i) > 0 for i in picks.values()), "no correctly classified held-out image"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for kind, i in picks.items():
        print(f"{kind}: load_digits index {i}, label {labels[i]}")
        for name, scanner in scanners.items():
            px = model.upscale(images[i], scanner.shape)
            img = Image.fromarray(px[:, :, 0], "L") if px.shape[2] == 1 else Image.fromarray(px, "RGB")
            img.save(DATA_DIR / f"{name}_{kind}.png", optimize=True)
            print(f"  {name}_{kind}.png score={scanner.score(px)}")


if __name__ == "__main__":
    main()
