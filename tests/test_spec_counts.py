"""The constraint-count tables of specs/ are parsed and checked against the code.

Every number and formula below is read from the markdown (specs/README.md summary table,
specs/consistency.md §5, specs/bfv.md §13, specs/committee.md §9, and the per-gadget tables of
poseidon.md, commitment.md and r1cs.md), so that a spec edit or a gadget change that makes them disagree
fails here. Formulas are evaluated as written (juxtaposition is multiplication, ``^`` is a
power, digit groups ``1 221`` are one number) with exact rational arithmetic.

Counts are measured in shape-only mode, each gadget in a fresh constraint system. The
BFV part of the consistency circuit depends on the committee key through the quotient
window widths ``b0, b1`` (``schemes.bfv.gadget.quotient_ranges``): the tests measure real
committee keys and, on the toy ring, synthetic keys chosen to give several widths, so that
both the constant and the slope of ``15 N + N (b0 + b1)`` are exercised.
"""

from __future__ import annotations

import functools
import math
import random
import re
from fractions import Fraction
from pathlib import Path

import pytest

from consistency import circuit as circuit_module
from consistency.circuit import build_circuit
from consistency.params import get_parameter_set
from schemes.bfv.dkg import crs_polynomials, generate_share, joint_public_key
from schemes.bfv.gadget import encryption_gadget, quotient_ranges
from schemes.bfv.keys import PublicKey
from schemes.commitment import COMMIT_DOMAIN
from schemes.commitment.gadget import commit_gadget
from schemes.groth16.r1cs_to_qap import domain_for, num_qap_rows
from schemes.packing import BYTES_PER_ELEMENT
from schemes.packing.gadget import alloc_bytes
from schemes.poseidon.gadget import permute_gadget, poseidon_gadget, poseidon_sponge_gadget
from schemes.poseidon.parameters import parameters
from schemes.poseidon_cipher.gadget import encrypt_gadget
from schemes.r1cs import ConstraintSystem
from schemes.r1cs.bits import alloc_bounded, assert_bool, assert_in_range, assert_in_signed_range, to_bits

SPECS = Path(__file__).resolve().parents[1] / "specs"
SETS = ("toy", "default", "rgb32", "default-2048-leaky")


# --------------------------------------------------------------------------- markdown parsing


def _read(name: str) -> str:
    return (SPECS / name).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under the first heading matching the regex ``heading`` up to the next heading of
    the same or a higher level."""
    m = re.search(rf"^(#+) +{heading}.*$", text, re.M)
    assert m, f"no heading matching {heading!r}"
    level = len(m.group(1))
    end = re.compile(rf"^#{{1,{level}}} ", re.M).search(text, m.end())
    return text[m.end() : end.start() if end else len(text)]


def tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Markdown tables as (header cells, body rows)."""
    out, block = [], []
    for line in text.splitlines() + [""]:
        if line.lstrip().startswith("|"):
            block.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif block:
            assert len(block) >= 2 and set("".join(block[1])) <= set("-: "), block[:2]
            out.append((block[0], block[2:]))
            block = []
    return out


def table(text: str, first_header: str, *more: str) -> list[dict[str, str]]:
    """The rows (as header -> cell dicts) of the one table whose first header cell is given
    and which has the other given header cells too."""
    found = [(h, rows) for h, rows in tables(text) if h[0] == first_header and set(more) <= set(h)]
    assert len(found) == 1, f"expected one table headed {(first_header, *more)!r}, found {len(found)}"
    header, rows = found[0]
    for r in rows:
        assert len(r) == len(header), r
    return [dict(zip(header, r)) for r in rows]


_GROUPS = re.compile(r"(?<=\d)[ ,\u2009\u202f](?=\d{3}(?!\d))")


def number(text: str) -> int:
    """An integer written with optional digit grouping (``1 221``, ``6,272``) and markup."""
    t = _GROUPS.sub("", text.replace("*", "").replace("`", "").strip())
    assert re.fullmatch(r"\d+", t), f"not a number: {text!r}"
    return int(t)


