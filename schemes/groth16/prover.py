"""The Groth16 prover (the same computation as ``snarkjs groth16 prove``).

For an assignment ``w`` (``w_0 = 1``, public ``w_1..w_l``) and fresh uniform ``r, s`` in F_R:

    A = [alpha]_1 + sum_k w_k a_query[k] + r [delta]_1
    B = [beta]_2  + sum_k w_k b_g2_query[k] + s [delta]_2
    B'= [beta]_1  + sum_k w_k b_g1_query[k] + s [delta]_1          (B in G1, for C)
    C = sum_{k>l} w_k l_query[k] + sum_j p_j h_query[j] + s A + r B' - r s [delta]_1

where ``p_j`` are the odd-coset values of ``A(X) B(X) - C(X)`` (:mod:`.r1cs_to_qap`). Cost: the
row values (sparse rows plus one NTT product per negacyclic block), six FFTs of size n, four G1
MSMs and one G2 MSM. All of it runs in the native engine (``schemes/native/src/prover.rs``) on
the key's points in native memory (:attr:`.ProvingKey.native`) and the constraint system's
native form (:attr:`schemes.r1cs.R1CS.native`), with the GIL released. ``r, s`` come from
:mod:`secrets`; they make the proof zero-knowledge and must never be reused or revealed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence

from .. import _native
from ..bn254.fields import R
from ..bn254.vectors import g1_from_le, g2_from_le
from ..r1cs.matrices import R1CS
from .data_structures import Proof, ProvingKey
from .errors import KeyMismatch, UnsatisfiedWitness
from .r1cs_to_qap import domain_for

__all__ = ["prove", "prove_with_randomness", "check_key_matches"]

Progress = Callable[[str], None] | None

_R = int(R)


def check_key_matches(pk: ProvingKey, r1cs: R1CS) -> None:
    """Raise :class:`KeyMismatch` unless ``pk`` was made for ``r1cs`` (shape, and digest if recorded)."""
    expected = (r1cs.num_variables, r1cs.num_public, r1cs.num_constraints, domain_for(r1cs).size)
    got = (pk.num_variables, pk.num_public, pk.num_constraints, pk.domain_size)
    if expected != got:
        raise KeyMismatch(
            "proving key does not fit the constraint system: (wires, public inputs, constraints, "
            f"domain) = {got} in the key, {expected} in the R1CS"
        )
    if len(pk.l_query) != r1cs.num_variables - r1cs.num_public - 1:
        raise KeyMismatch("proving key has a wrong number of L-query points")
    if pk.r1cs_digest is not None and pk.r1cs_digest != r1cs.digest():
        raise KeyMismatch("proving key was generated for a different constraint system (digest mismatch)")


def _assignment_bytes(r1cs: R1CS, assignment: Sequence[int]) -> bytes:
    if len(assignment) != r1cs.num_variables:
        raise UnsatisfiedWitness(
            f"assignment has {len(assignment)} wires, the constraint system has {r1cs.num_variables}"
        )
    if assignment[0] != 1:
        raise UnsatisfiedWitness("assignment[0] (the constant-one wire) must be 1")
    try:
        return b"".join(v.to_bytes(32, "little") for v in assignment)
    except (AttributeError, OverflowError, TypeError):
        pass
    for k, v in enumerate(assignment):
        if isinstance(v, bool) or not hasattr(v, "__index__") or not 0 <= int(v) < _R:
            raise UnsatisfiedWitness(f"assignment[{k}] is not a canonical field element in [0, R)")
    return b"".join(int(v).to_bytes(32, "little") for v in assignment)


def prove(pk: ProvingKey, r1cs: R1CS, assignment: Sequence[int], *, progress: Progress = None) -> Proof:
    """A zero-knowledge proof that ``assignment`` satisfies ``r1cs`` (with fresh randomness).

    ``assignment`` is the full wire vector ``[1, publics..., privates...]`` (e.g.
    ``cs.assignment``). Raises :class:`UnsatisfiedWitness` if it violates a constraint (naming
    it) or is malformed, and :class:`KeyMismatch` if ``pk`` belongs to another constraint system.
    """
    return prove_with_randomness(pk, r1cs, assignment, secrets.randbelow(_R), secrets.randbelow(_R), progress=progress)


def prove_with_randomness(
    pk: ProvingKey, r1cs: R1CS, assignment: Sequence[int], r: int, s: int, *, progress: Progress = None
) -> Proof:
    """Hazmat: the prover with caller-chosen blinding ``r, s`` (tests only; reuse leaks the witness)."""
    if not (0 <= r < _R and 0 <= s < _R):
        raise ValueError("r and s must be in [0, R)")
    check_key_matches(pk, r1cs)
    wires = _assignment_bytes(r1cs, assignment)
    if progress:
        progress(f"prove: {r1cs.num_constraints} constraints, domain {pk.domain_size} (native)")
    try:
        a, b, c = pk.native.prove(r1cs.native, wires, int(r).to_bytes(32, "little"), int(s).to_bytes(32, "little"))
    except _native.UnsatisfiedRow as exc:
        row = exc.args[0]
        raise UnsatisfiedWitness(f"the assignment violates constraint #{row} {r1cs.constraint_name(row)!r}") from None
    except _native.DecodeError as exc:
        raise UnsatisfiedWitness(str(exc)) from None
    return Proof(a=g1_from_le(a), b=g2_from_le(b), c=g1_from_le(c))
