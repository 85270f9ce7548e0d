"""Dealerless n-of-n key generation: every member makes its own share and proves it well formed.

Public setup. The committee fixes a seed (for example a hash of the parameter-set name and a
committee id, see ``consistency.committee``); the common ring element is expanded from it, one
polynomial per RNS modulus (:mod:`.moduli`), so nobody chooses it::

    a^(k) = SHAKE256 expansion of (CRS_TAG, seed || k) as N uniform residues mod q_k

Member i (1-based), on its own machine:

- samples ``s_i`` ternary (uniform on {-1, 0, 1}^N), ``e_i`` from chi_B (``|e_i| <= B``) and a
  salt ``rho_i`` uniform in [0, R);
- publishes, per modulus, ``b_i^(k) = -a^(k) s_i + e_i mod q_k`` (the same ``s_i, e_i`` for
  every k), the commitment ``h_i = Commit_K(s_i; rho_i)`` and a proof (:mod:`.dkg_gadget`);
- keeps ``(s_i, rho_i)`` secret (:class:`SecretShare`). ``e_i`` is not needed after the proof.

Share commitment (binding and hiding, the Poseidon sponge of specs/commitment.md under its own
domain tag ``"GRC/SKC1"``)::

    Commit_K(s; rho) = PoseidonSponge([rho] + pack3(s), KEY_COMMIT_DOMAIN)
    pack3(s) = [sum_{j<150} 3^j (s_{150c+j} + 1) for every chunk c of 150 coefficients]

``3^150 < 2^238 < R``, so for ternary ``s`` the packing is injective and ``Commit_K`` binds
``s`` (a collision of the sponge otherwise).

Joint key: ``pk = (sum_i b_i^(k), a^(k))`` per modulus, written mod ``q = q_1 ... q_K`` by CRT.
It is ``(-a s + e, a)`` for ``s = sum s_i`` (``|s| <= n``) and ``e = sum e_i`` (``|e| <= n B``),
the bounds of the noise budget. :func:`joint_public_key` sums what it is given: call it only on
contributions whose proofs verified (``consistency.committee`` does); a contribution without a
proof is the rogue-key attack (``b_n = b* - sum_{i<n} b_i``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..bn254.fields import R as _R_MPZ
from ..poseidon import poseidon_sponge
from ._validate import as_int_tuple, small_signed
from .errors import InvalidKeyError, InvalidWitnessError
from .keys import PublicKey, SecretKey
from .moduli import crt_poly, moduli
from .params import BfvParams
from .ring import get_ring
from .sampling import RandomSource, expand_uniform_mod, resolve_rng, sample_gaussian, sample_ternary

__all__ = [
    "CRS_TAG",
    "KEY_COMMIT_TAG",
    "KEY_COMMIT_DOMAIN",
    "TRITS_PER_ELEMENT",
    "SecretShare",
    "KeyContribution",
    "KeygenWitness",
    "crs_polynomials",
    "pack_ternary",
    "commit_secret",
    "generate_share",
    "contribution_from_secret",
    "joint_public_key",
    "joint_secret_key",
    "sample_salt",
]

R = int(_R_MPZ)

#: Domain tag of the SHAKE256 expansion of the common ring elements ``a^(k)``.
CRS_TAG = b"greco-consistency/bfv/dkg-crs/v1"
#: ASCII tag of the share commitment's sponge domain (specs/commitment.md, "Domain tags").
KEY_COMMIT_TAG = b"GRC/SKC1"
KEY_COMMIT_DOMAIN = int.from_bytes(KEY_COMMIT_TAG, "big")
#: Ternary coefficients packed per field element (3^150 < 2^238 < R).
TRITS_PER_ELEMENT = 150


@dataclass(frozen=True)
class SecretShare:
    """Member ``member``'s secret: ternary ``s`` (N signed ints) and the commitment salt. Keep
    it in a secret file (``consistency.committee`` writes it 0600)."""

    member: int
    s: tuple[int, ...] = field(repr=False)
    salt: int = field(repr=False)


@dataclass(frozen=True)
class KeyContribution:
    """What member ``member`` publishes: ``b[k]`` = ``-a^(k) s + e mod q_k`` (N residues per
    modulus) and ``h = Commit_K(s; salt)``."""

    member: int
    b: tuple[tuple[int, ...], ...]
    h: int


@dataclass(frozen=True)
class KeygenWitness:
    """The private side of a contribution's proof: ``s`` ternary, ``e`` with ``|e| <= B``, salt."""

    s: tuple[int, ...] = field(repr=False)
    e: tuple[int, ...] = field(repr=False)
    salt: int = field(repr=False)


