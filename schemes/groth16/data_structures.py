"""Groth16 keys and proofs (the layout of snarkjs's ``.zkey`` / ``verification_key.json``).

Notation (Groth 2016, with the snarkjs conventions): the QAP over the domain ``H`` of size ``n``
has, per wire ``k``, polynomials ``u_k, v_k, w_k`` interpolating column k of A, B, C over the
rows (constraint rows first, then one input-consistency row per public wire, see
:mod:`.r1cs_to_qap`). Toxic waste ``tau, alpha, beta, gamma, delta``; ``[x]_1 = x G1``,
``[x]_2 = x G2``; ``l = num_public``.

Points are affine tuples with int coordinates as in :mod:`schemes.bn254.curve` (``None`` is
infinity); the proving key's queries are point vectors held by the native engine
(:class:`~schemes.bn254.vectors.G1Vector`, :class:`~schemes.bn254.vectors.G2Vector`; sequences
of such tuples are converted, and checked, on construction). The classes are frozen dataclasses.
Keys come from :mod:`.generator` or from validating decoders (:mod:`.snarkjs`, :mod:`.zkey`,
:mod:`.keyfile`). A key's native form (:attr:`ProvingKey.native`,
:attr:`PreparedVerifyingKey.native`) is built once and reused for every proof.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .. import _native
from ..bn254.curve import G1Point, G2Point, InvalidPoint
from ..bn254.vectors import G1Vector, G2Vector, as_vector, g1_to_le, g2_to_le, native_call
from .errors import EncodingError

__all__ = ["G1", "G2", "Proof", "VerifyingKey", "PreparedVerifyingKey", "ProvingKey", "prepare_verifying_key"]

G1 = G1Point
G2 = G2Point


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
    ic: tuple[G1, ...]

    @property
    def num_public(self) -> int:
        """Number of public inputs (wire 0, the constant one, not counted)."""
        return len(self.ic) - 1


@dataclass(frozen=True)
class PreparedVerifyingKey:
    """A verifying key with what is fixed per key computed once (see :func:`prepare_verifying_key`):
    its native form caches ``e([alpha]_1, [beta]_2)``, the Miller-loop lines of ``-[gamma]_2`` and
    ``-[delta]_2``, and the ``ic`` points."""

    vk: VerifyingKey
    native: Any = field(repr=False, compare=False)


def prepare_verifying_key(vk: VerifyingKey) -> PreparedVerifyingKey:
    """Check every point of ``vk`` (G2 points for the subgroup too) and prepare it natively.

    Raises :class:`~.errors.EncodingError` for an invalid key (a point off its curve or outside
    the subgroup, or alpha, beta, gamma, delta at infinity)."""
    try:
        native = native_call(
            _native.PreparedVerifyingKey,
            g1_to_le(vk.alpha_g1),
            g2_to_le(vk.beta_g2),
            g2_to_le(vk.gamma_g2),
            g2_to_le(vk.delta_g2),
            b"".join(g1_to_le(p) for p in vk.ic),
        )
    except InvalidPoint as exc:
        raise EncodingError(f"verifying key: {exc}") from None
    return PreparedVerifyingKey(vk=vk, native=native)


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
    a_query: G1Vector = field(repr=False)
    b_g1_query: G1Vector = field(repr=False)
    b_g2_query: G2Vector = field(repr=False)
    l_query: G1Vector = field(repr=False)
    h_query: G1Vector = field(repr=False)
    num_constraints: int
    r1cs_digest: bytes | None = None

    def __post_init__(self) -> None:
        for name, cls, subgroup in (
            ("a_query", G1Vector, True),
            ("b_g1_query", G1Vector, True),
            ("b_g2_query", G2Vector, False),
            ("l_query", G1Vector, True),
            ("h_query", G1Vector, True),
        ):
            object.__setattr__(self, name, as_vector(cls, getattr(self, name), subgroup=subgroup, what=name))

    @cached_property
    def native(self) -> Any:
        """The key in native memory (built on first use, shares the query vectors)."""
        try:
            return native_call(
                _native.ProverKey,
                g1_to_le(self.vk.alpha_g1),
                g1_to_le(self.beta_g1),
                g1_to_le(self.delta_g1),
                g2_to_le(self.vk.beta_g2),
                g2_to_le(self.vk.delta_g2),
                self.a_query.native,
                self.b_g1_query.native,
                self.b_g2_query.native,
                self.l_query.native,
                self.h_query.native,
                self.num_public,
            )
        except (InvalidPoint, ValueError) as exc:
            raise EncodingError(f"proving key: {exc}") from None

    @property
    def num_public(self) -> int:
        return self.vk.num_public

    @property
    def num_variables(self) -> int:
        return len(self.a_query)

    @property
    def domain_size(self) -> int:
        return len(self.h_query)
