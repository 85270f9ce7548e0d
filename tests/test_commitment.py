"""The Poseidon commitment, natively and in R1CS (schemes.commitment, specs/commitment.md).

Expected values are re-derived here from the spec text with the circomlib Poseidon
permutation, which is first checked against the circomlibjs reference vectors.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import schemes.commitment as cm
from schemes.bn254.fields import R
from schemes.commitment import (
    COMMIT_DOMAIN,
    InvalidOpening,
    commit,
    commit_image,
    random_salt,
    verify_image_opening,
    verify_opening,
)
from schemes.commitment.gadget import commit_gadget, commit_image_gadget
from schemes.packing import pack
from schemes.packing.gadget import alloc_bytes, pack_gadget
from schemes.poseidon import permute
from schemes.r1cs import ConstraintSystem
from schemes.r1cs.testing import assert_witness_mutations_fail

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "commitment.md"
REFERENCE = Path(__file__).resolve().parent / "data" / "poseidon_reference.json"


# ---------------------------------------------------------------- independent re-derivation


def test_permutation_matches_circomlib_width_17():
    """circomlib Poseidon(16) is permute([0] + inputs)[0] with t = 17: check the reference."""
    vectors = [v for v in json.loads(REFERENCE.read_text())["poseidon"] if len(v["inputs"]) == 16]
    assert len(vectors) >= 2
    for v in vectors:
        assert permute([0] + [int(x) for x in v["inputs"]])[0] == int(v["output"])


def spec_commit(values: list[int], rho: int) -> int:
    """specs/commitment.md + specs/poseidon.md, written from the text."""
    inputs = [rho] + list(values)
    state = [int.from_bytes(b"GRC/CMT1", "big") + len(inputs) * 2**64] + [0] * 16
    for start in range(0, len(inputs), 16):
        for k, v in enumerate(inputs[start : start + 16]):
            state[1 + k] = (state[1 + k] + v) % R
        state = permute(state)
    return state[0]


def test_domain_tag():
    assert COMMIT_DOMAIN == 0x4752432F434D5431 == int.from_bytes(b"GRC/CMT1", "big") < 2**64


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, R - 1), max_size=40), st.integers(0, R - 1))
def test_commit_matches_spec_rederivation(values, rho):
    assert commit(values, rho) == spec_commit(values, rho)


def _spec_vectors() -> dict:
    (block,) = re.findall(r"```json\n(.*?)\n```", SPEC.read_text(), re.S)
    return json.loads(block)


def _image(rule: str, length: int) -> bytes:
    rules = {"x[i] = i": lambda i: i, "x[i] = (7 i + 3) mod 256": lambda i: (7 * i + 3) % 256}
    return bytes(rules[rule](i) % 256 for i in range(length))


def test_spec_vectors():
    vec = _spec_vectors()
    assert int(vec["commit_domain"]) == COMMIT_DOMAIN
    for case in vec["commit"]:
        values, rho = [int(v) for v in case["values"]], int(case["rho"])
        assert commit(values, rho) == spec_commit(values, rho) == int(case["C"])
    for case in vec["commit_image"]:
        x, rho = _image(case["bytes_rule"], case["length"]), int(case["rho"])
        assert commit_image(x, rho) == spec_commit(pack(x), rho) == int(case["C"])
    assert int(vec["commit"][2]["rho"]) == R - 1
    assert int(vec["commit_image"][1]["rho"]) == 2**253 + 1


# ---------------------------------------------------------------- native properties


def test_changing_rho_or_any_value_changes_c():
    rng = random.Random(1)
    values = [rng.randrange(R) for _ in range(20)]
    rho = rng.randrange(R)
    c = commit(values, rho)
    assert commit(values, (rho + 1) % R) != c
    for i in range(len(values)):
        changed = list(values)
        changed[i] = (changed[i] + 1) % R
        assert commit(changed, rho) != c
    assert commit(values + [0], rho) != c  # the length is in the IV
    assert commit(values[:-1], rho) != c


def test_image_pixels_change_c():
    x = bytes(range(100))
    c = commit_image(x, 5)
    for i in (0, 30, 31, 99):
        y = bytearray(x)
        y[i] ^= 1
        assert commit_image(bytes(y), 5) != c


def test_non_canonical_inputs_rejected():
    with pytest.raises(ValueError):
        commit([R], 0)
    with pytest.raises(ValueError):
        commit([-1], 0)
    with pytest.raises(ValueError):
        commit([1], R)
    with pytest.raises(TypeError):
        commit([True], 0)
    with pytest.raises(TypeError):
        commit([1.0], 0)
    with pytest.raises(TypeError):
        commit(b"\x01\x02", 0)


def test_verify_opening():
    values, rho = [3, 1, 4, 1, 5], random_salt()
    c = commit(values, rho)
    assert verify_opening(c, values, rho) is None
    for bad_values, bad_rho in [
        ([3, 1, 4, 1, 6], rho),
        (values, (rho + 1) % R),
        (values[:-1], rho),
        (values + [0], rho),
    ]:
        with pytest.raises(InvalidOpening):
            verify_opening(c, bad_values, bad_rho)
    for malformed in [
        (c + R, values, rho),
        (c, values + [R], rho),
        (c, values, R + rho),
        (-1, values, rho),
        ("1", values, rho),
    ]:
        with pytest.raises(InvalidOpening):
            verify_opening(*malformed)


def test_verify_image_opening_checks_the_length():
    x, rho = bytes(range(64)), random_salt()
    c = commit_image(x, rho)
    verify_image_opening(c, x, rho, 64)
    # pack(x + b"\0") == pack(x): only the length check rejects this opening
    assert commit_image(x + b"\x00", rho) == c
    with pytest.raises(InvalidOpening, match="shape"):
        verify_image_opening(c, x + b"\x00", rho, 64)
    with pytest.raises(InvalidOpening):
        verify_image_opening(c, bytes(64), rho, 64)
    with pytest.raises(InvalidOpening):
        verify_image_opening(c, list(x), rho, 64)


def test_random_salt_range_and_spread():
    salts = [random_salt() for _ in range(200)]
    assert all(type(s) is int and 0 <= s < R for s in salts)
    assert len(set(salts)) == 200
    # P(no salt >= 2^253 among 200) = (2^253 / R)^200 < 2^-119: the top bit is reachable.
    assert any(s >= 2**253 for s in salts)


def test_random_salt_rejects_instead_of_reducing(monkeypatch):
    draws = iter([R, 2**254 - 1, R + 5, 7])
    calls = []

    def fake_randbits(k):
        calls.append(k)
        return next(draws)

    monkeypatch.setattr(cm.secrets, "randbits", fake_randbits)
    assert random_salt() == 7  # R, 2^254 - 1 and R + 5 are rejected, never reduced mod R
    assert calls == [254] * 4


# ---------------------------------------------------------------- gadget


def _commit_circuit(values: list[int], rho: int):
    cs = ConstraintSystem(with_witness=True)
    c_pub = cs.public_input(commit(values, rho), "C")
    vals = [cs.witness(v, f"v[{i}]") for i, v in enumerate(values)]
    salt = cs.witness(rho, "rho")
    c_lc = commit_gadget(cs, vals, salt)
    cs.enforce_equal(c_pub, c_lc, "bind.C")
    return cs, c_lc


@pytest.mark.parametrize("n", [0, 3, 16])
def test_gadget_matches_native(n):
    rng = random.Random(n)
    values, rho = [rng.randrange(R) for _ in range(n)], rng.randrange(R)
    cs, c_lc = _commit_circuit(values, rho)
    assert c_lc.value == commit(values, rho)
    cs.check()


def test_gadget_witness_mutations_fail():
    rng = random.Random(2)
    cs, _ = _commit_circuit([rng.randrange(R) for _ in range(17)], rng.randrange(R))
    assert assert_witness_mutations_fail(cs) == cs.num_private


def test_gadget_rejects_a_wrong_opening():
    cs = ConstraintSystem(with_witness=True)
    c_pub = cs.public_input(commit([1, 2, 3], 9), "C")
    c_lc = commit_gadget(cs, [cs.witness(v, f"v{v}") for v in (1, 2, 4)], cs.witness(9, "rho"))
    cs.enforce_equal(c_pub, c_lc, "bind.C")
    assert not cs.is_satisfied()


def _image_circuit(x: bytes, rho: int, use_alloc: bool):
    cs = ConstraintSystem(with_witness=True)
    c_pub = cs.public_input(commit_image(x, rho), "C")
    if use_alloc:
        pixels = alloc_bytes(cs, x, len(x), "x")
    else:
        pixels = [cs.witness(b, f"x[{i}]") for i, b in enumerate(x)]
    c_lc = commit_image_gadget(cs, pixels, cs.witness(rho, "rho"))
    cs.enforce_equal(c_pub, c_lc, "bind.C")
    return cs, c_lc


@pytest.mark.parametrize("use_alloc", [True, False])
def test_image_gadget_matches_native_and_mutations_fail(use_alloc):
    x = bytes(random.Random(3).randrange(256) for _ in range(64))
    cs, c_lc = _image_circuit(x, 77, use_alloc)
    assert c_lc.value == commit_image(x, 77)
    assert assert_witness_mutations_fail(cs) == cs.num_private


def test_default_shape_image_gadget():
    x = _image("x[i] = (7 i + 3) mod 256", 784)
    cs, c_lc = _image_circuit(x, 2**253 + 1, use_alloc=True)
    assert c_lc.value == commit_image(x, 2**253 + 1) == int(_spec_vectors()["commit_image"][1]["C"])
    cs.check()
    assert assert_witness_mutations_fail(cs) == cs.num_private  # every private wire


def _packing_count(n_pixels: int, use_alloc: bool) -> tuple[int, list]:
    cs = ConstraintSystem(with_witness=False)
    if use_alloc:
        pixels = alloc_bytes(cs, None, n_pixels, "x")
    else:
        pixels = [cs.witness(None, f"x[{i}]") for i in range(n_pixels)]
    packed = pack_gadget(cs, pixels)
    return cs.num_constraints, (cs, packed)


@pytest.mark.parametrize(
    "n_pixels,commitment,alloc_packing,plain_packing",
    [(784, 1221, 6272, 7056), (3072, 4281, 24576, 27648), (64, 573, 512, 576)],
)
def test_constraint_counts(n_pixels, commitment, alloc_packing, plain_packing):
    """The figures of specs/commitment.md, section "Constraint counts" (shape mode)."""
    m = -(-n_pixels // 31) + 1
    assert commitment == 612 * -(-m // 16) - 3 * (1 + max(0, 16 - m))
    assert _packing_count(n_pixels, False)[0] == plain_packing
    packing, (cs, packed) = _packing_count(n_pixels, True)
    assert packing == alloc_packing
    commit_gadget(cs, packed, cs.witness(None, "rho"))
    assert cs.num_constraints - packing == commitment
