"""The snarkjs ``.zkey`` file (Groth16): writing our proving key, and reading any Groth16 zkey.

Container (iden3 "binfile"): magic ``zkey``, u32 version (1), u32 section count (10), then
sections ``u32 id, u64 byte length, payload``. Integers are little-endian. Sections:

====  ===========================================================================================
 1    u32 protocol = 1 (Groth16)
 2    u32 n8q = 32, q (32 B), u32 n8r = 32, r (32 B), u32 nVars, u32 nPublic, u32 domainSize,
      alpha_1, beta_1 (G1), beta_2, gamma_2 (G2), delta_1 (G1), delta_2 (G2)
 3    IC: nPublic + 1 G1 points
 4    u32 count, then count records ``u32 matrix (0 = A, 1 = B), u32 row, u32 wire, 32-byte coeff``;
      the coefficient field holds ``c * 2^512 mod r`` (= the Montgomery form of ``c * 2^256``: the
      snarkjs prover multiplies it by the plain witness value with a Montgomery product and gets the
      Montgomery form of ``c * w``). The matrix C is not stored: the prover uses ``C_i = A_i B_i``.
      After the R1CS rows come the input-consistency rows ``(0, m + k, k, 1)`` for k = 0..nPublic.
 5    A query: nVars G1      6  B query: nVars G1      7  B query: nVars G2
 8    L query (snarkjs "C"): nVars - nPublic - 1 G1   9  H query: domainSize G1
10    phase-2 parameters: a 64-byte hash and u32 number of contributions (0 here)
====  ===========================================================================================

Points are affine in Montgomery form: every Fp coordinate ``x`` is stored as ``x * 2^256 mod p``
(32 bytes LE); G1 = x || y, G2 = x.c0 || x.c1 || y.c0 || y.c1; infinity is all zero bytes
(``(0, 0)`` is on neither curve).

Section 10's hash: snarkjs's "circuit hash" is defined relative to a powers-of-tau file, which
this single-party setup does not have; we store instead a key fingerprint, BLAKE2b-512 of the
file bytes of sections 2-9 as written (section headers included). ``snarkjs groth16 prove`` and ``zkey export verificationkey`` do not read it, and
``snarkjs zkey contribute`` accepts it, so a phase-2 ceremony can continue from our key.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import struct
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, TypeVar

import numpy as np

from ..bn254.curve import G1Point, G2Point, InvalidPoint
from ..bn254.fields import P, R
from ..bn254.vectors import G1Vector, G2Vector, _PointVector
from ..r1cs.matrices import R1CS, NegacyclicBlock, Row
from .data_structures import ProvingKey, VerifyingKey
from .errors import EncodingError, InvalidPointEncoding, NonCanonicalCoordinate

__all__ = ["write_zkey", "read_zkey", "ZKEY_MAGIC"]

ZKEY_MAGIC = b"zkey"
_N8 = 32
_P_INT = int(P)
_R_INT = int(R)
#: Montgomery radix 2^256 mod p, and its inverse, for coordinates.
_MONT_P = (1 << 256) % _P_INT
#: Coefficients are stored as c * (2^256)^2 mod r.
_COEF_FACTOR = pow(2, 512, _R_INT)
_G1_SIZE = 2 * _N8
_G2_SIZE = 4 * _N8

Progress = Callable[[str], None] | None


# -- encoding helpers -------------------------------------------------------------------------


def _fp_lem(x: int) -> bytes:
    return (int(x) * _MONT_P % _P_INT).to_bytes(_N8, "little")


def _g1_lem(pt: G1Point) -> bytes:
    if pt is None:
        return bytes(_G1_SIZE)
    return _fp_lem(pt[0]) + _fp_lem(pt[1])


def _g2_lem(pt: G2Point) -> bytes:
    if pt is None:
        return bytes(_G2_SIZE)
    (x0, x1), (y0, y1) = pt
    return _fp_lem(x0) + _fp_lem(x1) + _fp_lem(y0) + _fp_lem(y1)


def _coef(c: int) -> bytes:
    return (int(c) * _COEF_FACTOR % _R_INT).to_bytes(_N8, "little")


class _SectionWriter:
    """Writes binfile sections, patching each section's length when the section ends."""

    def __init__(self, f: BinaryIO, n_sections: int) -> None:
        self.f = f
        self._start: int | None = None
        f.write(ZKEY_MAGIC + struct.pack("<II", 1, n_sections))

    def begin(self, section_id: int) -> int:
        """Start a section; returns the file offset of its header."""
        header = self.f.tell()
        self.f.write(struct.pack("<IQ", section_id, 0))
        self._start = self.f.tell()
        return header

    def write(self, data: bytes) -> None:
        self.f.write(data)

    def coefficients_section(self, r1cs: R1CS) -> None:
        """Section 4: the record count (patched once known), then every A and B record."""
        self.begin(4)
        count_pos = self.f.tell()
        self.write(struct.pack("<I", 0))
        count = 0
        for n, data in _coefficient_chunks(r1cs):
            count += n
            self.write(data)
        end = self.f.tell()
        self.f.seek(count_pos)
        self.f.write(struct.pack("<I", count))
        self.f.seek(end)
        self.end()

    def end(self) -> None:
        if self._start is None:
            raise RuntimeError("end() without begin()")
        end = self.f.tell()
        self.f.seek(self._start - 8)
        self.f.write(struct.pack("<Q", end - self._start))
        self.f.seek(end)
        self._start = None