def numbers(text: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", _GROUPS.sub("", text))]


def code_spans(cell: str) -> list[str]:
    return re.findall(r"`([^`]*)`", cell)


def _int_arg(f):
    def wrapped(*args):
        ints = []
        for a in args:
            assert Fraction(a).denominator == 1, f"{f.__name__} of a non-integer {a}"
            ints.append(int(a))
        return f(*ints)

    wrapped.__name__ = f.__name__
    return wrapped


def _trailing_ones(c: int) -> int:
    return (c ^ (c + 1)).bit_length() - 1


FUNCTIONS = {
    "ceil": lambda x: Fraction(math.ceil(Fraction(x))),
    "min": min,
    "max": max,
    "bitlen": _int_arg(lambda x: x.bit_length()),
    "popcount": _int_arg(lambda x: bin(x).count("1")),
    "ones": _int_arg(_trailing_ones),
}
_TOKEN = re.compile(r"\s*(?:(?P<num>\d+)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)|(?P<op>\*\*|[-+*/^(),·×]))")


def evaluate(expr: str, **env: int) -> int:
    """Evaluate a formula as written in the specs, e.g. ``3 (8 t + R_P) - 3``, exactly."""
    expr = _GROUPS.sub("", expr.replace("`", "")).strip()
    out, prev, pos = [], None, 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        assert m and m.end() > pos, f"cannot parse {expr!r} at {expr[pos:]!r}"
        pos = m.end()
        if m.group("num"):
            kind, text = "num", f"__num({m.group('num')})"
        elif m.group("name"):
            name = m.group("name")
            if name in FUNCTIONS:
                kind, text = "func", name
            else:
                assert name in env, f"formula {expr!r} uses {name!r}; known: {sorted(env)}"
                kind, text = "var", name
        else:
            op = m.group("op")
            kind, text = op, {"^": "**", "·": "*", "×": "*"}.get(op, op)
        if prev in ("num", "var", ")") and kind in ("num", "var", "func", "("):
            out.append("*")  # juxtaposition: "3 (8 t + R_P)", "26 N"
        out.append(text)
        prev = kind
    value = eval(
        " ".join(out),
        {"__builtins__": {}, "__num": Fraction, **FUNCTIONS},  # noqa: S307
        {k: Fraction(v) for k, v in env.items()},
    )
    value = Fraction(value)
    assert value.denominator == 1, f"{expr!r} is not an integer for {env}"
    return int(value)


def examples(text: str) -> list[tuple[int, dict[str, int]]]:
    """``240 for n = 2, 609 for n = 16`` -> [(240, {n: 2}), (609, {n: 16})]."""
    pat = re.compile(r"(\d[\d ]*\d|\d) for (\w+ = \d+(?:, \w+ = \d+)*)")
    return [
        (number(m.group(1)), {k: int(v) for k, v in re.findall(r"(\w+) = (\d+)", m.group(2))})
        for m in pat.finditer(text)
    ]


def test_the_formula_reader():
    """The reader itself, on formulas whose values are known by hand."""
    assert evaluate("3 (8 t + R_P) - 3", t=3, R_P=57) == 240
    assert evaluate("612 ceil(L/16) - 3 (17 - min(L, 16))", L=27) == 1221
    assert evaluate("26 N + N (b0 + b1)", N=2, b0=1, b1=2) == 58
    assert evaluate("2 766") == 2766 and number("**96 256**") == 96256 and number("6,272") == 6272
    assert evaluate("2^k - 1", k=5) == 31 and evaluate("ones(11) + popcount(11)") == 5
    assert examples("(240 for n = 2, 609 for n = 16, as circom)") == [(240, {"n": 2}), (609, {"n": 16})]
    with pytest.raises(AssertionError):
        evaluate("L / 3", L=4)  # not an integer: refused, never rounded


# --------------------------------------------------------------------------- measuring


def _fresh() -> ConstraintSystem:
    return ConstraintSystem(with_witness=False)


def _wires(cs: ConstraintSystem, n: int, name: str = "w") -> list:
    return [cs.witness(None, f"{name}[{i}]") for i in range(n)]


def count(build) -> int:
    cs = _fresh()
    build(cs)
    return cs.num_constraints


def bounded_cost(bound: int) -> tuple[int, int]:
    """(constraints, new private wires) of alloc_bounded(bound)."""
    cs = _fresh()
    alloc_bounded(cs, None, bound, "x")
    return cs.num_constraints, cs.num_private


def bfv_gadget_cost(params, pk) -> tuple[int, int, ConstraintSystem]:
    """(constraints, private wires, system) of encryption_gadget on one chunk; the message is the
    constant 0 and the packed ciphertext public inputs, so every private wire is the gadget's own."""
    cs = _fresh()
    n = params.n
    packed = [cs.public_input(None, f"ct[{i}]") for i in range(n)]
    encryption_gadget(cs, params, pk, [0] * n, packed, None)
    return cs.num_constraints, cs.num_private, cs


def widths(params, pk) -> tuple[int, int]:
    r0, r1 = quotient_ranges(params, pk)
    return r0.bits, r1.bits


def _synthetic_key(params, magnitude: int) -> PublicKey:
    """A canonical 'key' whose centered coefficients are +-magnitude, to steer b0, b1 (the
    gadget only depends on pk through its coefficients; it need not come from keygen)."""
    rng = random.Random(magnitude)
    q = params.q

    def coeffs() -> tuple[int, ...]:
        return tuple((magnitude if rng.random() < 0.5 else q - magnitude) % q for _ in range(params.n))

    return PublicKey(coeffs(), coeffs())


def committee_key(params) -> PublicKey:
    """A 3-member joint key made as ``committee join`` makes it (without the proofs, which do not
    change the key)."""
    crs = crs_polynomials(params.bfv, bytes(32))
    return joint_public_key(params.bfv, crs, [generate_share(params.bfv, crs, i)[1] for i in (1, 2, 3)])


class World:
    """Committee keys and measured parts for the three parameter sets (built once)."""

    def __init__(self):
        self.params = {s: get_parameter_set(s, allow_insecure=True) for s in SETS}
        default_pk = committee_key(self.params["default"])
        self.pk = {
            "toy": committee_key(self.params["toy"]),
            "default": default_pk,
            "rgb32": default_pk,
            "default-2048-leaky": committee_key(self.params["default-2048-leaky"]),
        }
        self.fixed, self.fixed_wires, self.bfv_calls = {}, {}, {}
        for s in SETS:
            self.fixed[s], self.fixed_wires[s], self.bfv_calls[s] = self._fixed_part(s)
        self.bfv = {}  # parameter set -> (constraints, private wires, b0, b1) for its real key
        self.gadget_cs = {}
        for s in ("toy", "default", "default-2048-leaky"):
            c, w, self.gadget_cs[s] = bfv_gadget_cost(self.params[s].bfv, self.pk[s])
            self.bfv[s] = (c, w, *widths(self.params[s].bfv, self.pk[s]))
        self.bfv["rgb32"] = self.bfv["default"]  # same ring, same committee key
        self.whole = {s: build_circuit(self.params[s], self.pk[s]).freeze() for s in ("toy", "default")}
        assert self.params["rgb32"].bfv == self.params["default"].bfv

    def _fixed_part(self, s: str):
        """The real build_circuit with the BFV gadget replaced by a recorder: what remains is
        the fixed part exactly as the circuit builds it (its wires include the public inputs)."""
        calls = []

        def recorder(cs, params, pk, m, packed, witness, name="bfv"):
            calls.append((len(m), len(packed), name))

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(circuit_module, "encryption_gadget", recorder)
            cs = build_circuit(self.params[s], self.pk[s])
        return cs.num_constraints, cs.num_variables, calls


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def test_recorder_sees_one_full_chunk_per_bfv_ciphertext(world):
    for s in SETS:
        n = world.params[s].bfv.n
        assert world.bfv_calls[s] == [(n, n, f"bfv[{k}]") for k in range(world.params[s].num_chunks)]


@pytest.mark.parametrize("s", ["toy", "default"])
def test_whole_circuit_is_fixed_part_plus_chunks(world, s):
    """Unstubbed synthesis agrees with fixed part + chunks x gadget (the rgb32 total relies on it)."""
    r1cs = world.whole[s]
    c, w, _, _ = world.bfv[s]
    chunks = world.params[s].num_chunks
    assert r1cs.num_constraints == world.fixed[s] + chunks * c
    assert r1cs.num_variables == world.fixed_wires[s] + chunks * w


# --------------------------------------------------------------------------- specs/README.md

SUMMARY = table(section(_read("README.md"), "Constraint counts"), "gadget")


def _summary(prefix: str) -> dict[str, str]:
    rows = [r for r in SUMMARY if r["gadget"].startswith(prefix)]
    assert len(rows) == 1, f"specs/README.md summary: {len(rows)} rows start with {prefix!r}"
    return rows[0]


def _formula(cell: str) -> str:
    spans = code_spans(cell)
    assert spans, f"no `formula` in {cell!r}"
    return spans[0]


SUMMARY_CHECKED = [
    "`assert_bool`",
    "`to_bits(n)`",
    "`assert_in_range(lo, hi)`",
    "`alloc_bounded(C)`",
    "byte (pixel) via `alloc_bytes`",
    "Poseidon(n inputs)",
    "sponge over L",
    "commitment, ",
    "Poseidon cipher, L elements",
    "BFV encryption, one chunk",
    "consistency circuit",
    "committee key well-formedness",
    "committee partial decryption",
]


def test_summary_has_a_check_for_every_row():
    unchecked = [r["gadget"] for r in SUMMARY if not any(r["gadget"].startswith(p) for p in SUMMARY_CHECKED)]
    assert not unchecked, f"add a check in this file for the new summary rows {unchecked}"
    for p in SUMMARY_CHECKED:
        _summary(p)
    for r in SUMMARY:
        assert (SPECS / r["document"]).is_file(), r


def test_summary_assert_bool():
    f = _formula(_summary("`assert_bool`")["constraints"])
    assert count(lambda cs: assert_bool(cs, cs.witness(None, "x"), "b")) == evaluate(f)


def test_summary_to_bits():
    f = _formula(_summary("`to_bits(n)`")["constraints"])
    for n in (0, 1, 8, 128, 252):
        assert count(lambda cs: to_bits(cs, cs.witness(None, "x"), n, "x")) == evaluate(f, n=n)


def test_summary_assert_in_range():
    row = _summary("`assert_in_range(lo, hi)`")
    k_def = code_spans(row["gadget"])[1]  # "k = bitlen(hi - lo)"
    k_name, k_expr = (x.strip() for x in k_def.split("=", 1))
    when_pow2, cond, otherwise = code_spans(row["constraints"])
    lhs, rhs = cond.split("=")
    pairs = [
        (0, 0),
        (7, 7),
        (0, 1),
        (0, 2),
        (0, 38),
        (0, 255),
        (3, 10),
        (10, 17),
        (100, 100 + 2**20),
        (5, 5 + 2**20 - 1),
        (0, 2**251),
    ]
    for lo, hi in pairs:
        k = evaluate(k_expr, hi=hi, lo=lo)
        env = {"hi": hi, "lo": lo, k_name: k}
        expected = (
            evaluate(when_pow2, **env) if evaluate(lhs, **env) == evaluate(rhs, **env) else evaluate(otherwise, **env)
        )
        assert count(lambda cs: assert_in_range(cs, cs.witness(None, "x"), lo, hi, "r")) == expected, (lo, hi)


def test_summary_alloc_bounded():
    row = _summary("`alloc_bounded(C)`")
    f = _formula(row["constraints"])  # "k"
    k_def = re.search(r"k = (bitlen\(C\))", row["constraints"]).group(1)
    for c in list(range(0, 70)) + [2**20 - 1, 2**20, 2**251 + 5]:
        k = evaluate(k_def, C=c)
        assert bounded_cost(c) == (evaluate(f, k=k), k), c
    ex = re.findall(r"(\d+) for C = (\d+)", row["constraints"])
    assert len(ex) == 3
    for value, c in ex:
        assert bounded_cost(int(c))[0] == int(value)


def test_summary_alloc_bytes():
    f = _formula(_summary("byte (pixel) via `alloc_bytes`")["constraints"])
    for n in (1, 31, 64):
        assert count(lambda cs: alloc_bytes(cs, None, n, "x")) == n * evaluate(f)


@functools.cache  # several tables quote the same gadget
def _poseidon(n: int) -> int:
    return count(lambda cs: poseidon_gadget(cs, _wires(cs, n)))


def test_summary_poseidon_every_width():
    row = _summary("Poseidon(n inputs)")
    assert "t = n + 1" in row["gadget"]
    f = _formula(row["constraints"])
    for n in range(1, 17):
        assert _poseidon(n) == evaluate(f, t=n + 1, R_P=parameters(n + 1).partial_rounds), n
    ex = examples(row["constraints"])
    assert [e[1]["n"] for e in ex] == [2, 16]
    for value, env in ex:  # circom's Poseidon(2) = 240 and Poseidon(16) = 609
        assert _poseidon(env["n"]) == value


@functools.cache  # several tables quote the same gadget
def _sponge(L: int) -> int:
    return count(lambda cs: poseidon_sponge_gadget(cs, _wires(cs, L), COMMIT_DOMAIN))


def test_summary_sponge():
    f = _formula(_summary("sponge over L")["constraints"])
    for L in (1, 2, 15, 16, 17, 27, 33):
        assert _sponge(L) == evaluate(f, L=L), L


@functools.cache  # several tables quote the same gadget
def _commit(elements: int) -> int:
    return count(lambda cs: commit_gadget(cs, _wires(cs, elements), cs.witness(None, "rho")))


def test_summary_commitment():
    row = _summary("commitment, ")
    pixels, elements = numbers(row["gadget"])[:2]
    assert "rho" in row["gadget"]
    assert math.ceil(pixels / BYTES_PER_ELEMENT) == elements
    default = get_parameter_set("default")
    assert default.packed_len == elements and default.num_pixels == pixels
    assert _commit(elements) == evaluate(_formula(row["constraints"]))


@functools.cache  # several tables quote the same gadget
def _cipher(L: int) -> int:
    def build(cs):
        encrypt_gadget(cs, _wires(cs, L, "m"), _wires(cs, 2, "k"), cs.witness(None, "nonce"), L)

    return count(build)


def test_summary_cipher():
    row = _summary("Poseidon cipher, L elements")
    f = _formula(row["constraints"])
    for L in (0, 1, 3, 4, 27, 28, 101):
        assert _cipher(L) == evaluate(f, L=L), L
    ((value, env),) = examples(row["constraints"])
    assert _cipher(env["L"]) == value


def _bfv_formula_checks(formula: str, world) -> None:
    """``formula`` (in N, b0, b1) equals encryption_gadget's count for real keys of toy and
    default and for toy-ring keys with several quotient widths."""
    seen = set()
    for s in ("toy", "default"):
        c, _, b0, b1 = world.bfv[s]
        assert c == evaluate(formula, N=world.params[s].bfv.n, b0=b0, b1=b1), s
    toy = world.params["toy"].bfv
    for mag in (0, 1, toy.q // 64, toy.q // 8, toy.q // 4, toy.q // 2):
        pk = _synthetic_key(toy, mag)
        b0, b1 = widths(toy, pk)
        seen.add(b0 + b1)
        assert bfv_gadget_cost(toy, pk)[0] == evaluate(formula, N=toy.n, b0=b0, b1=b1), mag
    assert len(seen) >= 3, f"the synthetic keys should exercise several widths, got {seen}"


def test_summary_bfv_chunk(world):
    row = _summary("BFV encryption, one chunk")
    f = _formula(row["constraints"])
    _bfv_formula_checks(f, world)
    m = re.search(r"for N = (\d+): ([\d ]+\d) to ([\d ]+\d), as b0, b1 are in \{(\d+), (\d+)\}", row["constraints"])
    assert m, row["constraints"]
    n, lo, hi, bmin, bmax = int(m.group(1)), number(m.group(2)), number(m.group(3)), int(m.group(4)), int(m.group(5))
    assert n == world.params["default"].bfv.n
    assert lo == evaluate(f, N=n, b0=bmin, b1=bmin) and hi == evaluate(f, N=n, b0=bmax, b1=bmax)
    # the claim itself, for the real default committee key measured here (false with
    # probability < 2^-737 per the spec)
    assert {bmin, bmax} == {11, 12} and set(world.bfv["default"][2:]) <= {bmin, bmax}


def test_summary_consistency_circuit(world):
    row = _summary("consistency circuit")
    cell = row["constraints"]
    f = _formula(cell)
    fixed = {s: number(v) for s, v in re.findall(r"\b(toy|default|rgb32) (\d[\d ]*\d)\b", cell)}
    assert fixed == {s: world.fixed[s] for s in ("toy", "default", "rgb32")}, (fixed, world.fixed)
    for s in fixed:
        p = world.params[s]
        c, _, b0, b1 = world.bfv[s]
        total = world.fixed[s] + p.num_chunks * c  # measured (see test_whole_circuit_...)
        assert total == evaluate(f, F=fixed[s], chunks=p.num_chunks, N=p.bfv.n, b0=b0, b1=b1), s
    m = re.search(r"default: ([\d ]+\d) to ([\d ]+\d)", cell)
    assert m, cell
    n = world.params["default"].bfv.n
    assert number(m.group(1)) == evaluate(f, F=fixed["default"], chunks=1, N=n, b0=11, b1=11)
    assert number(m.group(2)) == evaluate(f, F=fixed["default"], chunks=1, N=n, b0=12, b1=12)


# --------------------------------------------------------------------------- consistency.md §5

CONSISTENCY = section(_read("consistency.md"), "Constraint counts")
BFV13 = section(_read("bfv.md"), r"13\. Constraint counts")


def _bfv_spec_formulas() -> tuple[str, str]:
    """(constraints, private wires) per chunk from the code block of bfv.md §13 (final forms)."""
    c = re.search(r"^\s*constraints = .*\n\s*= (.+)$", BFV13, re.M)
    w = re.search(r"^\s*private wires = .*\n\s*= (.+)$", BFV13, re.M)
    assert c and w
    return c.group(1).strip(), w.group(1).strip()


def test_consistency_table(world):
    rows = {r["parameter set"]: r for r in table(CONSISTENCY, "parameter set", "fixed part")}
    assert set(rows) == set(SETS)
    chunk_c, chunk_w = _bfv_spec_formulas()
    for s, r in rows.items():
        p = world.params[s]
        n = p.bfv.n
        assert number(r["fixed part"]) == world.fixed[s], s
        assert number(r["chunks"]) == p.num_chunks, s
        per_chunk = r["BFV per chunk"]
        # the row's per-chunk formula is bfv.md's at this N, and matches the gadget (real key)
        for b in range(0, 30):
            assert evaluate(per_chunk, b0=b, b1=0) == evaluate(chunk_c, N=n, b0=b, b1=0), (s, b)
        c, w, b0, b1 = world.bfv[s]
        assert c == evaluate(per_chunk, b0=b0, b1=b1) and w == evaluate(chunk_w, N=n, b0=b0, b1=b1)
        # the example-key total and wires for the stated b0 + b1
        tm = re.fullmatch(r"(.+) \(b0 \+ b1 = (\d+)\)", r["total (example key)"])
        assert tm, r["total (example key)"]
        bsum = int(tm.group(2))
        assert number(tm.group(1)) == world.fixed[s] + p.num_chunks * evaluate(per_chunk, b0=bsum, b1=0), s
        assert number(r["wires (example key)"]) == world.fixed_wires[s] + p.num_chunks * evaluate(
            chunk_w, N=n, b0=bsum, b1=0
        ), s


def test_consistency_totals_per_width(world):
    rows = table(CONSISTENCY, "parameter set", "b0 + b1 = 22", "b0 + b1 = 23", "b0 + b1 = 24")
    assert {r["parameter set"] for r in rows} == {"default", "rgb32"}
    m = re.search(
        r"domain of `2\^bitlen\(m \+ l\)`, which is 2\^(\d+) for every default key and\s+"
        r"2\^(\d+) for every rgb32 key",
        CONSISTENCY,
    )
    assert m
    log_domain = {"default": int(m.group(1)), "rgb32": int(m.group(2))}
    chunk_c, _ = _bfv_spec_formulas()
    for r in rows:
        s, p = r["parameter set"], world.params[r["parameter set"]]
        for bsum in (22, 23, 24):
            expected = world.fixed[s] + p.num_chunks * evaluate(chunk_c, N=p.bfv.n, b0=bsum, b1=0)
            assert number(r[f"b0 + b1 = {bsum}"]) == expected, (s, bsum)
            # the Groth16 domain for such a key (the rule of domain_for, checked in test_consistency_qap_rows)
            assert (expected + p.num_public).bit_length() == log_domain[s], (s, bsum)


def test_consistency_fixed_part_sum(world):
    m = re.search(r"For default: ([\d +]+) = (\d+)\.", CONSISTENCY)
    assert m, "the worked sum for the default fixed part"
    terms = [int(x) for x in m.group(1).split("+")]
    p = world.params["default"]
    parts = [
        count(lambda cs: alloc_bytes(cs, None, p.num_pixels, "x")),
        _commit(p.packed_len),
        1,
        _cipher(p.plaintext_len),
        p.ct_msg_len,
        1,
    ]
    assert terms == parts
    assert sum(terms) == int(m.group(2)) == world.fixed["default"]


def test_consistency_qap_rows(world):
    m = re.search(r"\(([\d ]+\d) = ([\d ]+\d) \+ ([\d ]+\d) \+ 1 for the default\s+example key\)", CONSISTENCY)
    assert m
    rows, total, public = (number(g) for g in m.groups())
    p = world.params["default"]
    assert public == p.num_public and rows == total + public + 1
    example = next(r for r in table(CONSISTENCY, "parameter set", "fixed part") if r["parameter set"] == "default")
    assert number(example["total (example key)"].split("(")[0]) == total
    # the code's QAP size and domain for the real default circuit (any key) follow the same rule
    r1cs = world.whole["default"]
    assert num_qap_rows(r1cs) == r1cs.num_constraints + p.num_public + 1
    assert domain_for(r1cs).log_size == (r1cs.num_constraints + r1cs.num_public).bit_length() == 18


# --------------------------------------------------------------------------- bfv.md §13


def test_bfv_per_chunk_formulas(world):
    """Both the itemized and the final forms of the code block, against the gadget."""
    block = re.search(r"^\s*(constraints = .*\n\s*= .*\n\s*private wires = .*\n\s*= .*)$", BFV13, re.M).group(1)
    labels = re.compile(r"\([^()0-9+]*\)")  # "(ternary u)", "(u, u²)": words, not arithmetic
    lines = [ln.strip() for ln in block.splitlines()]
    e_bits = re.search(r"`e_bits = bitlen\(2B\) = (\d+)`", BFV13)
    assert e_bits
    forms = {
        "constraints": [labels.sub("", lines[0].split("=", 1)[1]), lines[1].lstrip("= ")],
        "private wires": [labels.sub("", lines[2].split("=", 1)[1]), lines[3].lstrip("= ")],
    }
    for s in ("toy", "default", "default-2048-leaky"):
        p = world.params[s].bfv
        assert evaluate("bitlen(2 B)", B=p.error_bound) == int(e_bits.group(1))
        c, w, b0, b1 = world.bfv[s]
        for f in forms["constraints"]:
            assert c == evaluate(f, N=p.n, b0=b0, b1=b1, e_bits=int(e_bits.group(1))), (s, f)
        for f in forms["private wires"]:
            assert w == evaluate(f, N=p.n, b0=b0, b1=b1, e_bits=int(e_bits.group(1))), (s, f)
    _bfv_formula_checks(forms["constraints"][1], world)


def test_bfv_error_width(world):
    """The error range: e + B = alloc_bounded(2B) on e_bits = bitlen(2B) wires, one row each."""
    m = re.search(r"`e_bits = bitlen\(2B\) = (\d+)`", BFV13)
    e_bits = int(m.group(1))
    for s in ("toy", "default", "default-2048-leaky"):
        bound = 2 * world.params[s].bfv.error_bound
        assert bounded_cost(bound) == (e_bits, e_bits) == (bound.bit_length(),) * 2


def test_bfv_table(world):
    rows = {r["parameter set"]: r for r in table(BFV13, "parameter set")}
    chunk_c, chunk_w = _bfv_spec_formulas()
    toy, default = rows["TOY"], rows["DEFAULT"]
    n = world.params["toy"].bfv.n
    assert number(toy["N"]) == n
    # "1 664 + 64 (b0 + b1): 2 304–2 432" for "(5..6, 5..6)"
    formula, span = toy["constraints"].split(":")
    lo_b, hi_b = (int(x) for x in re.fullmatch(r"\((\d+)\.\.(\d+), \1\.\.\2\)", toy["(b0, b1) typical"]).groups())
    for b in range(0, 20):
        assert evaluate(formula, b0=b, b1=0) == evaluate(chunk_c, N=n, b0=b, b1=0)
        assert evaluate(toy["private wires"], b0=b, b1=0) == evaluate(chunk_w, N=n, b0=b, b1=0)
    assert [number(x) for x in span.split("–")] == [
        evaluate(chunk_c, N=n, b0=lo_b, b1=lo_b),
        evaluate(chunk_c, N=n, b0=hi_b, b1=hi_b),
    ]
    # DEFAULT: bold value for the typical widths, range for b in {11, 12}
    n = world.params["default"].bfv.n
    assert number(default["N"]) == n
    b0, b1 = (int(x) for x in re.fullmatch(r"\((\d+), (\d+)\)", default["(b0, b1) typical"]).groups())
    m = re.fullmatch(r"(\*\*[\d ]+\*\*) \(([\d ]+)–([\d ]+) for b ∈ \{(\d+), (\d+)\}\)", default["constraints"])
    assert m, default["constraints"]
    bmin, bmax = int(m.group(4)), int(m.group(5))
    assert number(m.group(1)) == evaluate(chunk_c, N=n, b0=b0, b1=b1)
    assert number(m.group(2)) == evaluate(chunk_c, N=n, b0=bmin, b1=bmin)
    assert number(m.group(3)) == evaluate(chunk_c, N=n, b0=bmax, b1=bmax)
    assert number(default["private wires"]) == evaluate(chunk_w, N=n, b0=b0, b1=b1)


def test_bfv_default_breakdown(world):
    m = re.search(
        r"DEFAULT breakdown: ([\d ]+) \(u\) \+ ([\d ]+) \(errors\) \+ ([\d ]+) \(quotients\) \+ ([\d ]+) "
        r"\(packed negacyclic\s+rows\)",
        BFV13,
    )
    assert m
    u, errors, quotients, rows = (number(g) for g in m.groups())
    r1cs = world.gadget_cs["default"].freeze()
    names = [name.removeprefix("bfv/") for name in r1cs.names]
    assert len(names) == r1cs.num_constraints
    got = {"u": 0, "errors": 0, "quotients": 0, "rows": 0}
    for name in names:
        if re.match(r"u_(sq|ternary)\[", name):
            got["u"] += 1
        elif re.match(r"e[01]\[", name):
            got["errors"] += 1
        elif re.match(r"k[01]\[", name):
            got["quotients"] += 1
        elif re.match(r"ct_relation", name):
            got["rows"] += 1
    assert sum(got.values()) == len(names), "every row of the gadget is in one of the four parts"
    b0, b1 = world.bfv["default"][2:]
    n = world.params["default"].bfv.n
    assert (got["u"], got["errors"], got["rows"]) == (u, errors, rows)
    assert got["quotients"] == n * (b0 + b1)  # this key's widths; the spec's figure is for the typical ones
    typical = next(r for r in table(BFV13, "parameter set") if r["parameter set"] == "DEFAULT")["(b0, b1) typical"]
    assert quotients == n * sum(numbers(typical))


# --------------------------------------------------------------------------- poseidon.md, commitment.md, r1cs.md

POSEIDON = section(_read("poseidon.md"), "Constraint counts")


@functools.cache
def _permute(t: int) -> int:
    return count(lambda cs: permute_gadget(cs, _wires(cs, t)))


def test_poseidon_width_table():
    rows = table(POSEIDON, "t")
    assert [number(r["t"]) for r in rows] == list(range(2, 18))
    for r in rows:
        t = number(r["t"])
        assert number(r["hash inputs n"]) == t - 1
        assert number(r["R_P"]) == parameters(t).partial_rounds
        assert number(r["`permute_gadget`"]) == _permute(t)
        assert number(r["`poseidon_gadget` (circomlib `Poseidon(n)`)"]) == _poseidon(t - 1)


def test_poseidon_cipher_examples():
    m = re.search(r"Examples for `encrypt_gadget`: (.+?) \(binding", POSEIDON, re.S)
    assert m
    pairs = re.findall(r"`l = (\d+)(?:\.\.(\d+))?`:\s+(\d+)", m.group(1))
    assert len(pairs) == 5
    for lo, hi, value in pairs:
        for L in {int(lo), int(hi or lo)}:
            assert _cipher(L) == int(value), L


def test_commitment_table():
    sec = section(_read("commitment.md"), "Constraint counts")
    f = re.search(r"constraints = (.+)", sec).group(1)
    for value, m in re.findall(r"`(\d+)` for `m = (\d+)`", sec):
        assert _commit(int(m) - 1) == int(value) == evaluate(f, m=int(m))
    rows = table(sec, "Statement")
    assert len(rows) == 3
    for r in rows:
        pixels, elements = numbers(r["Statement"])[0], numbers(r["Statement"].split(":")[1])[0]
        inputs = numbers(r["Sponge inputs"])[0]
        assert math.ceil(pixels / BYTES_PER_ELEMENT) == elements and inputs == elements + 1
        commit, packing = _commit(elements), count(lambda cs: alloc_bytes(cs, None, pixels, "x"))
        assert number(r["Commitment"]) == commit == evaluate(f, m=inputs)
        assert number(r["Packing (`alloc_bytes`)"].split("(")[0]) == packing
        assert number(r["Total"]) == commit + packing


def test_r1cs_table():
    sec = section(_read("r1cs.md"), "Constraint counts")
    rows = {r["gadget"]: r for r in table(sec, "gadget")}

    def check(key, build, **env):
        cs = _fresh()
        x = cs.witness(None, "x")
        before = cs.num_private
        build(cs, x)
        r = rows[key]
        assert cs.num_constraints == evaluate(r["constraints"], **env), (key, env)
        assert cs.num_private - before == evaluate(r["new private wires"], **env), (key, env)

    check("`assert_bool(x)`", lambda cs, x: assert_bool(cs, x, "b"))
    for n in (0, 1, 8, 252):
        check("`to_bits(x, n)`, 0 <= n <= 252", lambda cs, x: to_bits(cs, x, n, "b"), n=n)
    check("`assert_in_range(x, lo, hi)`, hi = lo", lambda cs, x: assert_in_range(cs, x, 9, 9, "r"))
    for k in (1, 8, 20):
        check(
            "`assert_in_range(x, lo, hi)`, hi - lo = 2^k - 1, k >= 1",
            lambda cs, x: assert_in_range(cs, x, 3, 3 + 2**k - 1, "r"),
            k=k,
        )
    for lo, hi in ((0, 38), (0, 2), (5, 5 + 2**20)):
        k = (hi - lo).bit_length()
        check(
            "`assert_in_range(x, lo, hi)`, otherwise, k = bitlen(hi - lo)",
            lambda cs, x: assert_in_range(cs, x, lo, hi, "r"),
            k=k,
        )
    assert rows["`assert_in_signed_range(x, B)` (-B <= x <= B)"]["constraints"] == "as `assert_in_range(x + B, 0, 2B)`"
    check("`cs.mul(a, b)`", lambda cs, x: cs.mul(x, x, "m"))
    check(
        "`cs.enforce_bool(x)` (the row `x (x - 1) = 0`, as `enforce(x, x - 1, 0)`)",
        lambda cs, x: cs.enforce_bool(x, "b"),
    )
    check("`alloc_bounded(C)`, a new x in [0, C], k = bitlen(C)", lambda cs, x: alloc_bounded(cs, None, 38, "a"), k=6)
    neg = rows["`cs.enforce_negacyclic(poly, inputs, outputs)`"]
    for n in (1, 4, 64):
        cs = _fresh()
        ins, outs = _wires(cs, n, "i"), _wires(cs, n, "o")
        before = cs.num_private
        cs.enforce_negacyclic(list(range(1, n + 1)), ins, outs, "neg")
        assert cs.num_constraints == evaluate(neg["constraints"].split(" rows")[0], N=n)
        assert cs.num_private - before == evaluate(neg["new private wires"])
    m = re.search(
        r"a pixel range check `\[0, 255\]` costs (\d+); a signed error bound B = (\d+) "
        r"\(`\[0, (\d+)\]`,\s+k = (\d+)\) costs (\d+)",
        sec,
    )
    assert m
    assert count(lambda cs: assert_in_range(cs, cs.witness(None, "x"), 0, 255, "r")) == int(m.group(1))
    bound = int(m.group(2))
    assert 2 * bound == int(m.group(3)) and (2 * bound).bit_length() == int(m.group(4))
    assert count(lambda cs: assert_in_signed_range(cs, cs.witness(None, "x"), bound, "r")) == int(m.group(5))


# --------------------------------------------------------------------------- committee.md §9

COMMITTEE = section(_read("committee.md"), r"9\. Constraint counts")


def _committee_formulas() -> tuple[str, str]:
    k = re.search(r"^\s*key well-formedness constraints = (.+)$", COMMITTEE, re.M)
    p = re.search(r"^\s*partial decryption constraints\s+= (.+)$", COMMITTEE, re.M)
    assert k and p
    return k.group(1).strip(), p.group(1).strip()


def _committee_params(name: str):
    return get_parameter_set(name, allow_insecure=True).bfv


def _sponge_for(n: int) -> int:
    return _sponge(1 + math.ceil(n / 150))


def committee_env(params, b_sum: int | None = None) -> dict:
    """The symbols of committee.md §9 for a parameter set, each computed by its own gadget."""
    from schemes.bfv.moduli import moduli
    from schemes.bfv.partial_gadget import partial_quotient_ranges

    e_bits = (2 * params.error_bound).bit_length()
    f_bits = (2 * params.flood_bound).bit_length()
    env = {
        "N": params.n,
        "K": len(moduli(params)),
        "e_bits": e_bits,
        "f_bits": f_bits,
        "S": _sponge_for(params.n),
        "bp_sum": sum(r.bits for r in partial_quotient_ranges(params)),
    }
    if b_sum is not None:
        env["b_sum"] = b_sum
    return env


def _keygen_measured(params, seed: bytes) -> tuple[int, int, int]:
    """(constraints, public inputs, b_sum) of the key circuit for the committee whose a comes from seed."""
    from schemes.bfv.dkg_gadget import keygen_circuit, keygen_quotient_ranges

    crs = crs_polynomials(params, seed)
    cs = keygen_circuit(params, crs)
    return cs.num_constraints, cs.num_public, sum(r.bits for r in keygen_quotient_ranges(params, crs))


def test_committee_formulas_match_the_circuits():
    """Both formulas against the circuits on toy and default (both with two RNS primes), for
    committees whose a gives several quotient widths."""
    from schemes.bfv.partial_gadget import partial_circuit

    key_f, part_f = _committee_formulas()
    for name in ("toy", "default"):
        params = _committee_params(name)
        seen = set()
        for seed in range(6 if name != "default" else 2):
            c, _, b_sum = _keygen_measured(params, bytes([seed]) * 32)
            seen.add(b_sum)
            assert c == evaluate(key_f, **committee_env(params, b_sum)), (name, seed)
        cs = partial_circuit(params)
        assert cs.num_constraints == evaluate(part_f, **committee_env(params)), name
    assert len(seen) >= 1


def test_committee_table():
    from schemes.bfv.partial_gadget import partial_circuit

    key_f, part_f = _committee_formulas()
    rows = table(COMMITTEE, "circuit", "parameter set", "constraints", "public inputs")
    assert {(r["circuit"], r["parameter set"]) for r in rows} == {
        (c, s) for c in ("key well-formedness", "partial decryption") for s in ("toy", "default")
    }
    for r in rows:
        params = _committee_params(r["parameter set"])
        env = committee_env(params)
        assert number(r["N"]) == env["N"] and number(r["K"]) == env["K"], r
        if r["circuit"] == "partial decryption":
            m = re.fullmatch(r"bp_sum = (\d+)", r["widths"])
            assert m and int(m.group(1)) == env["bp_sum"], r
            cs = partial_circuit(params)
            assert number(r["constraints"]) == cs.num_constraints == evaluate(part_f, **env)
            assert number(r["public inputs"]) == cs.num_public
        else:
            m = re.fullmatch(r"b_sum = (\d+)\.\.(\d+)", r["widths"])
            assert m, r
            lo, hi = int(m.group(1)), int(m.group(2))
            c_lo, c_hi = (number(x) for x in r["constraints"].split("–"))
            assert c_lo == evaluate(key_f, **committee_env(params, lo)) and c_hi == evaluate(
                key_f, **committee_env(params, hi)
            )
            c, pub, b_sum = _keygen_measured(params, b"committee.md table" + bytes(14))
            assert lo <= b_sum <= hi and number(r["public inputs"]) == pub, r
            assert c == evaluate(key_f, **committee_env(params, b_sum))


def test_summary_committee_rows():
    key_f, part_f = _committee_formulas()
    key_row, part_row = _summary("committee key well-formedness"), _summary("committee partial decryption")
    assert _formula(key_row["constraints"]) == key_f and _formula(part_row["constraints"]) == part_f
    assert key_row["document"] == part_row["document"] == "committee.md"
    default = _committee_params("default")
    m = re.search(r"default: ([\d ]+\d) to ([\d ]+\d), as b_sum is (\d+) or (\d+)", key_row["constraints"])
    assert m, key_row["constraints"]
    lo, hi = int(m.group(3)), int(m.group(4))
    assert number(m.group(1)) == evaluate(key_f, **committee_env(default, lo)) and number(m.group(2)) == evaluate(
        key_f, **committee_env(default, hi)
    )
    # the stated widths are the ones default committees get (the committee.md table measures one)
    assert lo <= _keygen_measured(default, b"committee.md table" + bytes(14))[2] <= hi
    m = re.search(r"toy ([\d ]+\d), default ([\d ]+\d)", part_row["constraints"])
    assert (
        m
        and number(m.group(1)) == evaluate(part_f, **committee_env(_committee_params("toy")))
        and number(m.group(2)) == evaluate(part_f, **committee_env(default))
    )
