"""The envelope: what a sender submits and a server verifies (specs/consistency.md, "Envelope").

Binary layout, big-endian, canonical (exactly one byte string per envelope)::

    magic "GRCE" | version u8 | params_id: u8 length + ASCII
    then 7 fields, each u32 length + payload, in this order:
      C        32 bytes, scalar < r
      ctx      32 bytes, scalar < r
      nonce    16 bytes, < 2^128
      eph_pub  32 bytes, X25519 public key
      ct_msg   L * 32 bytes, scalars < r           (L = ct_msg_len of the parameter set)
      ct_fhe   chunks * 2 * N * w bytes, coefficients < q (the RNS modulus q = q_1 ... q_k, as
               integers in CRT form), w = ceil(bitlen(q - 1)/8) big-endian; per chunk c0 then c1
      proof    256 bytes: A (G1, 64) || B (G2, 128, EIP-197 order) || C (G1, 64), validated points
    no trailing bytes.

The parser raises :class:`~consistency.errors.EnvelopeFormatError` and nothing else. The JSON
view (:func:`to_json` / :func:`from_json`) carries the same data with the field names of the
design brief, numbers as decimal strings, ``eph_pub`` as hex, the proof in snarkjs form. It is
canonical too: :func:`from_json` accepts exactly the values :func:`to_json` produces (no extra
keys, no curve aliases, no other number spellings), and :func:`loads_json` refuses repeated keys.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

from schemes import strict_json
from schemes.bfv.encryption import Ciphertext
from schemes.bfv.gadget import pack_ciphertext
from schemes.bn254.curve import g1_from_bytes, g1_to_bytes, g2_from_bytes, g2_to_bytes
from schemes.bn254.fields import R
from schemes.groth16.data_structures import Proof
from schemes.groth16.snarkjs import proof_from_json, proof_to_json
from schemes.key_agreement import KeyAgreementError, validate_public_key

from .errors import EnvelopeFormatError, UnknownParameterSet
from .params import ENVELOPE_VERSION, ParameterSet, get_parameter_set, resolve_parameter_set

__all__ = ["MAGIC", "Envelope", "encode", "decode", "to_json", "from_json", "loads_json", "validate"]

MAGIC = b"GRCE"
_R = int(R)
_FIELD_NAMES = ("C", "ctx", "nonce", "eph_pub", "ct_msg", "ct_fhe", "proof")


@dataclass(frozen=True)
class Envelope:
    """A parsed envelope. Values are canonical; this object says nothing about validity of ``proof``."""

    version: int
    params_id: str
    C: int
    ctx: int
    nonce: int
    eph_pub: bytes
    ct_msg: tuple[int, ...]
    ct_fhe: tuple[Ciphertext, ...]
    proof: Proof
    #: The parameter set the envelope was made or decoded for (``params.name == params_id``).
    params: ParameterSet | None = field(default=None, compare=False, repr=False)

    def parameter_set(self) -> ParameterSet:
        """The envelope's parameter set: the one it carries, else the secure set it names."""
        if self.params is not None:
            if self.params.name != self.params_id:
                raise EnvelopeFormatError(f"envelope names {self.params_id!r} but carries {self.params.name!r}")
            return self.params
        return _params(self.params_id, False, None)

    def public_inputs(self) -> list[int]:
        """The statement's public inputs in circuit order: C, ctx, nonce, ct_msg, then per chunk
        the N packed coefficients ``c0_i + 2^S c1_i`` (specs/consistency.md section 5).

        The envelope must be canonical for its parameter set (as :func:`decode` and
        :func:`validate` make it)."""
        params = self.params if self.params is not None else get_parameter_set(self.params_id, allow_insecure=True)
        out = [self.C, self.ctx, self.nonce, *self.ct_msg]
        for ct in self.ct_fhe:
            out.extend(pack_ciphertext(params.bfv, ct))
        return out


def _params(params_id: str, allow_insecure: bool, expected: ParameterSet | None) -> ParameterSet:
    try:
        return resolve_parameter_set(params_id, expected, allow_insecure=allow_insecure)
    except UnknownParameterSet as exc:
        raise EnvelopeFormatError(str(exc)) from None


def validate(env: Envelope, params: ParameterSet) -> None:
    """Check an :class:`Envelope` object as :func:`decode` checks bytes: version, counts,
    canonical ranges (< r, < 2^128, < q) and types. Raises :class:`EnvelopeFormatError`."""
    if env.params_id != params.name:
        raise EnvelopeFormatError(f"envelope is for parameter set {env.params_id!r}, not {params.name!r}")
    _check_shape(env, params)


