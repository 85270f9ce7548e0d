"""The committee's eight commands on the toy set: the whole flow, the file formats, the exit
codes (0 success, 1 refused naming the reason or the member, 2 usage), and the members as
separate processes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from consistency.cli import main
from consistency.image import image_bytes
from consistency.scanner import load_scanner, plaintext_score

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    """init, join x3, finalize, setup, send x2, scan x2, partial x3 per request, verdict, audit."""
    d = tmp_path_factory.mktemp("committee-cli")
    c, k = str(d / "committee"), str(d / "keys")
    ins = ["--insecure"]
    assert main(["committee", "init", c, "--params", "toy", "--parties", "3", "--id", "cli-test", *ins]) == 0
    for i in (1, 2, 3):
        assert main(["committee", "join", c, "--member", str(i), "--secret", str(d / f"m{i}.secret"), *ins]) == 0
    assert main(["committee", "finalize", c, *ins]) == 0
    assert main(["setup", "--params", "toy", "--committee", c, "--out", k, *ins]) == 0
    assert main(["keygen", "--out", str(d / "bob")]) == 0
    data = Path(__import__("consistency").__path__[0]) / "data"
    for kind in ("benign", "banned"):
        assert (
            main(
                [
                    "send",
                    str(data / f"toy_{kind}.png"),
                    "--keys",
                    k,
                    "--recipient",
                    str(d / "bob.pub"),
                    "--ctx",
                    f"msg-{kind}",
                    "--out",
                    str(d / f"{kind}.env"),
                    *ins,
                ]
            )
            == 0
        )
        assert (
            main(
                [
                    "scan",
                    str(d / f"{kind}.env"),
                    "--keys",
                    k,
                    "--ctx",
                    f"msg-{kind}",
                    "--out",
                    str(d / f"{kind}.request"),
                    *ins,
                ]
            )
            == 0
        )
        for i in (1, 2, 3):
            assert (
                main(
                    [
                        "partial",
                        str(d / f"{kind}.request"),
                        "--keys",
                        k,
                        "--committee",
                        c,
                        "--member",
                        str(i),
                        "--secret",
                        str(d / f"m{i}.secret"),
                        "--out",
                        str(d / f"{kind}.p{i}"),
                        *ins,
                    ]
                )
                == 0
            )
        assert (
            main(
                [
                    "verdict",
                    str(d / f"{kind}.request"),
                    *(str(d / f"{kind}.p{i}") for i in (1, 2, 3)),
                    "--committee",
                    c,
                    "--keys",
                    k,
                    "--out",
                    str(d / f"{kind}.record"),
                    *ins,
                ]
            )
            == 0
        )
        assert main(["audit", str(d / f"{kind}.record"), "--keys", k, "--committee", c, *ins]) == 0
    return d


def test_the_flow_scores_the_shipped_images(flow, toy):
    model = load_scanner(toy.params)
    for kind, img in (("benign", toy.benign), ("banned", toy.banned)):
        record = json.loads((flow / f"{kind}.record").read_text())
        assert int(record["score"]) == plaintext_score(model, image_bytes(img, toy.params))
        assert record["verdict"] == ("banned" if kind == "banned" else "allowed")
        assert record["threshold"] == "0"


def test_partial_file_format(flow, toy):
    """{"member": i, "d": [decimal strings, one per RNS prime], ...}"""
    for i in (1, 2, 3):
        obj = json.loads((flow / f"banned.p{i}").read_text())
        assert obj["member"] == i and isinstance(obj["d"], list) and len(obj["d"]) == 2
        assert all(isinstance(x, str) and x.isdigit() and int(x) < q for x, q in zip(obj["d"], toy.params.bfv.moduli))
        assert set(obj) == {"version", "kind", "member", "d", "request", "score_ciphertext", "proof"}


def test_keydir_and_committee_dir_hold_no_share(flow):
    assert sorted(p.name for p in (flow / "keys").iterdir()) == [
        "committee_pk.bin",
        "params.json",
        "provenance.json",
        "proving_key.bin",
        "verification_key.json",
    ]
    secrets = [json.loads((flow / f"m{i}.secret").read_text()) for i in (1, 2, 3)]
    for d in ("keys", "committee"):
        blob = b"".join(p.read_bytes() for p in (flow / d).rglob("*") if p.is_file())
        for s in secrets:
            assert s["s"].encode() not in blob and s["salt"].encode() not in blob


def test_partial_refuses_a_replay_with_exit_1(flow, capsys):
    code = main(
        [
            "partial",
            str(flow / "banned.request"),
            "--keys",
            str(flow / "keys"),
            "--committee",
            str(flow / "committee"),
            "--member",
            "2",
            "--secret",
            str(flow / "m2.secret"),
            "--out",
            str(flow / "again"),
            "--insecure",
        ]
    )
    assert code == 1 and "REFUSED replay" in capsys.readouterr().err
    assert not (flow / "again").exists()


def test_partial_refuses_an_unverified_envelope_with_exit_1(flow, tmp_path, capsys):
    req = json.loads((flow / "benign.request").read_text())
    req["context"] = b"another context".hex()
    (tmp_path / "r").write_text(json.dumps(req))
    code = main(
        [
            "partial",
            str(tmp_path / "r"),
            "--keys",
            str(flow / "keys"),
            "--committee",
            str(flow / "committee"),
            "--member",
            "1",
            "--secret",
            str(flow / "m1.secret"),
            "--out",
            str(tmp_path / "p"),
            "--insecure",
        ]
    )
    assert code == 1 and "REFUSED unverified_envelope" in capsys.readouterr().err


def test_verdict_refuses_and_names_the_member(flow, tmp_path, capsys):
    p2 = json.loads((flow / "banned.p2").read_text())
    p2["d"] = [str(int(p2["d"][0]) + 1)]
    (tmp_path / "p2").write_text(json.dumps(p2))
    code = main(
        [
            "verdict",
            str(flow / "banned.request"),
            str(flow / "banned.p1"),
            str(tmp_path / "p2"),
            str(flow / "banned.p3"),
            "--committee",
            str(flow / "committee"),
            "--out",
            str(tmp_path / "rec"),
            "--insecure",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "REFUSED partial" in err and "member 2:" in err and "member 1:" not in err
    assert not (tmp_path / "rec").exists()


def test_audit_refuses_an_altered_record_with_exit_1(flow, tmp_path, capsys):
    rec = json.loads((flow / "banned.record").read_text())
    rec["verdict"] = "allowed"
    (tmp_path / "rec").write_text(json.dumps(rec))
    code = main(
        [
            "audit",
            str(tmp_path / "rec"),
            "--keys",
            str(flow / "keys"),
            "--committee",
            str(flow / "committee"),
            "--insecure",
        ]
    )
    assert code == 1 and "REFUSED record" in capsys.readouterr().err


def test_finalize_refuses_and_names_the_member_with_exit_1(flow, tmp_path, capsys):
    c = tmp_path / "committee"
    shutil.copytree(flow / "committee", c)
    contribution = json.loads((c / "members" / "member_3.json").read_text())
    contribution["b"][0][0] = str((int(contribution["b"][0][0]) + 1) % (2**40))
    (c / "members" / "member_3.json").write_text(json.dumps(contribution))
    assert main(["committee", "finalize", str(c), "--insecure"]) == 1
    err = capsys.readouterr().err
    assert "REFUSED contribution" in err and "member 3:" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["committee"],
        ["committee", "init", "x", "--params", "toy", "--parties", "0", "--insecure"],
        ["committee", "init", "x", "--params", "toy", "--parties", "9", "--insecure"],
        ["committee", "join", "x", "--member", "0", "--secret", "s"],
        ["setup", "--params", "toy", "--out", "k"],
        ["scan", "e", "--keys", "k", "--out", "r"],
        ["partial", "r", "--keys", "k", "--committee", "c", "--member", "x", "--secret", "s", "--out", "p"],
        ["verdict", "r", "--committee", "c", "--out", "o"],
        ["audit", "r", "--keys", "k"],
    ],
)
def test_usage_errors_exit_2(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code == 2


def test_toy_needs_insecure_on_every_command_with_parameters(flow, capsys):
    assert main(["committee", "init", str(flow / "x"), "--params", "toy", "--parties", "3"]) == 1
    assert "INSECURE" in capsys.readouterr().err
    assert (
        main(
            ["audit", str(flow / "banned.record"), "--keys", str(flow / "keys"), "--committee", str(flow / "committee")]
        )
        == 1
    )


def test_members_join_and_answer_in_their_own_processes(tmp_path):
    """Three `committee join` and three `partial` processes at once (the demo's shape)."""

    def cli(*args):
        return [sys.executable, "-m", "consistency", *args, "--insecure"]

    def all_ok(cmds):
        procs = [subprocess.Popen(c, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in cmds]
        outs = [p.communicate(timeout=300) for p in procs]
        for p, (_o, e) in zip(procs, outs):
            assert p.returncode == 0, e
        return outs

    c, k = str(tmp_path / "c"), str(tmp_path / "k")
    assert main(["committee", "init", c, "--params", "toy", "--parties", "3", "--insecure"]) == 0
    all_ok([cli("committee", "join", c, "--member", str(i), "--secret", str(tmp_path / f"s{i}")) for i in (1, 2, 3)])
    assert main(["committee", "finalize", c, "--insecure"]) == 0
    assert main(["setup", "--params", "toy", "--committee", c, "--out", k, "--insecure"]) == 0
    assert main(["keygen", "--out", str(tmp_path / "bob")]) == 0
    img = Path(__import__("consistency").__path__[0]) / "data" / "toy_banned.png"
    assert (
        main(
            [
                "send",
                str(img),
                "--keys",
                k,
                "--recipient",
                str(tmp_path / "bob.pub"),
                "--ctx",
                "m",
                "--out",
                str(tmp_path / "env"),
                "--insecure",
            ]
        )
        == 0
    )
    assert (
        main(["scan", str(tmp_path / "env"), "--keys", k, "--ctx", "m", "--out", str(tmp_path / "req"), "--insecure"])
        == 0
    )
    all_ok(
        [
            cli(
                "partial",
                str(tmp_path / "req"),
                "--keys",
                k,
                "--committee",
                c,
                "--member",
                str(i),
                "--secret",
                str(tmp_path / f"s{i}"),
                "--out",
                str(tmp_path / f"p{i}"),
            )
            for i in (1, 2, 3)
        ]
    )
    assert (
        main(
            [
                "verdict",
                str(tmp_path / "req"),
                *(str(tmp_path / f"p{i}") for i in (1, 2, 3)),
                "--committee",
                c,
                "--out",
                str(tmp_path / "rec"),
                "--insecure",
            ]
        )
        == 0
    )
    assert json.loads((tmp_path / "rec").read_text())["verdict"] == "banned"


def test_init_on_the_leaky_set_is_refused_with_exit_1(tmp_path, capsys):
    """The leaky N = 2048 set states a decryption budget of 0: no committee, a clear error."""
    assert (
        main(
            ["committee", "init", str(tmp_path / "c"), "--params", "default-2048-leaky", "--parties", "3", "--insecure"]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "decryption budget of 0" in err and "Traceback" not in err
    assert not (tmp_path / "c" / "committee.json").exists()


def test_json_output_of_the_committee_commands(flow, toy, tmp_path, capsys):
    """--json prints one JSON object: the audit's and verdict's results, and a refusal naming the
    member, with the exit codes unchanged."""
    keys = str(flow / "keys")
    committee = str(flow / "committee")
    capsys.readouterr()
    assert (
        main(["audit", str(flow / "banned.record"), "--keys", keys, "--committee", committee, "--insecure", "--json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True and out["verdict"] == "banned" and out["partials"] == 3
    record = json.loads((flow / "banned.record").read_text())
    record["verdict"] = "allowed"  # the banned image's record, relabelled
    bad = tmp_path / "bad.record"
    bad.write_text(json.dumps(record))
    assert main(["audit", str(bad), "--keys", keys, "--committee", committee, "--insecure", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["refused"] == "record" and out["message"]


def test_json_partial_refusal_names_the_reason(flow, capsys):
    """A second decryption of the same request is refused; with --json the refusal is an object."""
    d = flow
    capsys.readouterr()
    assert (
        main(
            [
                "partial",
                str(d / "benign.request"),
                "--keys",
                str(d / "keys"),
                "--committee",
                str(d / "committee"),
                "--member",
                "1",
                "--secret",
                str(d / "m1.secret"),
                "--out",
                str(d / "again.json"),
                "--insecure",
                "--json",
            ]
        )
        == 1
    )
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["refused"] == "replay" and "members" in out
