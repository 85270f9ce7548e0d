"""Groth16 keys and proofs (the layout of snarkjs's ``.zkey`` / ``verification_key.json``).

Notation (Groth 2016, with the snarkjs conventions): the QAP over the domain ``H`` of size ``n``
has, per wire ``k``, polynomials ``u_k, v_k, w_k`` interpolating column k of A, B, C over the
rows (constraint rows first, then one input-consistency row per public wire, see
:mod:`.r1cs_to_qap`). Toxic waste ``tau, alpha, beta, gamma, delta``; ``[x]_1 = x G1``,
``[x]_2 = x G2``; ``l = num_public``.

Points are affine tuples with int coordinates as in :mod:`schemes.bn254.curve` (``None`` is
infinity). The classes are frozen dataclasses; constructing one does not validate points (keys
come from :mod:`.generator` or from validating decoders in :mod:`.snarkjs` / :mod:`.zkey`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple

from ..bn254.pairing import G2Prepared, pairing, prepare_g2
from ..bn254.curve import g2_neg

__all__ = ["G1", "G2", "Proof", "VerifyingKey", "PreparedVerifyingKey", "ProvingKey", "prepare_verifying_key"]

G1 = Optional[Tuple[int, int]]
G2 = Optional[Tuple[Tuple[int, int], Tuple[int, int]]]


@dataclass(frozen=True)
class Proof:
    """``(A, B, C)`` with ``A, C`` in G1 and ``B`` in G2 (snarkjs ``pi_a, pi_b, pi_c``)."""

    a: G1
    b: G2
    c: G1


@dataclass(frozen=True)
class VerifyingKey:
    """``[alpha]_1, [beta]_2, [gamma]_2, [delta]_2`` and ``ic[k] = [(beta u_k + alpha v_k + w_k)(tau)/gamma]_1``.

    ``ic`` (snarkjs ``IC``, arkworks ``gamma_abc_g1``) has ``num_public + 1`` entries, wire 0 first.
    """

    alpha_g1: G1
    beta_g2: G2
    gamma_g2: G2
    delta_g2: G2
    ic: Tuple[G1, ...]

    @property
    def num_public(self) -> int:
        """Number of public inputs (wire 0, the constant one, not counted)."""
        return len(self.ic) - 1


@dataclass(frozen=True)
class PreparedVerifyingKey:
    """A verifying key with what is fixed per key computed once (see :func:`prepare_verifying_key`).

    ``alpha_beta = e([alpha]_1, [beta]_2)`` (an Fp12 tuple), and the Miller-loop line
    coefficients of ``-[gamma]_2`` and ``-[delta]_2``.
    """

    vk: VerifyingKey
    alpha_beta: tuple
    neg_gamma_g2: G2Prepared = field(repr=False)
    neg_delta_g2: G2Prepared = field(repr=False)


def prepare_verifying_key(vk: VerifyingKey) -> PreparedVerifyingKey:
    """Cache ``e(alpha, beta)`` and the prepared lines of ``-gamma`` and ``-delta`` (one pairing, two preparations)."""
    return PreparedVerifyingKey(
        vk=vk,
        alpha_beta=pairing(vk.alpha_g1, vk.beta_g2),
        neg_gamma_g2=prepare_g2(g2_neg(vk.gamma_g2)),
        neg_delta_g2=prepare_g2(g2_neg(vk.delta_g2)),
    )


@dataclass(frozen=True)
class ProvingKey:
    """Everything the prover needs besides the constraint matrices (snarkjs ``.zkey`` sections 2-9).

    - ``a_query[k] = [u_k(tau)]_1``, ``b_g1_query[k] = [v_k(tau)]_1``, ``b_g2_query[k] = [v_k(tau)]_2``
      for every wire k (``num_variables`` entries; infinity where the polynomial is zero);
    - ``l_query[k - l - 1] = [(beta u_k + alpha v_k + w_k)(tau)/delta]_1`` for the private wires;
    - ``h_query[j] = [L'_{2j+1}(tau)/delta]_1`` for ``j < n``: the Lagrange basis of the 2n-th
      roots of unity at the odd ones (the coset where ``Z = X^n - 1`` equals -2), see
      :meth:`.domain.Domain.odd_coset_lagrange_at`;
    - ``num_constraints`` is the number of rows of the R1CS itself (without the extra rows);
    - ``r1cs_digest`` is :meth:`R1CS.digest` of the constraint system the key was made for (None
      for a key read from a ``.zkey``, which does not record it); the prover checks it.
    """

    vk: VerifyingKey
    beta_g1: G1
    delta_g1: G1
    a_query: Tuple[G1, ...] = field(repr=False)
    b_g1_query: Tuple[G1, ...] = field(repr=False)
    b_g2_query: Tuple[G2, ...] = field(repr=False)
    l_query: Tuple[G1, ...] = field(repr=False)
    h_query: Tuple[G1, ...] = field(repr=False)
    num_constraints: int
    r1cs_digest: Optional[bytes] = None

    @property
    def num_public(self) -> int:
        return self.vk.num_public

    @property
    def num_variables(self) -> int:
        return len(self.a_query)

    @property
    def domain_size(self) -> int:
        return len(self.h_query)
