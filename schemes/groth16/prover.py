"""The Groth16 prover (the same computation as ``snarkjs groth16 prove``).

For an assignment ``w`` (``w_0 = 1``, public ``w_1..w_l``) and fresh uniform ``r, s`` in F_R:

    A = [alpha]_1 + sum_k w_k a_query[k] + r [delta]_1
    B = [beta]_2  + sum_k w_k b_g2_query[k] + s [delta]_2
    B'= [beta]_1  + sum_k w_k b_g1_query[k] + s [delta]_1          (B in G1, for C)
    C = sum_{k>l} w_k l_query[k] + sum_j p_j h_query[j] + s A + r B' - r s [delta]_1

where ``p_j`` are the odd-coset values of ``A(X) B(X) - C(X)`` (:func:`.r1cs_to_qap.h_scalars`).
Cost: six FFTs of size n, four G1 MSMs and one G2 MSM. ``r, s`` come from :mod:`secrets`; they make
the proof zero-knowledge and must never be reused or revealed (``r`` and ``s`` would expose the
witness-dependent parts of A and B).

Parallelism (``workers=2``, the default on Linux with two or more CPUs for circuits of at least
:data:`PARALLEL_MIN_WIRES` wires; forked processes, see :mod:`schemes.bn254.forking`): the
independent jobs -- the odd-coset values of A, B and C, and the A, L, B-in-G1 and B MSMs, each
MSM cut into two halves by points -- are split into two groups of similar estimated cost
(:func:`schemes.bn254.msm.msm_cost`: the MSM costs depend on the witness; most wires of our
circuits are bits or bytes), one run by a forked child. Then the H MSM, which needs all three
FFT results and has full-size scalars, splits its windows between two processes. The child
inherits everything through ``fork`` and sends back its results; the blinding ``r, s`` never
leaves this process. ``workers=1`` runs everything here, in order.
"""

from __future__ import annotations

import multiprocessing
import secrets
import sys
import weakref
from typing import Callable, Optional, Sequence

from ..bigint import big
from ..bn254.curve import g1_add, g1_mul, g1_neg, g2_add, g2_mul
from ..bn254.fields import R
from ..bn254.forking import PARALLEL_MIN_ADDS, default_workers, run_tasks, split_costs, worker_count
from ..bn254.msm import msm_cost, msm_g1, msm_g2
from .data_structures import Proof, ProvingKey
from .errors import KeyMismatch, UnsatisfiedWitness
from .r1cs_to_qap import combine_odd_coset, domain_for, row_values

__all__ = ["prove", "prove_with_randomness", "check_key_matches", "PARALLEL_MIN_WIRES"]

Progress = Optional[Callable[[str], None]]

#: Below this many wires a second process costs more than it saves.
PARALLEL_MIN_WIRES = 2048

#: Scheduling weights in G1-addition units, measured with gmpy2 on 2^16-2^17 inputs: a
#: batch-affine G2 addition costs about 2.75 G1 additions (~6 us), one odd-coset evaluation
#: (two FFTs) about 0.24 per n log2 n.
_G2_COST = 2.75
_FFT_COST = 0.24


def _default_workers(num_wires: int) -> int:
    if num_wires < PARALLEL_MIN_WIRES or not sys.platform.startswith("linux"):
        return 1
    if multiprocessing.current_process().daemon:  # daemonic processes cannot have children
        return 1
    return min(2, default_workers())


#: R1CS digests by object (an R1CS is immutable; hashing a large one takes a noticeable time).
_DIGESTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _digest(r1cs) -> bytes:
    try:
        return _DIGESTS[r1cs]
    except (KeyError, TypeError):
        pass
    d = r1cs.digest()
    try:
        _DIGESTS[r1cs] = d
    except TypeError:  # pragma: no cover - an R1CS-like object without weak references
        pass
    return d


def check_key_matches(pk: ProvingKey, r1cs) -> None:
    """Raise :class:`KeyMismatch` unless ``pk`` was made for ``r1cs`` (shape, and digest if recorded)."""
    expected = (r1cs.num_variables, r1cs.num_public, r1cs.num_constraints, domain_for(r1cs).size)
    got = (pk.num_variables, pk.num_public, pk.num_constraints, pk.domain_size)
    if expected != got:
        raise KeyMismatch(
            "proving key does not fit the constraint system: (wires, public inputs, constraints, "
            f"domain) = {got} in the key, {expected} in the R1CS")
    if len(pk.l_query) != r1cs.num_variables - r1cs.num_public - 1:
        raise KeyMismatch("proving key has a wrong number of L-query points")
    if pk.r1cs_digest is not None and pk.r1cs_digest != _digest(r1cs):
        raise KeyMismatch("proving key was generated for a different constraint system (digest mismatch)")


