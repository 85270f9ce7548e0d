"""Proof re-randomization: Groth16 proofs are malleable into other valid proofs of the same
statement, so a proof's bytes are never an identifier (key audit logs by the statement).

For ``theta != 0`` and any ``t``:  ``A' = theta A``,  ``B' = theta^-1 B + t delta``,
``C' = C + t theta A``. Then ``e(A', B') = e(A, B) e(A, delta)^(t theta)`` and
``e(C', delta) = e(C, delta) e(A, delta)^(t theta)``, so the verification equation
``e(A, B) = e(alpha, beta) e(S, gamma) e(C, delta)`` is preserved.
"""

from __future__ import annotations

import secrets

from ..bigint import invmod
from ..bn254.curve import g1_add, g1_mul, g2_add, g2_mul
from ..bn254.fields import R
from .data_structures import Proof, VerifyingKey

__all__ = ["rerandomize"]


def rerandomize(proof: Proof, vk: VerifyingKey) -> Proof:
    """A fresh, uniformly re-randomized proof of the same statement."""
    theta = 1 + secrets.randbelow(int(R) - 1)
    t = secrets.randbelow(int(R))
    a = g1_mul(proof.a, theta)
    b = g2_add(g2_mul(proof.b, int(invmod(theta, R))), g2_mul(vk.delta_g2, t))
    c = g1_add(proof.c, g1_mul(proof.a, t * theta % R))
    return Proof(a, b, c)