def _hash_range(f: BinaryIO, start: int, end: int, chunk: int = 1 << 22) -> bytes:
    """BLAKE2b-512 of the file bytes [start, end)."""
    h = hashlib.blake2b(digest_size=64)
    f.flush()
    f.seek(start)
    left = end - start
    while left:
        data = f.read(min(chunk, left))
        if not data:
            raise OSError("zkey file shrank while hashing")
        h.update(data)
        left -= len(data)
    f.seek(end)
    return h.digest()


# -- section 4 (the A and B matrices) --------------------------------------------------------

_REC = struct.Struct("<III")
_Vec = TypeVar("_Vec", bound="_PointVector[Any, Any]")
_Pt = TypeVar("_Pt")


def _sparse_records(matrix: int, row: int, flat: Row) -> bytes:
    return b"".join(_REC.pack(matrix, row, int(flat[k])) + _coef(flat[k + 1]) for k in range(0, len(flat), 2))


def _block_records(block: NegacyclicBlock, first_row: int) -> Iterator[bytes]:
    """Yield the records of a negacyclic block row by row (A dense, B = wire 0 with coefficient 1).

    With distinct ascending input wires the A row i is ``M[i][j]`` for j = 0..N-1 (zeros dropped):
    ``M[i][j] = e[N + i - j]`` for the sequence ``e = (-poly[0..N-1], poly[0..N-1])``, a reversed
    contiguous slice, so whole rows are assembled with numpy. Otherwise rows come from
    :meth:`NegacyclicBlock.a_row` (merged repeated wires).
    """
    n = block.n
    inputs = block.inputs
    fast = all(inputs[j] < inputs[j + 1] for j in range(n - 1))
    if not fast:
        for i in range(n):
            row = first_row + i
            yield (
                b"".join(_REC.pack(0, row, v) + _coef(c) for v, c in block.a_row(i)) + _REC.pack(1, row, 0) + _coef(1)
            )
        return
    ext = [(-p) % _R_INT for p in block.poly] + [int(p) % _R_INT for p in block.poly]
    ext_bytes = np.frombuffer(b"".join(_coef(c) for c in ext), dtype=np.uint8).reshape(2 * n, _N8)
    ext_nonzero = np.array([c != 0 for c in ext], dtype=bool)
    dtype = np.dtype([("m", "<u4"), ("c", "<u4"), ("s", "<u4"), ("v", "u1", (_N8,))])
    wires = np.array(inputs, dtype="<u4")
    for i in range(n):
        row = first_row + i
        idx = np.arange(n + i, i, -1)  # e[N + i - j] for j = 0..N-1
        keep = ext_nonzero[idx]
        recs = np.zeros(int(keep.sum()), dtype=dtype)
        recs["c"] = row
        recs["s"] = wires[keep]
        recs["v"] = ext_bytes[idx[keep]]
        yield recs.tobytes() + _REC.pack(1, row, 0) + _coef(1)


def _coefficient_chunks(r1cs: R1CS) -> Iterator[tuple[int, bytes]]:
    """Yield ``(record count, bytes)`` chunks of section 4 in row order, then the extra rows."""
    for first_row, _name, item in r1cs.segments():
        if isinstance(item, NegacyclicBlock):
            for data in _block_records(item, first_row):
                yield len(data) // (12 + _N8), data
        else:
            a, b, _c = item
            data = _sparse_records(0, first_row, a) + _sparse_records(1, first_row, b)
            yield len(data) // (12 + _N8), data
    m = r1cs.num_constraints
    data = b"".join(_REC.pack(0, m + k, k) + _coef(1) for k in range(r1cs.num_public + 1))
    yield r1cs.num_public + 1, data


# -- writer -----------------------------------------------------------------------------------


