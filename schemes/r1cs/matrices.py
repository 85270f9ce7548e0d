"""Frozen R1CS matrices (A, B, C) with compact dense negacyclic blocks.

A constraint system is a sequence of *segments*:

- a sparse row ``(A_i, B_i, C_i)``, each side a flat tuple ``(v0, c0, v1, c1, ...)`` of wire
  indices (ascending, distinct) and coefficients in [1, R);
- a :class:`NegacyclicBlock` of N consecutive rows ``i = 0..N-1`` with
  ``A_i = sum_j M[i][j] w_{inputs[j]}``, ``B_i = w_0`` (the constant 1) and ``C_i = outputs[i]``,
  where ``M`` is the negacyclic matrix of the constant polynomial ``poly``
  (``M[i][j] = poly[i-j]`` for ``j <= i`` and ``-poly[N+i-j]`` for ``j > i``, mod R).

A block is stored in O(N) space and evaluated (``A w`` and ``A^T y``) with one Kronecker
multiplication each (:mod:`.negacyclic`); its N^2 entries are produced only by
:meth:`R1CS.iter_rows` (file export, debugging).

An assignment is the full wire vector ``w = [1, publics..., privates...]`` of field elements
in [0, R). ``w`` satisfies the system iff ``(A_i.w) * (B_i.w) = C_i.w (mod R)`` for every row i.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ..bn254.fields import R as _R_MPZ
from .errors import InvalidAssignment, UnsatisfiedConstraint
from .lc import is_int

if TYPE_CHECKING:
    from .. import _native
from .negacyclic import negacyclic_matrix_entry, negacyclic_mul_packed, pack, slot_bytes, transpose_poly

#: The field modulus as a plain int (faster than mpz for 254-bit operands).
R = int(_R_MPZ)

__all__ = ["R1CS", "NegacyclicBlock", "Row", "dot"]

#: Native forms of recently used systems, by digest: a sender builds a new R1CS object for every
#: message, with the same matrices, so the native matrices are made once per circuit.
_NATIVE_BY_DIGEST: OrderedDict[bytes, _native.R1cs] = OrderedDict()
_NATIVE_CACHE_SIZE = 4

Row = tuple[int, ...]  # flat (v0, c0, v1, c1, ...) -- see module docstring


def _field_bytes(values: Sequence[int]) -> bytes:
    """Concatenated 32-byte little-endian encodings of field elements in [0, R)."""
    return b"".join(int(v).to_bytes(32, "little") for v in values)


def dot(flat: Row, values: Sequence[int]) -> int:
    """``sum_k c_k * values[v_k] mod R`` for a flat term tuple."""
    s = 0
    for k in range(0, len(flat), 2):
        s += values[flat[k]] * flat[k + 1]
    return s % R


def pairs(flat: Row) -> list[tuple[int, int]]:
    """A flat term tuple as a list of ``(wire, coeff)`` int pairs."""
    return [(int(flat[k]), int(flat[k + 1])) for k in range(0, len(flat), 2)]


class NegacyclicBlock:
    """N rows ``(M w_inputs)_i * 1 = outputs_i`` for the negacyclic matrix M of ``poly``."""

    __slots__ = ("poly", "inputs", "outputs", "_width", "_packed", "_packed_t")

    def __init__(self, poly: Sequence[int], inputs: Sequence[int], outputs: Sequence[Row]) -> None:
        n = len(poly)
        if n == 0 or len(inputs) != n or len(outputs) != n:
            raise ValueError(
                f"negacyclic block needs N >= 1 and N inputs and outputs; got poly "
                f"length {n}, {len(inputs)} inputs, {len(outputs)} outputs"
            )
        self.poly = tuple(int(p) % R for p in poly)
        self.inputs = tuple(int(v) for v in inputs)
        self.outputs = tuple(outputs)
        self._width = slot_bytes(n)
        self._packed: int | None = None
        self._packed_t: int | None = None

    @property
    def n(self) -> int:
        return len(self.poly)

    def a_values(self, values: Sequence[int]) -> list[int]:
        """``A_i.w`` for the block's rows: ``M x`` with ``x_j = w[inputs[j]]``."""
        if self._packed is None:
            self._packed = pack(self.poly, self._width)
        return negacyclic_mul_packed(self._packed, [values[v] for v in self.inputs], self.n, self._width)

    def c_values(self, values: Sequence[int]) -> list[int]:
        """``C_i.w`` for the block's rows."""
        return [dot(out, values) for out in self.outputs]

    def transpose_a(self, weights: Sequence[int]) -> list[int]:
        """``(M^T y)_j = sum_i M[i][j] y_i`` for the block's row weights ``y``."""
        if self._packed_t is None:
            self._packed_t = pack(transpose_poly(self.poly), self._width)
        return negacyclic_mul_packed(self._packed_t, weights, self.n, self._width)

    def entry(self, i: int, j: int) -> int:
        """``M[i][j]`` mod R."""
        return negacyclic_matrix_entry(self.poly, i, j)

    def a_row(self, i: int) -> list[tuple[int, int]]:
        """Row ``A_i`` as sorted ``(wire, coeff)`` pairs with repeated inputs merged, zeros dropped."""
        acc: dict[int, int] = {}
        for j, var in enumerate(self.inputs):
            acc[var] = acc.get(var, 0) + negacyclic_matrix_entry(self.poly, i, j)
        return [(var, int(c % R)) for var, c in sorted(acc.items()) if c % R]

    def a_column_for_wire(self, var: int) -> list[int]:
        """``A_i[var]`` for every row i (sum of the columns j with ``inputs[j] == var``)."""
        js = [j for j, v in enumerate(self.inputs) if v == var]
        return [sum(negacyclic_matrix_entry(self.poly, i, j) for j in js) % R for i in range(self.n)]


