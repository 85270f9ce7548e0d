"""The reference scanner: a quantized linear classifier evaluated homomorphically on the
inference input; the committee decrypts only the score.

    score(x) = sum_i w_i x_i + bias,   banned <=> score > threshold (= 0),   |w_i| <= 7

Homomorphically (schemes.bfv.evaluation): multiply each chunk by its reversed weight polynomial,
add the chunks and the bias, so coefficient N-1 of the *score ciphertext* holds the score. The
score ciphertext is a deterministic public function of an admitted envelope's ``ct_fhe`` and the
published model (:func:`score_ciphertext`): anyone recomputes it, and committee members decrypt
its coefficient N-1 only (specs/committee.md), so the other coefficients need no masking.
The weights were trained by examples/scanner/train.py on scikit-learn's digits ("7" = banned).
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from schemes.bfv.encryption import Ciphertext
from schemes.bfv.evaluation import linear_score
from schemes.bfv.moduli import moduli
from schemes.bfv.partial import score_residues

from .errors import ConsistencyError
from .params import ParameterSet

__all__ = [
    "ScannerModel",
    "ScoreCiphertext",
    "load_scanner",
    "plaintext_score",
    "model_digest",
    "score_ciphertext",
    "MODEL_TAG",
    "SCORE_CIPHERTEXT_TAG",
]

MODEL_TAG = b"GRC/model/v1"
SCORE_CIPHERTEXT_TAG = b"GRC/score-ciphertext/v1"


@dataclass(frozen=True)
class ScannerModel:
    """Integer weights (row-major HWC), bias and threshold of a linear classifier for one
    parameter set: an image is banned iff ``score > threshold``."""

    shape: tuple[int, int, int]
    weights: tuple[int, ...]
    bias: int
    threshold: int = 0

    def banned(self, score: int) -> bool:
        """The verdict for ``score``."""
        return score > self.threshold


def load_scanner(params: ParameterSet) -> ScannerModel:
    """The shipped model for ``params`` (consistency/data/scanner_weights_<name>.json)."""
    raw = (
        resources.files("consistency").joinpath("data").joinpath(f"scanner_weights_{params.data_name}.json").read_text()
    )
    obj = json.loads(raw)
    model = ScannerModel(
        tuple(obj["shape"]), tuple(int(w) for w in obj["weights"]), int(obj["bias"]), int(obj.get("threshold", 0))
    )
    if model.shape != params.shape or len(model.weights) != params.num_pixels:
        raise ConsistencyError(f"scanner weights do not fit parameter set {params.name}")
    return model


def plaintext_score(model: ScannerModel, pixels: bytes) -> int:
    """The exact integer score of an image given as row-major bytes."""
    return sum(w * p for w, p in zip(model.weights, pixels, strict=True)) + model.bias


def model_digest(params: ParameterSet, model: ScannerModel) -> bytes:
    """SHA-256 of ``"GRC/model/v1" || 0x00 || J`` with J the compact sorted-key JSON object
    ``{"bias", "params_id", "shape", "threshold", "weights"}`` (integers as JSON numbers)."""
    obj = {
        "params_id": params.name,
        "shape": list(model.shape),
        "weights": [int(w) for w in model.weights],
        "bias": int(model.bias),
        "threshold": int(model.threshold),
    }
    j = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(MODEL_TAG + b"\x00" + j).digest()


@dataclass(frozen=True)
class ScoreCiphertext:
    """What a member decrypts, per RNS modulus k: ``c0_last[k] = c0^(k)_{N-1}`` and ``c1[k]``."""

    c0_last: tuple[int, ...]
    c1: tuple[tuple[int, ...], ...]

    def digest(self, params: ParameterSet) -> bytes:
        """SHA-256 of ``"GRC/score-ciphertext/v1" || 0x00 || u32 N || u32 K`` then, per modulus,
        ``u64 q_k || u64 c0_last[k] || N x u64 c1[k][j]`` (big-endian)."""
        mods = moduli(params.bfv)
        h = hashlib.sha256(SCORE_CIPHERTEXT_TAG + b"\x00")
        h.update(struct.pack(">II", params.bfv.n, len(mods)))
        for q, c0, c1 in zip(mods, self.c0_last, self.c1, strict=True):
            h.update(struct.pack(">QQ", q, int(c0)))
            h.update(struct.pack(f">{len(c1)}Q", *(int(x) for x in c1)))
        return h.digest()


def score_ciphertext(
    params: ParameterSet, model: ScannerModel, inference_input: Sequence[Ciphertext]
) -> ScoreCiphertext:
    """``linear_score(ct_fhe, weights, bias)`` as residues per RNS modulus (deterministic)."""
    b = params.bfv
    return ScoreCiphertext(*score_residues(b, linear_score(b, list(inference_input), list(model.weights), model.bias)))
