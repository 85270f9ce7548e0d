"""HAZMAT: the parts of the library that can break its guarantees when misused.

Like ``cryptography.hazmat``: importable, documented, and kept apart from the safe API of
:mod:`consistency`. Each name here is safe only under the condition stated with it.

- :func:`insecure_parameter_set` -- the one opt-in to ``toy`` (no security at all: tests) and
  ``default-2048-leaky`` (the first release's set, whose threshold decryption leaks). Pass the
  object as ``params=`` to the loaders and decoders.
- :func:`insecure_setup_from_seed` -- a Groth16 setup whose toxic waste is derived from a seed:
  anyone who knows the seed can forge proofs (test vectors only).
- :func:`setup` -- a single-party Groth16 setup: its runner can forge proofs unless it forgot
  the toxic waste (specs/groth16.md §3).
- :func:`partial_decrypt_score` -- a committee member's raw partial decryption of a ciphertext
  it is handed: with a crafted ``c1`` it reveals the member's share
  (``consistency.committee.Member`` is the safe API).
- :func:`build_circuit` -- the consistency relation as a constraint system (for audits and
  exports; a proof over a modified system proves nothing about an envelope).
- :func:`toy_params` -- the INSECURE BFV parameters of the toy set.
"""

from __future__ import annotations

from schemes.bfv.params import toy_params
from schemes.bfv.partial import partial_decrypt_score
from schemes.groth16 import insecure_setup_from_seed, setup

from .circuit import build_circuit
from .params import insecure_parameter_set

__all__ = [
    "insecure_parameter_set",
    "insecure_setup_from_seed",
    "setup",
    "partial_decrypt_score",
    "build_circuit",
    "toy_params",
]
