"""schemes.secret_file: secret files are 0600 from their creation, atomic, never clobbered."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from schemes.secret_file import write_secret_file


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_written_owner_only_even_with_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        p = write_secret_file(tmp_path / "s.key", b"secret")
    finally:
        os.umask(old)
    assert _mode(p) == 0o600
    assert p.read_bytes() == b"secret"
    assert [f.name for f in tmp_path.iterdir()] == ["s.key"]  # no temporary left behind


def test_never_overwrites_unless_asked(tmp_path):
    p = tmp_path / "s.key"
    p.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        write_secret_file(p, b"new")
    assert p.read_bytes() == b"old"
    write_secret_file(p, b"new", overwrite=True)
    assert p.read_bytes() == b"new" and _mode(p) == 0o600


def test_refuses_to_follow_a_planted_symlink(tmp_path):
    target = tmp_path / "elsewhere"
    (tmp_path / "s.key").symlink_to(target)
    with pytest.raises(FileExistsError):
        write_secret_file(tmp_path / "s.key", b"secret")
    assert not target.exists()


def test_no_moment_with_wider_permissions(tmp_path, monkeypatch):
    """Watch every file the writer creates, at creation: each is 0600 before any byte lands."""
    seen = []
    real_open = os.open

    def spying_open(path, flags, mode=0o777, *a, **k):
        fd = real_open(path, flags, mode, *a, **k)
        seen.append(stat.S_IMODE(os.fstat(fd).st_mode))
        return fd

    monkeypatch.setattr(os, "open", spying_open)
    old = os.umask(0)
    try:
        write_secret_file(tmp_path / "s.key", b"x" * 100)
    finally:
        os.umask(old)
    assert seen == [0o600]


def test_concurrent_writers_cannot_both_create(tmp_path):
    results = []

    def write(data):
        try:
            write_secret_file(tmp_path / "s.key", data)
            results.append(data)
        except FileExistsError:
            results.append(None)

    threads = [threading.Thread(target=write, args=(bytes([i]) * 32,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    assert (tmp_path / "s.key").read_bytes() == winners[0]
