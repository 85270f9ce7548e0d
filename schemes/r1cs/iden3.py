"""iden3 binary files: ``.r1cs`` (constraint system) and ``.wtns`` (witness), as read by snarkjs.

Both are iden3 "binfile" containers: a 4-byte magic, a u32 version, a u32 section count,
then sections ``(u32 type, u64 byte size, content)``. All integers are little-endian and
field elements are ``fs = 32`` bytes, little-endian, in standard (not Montgomery) form.

``.r1cs`` (magic ``r1cs``, version 1; layout of iden3/r1csfile ``doc/r1cs_bin_format.md``):

- section 1, header: ``u32 fs``, prime (fs bytes), ``u32 nWires``, ``u32 nPubOut``,
  ``u32 nPubIn``, ``u32 nPrvIn``, ``u64 nLabels``, ``u32 mConstraints``;
- section 2, constraints: per constraint, for A, B, C in turn: ``u32 nTerms`` then
  ``nTerms`` times ``(u32 wireId, coeff fs bytes)``. We write wire ids strictly ascending and
  coefficients nonzero; we read terms in any order (circom 2.2 writes them unsorted), summing
  the coefficients of a repeated wire and dropping the terms whose coefficient is then zero;
- section 3, wire-to-label map: one ``u64`` label per wire.

We write nPubOut = 0, nPubIn = ``num_public``, nPrvIn = ``num_private`` (every private wire
counts as a private input, so ``nWires = 1 + nPubIn + nPrvIn``), nLabels = nWires and the
identity label map.

``.wtns`` (magic ``wtns``, version 2; layout of snarkjs ``wtns_utils``): section 1:
``u32 n8 = 32``, prime (n8 bytes), ``u32 nWitness``; section 2: ``nWitness`` values, n8 bytes each.

Writers stream to disk (the default circuit's ``.r1cs`` holds 8.4 million dense terms, about
300 MB); dense negacyclic rows are emitted with numpy slicing of a precomputed coefficient table.
"""

from __future__ import annotations

import contextlib
import os
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, Union, cast

import numpy as np

from ..bn254.fields import R
from .errors import R1CSFormatError
from .lc import is_int
from .matrices import R1CS, Item, NegacyclicBlock, Row

__all__ = ["R1csFile", "write_r1cs", "read_r1cs", "write_r1cs_file", "write_wtns", "read_wtns", "FIELD_BYTES"]

FIELD_BYTES = 32
_R = int(R)
_PRIME_LE = _R.to_bytes(FIELD_BYTES, "little")
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
_SECTION = struct.Struct("<IQ")

SECTION_HEADER, SECTION_CONSTRAINTS, SECTION_WIRE2LABEL = 1, 2, 3
_SECTIONS_CUSTOM_GATES = (4, 5)

PathOrFile = Union[str, "os.PathLike[str]", BinaryIO]  # file objects must be seekable
#: One side of a constraint: ``(wire, coeff)`` pairs sorted by wire.
Terms = list[tuple[int, int]]


@dataclass
class R1csFile:
    """Decoded contents of a ``.r1cs`` file (BN254 scalar field only).

    ``constraints[i] = (A, B, C)``, each a list of ``(wire, coeff)`` int pairs sorted by wire.
    """

    n_wires: int
    n_pub_out: int
    n_pub_in: int
    n_prv_in: int
    n_labels: int
    constraints: list[tuple[Terms, Terms, Terms]]
    wire_to_label: list[int] = field(default_factory=list)
    prime: int = _R

    def to_r1cs(self) -> R1CS:
        """The constraints as an :class:`R1CS` (public inputs = outputs + public inputs)."""
        items: list[Item] = []
        for a, b, c in self.constraints:
            items.append((_flat(a), _flat(b), _flat(c)))
        names = [f"r1cs[{i}]" for i in range(len(items))]
        wires = ["one"] + [f"w{i}" for i in range(1, self.n_wires)]
        return R1CS(items, names, self.n_wires, self.n_pub_out + self.n_pub_in, wires)


# -- encoding helpers ---------------------------------------------------------------------------


def _flat(terms: Terms) -> Row:
    """``[(v0, c0), (v1, c1), ...]`` as the flat row ``(v0, c0, v1, c1, ...)``."""
    return tuple(x for term in terms for x in term)


