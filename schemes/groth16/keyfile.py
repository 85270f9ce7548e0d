"""A compact binary file for a :class:`ProvingKey` (points only, no constraint matrices).

The snarkjs ``.zkey`` (:mod:`.zkey`) also carries the A and B matrices, which for a circuit
with dense negacyclic blocks is hundreds of megabytes; our prover rebuilds the matrices from
the circuit, so it stores only the points. Layout (big-endian)::

    magic b"G16PKEY\\0" | version u32 (=1)
    num_public u32 | num_variables u32 | num_constraints u32 | domain_size u32
    r1cs_digest: u8 present (0/1) + 32 bytes
    alpha_g1, beta_g2, gamma_g2, delta_g2, ic[num_public + 1]        (the verifying key)
    beta_g1, delta_g1
    a_query[num_variables], b_g1_query[num_variables], b_g2_query[num_variables]
    l_query[num_variables - num_public - 1], h_query[domain_size]

G1 points are 64 bytes and G2 points 128 bytes (:func:`schemes.bn254.curve.g1_to_bytes`,
``g2_to_bytes``; all-zero = infinity). Reading checks canonical coordinates and that every point
is on its curve, and that none of alpha, beta, gamma, delta is infinity; the r-torsion check of
the many G2 query points is skipped for speed (a bad proving key can only make invalid proofs,
which any verifier rejects); the verifying-key points are fully checked.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from ..bn254.curve import G1Point, InvalidPoint, g1_from_bytes, g1_to_bytes, g2_from_bytes, g2_to_bytes
from ..bn254.vectors import G1Vector, G2Vector
from .data_structures import ProvingKey, VerifyingKey
from .errors import EncodingError

__all__ = ["write_proving_key", "read_proving_key"]

MAGIC = b"G16PKEY\x00"
VERSION = 1


def write_proving_key(path: str | os.PathLike[str], pk: ProvingKey) -> None:
    """Write ``pk`` to ``path`` (see the module docstring for the layout)."""
    vk = pk.vk
    with open(Path(path), "wb") as f:
        f.write(MAGIC + struct.pack(">I", VERSION))
        f.write(struct.pack(">IIII", vk.num_public, pk.num_variables, pk.num_constraints, pk.domain_size))
        f.write(b"\x01" + pk.r1cs_digest if pk.r1cs_digest is not None else b"\x00" + bytes(32))
        f.write(
            g1_to_bytes(vk.alpha_g1) + g2_to_bytes(vk.beta_g2) + g2_to_bytes(vk.gamma_g2) + g2_to_bytes(vk.delta_g2)
        )
        f.write(b"".join(g1_to_bytes(p) for p in vk.ic))
        f.write(g1_to_bytes(pk.beta_g1) + g1_to_bytes(pk.delta_g1))
        for query in (pk.a_query, pk.b_g1_query, pk.b_g2_query, pk.l_query, pk.h_query):
            f.write(query.to_bytes("be"))


def read_proving_key(path: str | os.PathLike[str]) -> ProvingKey:
    """Read a proving key written by :func:`write_proving_key`. Raises :class:`EncodingError`."""
    data = memoryview(Path(path).read_bytes())
    pos = 0

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > len(data):
            raise EncodingError("truncated proving key file")
        out = bytes(data[pos : pos + n])
        pos += n
        return out

    if take(8) != MAGIC:
        raise EncodingError("not a proving key file (bad magic)")
    (version,) = struct.unpack(">I", take(4))
    if version != VERSION:
        raise EncodingError(f"unsupported proving key version {version}")
    num_public, num_variables, num_constraints, domain_size = struct.unpack(">IIII", take(16))
    if (
        num_variables < num_public + 1
        or domain_size < 2
        or domain_size & (domain_size - 1)
        or num_constraints + num_public + 1 > domain_size
    ):  # the QAP rows must fit the domain
        raise EncodingError("inconsistent proving key header")
    flag, digest = take(1), take(32)
    if flag not in (b"\x00", b"\x01"):
        raise EncodingError("bad r1cs digest flag")
    if flag == b"\x00" and digest != bytes(32):  # canonical: no digest is written as zeros
        raise EncodingError("r1cs digest bytes must be zero when the digest flag is 0")
    try:

        def g1() -> G1Point:
            return g1_from_bytes(take(64))

        alpha = g1()
        beta2, gamma2, delta2 = (g2_from_bytes(take(128)) for _ in range(3))
        ic = tuple(g1() for _ in range(num_public + 1))
        beta1, delta1 = g1(), g1()
        a_q = G1Vector.from_bytes(take(64 * num_variables), "be", what="A query")
        b1_q = G1Vector.from_bytes(take(64 * num_variables), "be", what="B1 query")
        b2_q = G2Vector.from_bytes(take(128 * num_variables), "be", subgroup=False, what="B2 query")
        l_q = G1Vector.from_bytes(take(64 * (num_variables - num_public - 1)), "be", what="L query")
        h_q = G1Vector.from_bytes(take(64 * domain_size), "be", what="H query")
    except InvalidPoint as exc:
        raise EncodingError(f"proving key: {exc}") from None
    if pos != len(data):
        raise EncodingError("trailing bytes after the proving key")
    for name, pt in (
        ("alpha_g1", alpha),
        ("beta_g2", beta2),
        ("gamma_g2", gamma2),
        ("delta_g2", delta2),
        ("beta_g1", beta1),
        ("delta_g1", delta1),
    ):
        if pt is None:
            raise EncodingError(f"proving key: {name} is the point at infinity")
    vk = VerifyingKey(alpha, beta2, gamma2, delta2, ic)
    return ProvingKey(
        vk, beta1, delta1, a_q, b1_q, b2_q, l_q, h_q, num_constraints, digest if flag == b"\x01" else None
    )
