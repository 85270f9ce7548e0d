"""Secret files: created with mode 0600 atomically, never readable by anyone else, even briefly.

:func:`write_secret_file` writes the bytes to a fresh temporary file in the target's directory,
opened with ``O_CREAT | O_EXCL`` and mode 0600 in the same system call (the umask can only
remove bits), flushes it to disk, and renames it over the target name. At no moment does a file
with the secret bytes exist with wider permissions, and a reader of the target name sees either
nothing or the whole file. An existing target is refused unless ``overwrite=True``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["SECRET_FILE_MODE", "write_secret_file"]

SECRET_FILE_MODE = 0o600


def write_secret_file(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` as an owner-only (0600) file, atomically; return the path.

    Raises ``FileExistsError`` if ``path`` exists and ``overwrite`` is False, and ``OSError`` for
    any failure of the file system (the temporary file is removed then).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("secret file contents must be bytes")
    target = Path(path)
    if not overwrite and (target.exists() or target.is_symlink()):
        raise FileExistsError(f"refusing to overwrite the existing file {target}")
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), SECRET_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(bytes(data))
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # fails if the target appeared meanwhile: never clobbers
            os.unlink(tmp)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target
