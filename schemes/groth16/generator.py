"""Groth16 key generation (the trusted setup), producing the snarkjs proving-key layout.

With toxic waste ``tau, alpha, beta, gamma, delta`` (uniform in [1, R), from :mod:`secrets`) and
``u_k, v_k, w_k`` the QAP polynomials of wire k (:func:`.r1cs_to_qap.qap_at`):

    vk:  [alpha]_1, [beta]_2, [gamma]_2, [delta]_2, ic[k] = [(beta u_k + alpha v_k + w_k)/gamma]_1 (k <= l)
    pk:  [beta]_1, [delta]_1, a_query[k] = [u_k]_1, b_g1_query[k] = [v_k]_1, b_g2_query[k] = [v_k]_2,
         l_query[k] = [(beta u_k + alpha v_k + w_k)/delta]_1 (k > l), h_query[j] = [L'_{2j+1}/delta]_1

everything evaluated at tau. The toxic waste must be destroyed after the setup: this function
keeps it only in local variables. A single-party setup is only as trustworthy as the party that
ran it; for an untrusted setting run a snarkjs phase-2 ceremony on the exported ``.zkey``.

The query points are computed by the native engine (:mod:`schemes.bn254.fixed_base`) and stay
in its memory.

:func:`insecure_setup_from_seed` derives the toxic waste from a seed. Anyone who knows the seed
can forge proofs: it exists for reproducible tests and benchmarks only.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from ..bigint import big, invmod
from ..bn254.curve import G1_GEN, G2_GEN, g1_mul, g2_mul
from ..bn254.fields import R
from ..bn254.fixed_base import fixed_base_mul_g1, fixed_base_mul_g2
from ..bn254.vectors import G1Vector
from ..r1cs.matrices import R1CS
from .data_structures import ProvingKey, VerifyingKey
from .domain import Domain
from .r1cs_to_qap import domain_for, qap_at

__all__ = ["ToxicWaste", "setup", "insecure_setup_from_seed", "setup_with_toxic_waste"]

Progress = Callable[[str], None] | None


@dataclass(frozen=True, repr=False)
class ToxicWaste:
    """The setup secrets ``tau, alpha, beta, gamma, delta`` (each in [1, R)). Never store or log them."""

    tau: int
    alpha: int
    beta: int
    gamma: int
    delta: int

    def __repr__(self) -> str:  # never print the secrets by accident
        return "ToxicWaste(<redacted>)"

    @classmethod
    def random(cls, domain: Domain) -> ToxicWaste:
        """Fresh secrets from the OS CSPRNG; tau avoids the 2n-th roots of unity."""
        return cls._from_source(lambda _label: 1 + secrets.randbelow(int(R) - 1), domain)

    @classmethod
    def insecure_from_seed(cls, seed: bytes, domain: Domain) -> ToxicWaste:
        """INSECURE, tests only: secrets = SHA-256 expansions of ``seed`` (see the module docstring)."""
        if not isinstance(seed, (bytes, bytearray)):
            raise TypeError("seed must be bytes")
        counter = [0]

        def draw(label: str) -> int:
            counter[0] += 1
            digest = hashlib.sha512(
                b"groth16-insecure-setup/" + label.encode() + b"/" + counter[0].to_bytes(4, "big") + bytes(seed)
            ).digest()
            return 1 + int.from_bytes(digest, "big") % (int(R) - 1)

        return cls._from_source(draw, domain)

    @classmethod
    def _from_source(cls, draw: Callable[[str], int], domain: Domain) -> ToxicWaste:
        two_n = 2 * domain.size
        while True:
            tau = draw("tau")
            if pow(big(tau), two_n, R) != 1:  # tau must not be a 2n-th root of unity
                break
        return cls(tau=tau, alpha=draw("alpha"), beta=draw("beta"), gamma=draw("gamma"), delta=draw("delta"))


def setup(r1cs: R1CS, *, progress: Progress = None) -> ProvingKey:
    """Generate a proving key (its ``.vk`` is the verifying key) with fresh secret toxic waste."""
    domain = domain_for(r1cs)
    return setup_with_toxic_waste(r1cs, ToxicWaste.random(domain), progress=progress)


def insecure_setup_from_seed(r1cs: R1CS, seed: bytes, *, progress: Progress = None) -> ProvingKey:
    """INSECURE: a deterministic setup whose toxic waste is derived from ``seed``. Tests only."""
    domain = domain_for(r1cs)
    return setup_with_toxic_waste(r1cs, ToxicWaste.insecure_from_seed(seed, domain), progress=progress)


def setup_with_toxic_waste(r1cs: R1CS, tw: ToxicWaste, *, progress: Progress = None) -> ProvingKey:
    """Hazmat: the setup for given secrets (used by :func:`setup` and the tests)."""
    domain = domain_for(r1cs)
    for name in ("tau", "alpha", "beta", "gamma", "delta"):
        x = getattr(tw, name)
        if not 0 < x < R:
            raise ValueError(f"toxic waste {name} must be in [1, R)")
    if progress:
        progress(
            f"setup: {r1cs.num_constraints} constraints, {r1cs.num_variables} wires, "
            f"{r1cs.num_public} public inputs, domain 2^{domain.log_size}"
        )
        progress("setup: evaluating the QAP at tau")
    u, v, w = qap_at(r1cs, domain, tw.tau)
    alpha, beta = big(tw.alpha), big(tw.beta)
    gamma_inv = invmod(big(tw.gamma), R)
    delta_inv = invmod(big(tw.delta), R)
    num_ic = r1cs.num_public + 1
    combo = [(beta * uk + alpha * vk + wk) % R for uk, vk, wk in zip(u, v, w)]
    ic_scalars = [x * gamma_inv % R for x in combo[:num_ic]]
    l_scalars = [x * delta_inv % R for x in combo[num_ic:]]
    h_scalars = [x * delta_inv % R for x in domain.odd_coset_lagrange_at(tw.tau)]
    del combo

    def g1(label: str, scalars: list[int]) -> G1Vector:
        if progress:
            progress(f"setup: {label} ({len(scalars)} G1 points)")
        return fixed_base_mul_g1(G1_GEN, scalars)

    a_query = g1("A query", u)
    b_g1_query = g1("B query in G1", v)
    if progress:
        progress(f"setup: B query in G2 ({len(v)} G2 points)")
    b_g2_query = fixed_base_mul_g2(G2_GEN, v)
    ic = tuple(g1("IC", ic_scalars))
    l_query = g1("L query", l_scalars)
    h_query = g1("H query", h_scalars)

    vk = VerifyingKey(
        alpha_g1=g1_mul(G1_GEN, tw.alpha),
        beta_g2=g2_mul(G2_GEN, tw.beta),
        gamma_g2=g2_mul(G2_GEN, tw.gamma),
        delta_g2=g2_mul(G2_GEN, tw.delta),
        ic=ic,
    )
    if progress:
        progress("setup: done")
    return ProvingKey(
        vk=vk,
        beta_g1=g1_mul(G1_GEN, tw.beta),
        delta_g1=g1_mul(G1_GEN, tw.delta),
        a_query=a_query,
        b_g1_query=b_g1_query,
        b_g2_query=b_g2_query,
        l_query=l_query,
        h_query=h_query,
        num_constraints=r1cs.num_constraints,
        r1cs_digest=r1cs.digest(),
    )
