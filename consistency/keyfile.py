"""Key files that say what they hold, and the names of every kind of file the CLI reads.

A recipient key file is three lines of ASCII (specs/consistency.md, "Key files")::

    -----BEGIN GRC RECIPIENT PUBLIC KEY-----      (or SECRET KEY)
    <the 32 key bytes in standard base64, with padding: 44 characters>
    -----END GRC RECIPIENT PUBLIC KEY-----

each line ending in one ``\\n``, nothing before or after. The public key is the X25519 u-coordinate
(RFC 7748, canonical and not of small order); the secret key the X25519 scalar. Secret key files
are created 0600 atomically (:func:`schemes.secret_file.write_secret_file`).

Every reader that expects one kind names the kind it found when it finds another
(:func:`describe`): a recipient key of the other half, a committee member's secret file
(``"kind": "committee-share"``), a scan request, a partial decryption, a verdict record, an
envelope (binary or JSON), a forward payload, or a key directory. The error is
:class:`WrongKeyKind`, a :class:`~consistency.errors.ConsistencyError` (exit code 1).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from pathlib import Path

from schemes.key_agreement import RecipientSecretKey, validate_public_key
from schemes.secret_file import write_secret_file

from .errors import ConsistencyError
from .files import read_at_most

__all__ = [
    "RECIPIENT_PUBLIC",
    "RECIPIENT_SECRET",
    "WrongKeyKind",
    "armor",
    "dearmor",
    "describe",
    "refuse_other_kind",
    "COMMITTEE_SHARE",
    "write_recipient_keys",
    "read_recipient_public",
    "read_recipient_secret",
    "require_key_directory",
]

RECIPIENT_PUBLIC = "RECIPIENT PUBLIC KEY"
RECIPIENT_SECRET = "RECIPIENT SECRET KEY"
_ARMORED = (RECIPIENT_PUBLIC, RECIPIENT_SECRET)
#: No key file is longer than this; a longer file is refused before it is read whole.
MAX_KEY_FILE = 4096
#: What :func:`describe` calls a committee member's secret file.
COMMITTEE_SHARE = "committee member secret file"
_JSON_KINDS = {
    "committee-share": COMMITTEE_SHARE,
    "scan-request": "scan request",
    "partial": "partial decryption",
    "verdict-record": "verdict record",
}


class WrongKeyKind(ConsistencyError):
    """A file of another kind (or of no known kind) where a key of one kind was expected."""


def armor(kind: str, key: bytes) -> bytes:
    """The three-line file for a 32-byte key of ``kind``."""
    if kind not in _ARMORED or len(key) != 32:
        raise ValueError(f"armor: unknown kind {kind!r} or a key that is not 32 bytes")
    return (
        f"-----BEGIN GRC {kind}-----\n" + base64.b64encode(key).decode("ascii") + f"\n-----END GRC {kind}-----\n"
    ).encode("ascii")


def _armored_kind(data: bytes) -> tuple[str, bytes] | None:
    """``(kind, key)`` if ``data`` is exactly a well-formed armored key file, else None."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if len(lines) != 4 or lines[3] != "":
        return None
    for kind in _ARMORED:
        if lines[0] == f"-----BEGIN GRC {kind}-----" and lines[2] == f"-----END GRC {kind}-----":
            try:
                key = base64.b64decode(lines[1], validate=True)
            except binascii.Error:
                return None
            if len(key) != 32 or base64.b64encode(key).decode("ascii") != lines[1]:
                return None
            return kind, key
    return None


def _classify(data: bytes) -> tuple[str, bool]:
    """``(name, known)``: a short name for what ``data`` is, and whether that is a kind this
    library writes (or wrote: a raw first-release key) rather than an unknown file."""
    armored = _armored_kind(data)
    if armored:
        return armored[0].lower(), True
    if data.startswith(b"-----BEGIN GRC "):
        return "malformed armored key file", True
    if data[:4] == b"GRCF":
        return "forward payload", True
    if data[:3] == b"GRC":
        return "binary envelope", True
    try:
        obj = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        obj = None
    if isinstance(obj, dict):
        kind = obj.get("kind")
        if isinstance(kind, str) and kind in _JSON_KINDS:
            return _JSON_KINDS[kind], True
        if "params_id" in obj and "ct_fhe" in obj:
            return "JSON envelope", True
        if "vk_alpha_1" in obj:
            return "snarkjs verification key", True
        return "JSON file of an unknown kind", False
    if len(data) == 32:
        return "raw 32-byte key without a kind (an earlier release's key file: run keygen again)", True
    return f"file of an unknown kind ({len(data)} bytes)", False


def describe(data: bytes) -> str:
    """A short name for what ``data`` is (for error messages): ``"recipient public key"``, ..."""
    return _classify(data)[0]


def refuse_other_kind(data: bytes, expected: str, where: str | os.PathLike[str]) -> None:
    """Raise :class:`WrongKeyKind` if ``data`` is a file of a known kind other than ``expected``
    (a name :func:`describe` gives); an unknown file is left to the reader's own parser."""
    name, known = _classify(data)
    if known and name != expected:
        raise WrongKeyKind(f"{os.fspath(where)} is a {name}, expected a {expected}")


def _read(path: str | os.PathLike[str], what: str) -> bytes:
    p = Path(path)
    if p.is_dir():
        kind = "a key directory" if (p / "params.json").exists() else "a directory"
        raise WrongKeyKind(f"{os.fspath(path)} is {kind}, expected a {what} file")
    data = read_at_most(p, MAX_KEY_FILE)
    if len(data) > MAX_KEY_FILE:
        raise WrongKeyKind(f"{os.fspath(path)} is longer than any key file ({MAX_KEY_FILE} bytes), expected a {what}")
    return data


def dearmor(path: str | os.PathLike[str], kind: str) -> bytes:
    """The 32 key bytes of an armored file of ``kind``; :class:`WrongKeyKind` names what else
    the file is."""
    what = kind.lower()
    data = _read(path, what)
    armored = _armored_kind(data)
    if armored is None or armored[0] != kind:
        raise WrongKeyKind(f"{os.fspath(path)} is a {describe(data)}, expected a {what}")
    return armored[1]


def write_recipient_keys(secret: RecipientSecretKey, path: str | os.PathLike[str]) -> Path:
    """``path`` (the secret key, 0600, atomically, never over an existing file) and
    ``path.pub`` (the public key); returns the public file's path."""
    pub = Path(os.fspath(path) + ".pub")
    write_secret_file(path, armor(RECIPIENT_SECRET, secret.to_bytes()))
    pub.write_bytes(armor(RECIPIENT_PUBLIC, secret.public_bytes()))
    return pub


def read_recipient_public(path: str | os.PathLike[str]) -> bytes:
    """A recipient public key file: the 32 checked bytes (canonical, not of small order)."""
    return validate_public_key(dearmor(path, RECIPIENT_PUBLIC), f"recipient public key {os.fspath(path)}")


def read_recipient_secret(path: str | os.PathLike[str]) -> RecipientSecretKey:
    """A recipient secret key file."""
    return RecipientSecretKey.from_bytes(dearmor(path, RECIPIENT_SECRET))


def require_key_directory(path: str | os.PathLike[str]) -> None:
    """Refuse, naming what it is, a ``--keys`` argument that is a file rather than a key directory."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise WrongKeyKind(f"{os.fspath(path)} is a {describe(_read(p, 'key directory'))}, expected a key directory")
