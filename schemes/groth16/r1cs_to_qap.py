"""From R1CS to QAP, the snarkjs way: extra input rows, the domain, ``u, v, w`` at tau, and the H scalars.

Rows. The QAP has the ``m = num_constraints`` rows of the R1CS followed by ``l + 1`` extra
*input-consistency* rows, one per wire ``k = 0..l`` (wire 0 = the constant one, then the ``l``
public inputs): row ``m + k`` has ``A = w_k`` and ``B = C = 0``. They make ``u_k`` (the A-column
polynomial of wire k) nonzero and linearly independent for every public wire, which is what binds
a public input that appears in no constraint (without them its IC point could be infinity and
its value would not affect verification). snarkjs adds exactly these rows in ``zkey new``.

Domain. ``n = 2^k`` with ``k = max(1, bitlength(m + l))``: the smallest power of two strictly
greater than ``m + l`` (snarkjs: ``log2(nConstraints + nPublic) + 1``), so ``n >= m + l + 1``.
Row i is attached to the root ``w^i``.

Setup (:func:`qap_at`): ``u_k(tau) = sum_i A_ik L_i(tau)`` etc. with the Lagrange basis ``L_i`` of
the domain, via :meth:`R1CS.transpose_evaluate` (never expanding dense blocks).

Proving (:func:`h_scalars`): with ``a_i = A_i.w`` (rows and extra rows), ``b_i``, ``c_i``, the
polynomial ``P = A(X) B(X) - C(X)`` has degree <= 2n - 2 and vanishes on the domain. Its values on
the odd coset ``u w^j`` (``u`` a primitive 2n-th root of unity) are ``p_j = a'_j b'_j - c'_j``,
where ``a'`` = iFFT, multiply coefficient i by ``u^i``, FFT (same for b, c). Because P vanishes at
the even 2n-th roots, ``P(tau) = sum_j p_j L'_{2j+1}(tau)``, and ``P(tau) = h(tau) Z(tau)``; so the
prover's ``sum_j p_j [L'_{2j+1}(tau)/delta]_1 = [h(tau) Z(tau)/delta]_1``, the Groth16 H term.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from ..bn254.fields import R
from ..r1cs.matrices import R1CS
from .domain import Domain
from .errors import UnsatisfiedWitness

__all__ = ["domain_for", "num_qap_rows", "qap_at", "row_values", "odd_coset_products", "combine_odd_coset", "h_scalars"]

Progress = Callable[[str], None] | None


def num_qap_rows(r1cs: R1CS) -> int:
    """``m + l + 1``: constraint rows plus the input-consistency rows."""
    return r1cs.num_constraints + r1cs.num_public + 1


def domain_for(r1cs: R1CS) -> Domain:
    """The snarkjs domain: ``2^max(1, bitlength(m + l))`` elements (instances are cached per size)."""
    return _domain(max(1, (r1cs.num_constraints + r1cs.num_public).bit_length()))


@lru_cache(maxsize=4)
def _domain(log_size: int) -> Domain:
    """Domains keep their FFT tables, so reusing one saves rebuilding them for every proof."""
    return Domain(log_size)


def qap_at(r1cs: R1CS, domain: Domain, tau: int) -> tuple[list[int], list[int], list[int]]:
    """``(u, v, w)``: per wire k, ``u_k(tau), v_k(tau), w_k(tau)`` including the extra rows.

    Raises ValueError if ``tau`` is in the domain (then every ``L_i(tau)`` degenerates).
    """
    lag = domain.lagrange_at(tau)
    m = r1cs.num_constraints
    u, v, w = r1cs.transpose_evaluate([int(x) for x in lag[:m]])
    u = list(u)
    for k in range(r1cs.num_public + 1):
        u[k] = (u[k] + lag[m + k]) % R
    return u, list(v), list(w)


def row_values(r1cs: R1CS, assignment: Sequence[int]) -> tuple[list[int], list[int], list[int]]:
    """``(a, b, c)`` per QAP row (R1CS rows, then the extra rows ``a = w_k, b = c = 0``).

    Raises :class:`UnsatisfiedWitness` naming the first row with ``a * b != c``.
    """
    a, b, c = r1cs.evaluate(assignment)
    for i, (x, y, z) in enumerate(zip(a, b, c)):
        if (x * y - z) % R:
            raise UnsatisfiedWitness(f"the assignment violates constraint #{i} {r1cs.constraint_name(i)!r}")
    a = list(a) + [int(assignment[k]) for k in range(r1cs.num_public + 1)]
    return a, list(b), list(c)


def h_scalars(r1cs: R1CS, domain: Domain, assignment: Sequence[int], progress: Progress = None) -> list[int]:
    """The scalars ``p_j = (A B - C)(u w^j)`` of the H query (see the module docstring).

    Six FFTs of size n. Raises :class:`UnsatisfiedWitness` if the assignment violates a row.
    """
    a, b, c = row_values(r1cs, assignment)
    if progress:
        progress(f"QAP: 6 FFTs of size {domain.size}")
    return odd_coset_products(domain, a, b, c)


def odd_coset_products(domain: Domain, a: Sequence[int], b: Sequence[int], c: Sequence[int]) -> list[int]:
    """``p_j = a'_j b'_j - c'_j`` from the row values (``a'`` = values on the odd coset)."""
    return combine_odd_coset(domain.evals_to_odd_coset(a), domain.evals_to_odd_coset(b), domain.evals_to_odd_coset(c))


def combine_odd_coset(a_odd: Sequence[int], b_odd: Sequence[int], c_odd: Sequence[int]) -> list[int]:
    """``p_j = a'_j b'_j - c'_j mod R`` from the three odd-coset value vectors."""
    return [int((x * y - z) % R) for x, y, z in zip(a_odd, b_odd, c_odd, strict=True)]
