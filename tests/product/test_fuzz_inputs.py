"""Fuzzing the inputs a user hands the library: envelope bytes, key files, key directories and
image files. Every outcome is a value or a documented error (a ``SchemesError``: the library's
root), never another exception; through the command line, an exit code in {0, 1, 2, 3} and no
traceback."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import consistency
from consistency.cli import main
from consistency.envelope import decode, encode
from consistency.image import load_image
from consistency.keyfile import RECIPIENT_PUBLIC, RECIPIENT_SECRET, armor, read_recipient_public, read_recipient_secret
from consistency.keys import load_verifier_keys, write_keydir
from schemes.errors import SchemesError

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _mutate(data: bytes, draw) -> bytes:
    """Flip, cut, extend, insert or splice ``data`` at a drawn place."""
    if not data:
        return bytes(draw(st.binary(max_size=16)))
    i = draw(st.integers(0, len(data) - 1))
    op = draw(st.sampled_from(["flip", "cut", "extend", "insert", "zero"]))
    if op == "flip":
        return data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
    if op == "cut":
        return data[:i]
    if op == "extend":
        return data + draw(st.binary(min_size=1, max_size=40))
    if op == "insert":
        return data[:i] + draw(st.binary(min_size=1, max_size=8)) + data[i:]
    return data[:i] + bytes(min(8, len(data) - i)) + data[i + 8 :]


def _only_documented(fn, *args, **kwargs):
    """``fn(...)``'s value, or None if it raised a SchemesError; anything else fails the test."""
    try:
        return fn(*args, **kwargs)
    except SchemesError:
        return None


@FUZZ
@given(data=st.data())
def test_envelope_bytes(toy, data):
    good = encode(toy.env_benign, allow_insecure=True)
    bad = _mutate(good, data.draw)
    env = _only_documented(decode, bad, params=toy.params)
    if env is not None:
        assert encode(env) == bad  # whatever parses is the canonical encoding of what it parsed


@FUZZ
@given(data=st.data(), kind=st.sampled_from([RECIPIENT_PUBLIC, RECIPIENT_SECRET]))
def test_key_files(toy, tmp_path, data, kind):
    key = toy.recipient.public_bytes() if kind == RECIPIENT_PUBLIC else toy.recipient.to_bytes()
    f = tmp_path / "key"
    f.write_bytes(_mutate(armor(kind, key), data.draw))
    read = read_recipient_public if kind == RECIPIENT_PUBLIC else read_recipient_secret
    got = _only_documented(read, f)
    if got is not None:  # a mutation that still parses is a well-formed key file of that kind
        assert armor(kind, got if kind == RECIPIENT_PUBLIC else got.to_bytes()) == f.read_bytes()
    other = read_recipient_secret if kind == RECIPIENT_PUBLIC else read_recipient_public
    _only_documented(other, f)


@FUZZ
@given(data=st.data(), name=st.sampled_from(["params.json", "verification_key.json", "committee_pk.bin"]))
def test_key_directories(toy, tmp_path_factory, data, name):
    d = tmp_path_factory.mktemp("fuzzkeys")
    write_keydir(d, toy.keys)
    (d / name).write_bytes(_mutate((d / name).read_bytes(), data.draw))
    keys = _only_documented(load_verifier_keys, d, params=toy.params)
    if keys is not None:
        assert keys.digest == toy.keys.verifier.digest and keys.vk == toy.keys.verifier.vk
    shutil.rmtree(d)


@pytest.fixture(scope="module")
def png_bytes() -> bytes:
    return (Path(consistency.__path__[0]) / "data" / "toy_benign.png").read_bytes()


@FUZZ
@given(data=st.data())
def test_image_files(toy, tmp_path, png_bytes, data):
    f = tmp_path / "image.png"
    f.write_bytes(_mutate(png_bytes, data.draw))
    img = _only_documented(load_image, f, toy.params)
    if img is not None:
        assert img.shape == toy.params.shape and str(img.dtype) == "uint8"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cli_verify_and_open_exit_codes(toy, tmp_path, capsys, data):
    """The command line on fuzzed envelopes: an exit code of the table, never a traceback."""
    keys = tmp_path / "keys"
    if not keys.exists():
        write_keydir(keys, toy.keys)
    env = tmp_path / "env.bin"
    env.write_bytes(_mutate(encode(toy.env_benign, allow_insecure=True), data.draw))
    code = main(["verify", str(env), "--keys", str(keys), "--ctx", toy.ctx_benign.decode(), "--insecure", "--json"])
    out, err = capsys.readouterr()
    assert code in (0, 1) and "Traceback" not in err
    assert json.loads(out)["valid"] is (code == 0)
    assert main(["inspect", str(env), "--insecure", "--json"]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


def test_image_bytes_that_are_not_an_image_at_all(toy, tmp_path):
    for payload in (b"", b"GIF89a", io.BytesIO(b"\x89PNG\r\n\x1a\n").getvalue(), bytes(1000)):
        f = tmp_path / "x.png"
        f.write_bytes(payload)
        with pytest.raises(SchemesError):
            load_image(f, toy.params)