def crs_polynomials(params: BfvParams, seed: bytes) -> tuple[tuple[int, ...], ...]:
    """The committee's public ``a^(k)`` for every modulus: uniform residues mod ``q_k``."""
    if not isinstance(seed, (bytes, bytearray)) or len(seed) < 16:
        raise InvalidKeyError("the common ring element needs a seed of at least 16 bytes")
    return tuple(
        as_int_tuple(expand_uniform_mod(bytes(seed) + k.to_bytes(4, "big"), params.n, q, CRS_TAG))
        for k, q in enumerate(moduli(params))
    )


def _check_crs(params: BfvParams, crs: Sequence[Sequence[int]]) -> list[np.ndarray]:
    mods = moduli(params)
    if len(crs) != len(mods):
        raise InvalidKeyError(f"need one common polynomial per modulus ({len(mods)}), got {len(crs)}")
    out = []
    for a, q in zip(crs, mods):
        arr = np.array([int(x) for x in a], dtype=object)
        if len(arr) != params.n or any(not 0 <= int(x) < q for x in arr):
            raise InvalidKeyError("common polynomial: N residues in [0, q_k) expected")
        out.append(np.array([int(x) for x in a], dtype=np.uint64))
    return out


def _ternary(params: BfvParams, s: Sequence[int], what: str) -> tuple[int, ...]:
    arr = small_signed(params, s, 1, what, InvalidKeyError)
    return as_int_tuple(arr)


def pack_ternary(s: Sequence[int]) -> list[int]:
    """``pack3(s)``: chunks of 150 coefficients as ``sum_j 3^j (s_j + 1)`` (s ternary)."""
    vals = [int(x) for x in s]
    if any(x not in (-1, 0, 1) for x in vals):
        raise InvalidKeyError("pack_ternary needs coefficients in {-1, 0, 1}")
    out = []
    for c in range(0, len(vals), TRITS_PER_ELEMENT):
        acc = 0
        for j, x in enumerate(vals[c : c + TRITS_PER_ELEMENT]):
            acc += 3**j * (x + 1)
        out.append(acc)
    return out


def commit_secret(s: Sequence[int], salt: int) -> int:
    """``Commit_K(s; salt) = PoseidonSponge([salt] + pack3(s), KEY_COMMIT_DOMAIN)``."""
    if isinstance(salt, bool) or not isinstance(salt, int) or not 0 <= salt < R:
        raise InvalidKeyError("the commitment salt must be an int in [0, R)")
    return int(poseidon_sponge([salt, *pack_ternary(s)], KEY_COMMIT_DOMAIN))


def sample_salt(rng: RandomSource | None = None) -> int:
    """A uniform element of [0, R) (254-bit words, rejected when >= R)."""
    rng = resolve_rng(rng)
    while True:
        x = int.from_bytes(rng.random_bytes(32), "little") & ((1 << 254) - 1)
        if x < R:
            return x


def _check_member(params: BfvParams, member: int) -> int:
    if isinstance(member, bool) or not isinstance(member, int) or not 1 <= member <= params.parties:
        raise InvalidKeyError(f"member index must be an int in [1, {params.parties}], got {member!r}")
    return member


