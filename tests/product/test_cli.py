"""The CLI on the toy set: keygen, setup, send, verify (exit codes), open, inspect, pack, export,
and a third-party audit of the exported files with snarkjs."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from consistency.cli import main
from consistency.image import load_image
from consistency.keyfile import RECIPIENT_PUBLIC, armor
from schemes.bn254.fields import R


@pytest.fixture(scope="module")
def cli_world(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    assert main(["keygen", "--out", str(d / "bob")]) == 0
    cdir = str(d / "committee")
    assert main(["committee", "init", cdir, "--params", "toy", "--parties", "3", "--insecure"]) == 0
    for i in (1, 2, 3):
        assert (
            main(["committee", "join", cdir, "--member", str(i), "--secret", str(d / f"m{i}.secret"), "--insecure"])
            == 0
        )
    assert main(["committee", "finalize", cdir, "--insecure"]) == 0
    assert main(["setup", "--params", "toy", "--committee", cdir, "--insecure", "--out", str(d / "keys")]) == 0
    img = str(__import__("consistency").__path__[0]) + "/data/toy_benign.png"
    assert (
        main(
            [
                "send",
                img,
                "--keys",
                str(d / "keys"),
                "--recipient",
                str(d / "bob.pub"),
                "--ctx",
                "msg-id=7",
                "--out",
                str(d / "env.bin"),
                "--insecure",
            ]
        )
        == 0
    )
    return d, img


def test_snarkjs_reproduces_the_proof_from_exported_files(cli_world, snarkjs, tmp_path):
    """send --wtns, export --r1cs --zkey: snarkjs checks the witness against our circuit, proves
    with our key, and verifies its own proof with our verifying key; the witness file is 0600."""
    import stat

    d, img = cli_world
    wtns = tmp_path / "w.wtns"
    assert (
        main(
            [
                "send",
                img,
                "--keys",
                str(d / "keys"),
                "--recipient",
                str(d / "bob.pub"),
                "--ctx",
                "msg-id=9",
                "--out",
                str(tmp_path / "env.bin"),
                "--insecure",
                "--wtns",
                str(wtns),
            ]
        )
        == 0
    )
    assert stat.S_IMODE(wtns.stat().st_mode) == 0o600
    out = tmp_path / "x"
    assert (
        main(
            [
                "export",
                str(tmp_path / "env.bin"),
                "--keys",
                str(d / "keys"),
                "--out",
                str(out),
                "--insecure",
                "--r1cs",
                "--zkey",
            ]
        )
        == 0
    )

    def ok(*args):
        done = snarkjs(*args)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    assert "WITNESS IS CORRECT" in ok("wtns", "check", out / "circuit.r1cs", wtns)
    ok("groth16", "prove", out / "circuit.zkey", wtns, tmp_path / "p.json", tmp_path / "pub.json")
    assert json.loads((tmp_path / "pub.json").read_text()) == json.loads((out / "public.json").read_text())
    assert "OK" in ok("groth16", "verify", out / "verification_key.json", tmp_path / "pub.json", tmp_path / "p.json")


def test_ctx_must_be_utf8_text(cli_world, capsys):
    """argv bytes that are not UTF-8 arrive as lone surrogates: a usage error, not transcoded."""
    d, _ = cli_world
    with pytest.raises(SystemExit) as e:
        main(["verify", str(d / "env.bin"), "--keys", str(d / "keys"), "--ctx", "msg-id=\udcff", "--insecure"])
    assert e.value.code == 2 and "UTF-8" in capsys.readouterr().err


def test_verify_exit_codes(cli_world, capsys):
    d, _ = cli_world
    assert main(["verify", str(d / "env.bin"), "--keys", str(d / "keys"), "--ctx", "msg-id=7", "--insecure"]) == 0
    assert main(["verify", str(d / "env.bin"), "--keys", str(d / "keys"), "--ctx", "msg-id=8", "--insecure"]) == 1
    assert "REJECTED" in capsys.readouterr().err
    bad = bytearray((d / "env.bin").read_bytes())
    bad[-100] ^= 0x40
    (d / "bad.bin").write_bytes(bytes(bad))
    assert main(["verify", str(d / "bad.bin"), "--keys", str(d / "keys"), "--ctx", "msg-id=7", "--insecure"]) == 1
    with pytest.raises(SystemExit) as e:
        main(["verify", str(d / "env.bin")])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["frobnicate"])
    assert e.value.code == 2


def test_open_recovers_the_image(cli_world):
    d, img = cli_world
    assert main(["open", str(d / "env.bin"), "--key", str(d / "bob"), "--out", str(d / "out.png"), "--insecure"]) == 0
    assert np.array_equal(load_image(d / "out.png"), load_image(img))


def test_inspect_and_pack_round_trip(cli_world, capsys):
    d, _ = cli_world
    capsys.readouterr()
    assert main(["inspect", str(d / "env.bin"), "--insecure"]) == 0
    (d / "env.json").write_text(capsys.readouterr().out)
    assert json.loads((d / "env.json").read_text())["params_id"] == "toy"
    assert main(["pack", str(d / "env.json"), "--out", str(d / "env2.bin"), "--insecure"]) == 0
    assert (d / "env2.bin").read_bytes() == (d / "env.bin").read_bytes()


@pytest.mark.interop
def test_exported_audit_files_verify_with_snarkjs(cli_world, snarkjs):
    d, _ = cli_world
    out = d / "audit"
    assert main(["export", str(d / "env.bin"), "--keys", str(d / "keys"), "--out", str(out), "--insecure"]) == 0
    ok = snarkjs("groth16", "verify", out / "verification_key.json", out / "public.json", out / "proof.json")
    assert ok.returncode == 0 and "OK" in ok.stdout, ok.stdout + ok.stderr
    pub = json.loads((out / "public.json").read_text())
    pub[0] = str((int(pub[0]) + 1) % int(R))  # another canonical value of C
    (out / "public.json").write_text(json.dumps(pub))
    bad = snarkjs("groth16", "verify", out / "verification_key.json", out / "public.json", out / "proof.json")
    # snarkjs's explicit verdict (a crash would also give a nonzero exit code), as in
    # tests/test_groth16_interop.py
    assert bad.returncode != 0
    assert "Invalid proof" in re.sub(r"\x1b\[[0-9;]*m", "", bad.stdout + bad.stderr), bad.stdout + bad.stderr


def test_send_refuses_bad_output_and_inputs_before_proving(cli_world, tmp_path, monkeypatch, capsys):
    """An unwritable --out, a wrong image or a malformed recipient key stop send before it proves."""
    import consistency.sender as sender

    d, img = cli_world
    monkeypatch.setattr(sender, "send", lambda *a, **k: pytest.fail("send ran before the checks"))
    base = ["send", img, "--keys", str(d / "keys"), "--recipient", str(d / "bob.pub"), "--ctx", "m", "--insecure"]
    assert main(base + ["--out", str(tmp_path / "missing-dir" / "env.bin")]) == 3
    assert main(base + ["--out", str(tmp_path)]) == 3  # a directory
    assert "cannot write" in capsys.readouterr().err
    big = tmp_path / "big.png"
    Image = pytest.importorskip("PIL.Image")
    Image.new("L", (9, 8)).save(big)
    assert main(["send", str(big)] + base[2:] + ["--out", str(tmp_path / "e.bin")]) == 1
    bad_key = tmp_path / "bad.pub"
    bad_key.write_bytes(armor(RECIPIENT_PUBLIC, b"\xff" * 32))  # top bit set: not a canonical X25519 public key
    assert (
        main(
            [
                "send",
                img,
                "--keys",
                str(d / "keys"),
                "--recipient",
                str(bad_key),
                "--ctx",
                "m",
                "--insecure",
                "--out",
                str(tmp_path / "e.bin"),
            ]
        )
        == 1
    )
    assert "canonical" in capsys.readouterr().err


def test_oversized_input_is_refused_unread(cli_world, capsys):
    """/dev/zero never ends: the reader stops at the cap instead of reading it whole."""
    d, _ = cli_world
    assert main(["verify", "/dev/zero", "--keys", str(d / "keys"), "--ctx", "m", "--insecure"]) == 1
    assert "more than any valid input" in capsys.readouterr().err


def test_verify_json(cli_world, capsys):
    d, _ = cli_world
    args = ["verify", str(d / "env.bin"), "--keys", str(d / "keys"), "--insecure", "--json"]
    assert main(args + ["--ctx", "msg-id=7"]) == 0
    ok = json.loads(capsys.readouterr().out)
    assert ok["valid"] is True and ok["params_id"] == "toy" and int(ok["C"]) > 0
    assert main(args + ["--ctx", "msg-id=8"]) == 1
    bad = json.loads(capsys.readouterr().out)
    assert bad["valid"] is False and bad["reason"] == "binding"


def test_every_key_argument_refuses_the_wrong_kind_naming_both(cli_world, tmp_path, monkeypatch, capsys):
    """Attack test: a recipient SECRET key where the public key goes, and every other mix-up, is
    refused before any work, with exit 1 and a message naming what the file is and what was
    expected (specs/consistency.md, "Key files")."""
    import consistency.sender as sender

    d, img = cli_world
    monkeypatch.setattr(sender, "send", lambda *a, **k: pytest.fail("send ran before the checks"))
    env = tmp_path / "env.bin"
    assert main(["keygen", "--out", str(tmp_path / "carol")]) == 0
    raw = tmp_path / "raw.key"
    raw.write_bytes(bytes(range(1, 33)))
    out = str(tmp_path / "e.bin")
    cases = [
        (
            [
                "send",
                img,
                "--keys",
                str(d / "keys"),
                "--recipient",
                str(tmp_path / "carol"),
                "--ctx",
                "m",
                "--insecure",
                "--out",
                out,
            ],
            "recipient secret key, expected a recipient public key",
        ),
        (
            [
                "send",
                img,
                "--keys",
                str(d / "keys"),
                "--recipient",
                str(d / "keys"),
                "--ctx",
                "m",
                "--insecure",
                "--out",
                out,
            ],
            "is a key directory, expected a recipient public key",
        ),
        (
            ["send", img, "--keys", str(d / "keys"), "--recipient", str(raw), "--ctx", "m", "--insecure", "--out", out],
            "raw 32-byte key without a kind",
        ),
        (
            [
                "send",
                img,
                "--keys",
                str(tmp_path / "carol.pub"),
                "--recipient",
                str(d / "bob.pub"),
                "--ctx",
                "m",
                "--insecure",
                "--out",
                out,
            ],
            "recipient public key, expected a key directory",
        ),
        (
            ["open", str(d / "env.bin"), "--key", str(d / "bob.pub"), "--out", str(tmp_path / "x.png"), "--insecure"],
            "recipient public key, expected a recipient secret key",
        ),
        (
            ["verify", str(d / "env.bin"), "--keys", str(d / "bob"), "--ctx", "m", "--insecure"],
            "recipient secret key, expected a key directory",
        ),
    ]
    for argv, message in cases:
        capsys.readouterr()
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, (argv, err)
    assert not env.exists()


def test_key_files_are_armored_and_the_secret_is_0600(tmp_path):
    """keygen writes the three-line files of specs/consistency.md, "Key files"."""
    import base64
    import stat

    from schemes.key_agreement import RecipientSecretKey

    assert main(["keygen", "--out", str(tmp_path / "k")]) == 0
    sec, pub = (tmp_path / "k").read_text(), (tmp_path / "k.pub").read_text()
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600
    s_lines, p_lines = sec.split("\n"), pub.split("\n")
    assert (
        s_lines[0] == "-----BEGIN GRC RECIPIENT SECRET KEY-----"
        and s_lines[2] == "-----END GRC RECIPIENT SECRET KEY-----"
    )
    assert (
        p_lines[0] == "-----BEGIN GRC RECIPIENT PUBLIC KEY-----"
        and p_lines[2] == "-----END GRC RECIPIENT PUBLIC KEY-----"
    )
    assert s_lines[3] == p_lines[3] == "" and len(s_lines) == len(p_lines) == 4
    secret = base64.b64decode(s_lines[1], validate=True)
    assert RecipientSecretKey.from_bytes(secret).public_bytes() == base64.b64decode(p_lines[1], validate=True)
    assert main(["keygen", "--out", str(tmp_path / "k")]) == 3  # never over an existing secret file


def test_a_recipient_key_is_not_a_committee_share(cli_world):
    """The member's secret-file reader names a recipient key (or an envelope) handed to it."""
    from consistency.committee import load_committee
    from consistency.committee.share import read_share
    from consistency.keyfile import WrongKeyKind

    d, _ = cli_world
    committee = load_committee(d / "committee", allow_insecure=True)
    h = committee.contributions[0].h
    (d / "bob").chmod(0o600)
    with pytest.raises(WrongKeyKind, match="recipient secret key, expected a committee member secret file"):
        read_share(d / "bob", committee.config, 1, h)
    assert read_share(d / "m1.secret", committee.config, 1, h).member == 1
