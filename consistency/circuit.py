"""The consistency circuit: one function builds it for setup (shape only) and for proving.

Public inputs, in this order (``ParameterSet.num_public`` of them):
``C, ctx, nonce, ct_msg[0..L), then for every BFV chunk k: P_k[0..N)`` with
``P_k[i] = c0_k[i] + 2^S c1_k[i]`` (coefficients in [0, q), ``S = bitlen(q) + bitlen(N) + 1``,
:func:`schemes.bfv.gadget.pack_ciphertext`).

Witness: pixels ``x`` (bytes), ``rho``, the cipher key ``(k0, k1)``, and per chunk the BFV
randomness ``(u, e0, e1)`` (the gadget adds its quotients).

The relation (specs/consistency.md, "The relation") holds iff
1. every pixel is a byte (8 boolean wires each, :func:`schemes.packing.gadget.alloc_bytes`);
2. ``C = Commit(pack(x); rho)`` (:mod:`schemes.commitment.gadget`);
3. ``ct_msg = PoseidonEncrypt([rho] + pack(x), key, nonce)`` with ``nonce < 2^128``
   (:mod:`schemes.poseidon_cipher.gadget`);
4. per chunk, ``c0 = pk0*u + e0 + Delta*m`` and ``c1 = pk1*u + e1`` in ``Z_q[X]/(X^N+1)``
   for the whole RNS modulus ``q = q_1 ... q_k`` (so in every ``Z_{q_j}[X]/(X^N+1)`` with the same
   ``u, e, m``), ``m`` = that chunk's pixels then zeros, ``u`` ternary, ``|e| <= B``
   (:mod:`schemes.bfv.gadget`);
5. ``ctx`` is bound: besides Groth16's input-consistency rows (which bind every public input),
   the row ``ctx * ctx = ctx_sq`` puts it in a constraint of the circuit itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from schemes.bfv.encryption import Ciphertext, EncryptionWitness
from schemes.bfv.gadget import encryption_gadget, pack_ciphertext
from schemes.bfv.keys import PublicKey
from schemes.commitment.gadget import commit_gadget
from schemes.packing.gadget import alloc_bytes, pack_gadget
from schemes.poseidon_cipher.gadget import encrypt_gadget
from schemes.r1cs import ConstraintSystem, LinearCombination

from .params import ParameterSet

__all__ = ["Statement", "Witness", "build_circuit", "public_inputs"]


@dataclass(frozen=True)
class Statement:
    """The public inputs of one proof."""

    C: int
    ctx: int
    nonce: int
    ct_msg: tuple[int, ...]
    ct_fhe: tuple[Ciphertext, ...]


@dataclass(frozen=True)
class Witness:
    """The sender's secrets: pixels (row-major HWC bytes), salt, cipher key, BFV randomness per chunk."""

    pixels: bytes
    rho: int
    key: tuple[int, int]
    bfv: tuple[EncryptionWitness, ...]


def public_inputs(params: ParameterSet, stmt: Statement) -> list[int]:
    """The public-input vector in circuit order (the BFV chunks packed, one input per coefficient)."""
    out = [stmt.C, stmt.ctx, stmt.nonce, *stmt.ct_msg]
    for ct in stmt.ct_fhe:
        out.extend(pack_ciphertext(params.bfv, ct))
    return out


def build_circuit(
    params: ParameterSet,
    pk_fhe: PublicKey,
    statement: Statement | None = None,
    witness: Witness | None = None,
    *,
    constraints: bool = True,
) -> ConstraintSystem:
    """Synthesize the relation. With ``statement`` and ``witness`` the system carries the full
    assignment (for proving); with neither it is shape-only (for setup). The shape is identical.
    ``constraints=False`` (with a witness) computes only the assignment, for a prover that holds
    the frozen system already."""
    if (statement is None) != (witness is None):
        raise ValueError("give both the statement and the witness (proving) or neither (setup)")
    cs = ConstraintSystem(with_witness=witness is not None, constraints=constraints)
    n, chunks = params.bfv.n, params.num_chunks
    pub: Sequence[int | None] = (
        public_inputs(params, statement) if statement is not None else [None] * params.num_public
    )
    if len(pub) != params.num_public:
        raise ValueError(f"statement has {len(pub)} public inputs, the parameter set needs {params.num_public}")

    it = iter(pub)
    C = cs.public_input(next(it), "C")
    ctx = cs.public_input(next(it), "ctx")
    nonce = cs.public_input(next(it), "nonce")
    ct_msg = [cs.public_input(next(it), f"ct_msg[{i}]") for i in range(params.ct_msg_len)]
    ct_fhe: list[list[LinearCombination]] = [
        [cs.public_input(next(it), f"ct_fhe[{k}].packed[{i}]") for i in range(n)] for k in range(chunks)
    ]

    w = witness
    pixels = alloc_bytes(cs, None if w is None else w.pixels, params.num_pixels, "x")
    rho = cs.witness(None if w is None else w.rho, "rho")
    key = [cs.witness(None if w is None else w.key[i], f"key[{i}]") for i in range(2)]
    packed = pack_gadget(cs, pixels, "pack")

    cs.enforce_equal(commit_gadget(cs, packed, rho, "commit"), C, "C = Commit(pack(x); rho)")

    ct = encrypt_gadget(cs, [rho, *packed], key, nonce, params.plaintext_len, "cipher")
    for i, (got, pub_ct) in enumerate(zip(ct, ct_msg, strict=True)):
        cs.enforce_equal(got, pub_ct, f"ct_msg[{i}]")

    zero = LinearCombination.constant(0, cs)
    for k, packed_k in enumerate(ct_fhe):
        m = list(pixels[k * n : (k + 1) * n])
        m += [zero] * (n - len(m))
        encryption_gadget(cs, params.bfv, pk_fhe, m, packed_k, None if w is None else w.bfv[k], name=f"bfv[{k}]")

    ctx_sq = cs.witness(lambda: ctx.value * ctx.value, "ctx_sq")
    cs.enforce(ctx, ctx, ctx_sq, "ctx bound")
    return cs
