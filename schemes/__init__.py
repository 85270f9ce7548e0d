"""Building blocks: BN254, R1CS, Groth16, Poseidon, the Poseidon cipher, the commitment,
packing, key agreement and BFV. Each scheme keeps its native implementation and its
in-circuit gadget side by side. Nothing here imports :mod:`consistency`.
"""
