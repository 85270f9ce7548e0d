"""Partial decryption of the score coefficient only, and its combination (HAZMAT layer).

The scanner's score sits in coefficient ``N - 1`` of a score ciphertext ``(c0, c1)``
(:func:`.evaluation.linear_score`). Member i decrypts that one coefficient, per modulus::

    d_i^(k) = (c1^(k) s_i)_{N-1} + E_i  mod q_k,      (c1 s)_{N-1} = sum_{j<N} c1_{N-1-j} s_j

(in ``Z[X]/(X^N + 1)`` coefficient ``N - 1`` has no wrapped terms), with one flooding integer
``E_i`` uniform in ``[-F, F]``, ``F = params.flood_bound``, shared by the moduli. Anyone combines

    x^(k) = c0^(k)_{N-1} + sum_i d_i^(k)  mod q_k,     x = CRT(x^(1..K)) mod q
          = Delta P + v + sum_i E_i  (mod q)

and decodes ``P = round(t x / q) mod t`` (specs/bfv.md section 6), correct while the noise
budget holds (section 8).

HAZMAT. :func:`partial_decrypt_score` decrypts coefficient N-1 of *whatever* ``c1`` it is
given: with ``c1 = floor(q/3) X^j`` it reveals ``s_j``. It must only ever see the ``c1`` of a
score ciphertext that the member recomputed from an envelope whose proof it verified and from
the committee's model; ``consistency.committee.member`` is the safe API that does so, and it
never accepts a ciphertext from the party asking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .dkg import SecretShare
from .encryption import Ciphertext, check_ciphertext, decode_coefficient
from .errors import InvalidCiphertextError, InvalidKeyError
from .moduli import crt, moduli, residues
from .params import BfvParams
from .sampling import RandomSource, resolve_rng, sample_flooding

__all__ = [
    "ScorePartial",
    "PartialWitness",
    "score_coefficient",
    "score_residues",
    "partial_decrypt_score",
    "combine_score",
]


@dataclass(frozen=True)
class ScorePartial:
    """Member ``member``'s partial decryption of the score coefficient: ``d[k]`` in [0, q_k)."""

    member: int
    d: tuple[int, ...]


@dataclass(frozen=True)
class PartialWitness:
    """The flooding integer ``E`` (``|E| <= F``) of one partial decryption. Secret."""

    flood: int = field(repr=False)


def score_coefficient(c1: Sequence[int], s: Sequence[int]) -> int:
    """``(c1 s)_{N-1} = sum_j c1_{N-1-j} s_j`` over the integers."""
    n = len(c1)
    if len(s) != n:
        raise InvalidKeyError(f"s has {len(s)} coefficients, c1 has {n}")
    return sum(int(c1[n - 1 - j]) * int(s[j]) for j in range(n) if s[j])


def score_residues(params: BfvParams, ct: Ciphertext) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """What a member decrypts, per modulus k: ``(c0_{N-1} mod q_k for every k, c1 mod q_k for every k)``."""
    c0, c1 = check_ciphertext(params, ct)
    mods = moduli(params)
    return tuple(int(c0[params.n - 1]) % q for q in mods), residues(c1, mods)


def _check_c1(params: BfvParams, c1: Sequence[Sequence[int]]) -> list[list[int]]:
    mods = moduli(params)
    if len(c1) != len(mods):
        raise InvalidCiphertextError(f"c1 needs one polynomial per modulus ({len(mods)}), got {len(c1)}")
    out = []
    for poly, q in zip(c1, mods):
        vals = [int(x) for x in poly]
        if len(vals) != params.n or any(not 0 <= x < q for x in vals):
            raise InvalidCiphertextError("c1: N canonical residues per modulus expected")
        out.append(vals)
    return out


def partial_decrypt_score(
    params: BfvParams,
    share: SecretShare,
    c1: Sequence[Sequence[int]],
    rng: RandomSource | None = None,
    *,
    flood: int | None = None,
) -> tuple[ScorePartial, PartialWitness]:
    """HAZMAT (see the module docstring): ``d^(k) = (c1^(k) s)_{N-1} + E mod q_k``.

    ``E`` is fresh uniform on ``[-F, F]``; ``flood`` fixes it (tests only: a reused or chosen
    ``E`` removes the flooding).
    """
    c1v = _check_c1(params, c1)
    if len(share.s) != params.n or any(int(x) not in (-1, 0, 1) for x in share.s):
        raise InvalidKeyError("the secret share must be N ternary coefficients")
    e = sample_flooding(resolve_rng(rng), params.flood_bound) if flood is None else int(flood)
    d = tuple((score_coefficient(poly, share.s) + e) % q for poly, q in zip(c1v, moduli(params)))
    return ScorePartial(share.member, d), PartialWitness(e)


def combine_score(params: BfvParams, c0_last: Sequence[int], partials: Sequence[ScorePartial]) -> int:
    """The score coefficient's plaintext in [0, t) from ``c0_{N-1}`` per modulus and the
    partials of members 1..n (each exactly once). Does not check proofs: verify them first."""
    mods = moduli(params)
    members = sorted(p.member for p in partials)
    if not members or members != list(range(1, len(members) + 1)) or len(members) > params.parties:
        raise InvalidKeyError(f"need exactly one partial from each of members 1..n, got {members}")
    if len(c0_last) != len(mods):
        raise InvalidCiphertextError("c0_{N-1}: one residue per modulus expected")
    xs = []
    for k, q in enumerate(mods):
        x = int(c0_last[k])
        if not 0 <= x < q:
            raise InvalidCiphertextError("c0_{N-1} must be canonical")
        for p in partials:
            if len(p.d) != len(mods) or not 0 <= int(p.d[k]) < q:
                raise InvalidCiphertextError(f"partial of member {p.member}: d must be canonical per modulus")
            x += int(p.d[k])
        xs.append(x % q)
    return decode_coefficient(params, crt(xs, mods))
