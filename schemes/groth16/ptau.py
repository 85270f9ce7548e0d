"""Reading snarkjs's powers-of-tau file (``.ptau``, BN254), phase-2-prepared.

Container: the iden3 "binfile" of :mod:`.zkey` with magic ``ptau`` and version 1. Points are
affine, Montgomery form, little-endian (layout ``"lem"``), infinity = zero bytes. With
``N = 2^power`` (snarkjs ``powersoftau new bn128 power``) the sections are:

====  ===========================================================================================
 1    header: ``u32 n8 = 32``, q (32 bytes LE), ``u32 power``, ``u32 ceremonyPower``
 2    tauG1: ``[tau^i]_1`` for i < 2N - 1
 3    tauG2: ``[tau^i]_2`` for i < N
 4    alphaTauG1: ``[alpha tau^i]_1`` for i < N       5  betaTauG1: ``[beta tau^i]_1``, i < N
 6    betaG2: ``[beta]_2``                             7  the phase-1 contribution records
12    ``[L^{(2^p)}_i(tau)]_1`` for p = 0..power+1: the Lagrange basis of the 2^p-th roots of unity
      at tau, blocks of 2^p points in increasing p (block ``2^p`` starts at point ``2^p - 1``; the
      last block is computed from ``2N - 1`` powers and a zero point, as snarkjs does)
13-15 the same for tauG2, alphaTauG1, betaTauG1, p = 0..power
====  ===========================================================================================

Sections 12-15 exist only after ``snarkjs powersoftau prepare phase2``. This module checks the
layout, the field, the section sizes and, for every point it hands out, that it is canonical and
on its curve (G2 points also in the subgroup). It does not re-verify the phase-1 ceremony itself
(that the sections are powers of one tau, and the contribution chain): run ``snarkjs powersoftau
verify`` on a downloaded file, and compare :func:`ptau_file_hash` with the published one.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import struct
from dataclasses import dataclass, field
from typing import TypeVar

from ..bn254.curve import InvalidPoint
from ..bn254.fields import P
from ..bn254.vectors import G1Vector, G2Vector
from .errors import EncodingError

__all__ = ["PtauError", "PtauFile", "open_ptau", "ptau_file_hash", "MAX_POWER"]

PTAU_MAGIC = b"ptau"
#: BN254's scalar field has 2-adicity 28: the largest domain is 2^28.
MAX_POWER = 28
_G1 = 64
_G2 = 128
_V = TypeVar("_V", G1Vector, G2Vector)


class PtauError(EncodingError):
    """A ``.ptau`` file that is malformed, not BN254, not prepared for phase 2, or too small."""


def ptau_file_hash(path: str | os.PathLike[str], chunk: int = 1 << 22) -> str:
    """BLAKE2b-512 of the whole file, hex (what a key's provenance records)."""
    h = hashlib.blake2b(digest_size=64)
    with open(path, "rb") as f:
        while True:
            data = f.read(chunk)
            if not data:
                break
            h.update(data)
    return h.hexdigest()


@dataclass
class PtauFile:
    """An open, layout-checked ``.ptau`` (use as a context manager, or call :meth:`close`)."""

    power: int
    ceremony_power: int
    num_contributions: int
    _mm: mmap.mmap = field(repr=False)
    _sections: dict[int, tuple[int, int]] = field(repr=False)

    def __enter__(self) -> PtauFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._mm.close()
        except BufferError:  # a view is still referenced somewhere; GC closes the map
            pass

    # -- raw access ---------------------------------------------------------------------------

    def raw(self, section: int, first: int, count: int, size: int) -> bytes:
        """Bytes of points ``first .. first + count`` of a section (points of ``size`` bytes)."""
        start, length = self._sections[section]
        if first < 0 or count < 0 or (first + count) * size > length:
            raise PtauError(f"ptau section {section} has no points {first}..{first + count - 1}")
        return self._mm[start + first * size : start + (first + count) * size]

    def _g1(self, section: int, first: int, count: int, what: str) -> G1Vector:
        return _decode(G1Vector, self.raw(section, first, count, _G1), what)

    def _g2(self, section: int, first: int, count: int, what: str) -> G2Vector:
        return _decode(G2Vector, self.raw(section, first, count, _G2), what)

    # -- what the phase-2 setup needs -----------------------------------------------------------

    def require_domain(self, log_n: int) -> None:
        """Refuse a circuit of domain 2^log_n that this file is too small for."""
        if log_n > self.power:
            raise PtauError(
                f"the circuit needs a powers-of-tau file of power >= {log_n}; this one has power {self.power}"
            )
        if log_n >= MAX_POWER:
            raise PtauError("domains of 2^28 are not supported")

    def alpha_g1_raw(self) -> bytes:
        return self.raw(4, 0, 1, _G1)

    def beta_g1_raw(self) -> bytes:
        return self.raw(5, 0, 1, _G1)

    def beta_g2_raw(self) -> bytes:
        return self.raw(6, 0, 1, _G2)

    def lagrange_g1(self, n: int) -> G1Vector:
        """``[L_i(tau)]_1`` for the n-th roots of unity (section 12)."""
        return self._g1(12, n - 1, n, f"ptau Lagrange tauG1 ({n})")

    def lagrange_g2(self, n: int) -> G2Vector:
        """``[L_i(tau)]_2`` (section 13)."""
        return self._g2(13, n - 1, n, f"ptau Lagrange tauG2 ({n})")

    def lagrange_alpha_g1(self, n: int) -> G1Vector:
        """``[alpha L_i(tau)]_1`` (section 14)."""
        return self._g1(14, n - 1, n, f"ptau Lagrange alphaTauG1 ({n})")

    def lagrange_beta_g1(self, n: int) -> G1Vector:
        """``[beta L_i(tau)]_1`` (section 15)."""
        return self._g1(15, n - 1, n, f"ptau Lagrange betaTauG1 ({n})")

    def h_raw(self, n: int) -> bytes:
        """The zkey's H section for domain n: the odd entries ``[L^{(2n)}_{2j+1}(tau)]_1`` of the
        2n-th block of section 12 (raw bytes, checked by decoding)."""
        block = self.raw(12, 2 * n - 1, 2 * n, _G1)
        odd = b"".join(block[(2 * j + 1) * _G1 : (2 * j + 2) * _G1] for j in range(n))
        _decode(G1Vector, odd, f"ptau Lagrange tauG1 ({2 * n}), odd entries")
        return odd

    def tau_g1(self, first: int, count: int) -> G1Vector:
        """``[tau^i]_1`` for i in ``first .. first + count`` (section 2)."""
        return self._g1(2, first, count, "ptau tauG1")


def _decode(cls: type[_V], data: bytes, what: str) -> _V:
    try:
        return cls.from_bytes(data, "lem", subgroup=True, what=what)
    except InvalidPoint as exc:
        raise PtauError(f"ptau: {exc}") from None


def _expected_sizes(power: int) -> dict[int, int]:
    n = 1 << power
    return {
        2: (2 * n - 1) * _G1,
        3: n * _G2,
        4: n * _G1,
        5: n * _G1,
        6: _G2,
        12: (4 * n - 1) * _G1,
        13: (2 * n - 1) * _G2,
        14: (2 * n - 1) * _G1,
        15: (2 * n - 1) * _G1,
    }


def open_ptau(path: str | os.PathLike[str]) -> PtauFile:
    """Open and check a phase-2-prepared ``.ptau`` (raises :class:`PtauError`; OSError if unreadable)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size < 12:
            raise PtauError("not a ptau file (too short)")
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        return _check(mm, size)
    except BaseException:
        mm.close()
        raise


def _check(mm: mmap.mmap, size: int) -> PtauFile:
    if mm[:4] != PTAU_MAGIC:
        raise PtauError("not a ptau file (bad magic)")
    version, n_sections = struct.unpack_from("<II", mm, 4)
    if version != 1:
        raise PtauError(f"unsupported ptau version {version}")
    pos = 12
    sections: dict[int, tuple[int, int]] = {}
    for _ in range(n_sections):
        if pos + 12 > size:
            raise PtauError("truncated ptau section table")
        sid, length = struct.unpack_from("<IQ", mm, pos)
        pos += 12
        if pos + length > size:
            raise PtauError(f"ptau section {sid} runs past the end of the file (truncated?)")
        if sid in sections:
            raise PtauError(f"duplicated ptau section {sid}")
        sections[sid] = (pos, length)
        pos += length
    if pos != size:
        raise PtauError("trailing bytes after the last ptau section")
    for sid in (1, 2, 3, 4, 5, 6, 7):
        if sid not in sections:
            raise PtauError(f"missing ptau section {sid}")
    if not all(sid in sections for sid in (12, 13, 14, 15)):
        raise PtauError(
            "the ptau file is not prepared for phase 2 (no Lagrange sections 12-15): "
            "run `snarkjs powersoftau prepare phase2` on it"
        )
    start, length = sections[1]
    if length != 4 + 32 + 8:
        raise PtauError("ptau header has the wrong length (not BN254?)")
    (n8,) = struct.unpack_from("<I", mm, start)
    q = int.from_bytes(mm[start + 4 : start + 36], "little")
    if n8 != 32 or q != int(P):
        raise PtauError("ptau file is not over BN254 (bn128)")
    power, ceremony_power = struct.unpack_from("<II", mm, start + 36)
    if not 1 <= power <= MAX_POWER - 1:
        raise PtauError(f"ptau power {power} out of range")
    for sid, expected in _expected_sizes(power).items():
        if sections[sid][1] != expected:
            raise PtauError(f"ptau section {sid} has {sections[sid][1]} bytes, expected {expected} for power {power}")
    c_start, c_len = sections[7]
    if c_len < 4:
        raise PtauError("ptau contributions section is truncated")
    (n_contrib,) = struct.unpack_from("<I", mm, c_start)
    return PtauFile(power=power, ceremony_power=ceremony_power, num_contributions=n_contrib, _mm=mm, _sections=sections)
