"""Robustness of the server, the key directory loader and the command line (toy set).

Contracts: the server answers with a ``VerifiedEnvelope`` or raises ``Rejected`` (never another
exception for bad envelope data); what a ``VerifiedEnvelope`` exposes is exactly what was
verified; the replay set admits a context once even under concurrent admission; key loading
raises ``KeyMismatch``; the CLI exits 0 / 1 / 2 and never with a traceback.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace

import pytest

from consistency import cli
from consistency.envelope import encode
from consistency.errors import KeyMismatch, Rejected, ReplayRejected
from consistency.keys import load_prover_keys, load_verifier_keys, write_keydir
from consistency.server import AdmittedEnvelope, Server, VerifiedEnvelope, verify_envelope
from schemes.bfv.encryption import Ciphertext


def test_verified_envelope_does_not_change_when_the_callers_object_does(toy):
    """An Envelope object holding lists: mutating them after verification must not change what
    the VerifiedEnvelope forwards (the verified data, not a live view of the caller's)."""
    env = toy.env_benign
    ct_msg = list(env.ct_msg)
    c0, c1 = list(env.ct_fhe[0].c0), list(env.ct_fhe[0].c1)
    mutable = replace(env, ct_msg=ct_msg, ct_fhe=(Ciphertext(c0, c1),))
    verified = Server(toy.keys.verifier, issue_contexts=False).admit(mutable, toy.ctx_benign)
    ct_msg[0] ^= 1
    c0[0] = (c0[0] + 1) % toy.params.bfv.q
    assert verified.forward_payload.ct_msg == env.ct_msg
    assert verified.inference_input == env.ct_fhe
    assert verified.envelope == env
    assert isinstance(verified.forward_payload.ct_msg, tuple)


@pytest.mark.parametrize(
    "field,value",
    [
        ("ct_fhe", ((1, 2),)),
        ("ct_fhe", None),
        ("ct_msg", 5),
        ("ct_msg", None),
        ("proof", None),
        ("C", "1"),
        ("C", True),
        ("version", "1"),
        ("eph_pub", bytearray(32)),
        ("nonce", -1),
    ],
)
def test_malformed_envelope_objects_are_rejected_not_crashing(toy, field, value):
    bad = replace(toy.env_benign, **{field: value})
    server = Server(toy.keys.verifier, issue_contexts=False)
    with pytest.raises(Rejected):
        server.verify(bad, toy.ctx_benign)
    with pytest.raises(Rejected):
        verify_envelope(toy.keys.verifier, bad, toy.ctx_benign)
    (result,) = server.admit_batch([(bad, toy.ctx_benign)])
    assert isinstance(result, Rejected)


@pytest.mark.parametrize("context", ["text", 5, None, 3.0])
def test_context_of_the_wrong_type_is_a_clear_type_error(toy, context):
    """The context is issued by the server's own code: a wrong type is a programming error,
    reported as TypeError naming the context (and never silently converted, e.g. bytes(5))."""
    server = Server(toy.keys.verifier, issue_contexts=False)
    data = encode(toy.env_benign, allow_insecure=True)
    for call in (
        lambda: server.verify(data, context),
        lambda: server.admit(data, context),
        lambda: server.admit_batch([(data, context)]),
    ):
        with pytest.raises(TypeError, match="context must be bytes"):
            call()


def test_concurrent_admission_of_one_context_admits_it_once(toy):
    server = Server(toy.keys.verifier, issue_contexts=False)
    data = encode(toy.env_benign, allow_insecure=True)
    results: list = []
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        try:
            results.append(server.admit(data, toy.ctx_benign))
        except ReplayRejected as exc:
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(r, AdmittedEnvelope) for r in results) == 1
    assert sum(isinstance(r, ReplayRejected) for r in results) == 3


def test_batch_with_a_proof_moved_to_other_inputs_admits_only_the_honest_one(toy):
    """Batch soundness at the product level: the banned envelope carrying the benign proof is
    rejected even when it sits in a batch next to valid envelopes (and next to its own source)."""
    server = Server(toy.keys.verifier, issue_contexts=False)
    moved = replace(toy.env_banned, proof=toy.env_benign.proof)
    out = server.admit_batch(
        [
            (encode(toy.env_benign, allow_insecure=True), toy.ctx_benign),
            (encode(moved, allow_insecure=True), toy.ctx_banned),
        ]
    )
    assert isinstance(out[0], AdmittedEnvelope)
    assert isinstance(out[1], Rejected) and "invalid proof" in str(out[1])


