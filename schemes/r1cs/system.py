"""The R1CS builder: wires, constraints, witness values and constraint names.

Wire order: 0 is the constant one, then the public inputs in allocation order, then the
private wires. All public inputs must be allocated before the first private wire.

The same gadget code runs in two modes:

- witness mode (``with_witness=True``): every wire carries a value in [0, R) and
  ``lc.value`` evaluates combinations; ``check()`` tests the assignment;
- shape-only mode (``with_witness=False``): no values at all (setup). ``witness()`` ignores its
  value and never calls a callable, ``lc.value`` raises :class:`WitnessUnavailable`.

Gadgets must not branch on witness values, so both modes build identical matrices.

Witness mode can also skip the matrices (``constraints=False``): the wires and their values
are allocated exactly as before and rows are counted, but no row is built or stored. A prover
that already holds the frozen system (from setup, or an earlier proof) uses this to compute only
the assignment; the prover checks every row of the frozen system against it anyway.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence

from ..bn254.fields import R as _R_MPZ
from .errors import InvalidAssignment, UnsatisfiedConstraint, WitnessUnavailable
from .lc import LCLike, LinearCombination, as_lc, is_int
from .matrices import R1CS, Item, NegacyclicBlock, Row, first_failure, row_name

#: The field modulus as a plain int (faster than mpz for 254-bit operands).
R = int(_R_MPZ)

__all__ = ["ConstraintSystem", "WitnessValue"]

WitnessValue = int | LinearCombination | Callable[[], int | LinearCombination] | None

_ONE_ROW: Row = (0, 1)
_EMPTY_ROW: Row = ()


class ConstraintSystem:
    """Builds an R1CS over F_R (BN254 scalar field) and, in witness mode, its assignment."""

    def __init__(self, with_witness: bool = True, *, strict: bool = False, constraints: bool = True) -> None:
        """``strict=True`` (witness mode only) checks every constraint as it is added and raises
        :class:`UnsatisfiedConstraint` at the offending call -- handy when writing a gadget.
        ``constraints=False`` (witness mode only) computes the assignment without the matrices
        (see the module docstring); :meth:`freeze` and :meth:`check` then refuse to run."""
        self.with_witness = bool(with_witness)
        if not constraints and not self.with_witness:
            raise ValueError("a system without constraints needs witness mode")
        self.records_constraints = bool(constraints)
        self.strict = bool(strict) and self.with_witness and self.records_constraints
        self._values: list[int] | None = [1] if self.with_witness else None
        self._wire_names: list[str] = ["one"]
        self._num_public = 0
        self._items: list[Item] = []
        self._item_names: list[str] = []
        self._num_rows = 0
        self._prefix = ""

    # -- sizes ---------------------------------------------------------------------------------

    @property
    def num_variables(self) -> int:
        """All wires, including wire 0."""
        return len(self._wire_names)

    @property
    def num_public(self) -> int:
        """Public inputs, excluding wire 0."""
        return self._num_public

    @property
    def num_private(self) -> int:
        return len(self._wire_names) - 1 - self._num_public

    @property
    def num_constraints(self) -> int:
        return self._num_rows

    # -- names ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def namespace(self, prefix: str) -> Iterator[None]:
        """Prefix the names of wires and constraints created inside the block with ``prefix/``."""
        if not isinstance(prefix, str) or not prefix:
            raise ValueError("namespace prefix must be a non-empty string")
        saved = self._prefix
        self._prefix = f"{saved}{prefix}/"
        try:
            yield
        finally:
            self._prefix = saved

    def wire_name(self, index: int) -> str:
        return self._wire_names[index]

    @property
    def wire_names(self) -> list[str]:
        return list(self._wire_names)

    def constraint_name(self, row: int) -> str:
        return row_name(self._items, self._item_names, row)

    # -- wires -----------------------------------------------------------------------------------

    @property
    def one(self) -> LinearCombination:
        """A fresh combination for the constant 1 (wire 0)."""
        return LinearCombination._raw({0: _ONE_ROW[1]}, self)

    def _resolve(self, value: WitnessValue, name: str) -> int | None:
        if self._values is None:
            return None
        if callable(value) and not isinstance(value, LinearCombination):
            value = value()
        if isinstance(value, LinearCombination):
            value = value.value
        if value is None:
            raise WitnessUnavailable(f"no value given for wire {self._prefix}{name!r} in witness mode")
        if not is_int(value) or isinstance(value, bool):
            raise TypeError(f"value of wire {self._prefix}{name!r} must be an int, got {type(value).__name__}")
        return int(value) % R

    def _alloc(self, value: int | None, name: str) -> LinearCombination:
        if not isinstance(name, str):
            raise TypeError(f"wire name must be a str, got {type(name).__name__}")
        index = len(self._wire_names)
        self._wire_names.append(self._prefix + name)
        if self._values is not None:
            assert value is not None, "witness mode resolves every value"
            self._values.append(value)
        return LinearCombination._raw({index: _ONE_ROW[1]}, self)

    def public_input(self, value: int | None, name: str) -> LinearCombination:
        """Allocate the next public input (wire ``num_public``); ``value`` may be None in shape mode.

        Raises ValueError once a private wire exists (publics must come first)."""
        if self.num_private:
            raise ValueError(f"public input {name!r} allocated after a private wire; allocate all public inputs first")
        lc = self._alloc(self._resolve(value, name), name)
        self._num_public += 1
        return lc

    def witness(self, value: WitnessValue, name: str) -> LinearCombination:
        """Allocate a private wire. ``value``: an int (reduced mod R), a combination, or a
        zero-argument callable returning one; callables run only in witness mode."""
        return self._alloc(self._resolve(value, name), name)

    # -- constraints -----------------------------------------------------------------------------

    def _row(self, x: LCLike) -> Row:
        lc = as_lc(x, self)
        t = lc.terms
        if not t:
            return _EMPTY_ROW
        nv = len(self._wire_names)
        if len(t) == 1:
            ((var, coeff),) = t.items()
            if var >= nv:
                raise ValueError(f"wire {var} does not exist (the system has {nv} wires)")
            return _ONE_ROW if var == 0 and coeff == 1 else (var, coeff)
        keys = sorted(t)
        if keys[-1] >= nv:
            raise ValueError(f"wire {keys[-1]} does not exist (the system has {nv} wires)")
        flat: list[int] = []
        for var in keys:
            flat.append(var)
            flat.append(t[var])
        return tuple(flat)

    def _add(self, item: Item | None, name: str, rows: int) -> None:
        """Record ``item`` (None only when the system records no constraints)."""
        if not isinstance(name, str):
            raise TypeError(f"constraint name must be a str, got {type(name).__name__}")
        if not self.records_constraints or item is None:
            self._num_rows += rows
            return
        self._items.append(item)
        self._item_names.append(self._prefix + name)
        self._num_rows += rows
        if self.strict and self._values is not None:  # strict implies witness mode
            hit = first_failure((item,), self._values)
            if hit is not None:
                row, a, b, c = hit
                label = self._item_names[-1] if isinstance(item, tuple) else f"{self._item_names[-1]}[{row}]"
                raise UnsatisfiedConstraint(self._num_rows - rows + row, label, a, b, c)

    def enforce(self, a: LCLike, b: LCLike, c: LCLike, name: str) -> None:
        """Add the constraint ``a * b == c`` (combinations or ints)."""
        if not self.records_constraints:
            return self._add(None, name, 1)
        self._add((self._row(a), self._row(b), self._row(c)), name, 1)

    def enforce_bool(self, x: LinearCombination, name: str) -> None:
        """Add ``x * (x - 1) == 0`` (x in {0, 1}) for a single private or public wire ``x``.

        The same row as ``enforce(x, x - 1, 0, name)``, built directly from the wire index (no
        combination arithmetic): bit gadgets add one such row per bit."""
        if not self.records_constraints:
            return self._add(None, name, 1)
        var = x.variable_index() if isinstance(x, LinearCombination) else None
        if not var:  # not a single wire with coefficient 1 (or the constant wire): the general form
            x = as_lc(x, self)
            return self.enforce(x, x - 1, 0, name)
        if var >= len(self._wire_names):
            raise ValueError(f"wire {var} does not exist (the system has {len(self._wire_names)} wires)")
        self._add(((var, 1), (0, R - 1, var, 1), _EMPTY_ROW), name, 1)

    def enforce_equal(self, a: LCLike, b: LCLike, name: str) -> None:
        """Add ``a * 1 == b``."""
        if not self.records_constraints:
            return self._add(None, name, 1)
        self._add((self._row(a), _ONE_ROW, self._row(b)), name, 1)

    def mul(self, a: LCLike, b: LCLike, name: str) -> LinearCombination:
        """Allocate ``y = a * b`` (value computed in witness mode), enforce it, return ``y``."""
        a = as_lc(a, self)
        b = as_lc(b, self)
        value = a.value * b.value % R if self._values is not None else None
        y = self._alloc(value, name)
        self.enforce(a, b, y, name)
        return y

    def enforce_negacyclic(
        self, poly: Sequence[int], inputs: Sequence[LinearCombination], outputs: Sequence[LCLike], name: str
    ) -> None:
        """Add N rows ``sum_j M[i][j] * inputs[j] == outputs[i]`` (A = dense row, B = 1, C = outputs[i]).

        ``M`` is the negacyclic matrix of the constant integer polynomial ``poly`` in
        Z[X]/(X^N + 1) taken mod R: ``M[i][j] = poly[i-j]`` for ``j <= i``, ``-poly[N+i-j]`` for
        ``j > i``. ``inputs`` must be single wires (coefficient 1); ``outputs`` are arbitrary
        combinations. Stored in O(N) space and evaluated in O(N log N)-ish time.
        """
        n = len(poly)
        if n == 0:
            raise ValueError("enforce_negacyclic needs a non-empty polynomial")
        if len(inputs) != n or len(outputs) != n:
            raise ValueError(
                f"enforce_negacyclic {name!r}: poly has {n} coefficients but "
                f"{len(inputs)} inputs and {len(outputs)} outputs were given"
            )
        for k, p in enumerate(poly):
            if not is_int(p) or isinstance(p, bool):
                raise TypeError(f"poly[{k}] must be an int, got {type(p).__name__}")
        wires: list[int] = []
        for k, x in enumerate(inputs):
            var = as_lc(x, self).variable_index() if isinstance(x, LinearCombination) else None
            if var is None:
                raise ValueError(f"enforce_negacyclic {name!r}: inputs[{k}] is not a single wire with coefficient 1")
            wires.append(var)
        if not self.records_constraints:
            return self._add(None, name, n)
        block = NegacyclicBlock(poly, wires, [self._row(o) for o in outputs])
        self._add(block, name, n)

    # -- witness ---------------------------------------------------------------------------------

    def _require_witness(self) -> list[int]:
        if self._values is None:
            raise WitnessUnavailable("no witness in shape-only mode (with_witness=False)")
        return self._values

    @property
    def assignment(self) -> list[int]:
        """The full wire vector ``[1, publics..., privates...]`` as ints in [0, R)."""
        return [int(v) for v in self._require_witness()]

    @property
    def public_values(self) -> list[int]:
        """The public inputs (wires 1..num_public) as ints."""
        return [int(v) for v in self._require_witness()[1 : 1 + self._num_public]]

    def value_of(self, x: LCLike) -> int:
        """Value of a combination or int in [0, R) (witness mode only)."""
        self._require_witness()
        return as_lc(x, self).value

    def _require_constraints(self) -> list[Item]:
        if not self.records_constraints:
            raise WitnessUnavailable("this system computed only the assignment (constraints=False)")
        return self._items

    def is_satisfied(self) -> bool:
        return first_failure(self._require_constraints(), self._require_witness()) is None

    def check(self) -> None:
        """Raise :class:`UnsatisfiedConstraint` naming the first failing constraint."""
        hit = first_failure(self._require_constraints(), self._require_witness())
        if hit is not None:
            row, a, b, c = hit
            raise UnsatisfiedConstraint(row, self.constraint_name(row), a, b, c)

    def set_value(self, index: int, value: int) -> None:
        """Overwrite one wire's value (tests and tamper experiments); wire 0 is fixed to 1."""
        values = self._require_witness()
        if not 1 <= index < len(values):
            raise InvalidAssignment(f"wire index {index} out of range 1..{len(values) - 1}")
        if not is_int(value) or isinstance(value, bool):
            raise TypeError(f"value must be an int, got {type(value).__name__}")
        values[index] = int(value) % R

    # -- freeze ----------------------------------------------------------------------------------

    def freeze(self) -> R1CS:
        """An immutable snapshot of the matrices (later additions to ``self`` do not affect it)."""
        return R1CS(
            self._require_constraints(), self._item_names, len(self._wire_names), self._num_public, self._wire_names
        )

    def __repr__(self) -> str:
        mode = "witness" if self.with_witness else "shape"
        return (
            f"ConstraintSystem({mode}, constraints={self._num_rows}, "
            f"variables={len(self._wire_names)}, public={self._num_public})"
        )