def write_zkey(pk: ProvingKey, r1cs: R1CS, path: str | os.PathLike[str], *, progress: Progress = None) -> None:
    """Write ``pk`` (made for ``r1cs``) as a snarkjs Groth16 ``.zkey`` that ``snarkjs groth16 prove`` reads.

    Streams section 4 (the A and B matrices, with dense blocks expanded: N^2 records per block),
    so memory stays small even when the file is large.
    """
    from .prover import check_key_matches

    check_key_matches(pk, r1cs)
    vk = pk.vk
    with open(path, "w+b") as f:
        w = _SectionWriter(f, 10)
        w.begin(1)
        w.write(struct.pack("<I", 1))
        w.end()

        hashed_from = w.begin(2)
        w.write(
            struct.pack("<I", _N8)
            + _P_INT.to_bytes(_N8, "little")
            + struct.pack("<I", _N8)
            + _R_INT.to_bytes(_N8, "little")
            + struct.pack("<III", pk.num_variables, pk.num_public, pk.domain_size)
        )
        w.write(
            _g1_lem(vk.alpha_g1)
            + _g1_lem(pk.beta_g1)
            + _g2_lem(vk.beta_g2)
            + _g2_lem(vk.gamma_g2)
            + _g1_lem(pk.delta_g1)
            + _g2_lem(vk.delta_g2)
        )
        w.end()

        w.begin(3)
        w.write(b"".join(_g1_lem(p) for p in vk.ic))
        w.end()

        if progress:
            progress("zkey: writing the A and B coefficients")
        w.coefficients_section(r1cs)

        for sid, label, points in (
            (5, "A", pk.a_query),
            (6, "B1", pk.b_g1_query),
            (7, "B2", pk.b_g2_query),
            (8, "C", pk.l_query),
            (9, "H", pk.h_query),
        ):
            if progress:
                progress(f"zkey: writing the {label} points ({len(points)})")
            w.begin(sid)
            w.write(points.to_bytes("lem"))
            w.end()

        fingerprint = _hash_range(f, hashed_from, f.tell())
        w.begin(10)
        w.write(fingerprint + struct.pack("<I", 0))
        w.end()


# -- reader -----------------------------------------------------------------------------------


def _read_sections(data: memoryview) -> dict[int, memoryview]:
    if len(data) < 12 or bytes(data[:4]) != ZKEY_MAGIC:
        raise EncodingError("not a zkey file (bad magic)")
    version, n_sections = struct.unpack_from("<II", data, 4)
    if version not in (1, 2):
        raise EncodingError(f"unsupported zkey version {version}")
    pos = 12
    sections: dict[int, memoryview] = {}
    for _ in range(n_sections):
        if pos + 12 > len(data):
            raise EncodingError("truncated zkey section table")
        sid, size = struct.unpack_from("<IQ", data, pos)
        pos += 12
        if pos + size > len(data):
            raise EncodingError(f"zkey section {sid} runs past the end of the file")
        if sid in sections:
            raise EncodingError(f"duplicated zkey section {sid}")
        sections[sid] = data[pos : pos + size]
        pos += size
    if pos != len(data):
        raise EncodingError("trailing bytes after the last zkey section")
    for sid in range(1, 11):
        if sid not in sections:
            raise EncodingError(f"missing zkey section {sid}")
    return sections


def _points(sec: bytes | memoryview, count: int, cls: type[_Vec], what: str, subgroup: bool = False) -> _Vec:
    """Points decoded by the native engine (canonical, on the curve; G2 points are checked for
    the subgroup only where asked: the query points are not, see :func:`read_zkey`)."""
    if len(sec) != count * cls._size:
        raise EncodingError(f"zkey {what} section has {len(sec)} bytes, expected {count} points")
    try:
        return cls.from_bytes(bytes(sec), "lem", subgroup=subgroup, what=what)
    except InvalidPoint as exc:
        err = NonCanonicalCoordinate if "canonical" in str(exc) else InvalidPointEncoding
        raise err(f"zkey: {exc}") from None


def _header_point(b: bytes | memoryview, cls: type[_PointVector[_Pt, Any]], what: str) -> _Pt:
    """One header point: fully checked (G2 for the subgroup too), never infinity."""
    pt = _points(b, 1, cls, what, subgroup=True)[0]
    if pt is None:
        raise InvalidPointEncoding(f"{what} is the point at infinity")
    return pt