def prove(pk: ProvingKey, r1cs, assignment: Sequence[int], *, progress: Progress = None,
          workers: Optional[int] = None) -> Proof:
    """A zero-knowledge proof that ``assignment`` satisfies ``r1cs`` (with fresh randomness).

    ``assignment`` is the full wire vector ``[1, publics..., privates...]`` (e.g.
    ``cs.assignment``). Raises :class:`UnsatisfiedWitness` if it violates a constraint and
    :class:`KeyMismatch` if ``pk`` belongs to another constraint system. ``workers``: 1 or 2
    processes (default: see the module docstring).
    """
    return prove_with_randomness(pk, r1cs, assignment, secrets.randbelow(int(R)), secrets.randbelow(int(R)),
                                 progress=progress, workers=workers)


def prove_with_randomness(pk: ProvingKey, r1cs, assignment: Sequence[int], r: int, s: int, *,
                          progress: Progress = None, workers: Optional[int] = None) -> Proof:
    """Hazmat: the prover with caller-chosen blinding ``r, s`` (tests only; reuse leaks the witness)."""
    if not (0 <= r < R and 0 <= s < R):
        raise ValueError("r and s must be in [0, R)")
    check_key_matches(pk, r1cs)
    if len(assignment) != r1cs.num_variables:
        raise UnsatisfiedWitness(
            f"assignment has {len(assignment)} wires, the constraint system has {r1cs.num_variables}")
    if assignment[0] != 1:
        raise UnsatisfiedWitness("assignment[0] (the constant-one wire) must be 1")
    if workers is None:
        workers = _default_workers(r1cs.num_variables)
    if workers not in (1, 2):
        raise ValueError("workers must be 1 or 2")
    workers = worker_count(workers, PARALLEL_MIN_ADDS)  # 1 where forking is unsafe (threads, no fork)
    domain = domain_for(r1cs)
    a, b, c = row_values(r1cs, assignment)  # raises UnsatisfiedWitness on a violated row
    w = [int(x) for x in assignment]
    priv = w[r1cs.num_public + 1:]

    def step(label: str) -> None:
        if progress:
            progress(f"prove: {label}")

    # The key's points were validated when it was made or decoded: skip per-point curve checks.
    # One process: each MSM whole and no cost estimates; two: each MSM in halves, costed.
    fft_cost = _FFT_COST * domain.size * domain.log_size
    jobs: list = [(f"QAP {x}", lambda v=v: domain.evals_to_odd_coset(v), fft_cost)
                  for x, v in (("A", a), ("B", b), ("C", c))]
    msms = (("A", msm_g1, pk.a_query, w, 1.0), ("L", msm_g1, pk.l_query, priv, 1.0),
            ("B1", msm_g1, pk.b_g1_query, w, 1.0), ("B2", msm_g2, pk.b_g2_query, w, _G2_COST))
    for name, msm, bases, scalars, weight in msms:
        step_size = -(-len(scalars) // workers) or 1
        for part, lo in enumerate(range(0, len(scalars), step_size)):
            sl = slice(lo, lo + step_size)
            jobs.append((f"MSM {name}[{part}]",
                         lambda msm=msm, bases=bases, scalars=scalars, sl=sl:
                         msm(bases[sl], scalars[sl], validate=False, workers=1),
                         weight * msm_cost(scalars[sl]) if workers > 1 else 0.0))

    def run(group: list, report: bool) -> dict:
        out = {}
        for k in group:
            if report:
                step(jobs[k][0])
            out[jobs[k][0]] = jobs[k][1]()
        return out

    groups = split_costs([cost for _, _, cost in jobs], workers)
    if len(groups) > 1:
        step("in a worker process: " + ", ".join(jobs[k][0] for k in groups[1]))
    done: dict = {}
    for part in run_tasks([(run, (g, i == 0)) for i, g in enumerate(groups)]):
        done.update(part)
    step(f"MSM H ({domain.size} G1 points)")
    h_acc = msm_g1(pk.h_query, combine_odd_coset(done["QAP A"], done["QAP B"], done["QAP C"]),
                   validate=False, workers=workers)
    acc: dict = {}
    for name, *_ in msms:
        add = g2_add if name == "B2" else g1_add
        for part in range(workers):
            acc[name] = add(acc.get(name), done.get(f"MSM {name}[{part}]"))
    a_acc, l_acc, b1_acc, b2_acc = acc["A"], acc["L"], acc["B1"], acc["B2"]
    step("combining")
    return assemble(pk, a_acc, b1_acc, b2_acc, l_acc, h_acc, r, s)


def assemble(pk: ProvingKey, a_acc, b1_acc, b2_acc, l_acc, h_acc, r: int, s: int) -> Proof:
    """Combine the five MSM results with the blinding ``r, s`` (formulas in the module docstring)."""
    vk = pk.vk
    a = g1_add(g1_add(vk.alpha_g1, a_acc), g1_mul(pk.delta_g1, r))
    b = g2_add(g2_add(vk.beta_g2, b2_acc), g2_mul(vk.delta_g2, s))
    b1 = g1_add(g1_add(pk.beta_g1, b1_acc), g1_mul(pk.delta_g1, s))
    c = g1_add(l_acc, h_acc)
    c = g1_add(c, g1_mul(a, s))
    c = g1_add(c, g1_mul(b1, r))
    c = g1_add(c, g1_neg(g1_mul(pk.delta_g1, big(r) * s % R)))
    return Proof(a=a, b=b, c=c)