#: One item of a system: a sparse row triple (A_i, B_i, C_i) or a block of N rows.
Item = tuple[Row, Row, Row] | NegacyclicBlock


def _check_values(values: Sequence[int], length: int, what: str) -> list[int]:
    if len(values) != length:
        raise InvalidAssignment(f"{what} has length {len(values)}, expected {length}")
    out = []
    for k, v in enumerate(values):
        if not is_int(v) or isinstance(v, bool):
            raise InvalidAssignment(f"{what}[{k}] is not an int: {type(v).__name__}")
        if not 0 <= v < R:
            raise InvalidAssignment(f"{what}[{k}] is not a canonical field element in [0, R)")
        out.append(int(v))
    return out


def first_failure(items: Sequence[Item], values: Sequence[int]) -> tuple[int, int, int, int] | None:
    """``(row, a, b, c)`` for the first unsatisfied row, or None when all rows hold."""
    row = 0
    for it in items:
        if isinstance(it, tuple):
            a, b, c = dot(it[0], values), dot(it[1], values), dot(it[2], values)
            if (a * b - c) % R:
                return row, a, b, c
            row += 1
        else:
            av = it.a_values(values)
            for i, out in enumerate(it.outputs):
                c = dot(out, values)
                if av[i] != c:
                    return row + i, av[i], 1, c
            row += it.n
    return None


def expand_names(items: Sequence[Item], item_names: Sequence[str]) -> list[str]:
    """One name per row: a block named ``x`` contributes ``x[0]``, ..., ``x[N-1]``."""
    out: list[str] = []
    for it, name in zip(items, item_names):
        if isinstance(it, tuple):
            out.append(name)
        else:
            out.extend(f"{name}[{i}]" for i in range(it.n))
    return out


def row_name(items: Sequence[Item], item_names: Sequence[str], row: int) -> str:
    """The name of one row without expanding all names."""
    r = 0
    for it, name in zip(items, item_names):
        n = 1 if isinstance(it, tuple) else it.n
        if row < r + n:
            return name if isinstance(it, tuple) else f"{name}[{row - r}]"
        r += n
    raise IndexError(f"row {row} out of range")