def _is_sequence(v: Any) -> bool:
    return isinstance(v, (tuple, list))


def _check_eph_pub(raw: bytes) -> None:
    """The ephemeral key MUST be canonical (specs/key-agreement.md): the top bit clear and
    u < 2^255 - 19; a small-order point is refused too, as the recipient would refuse it. The
    proof cannot stand in for this check: a sender with the proving key proves over whatever
    bytes it puts in ``ctx``, so the server must refuse another encoding of the same point."""
    try:
        validate_public_key(raw, "eph_pub")
    except KeyAgreementError as exc:
        raise EnvelopeFormatError(str(exc)) from None


def _check_shape(env: Envelope, params: ParameterSet) -> None:
    """Counts, ranges and types against the parameter set; raises EnvelopeFormatError."""
    if not isinstance(env.proof, Proof):
        raise EnvelopeFormatError("proof must be a Groth16 Proof")
    if type(env.version) is not int or env.version != ENVELOPE_VERSION:
        raise EnvelopeFormatError(f"unknown envelope version {env.version}")
    for name in ("C", "ctx"):
        v = getattr(env, name)
        if not isinstance(v, int) or not 0 <= v < _R:
            raise EnvelopeFormatError(f"{name} is not a canonical field element (< r)")
    if not isinstance(env.nonce, int) or not 0 <= env.nonce < 1 << 128:
        raise EnvelopeFormatError("nonce must be an integer in [0, 2^128)")
    if not isinstance(env.eph_pub, bytes) or len(env.eph_pub) != 32:
        raise EnvelopeFormatError("eph_pub must be 32 bytes")
    _check_eph_pub(env.eph_pub)
    if not _is_sequence(env.ct_msg) or not _is_sequence(env.ct_fhe):
        raise EnvelopeFormatError("ct_msg and ct_fhe must be sequences")
    if len(env.ct_msg) != params.ct_msg_len:
        raise EnvelopeFormatError(f"ct_msg has {len(env.ct_msg)} elements, expected {params.ct_msg_len}")
    for i, v in enumerate(env.ct_msg):
        if not isinstance(v, int) or not 0 <= v < _R:
            raise EnvelopeFormatError(f"ct_msg[{i}] is not a canonical field element (< r)")
    if len(env.ct_fhe) != params.num_chunks:
        raise EnvelopeFormatError(f"ct_fhe has {len(env.ct_fhe)} chunks, expected {params.num_chunks}")
    n, q = params.bfv.n, params.bfv.q
    for k, ct in enumerate(env.ct_fhe):
        if not isinstance(ct, Ciphertext):
            raise EnvelopeFormatError(f"ct_fhe[{k}] must be a BFV Ciphertext")
        for part, coeffs in (("c0", ct.c0), ("c1", ct.c1)):
            if not _is_sequence(coeffs):
                raise EnvelopeFormatError(f"ct_fhe[{k}].{part} must be a sequence of coefficients")
            if len(coeffs) != n:
                raise EnvelopeFormatError(f"ct_fhe[{k}].{part} has {len(coeffs)} coefficients, expected {n}")
            for i, v in enumerate(coeffs):
                if not isinstance(v, int) or not 0 <= v < q:
                    raise EnvelopeFormatError(f"ct_fhe[{k}].{part}[{i}] is not canonical (< q)")


# -- binary -------------------------------------------------------------------------------------


