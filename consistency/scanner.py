"""The reference scanner: a quantized linear classifier evaluated homomorphically on the
inference input; the committee threshold-decrypts only the score.

    score(x) = sum_i w_i x_i + bias,   banned <=> score > 0,   |w_i| <= 7

Homomorphically (schemes.bfv.evaluation): multiply each chunk by its reversed weight polynomial,
add the chunks and the bias, so coefficient N-1 holds the score; mask every other coefficient
with an encryption of uniform noise mod t (redundant now that only N-1 is decrypted, and counted
in the noise budget); each committee member returns a partial decryption of coefficient N-1
only, one residue per RNS prime, with flooding noise, charged to its decryption budget; the
CRT combination reveals the score (centred mod t) and nothing else.
The weights were trained by examples/scanner/train.py on scikit-learn's digits ("7" = banned).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Sequence

from schemes.bfv.encryption import Ciphertext
from schemes.bfv.evaluation import linear_score, mask_except
from schemes.bfv.keys import PublicKey
from schemes.bfv.ring import centered
from schemes.bfv.threshold import combine_partial_decryptions, partial_decrypt

from .errors import ConsistencyError
from .keys import Committee
from .params import ParameterSet

__all__ = ["ScannerModel", "load_scanner", "plaintext_score", "homomorphic_score"]


@dataclass(frozen=True)
class ScannerModel:
    """Integer weights (row-major HWC) and bias of a linear classifier for one parameter set."""

    shape: tuple[int, int, int]
    weights: tuple[int, ...]
    bias: int


def load_scanner(params: ParameterSet) -> ScannerModel:
    """The shipped model for ``params`` (consistency/data/scanner_weights_<name>.json)."""
    raw = resources.files("consistency").joinpath("data", f"scanner_weights_{params.data_name}.json").read_text()
    obj = json.loads(raw)
    model = ScannerModel(tuple(obj["shape"]), tuple(int(w) for w in obj["weights"]), int(obj["bias"]))
    if model.shape != params.shape or len(model.weights) != params.num_pixels:
        raise ConsistencyError(f"scanner weights do not fit parameter set {params.name}")
    return model


def plaintext_score(model: ScannerModel, pixels: bytes) -> int:
    """The exact integer score of an image given as row-major bytes."""
    return sum(w * p for w, p in zip(model.weights, pixels, strict=True)) + model.bias


def homomorphic_score(params: ParameterSet, model: ScannerModel, pk: PublicKey, committee: Committee,
                      inference_input: Sequence[Ciphertext]) -> int:
    """Evaluate the model on the ciphertexts, mask, and threshold-decrypt only the score.

    Every member's decryption is charged to its budget (a member past its budget raises
    :class:`schemes.bfv.DecryptionBudgetExhausted`: the committee key must be rotated)."""
    b = params.bfv
    ct = mask_except(b, pk, linear_score(b, list(inference_input), list(model.weights), model.bias))
    partials = [partial_decrypt(b, sh, ct, budget) for sh, budget in zip(committee.shares, committee.budgets,
                                                                          strict=True)]
    return centered(combine_partial_decryptions(b, ct, partials), b.t)