def _lc_bytes(terms: Sequence[tuple[int, int]]) -> bytes:
    """``u32 n`` then ``(u32 wire, 32-byte coeff)`` per term; terms sorted, distinct, nonzero."""
    out = [_U32.pack(len(terms))]
    last = -1
    for wire, coeff in terms:
        if wire <= last:
            raise ValueError("linear-combination terms must have strictly ascending wire ids")
        if not 0 < coeff < _R:
            raise ValueError("coefficients must be nonzero canonical field elements")
        last = wire
        out.append(_U32.pack(wire))
        out.append(int(coeff).to_bytes(FIELD_BYTES, "little"))
    return b"".join(out)


def _flat_bytes(flat: Row) -> bytes:
    """:func:`_lc_bytes` for a flat ``(v0, c0, v1, c1, ...)`` row (already canonical)."""
    out = [_U32.pack(len(flat) // 2)]
    for k in range(0, len(flat), 2):
        out.append(_U32.pack(flat[k]))
        out.append(int(flat[k + 1]).to_bytes(FIELD_BYTES, "little"))
    return b"".join(out)


_B_ONE = _lc_bytes([(0, 1)])


def _block_rows(block: NegacyclicBlock) -> Iterator[bytes]:
    """Encoded rows of a dense block (A expanded, B = w_0, C = outputs[i])."""
    n = block.n
    inputs = block.inputs
    fast = all(block.poly) and all(inputs[j] < inputs[j + 1] for j in range(n - 1))
    if not fast:  # repeated/unsorted inputs or zero coefficients: merge per row
        for i in range(n):
            yield _lc_bytes(block.a_row(i)) + _B_ONE + _flat_bytes(block.outputs[i])
        return
    # Row i, column j has coefficient T[j - i + N - 1] with T[m] = p[N-1-m] (m < N) and
    # T[N+k] = -p[N-1-k] (k < N-1); so row i's coefficients are the window T[N-1-i : 2N-1-i].
    p = block.poly
    table = [int(p[n - 1 - m]) for m in range(n)] + [(-int(p[n - 1 - k])) % _R for k in range(n - 1)]
    t = np.frombuffer(b"".join(v.to_bytes(FIELD_BYTES, "little") for v in table), dtype=np.uint8).reshape(
        2 * n - 1, FIELD_BYTES
    )
    buf = np.empty((n, 4 + FIELD_BYTES), dtype=np.uint8)
    buf[:, :4] = np.asarray(inputs, dtype="<u4").view(np.uint8).reshape(n, 4)
    head = _U32.pack(n)
    for i in range(n):
        buf[:, 4:] = t[n - 1 - i : 2 * n - 1 - i]
        yield head + buf.tobytes() + _B_ONE + _flat_bytes(block.outputs[i])


def _write_sections(f: BinaryIO, magic: bytes, version: int, sections: Sequence[tuple[int, Iterable[bytes]]]) -> None:
    """Write a binfile; ``sections`` = [(type, iterable of byte chunks)], sizes patched afterwards."""
    f.write(magic + _U32.pack(version) + _U32.pack(len(sections)))
    for stype, chunks in sections:
        start = f.tell()
        f.write(_SECTION.pack(stype, 0))
        size = 0
        for chunk in chunks:
            f.write(chunk)
            size += len(chunk)
        end = f.tell()
        f.seek(start)
        f.write(_SECTION.pack(stype, size))
        f.seek(end)


@contextlib.contextmanager
def _open_for_write(target: PathOrFile) -> Iterator[BinaryIO]:
    """A path is opened (and closed) here; a seekable binary file object is used as is."""
    if hasattr(target, "write"):
        yield cast(BinaryIO, target)
    else:
        with open(target, "wb") as f:
            yield f


def _read_all(source: PathOrFile) -> tuple[memoryview, str]:
    """(memoryview of the bytes, description) for a path or a binary file object."""
    if hasattr(source, "read"):
        return memoryview(source.read()), getattr(source, "name", "<file>")
    with open(source, "rb") as f:
        return memoryview(f.read()), os.fspath(source)


def _header_bytes(n_wires: int, n_pub_out: int, n_pub_in: int, n_prv_in: int, n_labels: int, m: int) -> bytes:
    for label, v, bits in (
        ("nWires", n_wires, 32),
        ("nPubOut", n_pub_out, 32),
        ("nPubIn", n_pub_in, 32),
        ("nPrvIn", n_prv_in, 32),
        ("nLabels", n_labels, 64),
        ("mConstraints", m, 32),
    ):
        if not 0 <= v < 1 << bits:
            raise ValueError(f"{label} = {v} does not fit the .r1cs header")
    return (
        _U32.pack(FIELD_BYTES)
        + _PRIME_LE
        + _U32.pack(n_wires)
        + _U32.pack(n_pub_out)
        + _U32.pack(n_pub_in)
        + _U32.pack(n_prv_in)
        + _U64.pack(n_labels)
        + _U32.pack(m)
    )


def _label_chunks(labels: Iterable[int]) -> Iterator[bytes]:
    yield b"".join(_U64.pack(int(x)) for x in labels)


# -- .r1cs ----------------------------------------------------------------------------------------


def write_r1cs(r1cs: R1CS, path: PathOrFile) -> None:
    """Write ``r1cs`` as an iden3 ``.r1cs`` file (streaming; dense blocks expanded)."""

    def constraints() -> Iterator[bytes]:
        for _row, _name, it in r1cs.segments():
            if isinstance(it, tuple):
                yield _flat_bytes(it[0]) + _flat_bytes(it[1]) + _flat_bytes(it[2])
            else:
                yield from _block_rows(it)

    nw = r1cs.num_variables
    header = _header_bytes(nw, 0, r1cs.num_public, r1cs.num_private, nw, r1cs.num_constraints)
    labels = np.arange(nw, dtype="<u8").tobytes()
    with _open_for_write(path) as f:
        _write_sections(
            f,
            b"r1cs",
            1,
            [(SECTION_HEADER, [header]), (SECTION_CONSTRAINTS, constraints()), (SECTION_WIRE2LABEL, [labels])],
        )


def write_r1cs_file(contents: R1csFile, path: PathOrFile) -> None:
    """Write decoded contents (any header counts and label map) back to a ``.r1cs`` file."""
    if contents.prime != _R:
        raise ValueError("only the BN254 scalar field is supported")
    if len(contents.wire_to_label) != contents.n_wires:
        raise ValueError("wire_to_label must have one label per wire")
    header = _header_bytes(
        contents.n_wires,
        contents.n_pub_out,
        contents.n_pub_in,
        contents.n_prv_in,
        contents.n_labels,
        len(contents.constraints),
    )

    def constraints() -> Iterator[bytes]:
        for a, b, c in contents.constraints:
            for side in (a, b, c):
                for wire, _ in side:
                    if not 0 <= wire < contents.n_wires:
                        raise ValueError(f"wire {wire} out of range")
            yield _lc_bytes(a) + _lc_bytes(b) + _lc_bytes(c)

    with _open_for_write(path) as f:
        _write_sections(
            f,
            b"r1cs",
            1,
            [
                (SECTION_HEADER, [header]),
                (SECTION_CONSTRAINTS, constraints()),
                (SECTION_WIRE2LABEL, _label_chunks(contents.wire_to_label)),
            ],
        )


class _Reader:
    """Bounds-checked little-endian reader over a bytes-like buffer."""

    def __init__(self, data: memoryview, pos: int, end: int, what: str) -> None:
        self.data, self.pos, self.end, self.what = data, pos, end, what

    def take(self, n: int) -> memoryview:
        if self.pos + n > self.end:
            raise R1CSFormatError(f"{self.what}: truncated (needs {n} more bytes at offset {self.pos})")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def u32(self) -> int:
        value: int = _U32.unpack(self.take(4))[0]
        return value

    def u64(self) -> int:
        value: int = _U64.unpack(self.take(8))[0]
        return value

    def field(self) -> int:
        v = int.from_bytes(self.take(FIELD_BYTES), "little")
        if v >= _R:
            raise R1CSFormatError(f"{self.what}: field element at offset {self.pos - FIELD_BYTES} is >= R")
        return v

    def done(self) -> None:
        if self.pos != self.end:
            raise R1CSFormatError(f"{self.what}: {self.end - self.pos} unexpected trailing bytes")


def _read_sections(data: memoryview, magic: bytes, versions: tuple[int, ...], what: str) -> dict[int, tuple[int, int]]:
    top = _Reader(data, 0, len(data), what)
    if bytes(top.take(4)) != magic:
        raise R1CSFormatError(f"{what}: bad magic (expected {magic!r})")
    version = top.u32()
    if version not in versions:
        raise R1CSFormatError(f"{what}: unsupported version {version}")
    n_sections = top.u32()
    sections: dict[int, tuple[int, int]] = {}
    for _ in range(n_sections):
        stype = top.u32()
        size = top.u64()
        start = top.pos
        top.take(size)
        if stype in sections:
            raise R1CSFormatError(f"{what}: duplicate section type {stype}")
        sections[stype] = (start, start + size)
    top.done()
    return sections


def _read_field_header(r: _Reader) -> None:
    fs = r.u32()
    if fs != FIELD_BYTES:
        raise R1CSFormatError(f"{r.what}: field size {fs} bytes is not supported (need {FIELD_BYTES})")
    prime = int.from_bytes(r.take(fs), "little")
    if prime != _R:
        raise R1CSFormatError(f"{r.what}: prime {prime} is not the BN254 scalar field modulus")


def read_r1cs(path: PathOrFile) -> R1csFile:
    """Parse and validate a ``.r1cs`` file (BN254 scalar field, version 1).

    Checks: magic, version, no duplicate or custom-gate sections, the header layout, every
    wire id < nWires, coefficients in [0, R), exact section sizes. Unknown section types are
    ignored as the format requires. Each linear combination is normalised as snarkjs reads it:
    terms sorted by wire, the coefficients of a repeated wire summed mod R, zero terms dropped.
    """
    data, what = _read_all(path)
    sections = _read_sections(data, b"r1cs", (1,), what)
    for st in _SECTIONS_CUSTOM_GATES:
        if st in sections:
            raise R1CSFormatError(f"{what}: custom-gate section {st} (PLONK) is not supported")
    for st in (SECTION_HEADER, SECTION_CONSTRAINTS):
        if st not in sections:
            raise R1CSFormatError(f"{what}: missing section {st}")
    h = _Reader(data, *sections[SECTION_HEADER], what + " header")
    _read_field_header(h)
    n_wires, n_pub_out, n_pub_in, n_prv_in = h.u32(), h.u32(), h.u32(), h.u32()
    n_labels = h.u64()
    m = h.u32()
    h.done()
    if n_wires < 1 or 1 + n_pub_out + n_pub_in + n_prv_in > n_wires:
        raise R1CSFormatError(f"{what}: inconsistent wire counts")

    c = _Reader(data, *sections[SECTION_CONSTRAINTS], what + " constraints")
    constraints: list[tuple[Terms, Terms, Terms]] = []
    for i in range(m):
        triple: list[Terms] = []
        for _side in range(3):
            n_terms = c.u32()
            acc: dict[int, int] = {}
            for _ in range(n_terms):
                wire = c.u32()
                coeff = c.field()
                if wire >= n_wires:
                    raise R1CSFormatError(f"{what}: constraint {i}: wire id {wire} is not < nWires = {n_wires}")
                acc[wire] = (acc.get(wire, 0) + coeff) % R
            triple.append([(w, k) for w, k in sorted(acc.items()) if k])
        constraints.append((triple[0], triple[1], triple[2]))
    c.done()

    labels: list[int] = []
    if SECTION_WIRE2LABEL in sections:
        lr = _Reader(data, *sections[SECTION_WIRE2LABEL], what + " wire2label")
        labels = [lr.u64() for _ in range(n_wires)]
        lr.done()
    return R1csFile(n_wires, n_pub_out, n_pub_in, n_prv_in, n_labels, constraints, labels)


# -- .wtns ----------------------------------------------------------------------------------------


def write_wtns(assignment: Sequence[int], path: PathOrFile) -> None:
    """Write a full assignment ``[1, publics..., privates...]`` as a ``.wtns`` file (version 2)."""
    n = len(assignment)
    if n == 0 or assignment[0] != 1:
        raise ValueError("a witness starts with the constant 1")
    if n >= 1 << 32:
        raise ValueError("too many witness values for a .wtns file")

    def values() -> Iterator[bytes]:
        for start in range(0, n, 4096):
            chunk = []
            for k in range(start, min(n, start + 4096)):
                v = assignment[k]
                if not is_int(v) or isinstance(v, bool) or not 0 <= v < _R:
                    raise ValueError(f"witness value #{k} is not a canonical field element")
                chunk.append(int(v).to_bytes(FIELD_BYTES, "little"))
            yield b"".join(chunk)

    header = _U32.pack(FIELD_BYTES) + _PRIME_LE + _U32.pack(n)
    with _open_for_write(path) as f:
        _write_sections(f, b"wtns", 2, [(1, [header]), (2, values())])


def read_wtns(path: PathOrFile) -> list[int]:
    """Parse and validate a ``.wtns`` file (version 2, BN254 scalar field); returns the values."""
    data, what = _read_all(path)
    sections = _read_sections(data, b"wtns", (2,), what)
    for st in (1, 2):
        if st not in sections:
            raise R1CSFormatError(f"{what}: missing section {st}")
    h = _Reader(data, *sections[1], what + " header")
    _read_field_header(h)
    n = h.u32()
    h.done()
    r = _Reader(data, *sections[2], what + " values")
    values = [r.field() for _ in range(n)]
    r.done()
    return values