def encode(env: Envelope, *, allow_insecure: bool = False) -> bytes:
    """The canonical bytes of ``env`` (validated against its parameter set first: the one it
    carries, else the set it names, which must be secure unless ``allow_insecure``)."""
    params = env.parameter_set() if env.params is not None else _params(env.params_id, allow_insecure, None)
    _check_shape(env, params)
    w = params.bfv.coeff_bytes
    fhe = b"".join(
        b"".join(int(v).to_bytes(w, "big") for v in coeffs) for ct in env.ct_fhe for coeffs in (ct.c0, ct.c1)
    )
    fields = [
        env.C.to_bytes(32, "big"),
        env.ctx.to_bytes(32, "big"),
        env.nonce.to_bytes(16, "big"),
        env.eph_pub,
        b"".join(v.to_bytes(32, "big") for v in env.ct_msg),
        fhe,
        g1_to_bytes(env.proof.a) + g2_to_bytes(env.proof.b) + g1_to_bytes(env.proof.c),
    ]
    pid = env.params_id.encode("ascii")
    out = [MAGIC, struct.pack(">BB", env.version, len(pid)), pid]
    for f in fields:
        out.append(struct.pack(">I", len(f)))
        out.append(f)
    return b"".join(out)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise EnvelopeFormatError(f"truncated envelope while reading {what}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def field(self, what: str, expected: int) -> bytes:
        (length,) = struct.unpack(">I", self.take(4, f"{what} length"))
        if length != expected:
            raise EnvelopeFormatError(f"field {what} has length {length}, expected {expected}")
        return self.take(length, what)


def _scalar(b: bytes, what: str, bound: int = _R) -> int:
    v = int.from_bytes(b, "big")
    if v >= bound:
        raise EnvelopeFormatError(f"{what} is not canonical (>= modulus)")
    return v


def _decode_proof(raw: bytes) -> Proof:
    try:
        a = g1_from_bytes(raw[:64])
        b = g2_from_bytes(raw[64:192])
        c = g1_from_bytes(raw[192:])
    except (ValueError, TypeError) as exc:
        raise EnvelopeFormatError(f"proof: {exc}") from None
    if a is None or b is None or c is None:
        raise EnvelopeFormatError("proof: a point at infinity cannot appear in a proof")
    return Proof(a, b, c)


def decode(data: bytes, *, params: ParameterSet | None = None, allow_insecure: bool = False) -> Envelope:
    """Parse canonical envelope bytes strictly. Raises only :class:`EnvelopeFormatError`.

    ``params``: the set the envelope must be for (holding an insecure set's object, from
    ``consistency.hazmat.insecure_parameter_set``, is the opt-in to it); by default any secure
    set. The result carries its parameter set."""
    expected = params
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise EnvelopeFormatError("an envelope is a byte string")
    rd = _Reader(bytes(data))
    if rd.take(4, "magic") != MAGIC:
        raise EnvelopeFormatError("bad magic: not an envelope")
    version, pid_len = struct.unpack(">BB", rd.take(2, "header"))
    if version != ENVELOPE_VERSION:
        raise EnvelopeFormatError(f"unknown envelope version {version}")
    raw_pid = rd.take(pid_len, "params_id")
    try:
        params_id = raw_pid.decode("ascii")
    except UnicodeDecodeError:
        raise EnvelopeFormatError("params_id is not ASCII") from None
    params = _params(params_id, allow_insecure, expected)
    n, q, w = params.bfv.n, params.bfv.q, params.bfv.coeff_bytes
    C = _scalar(rd.field("C", 32), "C")
    ctx = _scalar(rd.field("ctx", 32), "ctx")
    nonce = int.from_bytes(rd.field("nonce", 16), "big")
    eph_pub = rd.field("eph_pub", 32)
    _check_eph_pub(eph_pub)
    raw = rd.field("ct_msg", 32 * params.ct_msg_len)
    ct_msg = tuple(_scalar(raw[i : i + 32], f"ct_msg[{i // 32}]") for i in range(0, len(raw), 32))
    raw = rd.field("ct_fhe", params.num_chunks * 2 * n * w)
    frm = int.from_bytes
    coeffs = [frm(raw[i : i + w], "big") for i in range(0, len(raw), w)]
    if coeffs and max(coeffs) >= q:
        raise EnvelopeFormatError("ct_fhe coefficient is not canonical (>= modulus)")
    ct_fhe = tuple(
        Ciphertext(tuple(coeffs[(2 * k) * n : (2 * k + 1) * n]), tuple(coeffs[(2 * k + 1) * n : (2 * k + 2) * n]))
        for k in range(params.num_chunks)
    )
    proof = _decode_proof(rd.field("proof", 256))
    if rd.pos != len(rd.data):
        raise EnvelopeFormatError(f"{len(rd.data) - rd.pos} trailing bytes after the envelope")
    return Envelope(version, params_id, C, ctx, nonce, eph_pub, ct_msg, ct_fhe, proof, params)


# -- JSON view ------------------------------------------------------------------------------------


def to_json(env: Envelope) -> dict[str, Any]:
    """The JSON view (decimal strings, hex ``eph_pub``, snarkjs-style ``proof``)."""
    return {
        "version": env.version,
        "params_id": env.params_id,
        "C": str(env.C),
        "ctx": str(env.ctx),
        "nonce": str(env.nonce),
        "eph_pub": env.eph_pub.hex(),
        "ct_msg": [str(v) for v in env.ct_msg],
        "ct_fhe": [{"c0": [str(int(v)) for v in ct.c0], "c1": [str(int(v)) for v in ct.c1]} for ct in env.ct_fhe],
        "proof": proof_to_json(env.proof),
    }


def _dec(v: Any, what: str) -> int:
    if not isinstance(v, str) or not v.isdigit() or (len(v) > 1 and v[0] == "0") or not v.isascii():
        raise EnvelopeFormatError(f"{what} must be a canonical decimal string")
    return int(v)


def from_json(obj: Any, *, params: ParameterSet | None = None, allow_insecure: bool = False) -> Envelope:
    """Inverse of :func:`to_json`; validates exactly like :func:`decode` (``params`` as there)."""
    expected = params
    try:
        if not isinstance(obj, dict) or set(obj) != {"version", "params_id", *_FIELD_NAMES}:
            raise EnvelopeFormatError(
                f"an envelope object has exactly the keys version, params_id, {', '.join(_FIELD_NAMES)}"
            )
        if type(obj["version"]) is not int:
            raise EnvelopeFormatError("version must be an integer")
        if not isinstance(obj["params_id"], str):
            raise EnvelopeFormatError("params_id must be a string")
        params = _params(obj["params_id"], allow_insecure, expected)
        eph = obj["eph_pub"]
        if not isinstance(eph, str) or len(eph) != 64 or eph != eph.lower():
            raise EnvelopeFormatError("eph_pub must be 64 lowercase hex digits")
        try:
            eph_pub = bytes.fromhex(eph)
        except ValueError:
            raise EnvelopeFormatError("eph_pub is not hex") from None
        if not isinstance(obj["ct_msg"], list) or not isinstance(obj["ct_fhe"], list):
            raise EnvelopeFormatError("ct_msg and ct_fhe must be lists")
        chunks = []
        for k, ch in enumerate(obj["ct_fhe"]):
            if (
                not isinstance(ch, dict)
                or set(ch) != {"c0", "c1"}
                or not all(isinstance(ch[p], list) for p in ("c0", "c1"))
            ):
                raise EnvelopeFormatError(f"ct_fhe[{k}] must be an object with lists c0 and c1")
            chunks.append(
                Ciphertext(
                    tuple(_dec(v, f"ct_fhe[{k}].c0") for v in ch["c0"]),
                    tuple(_dec(v, f"ct_fhe[{k}].c1") for v in ch["c1"]),
                )
            )
        try:
            proof = proof_from_json(obj["proof"])
        except (ValueError, TypeError, KeyError) as exc:
            raise EnvelopeFormatError(f"proof: {exc}") from None
        env = Envelope(
            version=obj["version"],
            params_id=obj["params_id"],
            C=_dec(obj["C"], "C"),
            ctx=_dec(obj["ctx"], "ctx"),
            nonce=_dec(obj["nonce"], "nonce"),
            eph_pub=eph_pub,
            ct_msg=tuple(_dec(v, "ct_msg") for v in obj["ct_msg"]),
            ct_fhe=tuple(chunks),
            proof=proof,
            params=params,
        )
        _check_shape(env, params)
        if obj["proof"] != proof_to_json(proof):
            raise EnvelopeFormatError(
                'proof must be exactly the snarkjs proof object (keys pi_a, pi_b, pi_c, protocol, curve "bn128")'
            )
        if to_json(env) != obj:  # every field above is checked; this keeps the view one-to-one
            raise EnvelopeFormatError("not the canonical JSON view of an envelope")
        return env
    except EnvelopeFormatError:
        raise
    except Exception as exc:  # the parser's contract: only its own error type escapes
        raise EnvelopeFormatError(f"malformed envelope JSON: {exc}") from None


def loads_json(text: str | bytes, *, params: ParameterSet | None = None, allow_insecure: bool = False) -> Envelope:
    """Parse the JSON text of an envelope (``params`` as in :func:`decode`)."""
    try:
        obj = strict_json.loads(text, object_pairs_hook=_unique_keys)
    except (ValueError, TypeError) as exc:
        raise EnvelopeFormatError(f"not JSON: {exc}") from None
    return from_json(obj, params=params, allow_insecure=allow_insecure)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads keeps the last of repeated keys, other parsers the first: refuse them."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise EnvelopeFormatError("duplicate key in a JSON object")
    return obj
