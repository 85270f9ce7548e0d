"""BN254 (alt_bn128): fields, groups, multi-scalar multiplication and the optimal-ate pairing.

- :mod:`.fields`       -- Fp and Fp2 (and the scalar modulus R).
- :mod:`.tower`        -- Fp6 and Fp12.
- :mod:`.curve`        -- G1 and G2: group law, encodings, on-curve and subgroup checks.
- :mod:`.pairing`      -- optimal-ate Miller loop, final exponentiation, multi-pairing.
- :mod:`.vectors`      -- point vectors held by the native engine, and the byte exchange with it.
- :mod:`.msm`          -- multi-scalar multiplication (native).
- :mod:`.fixed_base`   -- many multiples of one base point, the setup's queries (native).

The field, tower, curve and pairing modules are the readable reference, in the style of py_ecc,
with no speed machinery; the hot arithmetic runs in :mod:`schemes._native` (arkworks), and the
tests compare the two (and py_ecc).
"""