def test_same_envelope_twice_in_a_batch_is_admitted_once(toy):
    server = Server(toy.keys.verifier, issue_contexts=False)
    data = encode(toy.env_benign, allow_insecure=True)
    out = server.admit_batch([(data, toy.ctx_benign), (data, toy.ctx_benign)])
    assert isinstance(out[0], AdmittedEnvelope)
    assert isinstance(out[1], ReplayRejected)


def test_verified_envelope_needs_the_servers_token(toy):
    for token in (None, object(), "token"):
        for cls in (VerifiedEnvelope, AdmittedEnvelope):
            with pytest.raises(TypeError):
                cls(token, toy.env_benign, toy.ctx_benign)


# -- key directory ------------------------------------------------------------------------------


@pytest.fixture
def keydir(toy, tmp_path):
    write_keydir(tmp_path, toy.keys)
    return tmp_path


@pytest.mark.parametrize("name", ["params.json", "verification_key.json", "committee_pk.bin"])
def test_key_file_replaced_by_a_directory_is_a_key_mismatch(toy, keydir, name):
    (keydir / name).unlink()
    (keydir / name).mkdir()
    with pytest.raises(KeyMismatch):
        load_verifier_keys(keydir, allow_insecure=True)


def test_proving_key_replaced_by_a_directory_is_a_key_mismatch(toy, keydir):
    (keydir / "proving_key.bin").unlink()
    (keydir / "proving_key.bin").mkdir()
    with pytest.raises(KeyMismatch):
        load_prover_keys(keydir, allow_insecure=True)


@pytest.mark.parametrize("name", ["params.json", "verification_key.json"])
@pytest.mark.parametrize("content", [b"[" * 100_000, b"\xff\xfe{", b'{"version": 1, "version": 1}'])
def test_hostile_key_json_is_a_key_mismatch(toy, keydir, name, content):
    (keydir / name).write_bytes(content)
    with pytest.raises(KeyMismatch):
        load_verifier_keys(keydir, allow_insecure=True)


def test_verifying_key_with_another_digest_is_a_key_mismatch(toy, keydir):
    vk = json.loads((keydir / "verification_key.json").read_text())
    vk["params_digest"] = vk["params_digest"][:-1] + ("0" if vk["params_digest"][-1] != "0" else "1")
    (keydir / "verification_key.json").write_text(json.dumps(vk))
    with pytest.raises(KeyMismatch, match="digest"):
        load_verifier_keys(keydir, allow_insecure=True)


# -- command line --------------------------------------------------------------------------------


def _run(args, capsys):
    try:
        code = cli.main([str(a) for a in args])
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_cli_exit_codes_on_hostile_files(toy, keydir, tmp_path, capsys):
    env_path = tmp_path / "env.bin"
    env_path.write_bytes(encode(toy.env_benign, allow_insecure=True))
    ctx = toy.ctx_benign.decode()
    assert _run(["verify", env_path, "--keys", keydir, "--ctx", ctx, "--insecure"], capsys)[0] == 0
    assert _run(["verify", env_path, "--keys", keydir, "--ctx", ctx], capsys)[0] == 1  # toy needs --insecure
    assert _run(["verify", env_path, "--keys", keydir], capsys)[0] == 2
    # the envelope path is a directory: the command could not run (operational, 3)
    assert _run(["verify", tmp_path, "--keys", keydir, "--ctx", ctx, "--insecure"], capsys)[0] == 3
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    code, err = _run(["pack", deep, "--out", tmp_path / "out.bin", "--insecure"], capsys)
    assert code == 1 and "error" in err
    # export into a path that is an existing file: an OS error, reported, exit 3
    code, err = _run(["export", env_path, "--keys", keydir, "--out", env_path, "--insecure"], capsys)
    assert code == 3 and "error" in err
    (keydir / "verification_key.json").unlink()
    (keydir / "verification_key.json").mkdir()
    code, err = _run(["verify", env_path, "--keys", keydir, "--ctx", ctx, "--insecure"], capsys)
    assert code == 1 and "error" in err


def test_exit_codes_are_documented_in_help(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--help"])
    assert e.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for phrase in ("0 success", "1 rejected", "2 bad usage", "3 operational error"):
        assert phrase in out
