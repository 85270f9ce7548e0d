"""The sender: commit, encrypt twice, prove (specs/consistency.md, "Sender")."""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Callable

import numpy as np

from schemes.bfv.encoding import image_to_plaintexts
from schemes.bfv.encryption import Ciphertext, EncryptionWitness, encrypt
from schemes.bfv.keys import PublicKey
from schemes.commitment import commit, random_salt
from schemes.groth16 import prove
from schemes.key_agreement import sender_derive
from schemes.packing import pack
from schemes.poseidon_cipher import encrypt as cipher_encrypt
from schemes.r1cs.iden3 import write_wtns
from schemes.secret_file import write_secret_file

from .circuit import Statement, Witness, build_circuit
from .context import derive_ctx
from .envelope import Envelope
from .image import image_bytes
from .keys import ProverKeys
from .params import ENVELOPE_VERSION, ParameterSet

__all__ = ["send", "encrypt_for_scanner", "prepare_statement"]

Progress = Callable[[str], None] | None


def encrypt_for_scanner(
    params: ParameterSet, pk_fhe: PublicKey, pixels: bytes
) -> tuple[tuple[Ciphertext, ...], tuple[EncryptionWitness, ...]]:
    """The inference input: one BFV ciphertext per chunk of N pixels, and its randomness."""
    cts, wits = [], []
    for m in image_to_plaintexts(params.bfv, pixels):
        ct, wit = encrypt(params.bfv, pk_fhe, m)
        cts.append(ct)
        wits.append(wit)
    return tuple(cts), tuple(wits)


def prepare_statement(
    params: ParameterSet, pk_fhe: PublicKey, pixels: bytes, recipient_pub: bytes, context: bytes
) -> tuple[Statement, Witness, bytes]:
    """Everything but the proof: ``(statement, witness, eph_pub)`` with fresh randomness
    (salt, ephemeral key, nonce, BFV randomness)."""
    packed = pack(pixels)
    rho = random_salt()
    eph_pub, key = sender_derive(recipient_pub)
    nonce = secrets.randbits(128)
    ct_msg = tuple(cipher_encrypt([rho, *packed], key, nonce))
    ct_fhe, bfv_wit = encrypt_for_scanner(params, pk_fhe, pixels)
    stmt = Statement(commit(packed, rho), derive_ctx(context, eph_pub), nonce, ct_msg, ct_fhe)
    return stmt, Witness(pixels, rho, key, bfv_wit), eph_pub


def send(
    image: np.ndarray | str | os.PathLike[str],
    recipient_pub: bytes,
    keys: ProverKeys,
    context: bytes,
    *,
    progress: Progress = None,
    witness_out: str | os.PathLike[str] | None = None,
) -> Envelope:
    """Make an envelope for ``image`` (uint8 array (H, W, C) or image file) to ``recipient_pub``.

    ``context`` is the server-issued message context (message id, sender, recipient); the
    proof binds it together with the fresh ephemeral key through ``ctx``.

    ``witness_out``: also write the full assignment as an iden3 ``.wtns`` file (for proving the
    same statement with snarkjs). It is SECRET: it holds the image, the salt and the cipher key;
    the file is created 0600 and never overwrites an existing one.
    """
    say = progress or (lambda _m: None)
    params = keys.params
    stmt, wit, eph_pub = prepare_statement(params, keys.pk_fhe, image_bytes(image, params), recipient_pub, context)
    r1cs = keys.circuit_cache.get("r1cs")
    say(f"{params.name}: synthesizing the " + ("witness" if r1cs else "circuit with the witness"))
    cs = build_circuit(params, keys.pk_fhe, stmt, wit, constraints=r1cs is None)
    if r1cs is None:
        r1cs = cs.freeze()
    if witness_out is not None:
        buf = io.BytesIO()
        write_wtns(cs.assignment, buf)
        write_secret_file(witness_out, buf.getvalue())
    say(f"{params.name}: proving ({r1cs.num_constraints} constraints)")
    proof = prove(keys.pk, r1cs, cs.assignment, progress=progress)
    keys.circuit_cache["r1cs"] = r1cs  # the prover checked it against the key
    return Envelope(
        ENVELOPE_VERSION, params.name, stmt.C, stmt.ctx, stmt.nonce, eph_pub, stmt.ct_msg, stmt.ct_fhe, proof, params
    )
