"""Soundness audit of the cipher and sponge gadgets: the (nonce, length) and (domain, length) domains.

zk-kit's initial state ``[0, k0, k1, nonce + l 2^128]`` aliases ``(nonce + 2^128, l)`` with
``(nonce, l + 1)``; with l = 1 and l = 2 both messages pad to one block, so the ciphertext of
``[a, 0]`` under nonce N *is* the ciphertext of ``[a]`` under nonce ``N + 2^128``. The gadget's
``nonce < 2^128`` proof is what makes that second statement unprovable.
"""

from __future__ import annotations

from schemes.poseidon import poseidon_sponge
from schemes.poseidon.gadget import poseidon_sponge_gadget
from schemes.poseidon_cipher import encrypt
from schemes.poseidon_cipher.gadget import encrypt_gadget
from schemes.r1cs import ConstraintSystem

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617


def test_nonce_length_alias_is_real_natively_but_unprovable():
    key, a, nonce = (11, 22), 12345, 77
    ct = encrypt([a, 0], key, nonce)  # l = 2, nonce N
    cs = ConstraintSystem(with_witness=True)
    n_pub = cs.public_input(nonce + (1 << 128), "nonce")  # claimed: l = 1, nonce N + 2^128
    ct_pub = [cs.public_input(v, f"ct[{i}]") for i, v in enumerate(ct)]
    out = encrypt_gadget(
        cs, [cs.witness(a, "m0")], [cs.witness(k, f"k{i}") for i, k in enumerate(key)], n_pub, 1, "cipher"
    )
    for i, (got, want) in enumerate(zip(out, ct_pub, strict=True)):
        cs.enforce_equal(got, want, f"bind[{i}]")
    assert [x.value for x in out] == ct  # the alias: the duplex computes exactly this ciphertext
    assert not cs.is_satisfied()
    a_, b_, c_ = cs.freeze().evaluate(cs.assignment)
    failing = {cs.constraint_name(i) for i, (x, y, z) in enumerate(zip(a_, b_, c_)) if (x * y - z) % R}
    assert failing and all(name.startswith("cipher/nonce") for name in failing)


def test_sponge_length_is_part_of_the_statement():
    """A trailing zero is not absorbed for free: the capacity carries the (constant) length."""
    d = 0x4752432F434D5431
    cs = ConstraintSystem(with_witness=True)
    xs = [cs.witness(v, f"x{i}") for i, v in enumerate((5, 6))]
    short = poseidon_sponge_gadget(cs, xs, d, "s")
    long_ = poseidon_sponge_gadget(cs, xs + [0], d, "l")
    assert short.value == poseidon_sponge([5, 6], d) != long_.value == poseidon_sponge([5, 6, 0], d)
    assert cs.is_satisfied()
