"""Regenerate the JSON test vectors in this folder (run from the repository root):

    python specs/vectors/make_vectors.py

- ``packing_commitment_cipher.json``: packing, commitment and Poseidon-cipher values for fixed
  inputs (the tests recompute them; their definitions are in packing.md, commitment.md, poseidon.md).
- ``bfv_toy.json``: a TOY BFV key pair and an encryption from DeterministicRng seeds, with the
  randomness, so that ``ct = pk*u + e + Delta*m`` (mod q = q1 q2, and mod each RNS prime) can be
  checked by schoolbook arithmetic.
- ``toy_envelope/``: a key directory (seeded INSECURE Groth16 setup), a context and an honest
  envelope (binary and JSON) that must verify, with this library and with snarkjs.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def packing_commitment_cipher() -> dict:
    from schemes.commitment import commit
    from schemes.packing import pack
    from schemes.poseidon_cipher import encrypt

    data = bytes(range(64))
    packed = pack(data)
    rho = 0x1234567890ABCDEF
    key = (11, 22)
    nonce = 2**127 + 5
    return {
        "description": "pack(bytes 0..63), Commit(pack; rho), PoseidonEncrypt([rho] + pack, key, nonce)",
        "bytes_hex": data.hex(), "packed": [str(v) for v in packed],
        "rho": str(rho), "commitment": str(commit(packed, rho)),
        "key": [str(k) for k in key], "nonce": str(nonce),
        "ciphertext": [str(v) for v in encrypt([rho, *packed], list(key), nonce)],
    }


def bfv_toy() -> dict:
    from schemes.bfv import DeterministicRng, encrypt, keygen, toy_params

    params = toy_params(i_know_this_is_insecure=True)
    sk, pk = keygen(params, DeterministicRng(b"vector-keygen"))
    m = [(7 * i + 3) % 256 for i in range(params.n)]
    ct, wit = encrypt(params, pk, m, DeterministicRng(b"vector-encrypt"))
    ints = lambda xs: [int(x) for x in xs]  # noqa: E731
    return {
        "description": "TOY BFV (INSECURE): keygen seed b'vector-keygen', encrypt seed b'vector-encrypt'; "
                       "coefficients mod q = q1 q2 (the RNS moduli)",
        "n": params.n, "moduli": list(params.moduli), "q": params.q, "t": params.t,
        "s": ints(sk.s), "pk0": ints(pk.p0), "pk1": ints(pk.p1), "m": m,
        "u": ints(wit.u), "e0": ints(wit.e0), "e1": ints(wit.e1), "c0": ints(ct.c0), "c1": ints(ct.c1),
    }


def toy_envelope(out: Path) -> None:
    from consistency.demo import _shipped_image
    from consistency.envelope import encode, to_json
    from consistency.keys import ProverKeys, VerifierKeys, write_keydir
    from consistency.circuit import build_circuit
    from consistency.params import get_parameter_set
    from consistency.sender import send
    from schemes.bfv.dkg import crs_polynomials, generate_share, joint_public_key
    from schemes.bfv.serialization import public_key_to_bytes
    from schemes.groth16 import insecure_setup_from_seed
    from consistency.keyfile import RECIPIENT_SECRET, armor
    from schemes.key_agreement import generate_recipient_key

    params = get_parameter_set("toy", allow_insecure=True)
    # a 3-member joint key made as `committee join` makes it; the shares are not kept anywhere
    crs = crs_polynomials(params.bfv, b"specs/vectors/toy_envelope/crs")
    pk_fhe = joint_public_key(params.bfv, crs, [generate_share(params.bfv, crs, i)[1] for i in (1, 2, 3)])
    pk = insecure_setup_from_seed(build_circuit(params, pk_fhe).freeze(), b"specs/vectors/toy_envelope")
    keys = ProverKeys(VerifierKeys(params, pk_fhe, pk.vk, params.digest(public_key_to_bytes(params.bfv, pk_fhe))), pk)
    if out.exists():
        shutil.rmtree(out)
    write_keydir(out, keys)
    (out / "proving_key.bin").unlink()
    recipient = generate_recipient_key()
    context = b"msg-id=vector-1;from=alice;to=bob"
    env = send(_shipped_image("toy", "benign"), recipient.public_bytes(), keys, context)
    (out / "context.txt").write_bytes(context)
    (out / "recipient.key").write_bytes(armor(RECIPIENT_SECRET, recipient.to_bytes()))  # a test vector: not secret
    (out / "envelope.bin").write_bytes(encode(env, allow_insecure=True))
    (out / "envelope.json").write_text(json.dumps(to_json(env), indent=1) + "\n")


def main() -> int:
    (HERE / "packing_commitment_cipher.json").write_text(json.dumps(packing_commitment_cipher(), indent=1) + "\n")
    (HERE / "bfv_toy.json").write_text(json.dumps(bfv_toy()) + "\n")
    toy_envelope(HERE / "toy_envelope")
    return 0


if __name__ == "__main__":
    sys.exit(main())
