"""Robustness of the envelope parser and its JSON view (specs/consistency.md, section 7).

Contract under test: ``decode`` / ``from_json`` / ``loads_json`` raise only
``EnvelopeFormatError`` whatever the input, and the JSON view is canonical: exactly one JSON
value per envelope, so ``to_json(from_json(obj)) == obj`` for every accepted ``obj``.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_groth16_verifier import twist_point_outside_g2

from consistency.envelope import Envelope, decode, encode, from_json, loads_json, to_json, validate
from consistency.errors import EnvelopeFormatError
from schemes.bfv.encryption import Ciphertext
from schemes.bn254.curve import g2_to_bytes

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Values a hostile JSON producer may put where a canonical one is expected.
BAD_SCALARS = [
    None,
    1,
    1.0,
    True,
    False,
    "",
    "01",
    "+1",
    " 1",
    "1 ",
    "-1",
    "1e3",
    "0x1",
    "1_0",
    "\u0661",
    "\uff11",
    [],
    {},
    "1" * 80,
]


def _parse_only_its_error(obj):
    """from_json(obj): either its own error, or an envelope whose canonical view is ``obj``."""
    try:
        env = from_json(obj, allow_insecure=True)
    except EnvelopeFormatError:
        return None
    except Exception as exc:  # pragma: no cover - the property under test
        raise AssertionError(f"from_json raised {type(exc).__name__}: {exc}") from exc
    assert to_json(env) == obj, "a non-canonical JSON value was accepted"
    return env


def _paths(obj, prefix=()):
    """Every path to a leaf or container inside a JSON value."""
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


def _set(obj, path, value):
    obj = copy.deepcopy(obj)
    if not path:
        return value
    cur = obj
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    return obj


@SETTINGS
@given(data=st.data())
def test_json_mutations_raise_only_its_error_and_never_accept_a_second_spelling(toy, data):
    obj = to_json(toy.env_banned)
    paths = [p for p in _paths(obj) if len(p) <= 4 or p[0] == "proof"]
    path = data.draw(st.sampled_from(paths), "path")
    old = obj
    for k in path:
        old = old[k]
    variants = BAD_SCALARS + ([old.upper(), old + "0", "0" + old, " " + old] if isinstance(old, str) else [])
    value = data.draw(st.sampled_from(variants), "value")
    mutated = _set(obj, path, value)
    if mutated == obj:
        return
    _parse_only_its_error(mutated)


@pytest.mark.parametrize(
    "change",
    [
        ("extra key in proof", lambda o: o["proof"].__setitem__("publicSignals", [])),
        ("curve alias", lambda o: o["proof"].__setitem__("curve", "bn254")),
        ("curve upper case", lambda o: o["proof"].__setitem__("curve", "BN128")),
        ("curve alt_bn128", lambda o: o["proof"].__setitem__("curve", "alt_bn128")),
        ("extra top-level key", lambda o: o.__setitem__("note", "x")),
        ("extra key in a chunk", lambda o: o["ct_fhe"][0].__setitem__("c2", [])),
        ("uppercase eph_pub", lambda o: o.__setitem__("eph_pub", o["eph_pub"].upper())),
        ("version as bool", lambda o: o.__setitem__("version", True)),
        ("version as float", lambda o: o.__setitem__("version", 1.0)),
        ("nonce as int", lambda o: o.__setitem__("nonce", int(o["nonce"]))),
    ],
    ids=lambda c: c[0],
)
def test_second_json_spelling_of_an_envelope_is_rejected(toy, change):
    obj = copy.deepcopy(to_json(toy.env_banned))
    change[1](obj)
    with pytest.raises(EnvelopeFormatError):
        from_json(obj, allow_insecure=True)


def test_json_text_with_duplicate_keys_is_rejected(toy):
    """json.loads keeps the last duplicate; another parser may keep the first (a parser differential)."""
    text = json.dumps(to_json(toy.env_banned))
    assert text.startswith('{"version": 1,')
    dup = '{"version": 2, ' + text[1:]
    with pytest.raises(EnvelopeFormatError, match="duplicate"):
        loads_json(dup, allow_insecure=True)
    assert loads_json(text, allow_insecure=True) == toy.env_banned


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 100_000, b"\xff\xfe{", "NaN", "", "{}", "[]"])
def test_loads_json_raises_only_its_error_on_hostile_text(toy, text):
    with pytest.raises(EnvelopeFormatError):
        loads_json(text, allow_insecure=True)


@pytest.mark.parametrize(
    "field,value",
    [
        ("ct_msg", 5),
        ("ct_msg", None),
        ("ct_msg", ("1",) * 7),
        ("ct_fhe", None),
        ("ct_fhe", ((1, 2),)),
        ("ct_fhe", ("x",)),
        ("eph_pub", "00" * 32),
        ("eph_pub", None),
        ("C", "1"),
        ("C", 1.0),
        ("nonce", None),
        ("version", "1"),
        ("params_id", None),
        ("proof", None),
        ("proof", (1, 2, 3)),
    ],
)
def test_validate_and_encode_raise_only_its_error_on_wrong_types(toy, field, value):
    bad = replace(toy.env_banned, **{field: value})
    with pytest.raises(EnvelopeFormatError):
        validate(bad, toy.params)
    with pytest.raises(EnvelopeFormatError):
        encode(bad, allow_insecure=True)


def test_chunk_with_wrong_coefficient_types_is_rejected(toy):
    ct = toy.env_banned.ct_fhe[0]
    for bad in (Ciphertext(None, ct.c1), Ciphertext(ct.c0, 5), Ciphertext(tuple(str(v) for v in ct.c0), ct.c1)):
        with pytest.raises(EnvelopeFormatError):
            validate(replace(toy.env_banned, ct_fhe=(bad,)), toy.params)


def test_proof_point_b_outside_the_subgroup_is_rejected_by_the_parser(toy):
    env = toy.env_banned
    bad_b = twist_point_outside_g2()
    data = bytearray(encode(env, allow_insecure=True))
    start = len(data) - 256 + 64
    data[start : start + 128] = g2_to_bytes(bad_b)
    with pytest.raises(EnvelopeFormatError, match="subgroup"):
        decode(bytes(data), allow_insecure=True)
    obj = to_json(env)
    obj["proof"]["pi_b"] = [[str(bad_b[0][0]), str(bad_b[0][1])], [str(bad_b[1][0]), str(bad_b[1][1])], ["1", "0"]]
    with pytest.raises(EnvelopeFormatError, match="subgroup"):
        from_json(obj, allow_insecure=True)


def test_proof_points_at_infinity_are_rejected_by_the_parser(toy):
    data = encode(toy.env_banned, allow_insecure=True)
    for start, size in ((len(data) - 256, 64), (len(data) - 192, 128), (len(data) - 64, 64)):
        bad = data[:start] + bytes(size) + data[start + size :]
        with pytest.raises(EnvelopeFormatError, match="infinity"):
            decode(bad, allow_insecure=True)


def test_decode_accepts_bytes_like_and_round_trips(toy):
    data = encode(toy.env_banned, allow_insecure=True)
    for view in (data, bytearray(data), memoryview(data)):
        assert decode(view, allow_insecure=True) == toy.env_banned
    assert isinstance(decode(data, allow_insecure=True), Envelope)
    for junk in (None, "GRCE", 5, [1, 2]):
        with pytest.raises(EnvelopeFormatError):
            decode(junk, allow_insecure=True)


_P25519 = 2**255 - 19


@pytest.mark.parametrize(
    "u, why",
    [
        (int.from_bytes(bytes(31) + b"\x80", "little"), "top bit"),  # a set top bit (u = 2^255)
        (_P25519, "2^255 - 19"),
        (_P25519 + 1, "2^255 - 19"),  # the same point as u = 1, spelled another way
        (2**255 - 1, "2^255 - 19"),
        (1, "small order"),  # canonical but of order 4: no contributory shared secret
    ],
)
def test_non_canonical_eph_pub_is_refused_in_both_encodings(toy, u, why):
    """specs/key-agreement.md: the envelope's eph_pub MUST be canonical. The proof does not
    save a lax parser: a sender with the proving key proves over whatever bytes it sends."""
    raw = u.to_bytes(32, "little")
    why = re.escape(why)
    bad = replace(toy.env_banned, eph_pub=raw)
    with pytest.raises(EnvelopeFormatError, match=why):
        validate(bad, toy.params)
    good = encode(toy.env_banned, allow_insecure=True)
    at = good.index(toy.env_banned.eph_pub)
    with pytest.raises(EnvelopeFormatError, match=why):
        decode(good[:at] + raw + good[at + 32 :], allow_insecure=True)
    obj = to_json(toy.env_banned)
    obj["eph_pub"] = raw.hex()
    with pytest.raises(EnvelopeFormatError, match=why):
        from_json(obj, allow_insecure=True)