class R1CS:
    """An immutable rank-1 constraint system over F_R (see the module docstring).

    Attributes: ``num_variables`` (wires, including wire 0), ``num_public`` (public inputs,
    excluding wire 0; wires 1..num_public), ``num_constraints`` (rows) and ``wire_names``.
    """

    def __init__(
        self,
        items: Sequence[Item],
        item_names: Sequence[str],
        num_variables: int,
        num_public: int,
        wire_names: Sequence[str],
    ) -> None:
        self._items = tuple(items)
        self._item_names = tuple(item_names)
        self.num_variables = int(num_variables)
        self.num_public = int(num_public)
        self.wire_names = tuple(wire_names)
        self.num_constraints = sum(1 if isinstance(it, tuple) else it.n for it in self._items)
        self._names: tuple[str, ...] | None = None
        self._digest: bytes | None = None
        self._native: _native.R1cs | None = None

    # -- structure ---------------------------------------------------------------------------

    @property
    def num_private(self) -> int:
        return self.num_variables - 1 - self.num_public

    @property
    def names(self) -> tuple[str, ...]:
        """One name per constraint row (block rows are ``name[i]``)."""
        if self._names is None:
            self._names = tuple(expand_names(self._items, self._item_names))
        return self._names

    def constraint_name(self, row: int) -> str:
        return row_name(self._items, self._item_names, row)

    def segments(self) -> Iterator[tuple[int, str, Item]]:
        """Yield ``(first_row, name, item)``: item is a sparse row triple or a :class:`NegacyclicBlock`."""
        row = 0
        for it, name in zip(self._items, self._item_names):
            yield row, name, it
            row += 1 if isinstance(it, tuple) else it.n

    def iter_rows(self) -> Iterator[tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]]:
        """Yield every row ``(A_i, B_i, C_i)``, each a list of ``(wire, coeff)`` int pairs sorted by
        wire, with dense block rows expanded (N terms each: O(N^2) in total for a block)."""
        for it in self._items:
            if isinstance(it, tuple):
                yield pairs(it[0]), pairs(it[1]), pairs(it[2])
            else:
                for i in range(it.n):
                    yield it.a_row(i), [(0, 1)], pairs(it.outputs[i])

    iter_terms = iter_rows

    def num_nonzeros(self) -> tuple[int, int, int]:
        """``(nnz(A), nnz(B), nnz(C))``; a block counts its distinct nonzero ``A`` entries."""
        na = nb = nc = 0
        for it in self._items:
            if isinstance(it, tuple):
                na += len(it[0]) // 2
                nb += len(it[1]) // 2
                nc += len(it[2]) // 2
            else:
                if len(set(it.inputs)) == it.n and all(it.poly):
                    na += it.n * it.n
                else:
                    na += sum(len(it.a_row(i)) for i in range(it.n))
                nb += it.n
                nc += sum(len(o) // 2 for o in it.outputs)
        return na, nb, nc

    # -- evaluation ----------------------------------------------------------------------------

    def evaluate(self, assignment: Sequence[int]) -> tuple[list[int], list[int], list[int]]:
        """``(A w, B w, C w)``: three lists of ``num_constraints`` ints in [0, R)."""
        values = _check_values(assignment, self.num_variables, "assignment")
        a: list[int] = []
        b: list[int] = []
        c: list[int] = []
        for it in self._items:
            if isinstance(it, tuple):
                a.append(dot(it[0], values))
                b.append(dot(it[1], values))
                c.append(dot(it[2], values))
            else:
                a.extend(it.a_values(values))
                b.extend([values[0]] * it.n)
                c.extend(it.c_values(values))
        return [int(x) for x in a], [int(x) for x in b], [int(x) for x in c]

    def transpose_evaluate(self, weights: Sequence[int]) -> tuple[list[int], list[int], list[int]]:
        """``(A^T y, B^T y, C^T y)`` for row weights ``y``: per wire j, ``sum_i A_ij y_i`` etc.

        Three lists of ``num_variables`` ints in [0, R). Groth16 setup calls this with
        ``y_i = L_i(tau)`` to get the QAP polynomials ``u_j(tau), v_j(tau), w_j(tau)``.
        """
        y = _check_values(weights, self.num_constraints, "weights")
        nv = self.num_variables
        u = [0] * nv
        v = [0] * nv
        w = [0] * nv
        row = 0
        for it in self._items:
            if isinstance(it, tuple):
                yi = y[row]
                if yi:
                    for side, acc in ((it[0], u), (it[1], v), (it[2], w)):
                        for k in range(0, len(side), 2):
                            acc[side[k]] += side[k + 1] * yi
                row += 1
            else:
                n = it.n
                ys = y[row : row + n]
                for j, s in enumerate(it.transpose_a(ys)):
                    u[it.inputs[j]] += s
                v[0] += sum(ys)
                for yi, out in zip(ys, it.outputs):
                    for k in range(0, len(out), 2):
                        w[out[k]] += out[k + 1] * yi
                row += n
        return [int(x % R) for x in u], [int(x % R) for x in v], [int(x % R) for x in w]

    def first_failure(self, assignment: Sequence[int]) -> int | None:
        """Index of the first unsatisfied row, or None when ``assignment`` satisfies every row."""
        values = _check_values(assignment, self.num_variables, "assignment")
        if values[0] != 1:
            raise InvalidAssignment("assignment[0] (the constant-one wire) must be 1")
        hit = first_failure(self._items, values)
        return None if hit is None else hit[0]

    def is_satisfied(self, assignment: Sequence[int]) -> bool:
        """True iff every row holds (raises :class:`InvalidAssignment` on a malformed vector)."""
        return self.first_failure(assignment) is None

    def check(self, assignment: Sequence[int]) -> None:
        """Raise :class:`UnsatisfiedConstraint` naming the first failing row."""
        values = _check_values(assignment, self.num_variables, "assignment")
        if values[0] != 1:
            raise InvalidAssignment("assignment[0] (the constant-one wire) must be 1")
        hit = first_failure(self._items, values)
        if hit is not None:
            row, a, b, c = hit
            raise UnsatisfiedConstraint(row, self.constraint_name(row), a, b, c)

    # -- identity ------------------------------------------------------------------------------

    def digest(self) -> bytes:
        """SHA-256 of a canonical encoding of the matrices (names excluded); see specs/r1cs.md.

        Computed once per object (the system is immutable)."""
        if self._digest is None:
            self._digest = self._compute_digest()
        return self._digest

    @property
    def native(self) -> _native.R1cs:
        """The system in the native engine's memory (``schemes._native.R1cs``): the same sparse
        rows in CSR form, and each negacyclic block as its polynomial (never expanded). Shared
        by every R1CS object with the same digest (a few recent ones are kept)."""
        if self._native is None:
            key = self.digest()
            native = _NATIVE_BY_DIGEST.get(key)
            if native is None:
                native = self._to_native()
                _NATIVE_BY_DIGEST[key] = native
                while len(_NATIVE_BY_DIGEST) > _NATIVE_CACHE_SIZE:
                    _NATIVE_BY_DIGEST.popitem(last=False)
            _NATIVE_BY_DIGEST.move_to_end(key)
            self._native = native
        return self._native

    def _to_native(self) -> _native.R1cs:
        from .. import _native

        sides: list[tuple[array[int], array[int], list[int]]] = [(array("I", [0]), array("I"), []) for _ in range(3)]
        blocks: list[tuple[int, bytes, bytes]] = []
        row = 0
        for it in self._items:
            if isinstance(it, tuple):
                for flat, (ptr, cols, vals) in zip(it, sides):
                    cols.extend(flat[0::2])
                    vals.extend(flat[1::2])
                    ptr.append(len(cols))
                row += 1
                continue
            n = it.n
            (a_ptr, a_cols, _), (b_ptr, b_cols, b_vals), (c_ptr, c_cols, c_vals) = sides
            a_ptr.extend([len(a_cols)] * n)  # the block's A rows are added natively
            for out in it.outputs:
                b_cols.append(0)
                b_vals.append(1)
                b_ptr.append(len(b_cols))
                c_cols.extend(out[0::2])
                c_vals.extend(out[1::2])
                c_ptr.append(len(c_cols))
            blocks.append((row, _field_bytes(it.poly), array("I", it.inputs).tobytes()))
            row += n
        a, b, c = ((ptr.tobytes(), cols.tobytes(), _field_bytes(vals)) for ptr, cols, vals in sides)
        return _native.R1cs(self.num_variables, self.num_public, self.num_constraints, a, b, c, blocks)

    def _compute_digest(self) -> bytes:
        h = hashlib.sha256()
        h.update(b"greco-consistency/r1cs/v1")
        h.update(self.num_variables.to_bytes(8, "little"))
        h.update(self.num_public.to_bytes(8, "little"))
        h.update(self.num_constraints.to_bytes(8, "little"))

        def lc(flat: Row) -> bytes:
            out = [(len(flat) // 2).to_bytes(4, "little")]
            for k in range(0, len(flat), 2):
                out.append(int(flat[k]).to_bytes(4, "little"))
                out.append(int(flat[k + 1]).to_bytes(32, "little"))
            return b"".join(out)

        for it in self._items:
            if isinstance(it, tuple):
                h.update(b"\x00" + lc(it[0]) + lc(it[1]) + lc(it[2]))
            else:
                h.update(b"\x01" + it.n.to_bytes(4, "little"))
                h.update(b"".join(int(p).to_bytes(32, "little") for p in it.poly))
                h.update(b"".join(v.to_bytes(4, "little") for v in it.inputs))
                h.update(b"".join(lc(o) for o in it.outputs))
        return h.digest()

    def __repr__(self) -> str:
        return (
            f"R1CS(num_constraints={self.num_constraints}, num_variables={self.num_variables}, "
            f"num_public={self.num_public})"
        )