def read_zkey(path: str | os.PathLike[str]) -> ProvingKey:
    """Read a snarkjs Groth16 ``.zkey`` (ours or one from a snarkjs ceremony) into a :class:`ProvingKey`.

    Validates the layout, the field moduli, canonical coordinates, that every point is on its
    curve, that the header's G2 points are in the subgroup and that section 4 ends with the
    input-consistency rows (which gives ``num_constraints``). The key's ``r1cs_digest`` is None:
    the prover can only check the key against an R1CS by shape. Query G2 points are checked to be
    on the twist but not for subgroup membership (too slow for large keys; a bad point only makes
    the prover's output invalid). The file is memory-mapped: of the (possibly huge) coefficient
    section only the last records are read.
    """
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            raise EncodingError("not a zkey file (empty)")
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        view = memoryview(mm)
        try:
            return _decode_zkey(view)
        finally:
            view.release()
    finally:
        try:
            mm.close()
        except BufferError:  # a section view is still referenced by a traceback; GC closes the map
            pass


def _decode_zkey(data: memoryview) -> ProvingKey:
    s = _read_sections(data)
    try:
        return _decode_sections(s)
    finally:
        for v in s.values():
            v.release()


def _decode_sections(s: dict[int, memoryview]) -> ProvingKey:
    if bytes(s[1]) != struct.pack("<I", 1):
        raise EncodingError("zkey is not a Groth16 key (section 1 must be protocol 1)")
    h = s[2]
    expected_len = 4 + _N8 + 4 + _N8 + 12 + 3 * _G1_SIZE + 3 * _G2_SIZE
    if len(h) != expected_len:
        raise EncodingError("zkey header section has the wrong length (not BN254?)")
    (n8q,) = struct.unpack_from("<I", h, 0)
    q = int.from_bytes(h[4 : 4 + _N8], "little")
    (n8r,) = struct.unpack_from("<I", h, 4 + _N8)
    r = int.from_bytes(h[8 + _N8 : 8 + 2 * _N8], "little")
    if (n8q, q, n8r, r) != (_N8, _P_INT, _N8, _R_INT):
        raise EncodingError("zkey is not over BN254 (field moduli differ)")
    o = 8 + 2 * _N8
    n_vars, n_public, domain_size = struct.unpack_from("<III", h, o)
    o += 12
    hdr = bytes(h[o:])
    alpha_g1 = _header_point(hdr[0:64], G1Vector, "alpha_1")
    beta_g1 = _header_point(hdr[64:128], G1Vector, "beta_1")
    beta_g2 = _header_point(hdr[128:256], G2Vector, "beta_2")
    gamma_g2 = _header_point(hdr[256:384], G2Vector, "gamma_2")
    delta_g1 = _header_point(hdr[384:448], G1Vector, "delta_1")
    delta_g2 = _header_point(hdr[448:576], G2Vector, "delta_2")
    if n_public + 1 > n_vars:
        raise EncodingError("zkey declares more public inputs than wires")
    if domain_size < 2 or domain_size & (domain_size - 1):
        raise EncodingError("zkey domain size is not a power of two >= 2")

    coefs = s[4]
    if len(coefs) < 4:
        raise EncodingError("zkey coefficient section is truncated")
    (count,) = struct.unpack_from("<I", coefs, 0)
    rec = 12 + _N8
    if len(coefs) != 4 + count * rec or count < n_public + 1:
        raise EncodingError("zkey coefficient section has an inconsistent length")
    first_extra = 4 + (count - n_public - 1) * rec
    m = struct.unpack_from("<III", coefs, first_extra)[1]
    one = _coef(1)
    for k in range(n_public + 1):
        off = first_extra + k * rec
        if struct.unpack_from("<III", coefs, off) != (0, m + k, k) or bytes(coefs[off + 12 : off + rec]) != one:
            raise EncodingError("zkey coefficient section does not end with the input-consistency rows")
    if m + n_public + 1 > domain_size:
        raise EncodingError("zkey domain is too small for its rows")

    ic = tuple(_points(s[3], n_public + 1, G1Vector, "IC"))
    a_query = _points(s[5], n_vars, G1Vector, "A")
    b_g1_query = _points(s[6], n_vars, G1Vector, "B1")
    b_g2_query = _points(s[7], n_vars, G2Vector, "B2")
    l_query = _points(s[8], n_vars - n_public - 1, G1Vector, "C")
    h_query = _points(s[9], domain_size, G1Vector, "H")
    vk = VerifyingKey(alpha_g1=alpha_g1, beta_g2=beta_g2, gamma_g2=gamma_g2, delta_g2=delta_g2, ic=ic)
    return ProvingKey(
        vk=vk,
        beta_g1=beta_g1,
        delta_g1=delta_g1,
        a_query=a_query,
        b_g1_query=b_g1_query,
        b_g2_query=b_g2_query,
        l_query=l_query,
        h_query=h_query,
        num_constraints=m,
        r1cs_digest=None,
    )
