"""BN254 (alt_bn128): fields, groups, multi-scalar multiplication and the optimal-ate pairing.

- :mod:`.fields`  -- Fp and Fp2 (and the scalar modulus R).
- :mod:`.tower`   -- Fp6 and Fp12.
- :mod:`.curve`   -- G1 and G2: group law, encodings, on-curve and subgroup checks.
- :mod:`.msm`     -- Pippenger multi-scalar multiplication with signed digits.
- :mod:`.pairing` -- optimal-ate Miller loop, final exponentiation, multi-pairing.
"""