def contribution_from_secret(
    params: BfvParams,
    crs: Sequence[Sequence[int]],
    member: int,
    s: Sequence[int],
    e: Sequence[int],
    salt: int,
    *,
    check_bounds: bool = True,
) -> KeyContribution:
    """The deterministic part of key generation: ``b^(k) = -a^(k) s + e mod q_k`` and ``h``.

    With ``check_bounds=False`` (tests that build malformed contributions by hand) ``e`` may
    be any int64 polynomial; ``s`` must still be ternary (it is committed).
    """
    _check_member(params, member)
    a = _check_crs(params, crs)
    s_t = _ternary(params, s, "secret share s")
    bound = params.error_bound if check_bounds else (1 << 40)
    e_arr = small_signed(params, e, bound, "key error e", InvalidWitnessError)
    b = []
    for a_k, q in zip(a, moduli(params)):
        ring = get_ring(params.n, q)
        prod = ring.mul(a_k, ring.residues(list(s_t)))
        b.append(as_int_tuple(ring.add(ring.neg(prod), ring.residues(e_arr.tolist()))))
    return KeyContribution(member, tuple(b), commit_secret(s_t, salt))


def generate_share(
    params: BfvParams, crs: Sequence[Sequence[int]], member: int, rng: RandomSource | None = None
) -> tuple[SecretShare, KeyContribution, KeygenWitness]:
    """Member ``member`` (1-based) samples ``s, e, salt``; returns its secret share, its public
    contribution and the witness of the contribution's proof."""
    rng = resolve_rng(rng)
    s = as_int_tuple(sample_ternary(rng, params.n))
    e = as_int_tuple(sample_gaussian(rng, params.n, params.sigma, params.error_bound))
    salt = sample_salt(rng)
    contribution = contribution_from_secret(params, crs, member, s, e, salt)
    return SecretShare(member, s, salt), contribution, KeygenWitness(s, e, salt)


def _check_members(params: BfvParams, members: Sequence[int]) -> None:
    if not members:
        raise InvalidKeyError("need at least one member")
    if len(members) > params.parties:
        raise InvalidKeyError(
            f"{len(members)} members exceed the {params.parties} the noise budget of {params.name} covers"
        )
    if sorted(members) != list(range(1, len(members) + 1)):
        raise InvalidKeyError(f"member indices must be exactly 1..{len(members)}, got {sorted(members)}")


def joint_public_key(
    params: BfvParams, crs: Sequence[Sequence[int]], contributions: Sequence[KeyContribution]
) -> PublicKey:
    """``(sum_i b_i, a)`` mod q (CRT over the moduli) from the contributions of members 1..n.

    Sums what it is given: pass only contributions whose proofs verified.
    """
    _check_members(params, [c.member for c in contributions])
    a = _check_crs(params, crs)
    mods = moduli(params)
    p0 = []
    for k, q in enumerate(mods):
        ring = get_ring(params.n, q)
        total = np.zeros(params.n, dtype=np.uint64)
        for c in contributions:
            if len(c.b) != len(mods) or len(c.b[k]) != params.n or any(not 0 <= int(x) < q for x in c.b[k]):
                raise InvalidKeyError(f"contribution of member {c.member}: b must be N residues mod each q_k")
            total = ring.add(total, np.array([int(x) for x in c.b[k]], dtype=np.uint64))
        p0.append(as_int_tuple(total))
    return PublicKey(crt_poly(p0, mods), crt_poly([as_int_tuple(x) for x in a], mods))


def joint_secret_key(params: BfvParams, shares: Sequence[SecretShare]) -> SecretKey:
    """``s = sum_i s_i`` -- FOR TESTS AND AUDITS ONLY: in deployment nobody holds every share."""
    _check_members(params, [sh.member for sh in shares])
    total = np.zeros(params.n, dtype=np.int64)
    for sh in shares:
        total += small_signed(params, sh.s, 1, f"secret share {sh.member}", InvalidKeyError)
    return SecretKey(as_int_tuple(total))
