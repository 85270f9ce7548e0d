"""A member's secret file: its share ``(s_i, salt_i)``, created 0600 with no readable window.

Format (JSON, exactly these keys)::

    {"version": 1, "kind": "committee-share", "committee": hex(committee digest),
     "params_id": NAME, "member": i, "s": "<N characters from '-', '0', '+'>", "salt": "<decimal>"}

:func:`write_share` uses :func:`schemes.secret_file.write_secret_file`: a temporary file opened
``O_CREAT | O_EXCL`` with mode 0600 in the target's directory, then linked to the name (an
existing file is never replaced). :func:`read_share` refuses a file that others can read or
write (mode bits beyond 0600), a share of another committee, and a share whose commitment is not
the member's published ``h_i``.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from schemes.bfv.dkg import SecretShare, commit_secret
from schemes.bn254.fields import R
from schemes.secret_file import write_secret_file

from ..keyfile import COMMITTEE_SHARE, refuse_other_kind
from .codec import dec, hexbytes, loads, require_keys, small_int
from .config import CommitteeConfig
from .errors import CommitteeMismatch, MalformedCommitteeFile

__all__ = ["write_share", "read_share", "log_path"]

_TRITS = {-1: "-", 0: "0", 1: "+"}
_FROM_TRITS = {v: k for k, v in _TRITS.items()}
_KEYS = ("version", "kind", "committee", "params_id", "member", "s", "salt")


def log_path(secret: str | os.PathLike[str]) -> Path:
    """The member's decryption log: beside its secret file, ``FILE.log``."""
    p = Path(secret)
    return p.with_name(p.name + ".log")


def write_share(path: str | os.PathLike[str], config: CommitteeConfig, share: SecretShare) -> Path:
    """Create the secret file (0600, atomically; ``FileExistsError`` if it exists)."""
    obj = {
        "version": 1,
        "kind": "committee-share",
        "committee": config.digest.hex(),
        "params_id": config.params.name,
        "member": share.member,
        "s": "".join(_TRITS[int(x)] for x in share.s),
        "salt": str(share.salt),
    }
    return write_secret_file(path, (json.dumps(obj) + "\n").encode())


def read_share(path: str | os.PathLike[str], config: CommitteeConfig, member: int, h: int) -> SecretShare:
    """Read member ``member``'s share and check it against the committee and its commitment ``h``."""
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise MalformedCommitteeFile(f"cannot read the secret file {p}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(f.fileno()).st_mode
        if not stat.S_ISREG(mode) or mode & 0o077:
            raise MalformedCommitteeFile(
                f"the secret file {p} is readable or writable by others (mode {stat.S_IMODE(mode):04o}); "
                "it must be 0600"
            )
        data = f.read()
    refuse_other_kind(data, COMMITTEE_SHARE, p)
    obj = loads(data, "secret file")
    require_keys(obj, _KEYS, "secret file")
    if obj["version"] != 1 or obj["kind"] != "committee-share":
        raise MalformedCommitteeFile("secret file: not a committee share (version 1)")
    if hexbytes(obj["committee"], "secret file: committee", 32) != config.digest:
        raise CommitteeMismatch(f"the secret file {p} belongs to another committee")
    if obj["params_id"] != config.params.name:
        raise CommitteeMismatch(f"the secret file {p} is for parameter set {obj['params_id']!r}")
    if small_int(obj["member"], "secret file: member", 1, config.parties) != member:
        raise CommitteeMismatch(f"the secret file {p} holds member {obj['member']}'s share, not member {member}'s")
    s = obj["s"]
    if not isinstance(s, str) or len(s) != config.params.bfv.n or set(s) - set(_FROM_TRITS):
        raise MalformedCommitteeFile(f"secret file: s must be {config.params.bfv.n} characters of '-', '0', '+'")
    share = SecretShare(member, tuple(_FROM_TRITS[c] for c in s), dec(obj["salt"], "secret file: salt", int(R)))
    if commit_secret(share.s, share.salt) != h:
        raise CommitteeMismatch(f"the secret file {p} does not open member {member}'s published commitment h")
    return share
