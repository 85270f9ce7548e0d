"""BN254 (alt_bn128): fields, groups, multi-scalar multiplication and the optimal-ate pairing.

- :mod:`.fields`       -- Fp and Fp2 (and the scalar modulus R).
- :mod:`.tower`        -- Fp6 and Fp12.
- :mod:`.curve`        -- G1 and G2: group law, encodings, on-curve and subgroup checks.
- :mod:`.batch_affine` -- batched affine additions (one inversion per batch) and Jacobian chains.
- :mod:`.msm`          -- Pippenger multi-scalar multiplication with signed digits.
- :mod:`.fixed_base`   -- many multiples of one base point (the setup's queries).
- :mod:`.forking`      -- splitting large MSM jobs between forked processes.
- :mod:`.pairing`      -- optimal-ate Miller loop, final exponentiation, multi-pairing.
"""
