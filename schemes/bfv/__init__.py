"""BFV over Z_q[X]/(X^N + 1) for coefficient-encoded images, with its encryption-relation gadget.

Modules (one job each):

- :mod:`.params`        -- :class:`BfvParams`, the DEFAULT set, the LEAKY N = 2048 set, the TOY set.
- :mod:`.budget`        -- the worst-case noise budget, flooding bound and decryption budget.
- :mod:`.ring`          -- exact negacyclic NTT arithmetic mod one prime (numpy uint64).
- :mod:`.rns`           -- the residue number system: R_q for q = q_1 ... q_k, CRT recombination.
- :mod:`.sampling`      -- randomness sources and the ternary / Gaussian / uniform samplers.
- :mod:`.moduli`        -- the RNS view of a parameter set: moduli, residues, CRT.
- :mod:`.keys`          -- key types and single-party key generation.
- :mod:`.dkg`           -- dealerless n-of-n key generation (shares, contributions, commitments).
- :mod:`.dkg_gadget`    -- the R1CS relation "this contribution is well formed".
- :mod:`.encryption`    -- encryption exposing its randomness ``(u, e0, e1)``; decryption.
- :mod:`.partial`       -- HAZMAT: partial decryption of the score coefficient; combination.
- :mod:`.partial_gadget` -- the R1CS relation "this partial decryption is correct".
- :mod:`.encoding`      -- images as N-pixel chunks (coefficient encoding).
- :mod:`.evaluation`    -- add / add_plain / mul_plain and the linear-scanner helpers.
- :mod:`.noise`         -- noise measurement (secret-key holders: tests and audits).
- :mod:`.serialization` -- canonical bytes and SHA-256 digests of parameters and keys.
- :mod:`.gadget`        -- the R1CS gadget for the encryption relation of one chunk.

The normative description is specs/bfv.md.
"""

from .budget import NoiseBudget
from .dkg import KeyContribution, SecretShare, crs_polynomials, generate_share, joint_public_key, joint_secret_key
from .encoding import decrypt_image, encrypt_image, image_to_plaintexts, num_chunks, plaintexts_to_image
from .encryption import Ciphertext, EncryptionWitness, decrypt, encrypt, encrypt_with_randomness
from .errors import (
    BfvError,
    InsecureParametersError,
    InvalidCiphertextError,
    InvalidKeyError,
    InvalidParametersError,
    InvalidPlaintextError,
    InvalidWitnessError,
    NoiseBudgetError,
    NonCanonicalEncodingError,
    ScannerBudgetError,
)
from .evaluation import add, add_plain, check_scanner, dot_product_weights, linear_score, mul_plain
from .keys import PublicKey, SecretKey, keygen
from .noise import decryption_is_correct, decryption_noise
from .params import DEFAULT, BfvParams, default_params, leaky_2048_params, toy_params
from .partial import ScorePartial, combine_score
from .rns import RnsBasis, RnsRing, get_rns_ring
from .sampling import DeterministicRng, RandomSource, SystemRandomSource
from .serialization import (
    ciphertext_from_bytes,
    ciphertext_to_bytes,
    params_digest,
    public_key_digest,
    public_key_from_bytes,
    public_key_to_bytes,
)

__all__ = [
    "BfvParams",
    "DEFAULT",
    "default_params",
    "toy_params",
    "leaky_2048_params",
    "NoiseBudget",
    "RnsBasis",
    "RnsRing",
    "get_rns_ring",
    "SecretKey",
    "PublicKey",
    "keygen",
    "SecretShare",
    "KeyContribution",
    "crs_polynomials",
    "generate_share",
    "joint_public_key",
    "joint_secret_key",
    "Ciphertext",
    "EncryptionWitness",
    "encrypt",
    "encrypt_with_randomness",
    "decrypt",
    "ScorePartial",
    "combine_score",
    "num_chunks",
    "image_to_plaintexts",
    "plaintexts_to_image",
    "encrypt_image",
    "decrypt_image",
    "add",
    "add_plain",
    "mul_plain",
    "dot_product_weights",
    "check_scanner",
    "linear_score",
    "decryption_noise",
    "decryption_is_correct",
    "ciphertext_to_bytes",
    "ciphertext_from_bytes",
    "public_key_to_bytes",
    "public_key_from_bytes",
    "params_digest",
    "public_key_digest",
    "RandomSource",
    "SystemRandomSource",
    "DeterministicRng",
    "BfvError",
    "InvalidParametersError",
    "InsecureParametersError",
    "NoiseBudgetError",
    "NonCanonicalEncodingError",
    "InvalidPlaintextError",
    "InvalidCiphertextError",
    "InvalidKeyError",
    "InvalidWitnessError",
    "ScannerBudgetError",
]
