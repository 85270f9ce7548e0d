"""Groth16 zk-SNARKs over BN254, key- and proof-compatible with snarkjs.

Modules (in the style of arkworks ``ark-groth16``):

- :mod:`.data_structures` -- ``ProvingKey``, ``VerifyingKey``, ``PreparedVerifyingKey``, ``Proof``.
- :mod:`.domain`          -- radix-2 FFT over F_R, the odd coset, Lagrange bases.
- :mod:`.r1cs_to_qap`     -- extra input rows, the domain, QAP evaluation at tau, the H scalars.
- :mod:`.generator`       -- the trusted setup (``setup``; ``insecure_setup_from_seed`` for tests).
- :mod:`.prover`          -- ``prove``.
- :mod:`.verifier`        -- ``verify`` (raises ``InvalidProof``), ``is_valid_proof``.
- :mod:`.snarkjs`         -- ``verification_key.json`` / ``proof.json`` / ``public.json``.
- :mod:`.zkey`            -- the snarkjs ``.zkey`` proving-key file.
- :mod:`.ptau`, :mod:`.ptau_setup` -- snarkjs powers-of-tau files; the key of an R1CS from one
  (byte-identical to ``snarkjs groth16 setup``).
- :mod:`.ceremony`, :mod:`.snarkjs_rng` -- phase-2 contributions, beacons and chain verification
  (snarkjs-compatible).
- :mod:`.example`         -- a runnable example (``python -m schemes.groth16``) and test circuits.
- :mod:`.snarkjs_cli`     -- locating / installing the pinned snarkjs (tests, examples, benchmark).

The arithmetic (MSMs, FFTs, pairings) runs in the native engine :mod:`schemes._native`; the
benchmark lives in :mod:`consistency.bench`.

Typical use::

    r1cs = cs.freeze()
    pk = setup(r1cs)                       # pk.vk is the verifying key
    proof = prove(pk, r1cs, cs.assignment)
    verify(prepare_verifying_key(pk.vk), cs.public_values, proof)   # raises InvalidProof
"""

from .data_structures import PreparedVerifyingKey, Proof, ProvingKey, VerifyingKey, prepare_verifying_key
from .errors import (
    EncodingError,
    Groth16Error,
    InvalidPointEncoding,
    InvalidProof,
    KeyMismatch,
    NonCanonicalCoordinate,
    NonCanonicalScalar,
    UnsatisfiedWitness,
)
from .generator import insecure_setup_from_seed, setup
from .prover import prove
from .verifier import is_valid_proof, verify, verify_proof

__all__ = [
    "Proof",
    "ProvingKey",
    "VerifyingKey",
    "PreparedVerifyingKey",
    "prepare_verifying_key",
    "setup",
    "insecure_setup_from_seed",
    "prove",
    "verify",
    "verify_proof",
    "is_valid_proof",
    "Groth16Error",
    "InvalidProof",
    "UnsatisfiedWitness",
    "KeyMismatch",
    "EncodingError",
    "NonCanonicalScalar",
    "NonCanonicalCoordinate",
    "InvalidPointEncoding",
]
