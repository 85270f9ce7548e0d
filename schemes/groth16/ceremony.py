"""Phase-2 contributions to a Groth16 ``.zkey`` (snarkjs's format), and their verification.

A contribution with secret x (uniform in [1, r)) maps delta to x delta: ``delta_1, delta_2`` are
multiplied by x and the L and H queries (sections 8, 9) by 1/x. It is recorded in section 10
(after the 64-byte circuit hash and a u32 count) as

    deltaAfter (G1), g1_s (G1), g1_sx (G1), g2_spx (G2)   points, layout "lem"
    transcript (64 bytes), u32 type (0 = contribution, 1 = beacon), u32 length, parameters

parameters ``(u8 id, ...)`` in increasing id: 1 name (u8 length, UTF-8), 2 beacon iteration
exponent (u8), 3 beacon hash (u8 length, bytes). Proof of knowledge of x, bound to the history:

    transcript = BLAKE2b-512(csHash || pub(c_1) || ... || pub(c_{i-1}) || U(g1_s) || U(g1_sx))
    g2_sp      = hashToG2(transcript)                     (:func:`.snarkjs_rng.hash_to_g2`)
    g1_sx = x g1_s,  g2_spx = x g2_sp,  deltaAfter = x deltaBefore

with ``pub(c) = U(deltaAfter) U(g1_s) U(g1_sx) U(g2_spx) transcript`` (U: uncompressed, see
:mod:`.ptau_setup`); the contribution hash is BLAKE2b-512(pub(c)). A beacon contribution takes
x and g1_s from :func:`.snarkjs_rng.beacon_rng` (anyone can recompute them).

:func:`verify_chain` checks a key against the initial key of its circuit (from the ptau and the
R1CS, :mod:`.ptau_setup`): the same circuit hash, header (alpha, beta, gamma, sizes) and
sections 3-7; every contribution's transcript and the pairings
``e(g1_s, g2_spx) = e(g1_sx, g2_sp)``, ``e(deltaBefore, g2_spx) = e(deltaAfter, g2_sp)``;
``delta_1`` = the last deltaAfter and ``e(G1, delta_2) = e(delta_1, G2)``; and, with random
128-bit weights w, ``e(sum w_i L0_i, delta_2) = e(sum w_i L_i, delta0_2)`` and the same for H.

The secret x lives only in local variables: nothing is written but the new key.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import secrets
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import _native
from ..bn254.curve import G1_GEN, G2_GEN, G1Point, G2Coords, G2Point, InvalidPoint, g1_mul, g2_mul
from ..bn254.fields import R
from ..bn254.vectors import G1Vector, G2Vector, g1_to_le, g2_to_le
from ..r1cs.matrices import R1CS
from .errors import Groth16Error
from .snarkjs_rng import beacon_rng, fr_from_rng, g1_from_rng, hash_to_g2
from .zkey import _read_sections

__all__ = [
    "Contribution",
    "MpcParams",
    "CeremonyError",
    "ChainReport",
    "contribute",
    "beacon",
    "read_mpc_params",
    "verify_chain",
    "contribution_hash",
]

Progress = Callable[[str], None] | None
_R = int(R)
_G1, _G2 = 64, 128
_HEADER_FIXED = 4 + 32 + 4 + 32 + 12  # n8q, q, n8r, r, nVars, nPublic, domainSize
_NAME_MAX = 64
#: The largest beacon delay verified (2^32 SHA-256 calls: about half an hour in Python); a
#: malicious key could otherwise ask for 2^63. snarkjs allows up to 63.
MAX_BEACON_EXP = 32


class CeremonyError(Groth16Error, ValueError):
    """A zkey or contribution that is malformed or fails a ceremony check (the message says which)."""


# -- points ------------------------------------------------------------------------------------


def _g1_lem(data: bytes, what: str) -> G1Point:
    try:
        return G1Vector.from_bytes(data, "lem", what=what)[0]
    except InvalidPoint as exc:
        raise CeremonyError(f"{what}: {exc}") from None


def _g2_lem(data: bytes, what: str) -> G2Point:
    try:
        return G2Vector.from_bytes(data, "lem", subgroup=True, what=what)[0]
    except InvalidPoint as exc:
        raise CeremonyError(f"{what}: {exc}") from None


def _u1(pt: G1Point) -> bytes:
    return G1Vector.from_points([pt]).to_bytes("be")


def _u2(pt: G2Point) -> bytes:
    return G2Vector.from_points([pt]).to_bytes("be")


def _lem1(pt: G1Point) -> bytes:
    return G1Vector.from_points([pt]).to_bytes("lem")


def _lem2(pt: G2Point) -> bytes:
    return G2Vector.from_points([pt]).to_bytes("lem")


def _same_ratio(g1s: G1Point, g1sx: G1Point, g2s: G2Point, g2sx: G2Point) -> bool:
    """snarkjs ``sameRatio``: none at infinity and e(g1s, g2sx) = e(g1sx, g2s)."""
    if g1s is None or g1sx is None or g2s is None or g2sx is None:
        return False
    return _native.pairing(g1_to_le(g1s), g2_to_le(g2sx)) == _native.pairing(g1_to_le(g1sx), g2_to_le(g2s))


# -- section 10 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One section-10 record (see the module docstring)."""

    delta_after: G1Point
    g1_s: G1Point
    g1_sx: G1Point
    g2_spx: G2Point
    transcript: bytes
    type: int = 0
    name: str | None = None
    num_iterations_exp: int | None = None
    beacon_hash: bytes | None = None

    def public(self) -> bytes:
        """``pub(c)``: what the transcript of later contributions and the contribution hash hash."""
        return _u1(self.delta_after) + _u1(self.g1_s) + _u1(self.g1_sx) + _u2(self.g2_spx) + self.transcript

    @property
    def hash(self) -> bytes:
        return contribution_hash(self)

    def encode(self) -> bytes:
        params = b""
        if self.name:
            name = self.name.encode("utf-8")
            params += bytes([1, len(name)]) + name
        if self.type == 1:
            if self.num_iterations_exp is None or self.beacon_hash is None:
                raise CeremonyError("a beacon contribution needs its hash and iteration exponent")
            params += bytes([2, self.num_iterations_exp, 3, len(self.beacon_hash)]) + self.beacon_hash
        return (
            _lem1(self.delta_after)
            + _lem1(self.g1_s)
            + _lem1(self.g1_sx)
            + _lem2(self.g2_spx)
            + self.transcript
            + struct.pack("<II", self.type, len(params))
            + params
        )


def contribution_hash(c: Contribution) -> bytes:
    """BLAKE2b-512 of ``pub(c)`` (what snarkjs prints as the contribution hash)."""
    return hashlib.blake2b(c.public(), digest_size=64).digest()


@dataclass(frozen=True)
class MpcParams:
    """Section 10: the circuit hash and the contributions, oldest first."""

    cs_hash: bytes
    contributions: tuple[Contribution, ...]

    def encode(self) -> bytes:
        return (
            self.cs_hash + struct.pack("<I", len(self.contributions)) + b"".join(c.encode() for c in self.contributions)
        )


def read_mpc_params(sec: bytes | memoryview) -> MpcParams:
    """Parse section 10 strictly (known parameters, in order, lengths exact; points checked)."""
    sec = bytes(sec)
    if len(sec) < 68:
        raise CeremonyError("zkey section 10 is truncated")
    cs_hash = sec[:64]
    (n,) = struct.unpack_from("<I", sec, 64)
    pos = 68
    out: list[Contribution] = []
    fixed = 3 * _G1 + _G2 + 64 + 8
    for i in range(n):
        what = f"contribution #{i + 1}"
        if pos + fixed > len(sec):
            raise CeremonyError(f"zkey section 10 is truncated in {what}")
        pts = [
            _g1_lem(sec[pos + k * _G1 : pos + (k + 1) * _G1], f"{what} {name}")
            for k, name in enumerate(("deltaAfter", "g1_s", "g1_sx"))
        ]
        p = pos + 3 * _G1
        g2_spx = _g2_lem(sec[p : p + _G2], f"{what} g2_spx")
        p += _G2
        transcript = sec[p : p + 64]
        ctype, plen = struct.unpack_from("<II", sec, p + 64)
        p += 72
        if ctype not in (0, 1):
            raise CeremonyError(f"{what} has unknown type {ctype}")
        if p + plen > len(sec):
            raise CeremonyError(f"{what}: parameters run past section 10")
        end = p + plen
        name: str | None = None
        exp: int | None = None
        bhash: bytes | None = None
        last = 0
        while p < end:
            pid = sec[p]
            if pid <= last or pid > 3:
                raise CeremonyError(f"{what}: parameters unknown or out of order")
            last = pid
            if pid == 2:
                if p + 2 > end:
                    raise CeremonyError(f"{what}: truncated parameter")
                exp = sec[p + 1]
                p += 2
                continue
            if p + 2 > end or p + 2 + sec[p + 1] > end:
                raise CeremonyError(f"{what}: truncated parameter")
            data = sec[p + 2 : p + 2 + sec[p + 1]]
            p += 2 + sec[p + 1]
            if pid == 1:
                try:
                    name = data.decode("utf-8")
                except UnicodeDecodeError:
                    raise CeremonyError(f"{what}: name is not UTF-8") from None
            else:
                bhash = data
        if ctype == 1:
            if exp is None or not bhash:
                raise CeremonyError(f"{what}: a beacon without its hash or iteration exponent")
            if not 10 <= exp <= 63:
                raise CeremonyError(f"{what}: beacon iteration exponent {exp} outside [10, 63]")
        out.append(
            Contribution(
                pts[0],
                pts[1],
                pts[2],
                g2_spx,
                transcript,
                ctype,
                name,
                exp if ctype == 1 else None,
                bhash if ctype == 1 else None,
            )
        )
        pos = end
    if pos != len(sec):
        raise CeremonyError("trailing bytes in zkey section 10")
    return MpcParams(cs_hash, tuple(out))


# -- the zkey as sections ----------------------------------------------------------------------


class _Zkey:
    """A memory-mapped zkey: sections by id, header fields, section 10 parsed."""

    header: bytes
    n_vars: int
    n_public: int
    domain_size: int
    delta_1: tuple[int, int]
    delta_2: G2Coords
    mpc: MpcParams

    def __init__(self, path: str | os.PathLike[str]) -> None:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                raise CeremonyError(f"{path}: not a zkey file (empty)")
            self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self._view = memoryview(self._mm)
        self.sections: dict[int, memoryview] = {}
        try:
            self._load(path)
        except BaseException:
            self.close()
            raise

    def _load(self, path: str | os.PathLike[str]) -> None:
        try:
            s = _read_sections(self._view)
        except ValueError as exc:
            raise CeremonyError(f"{path}: {exc}") from None
        self.sections = s
        if bytes(s[1]) != struct.pack("<I", 1):
            raise CeremonyError(f"{path}: not a Groth16 zkey")
        h = bytes(s[2])
        if len(h) != _HEADER_FIXED + 3 * _G1 + 3 * _G2:
            raise CeremonyError(f"{path}: zkey header has the wrong length (not BN254?)")
        self.header = h
        self.n_vars, self.n_public, self.domain_size = struct.unpack_from("<III", h, _HEADER_FIXED - 12)
        o = _HEADER_FIXED + 2 * _G1 + 2 * _G2
        delta_1 = _g1_lem(h[o : o + _G1], "delta_1")
        delta_2 = _g2_lem(h[o + _G1 : o + _G1 + _G2], "delta_2")
        if delta_1 is None or delta_2 is None:
            raise CeremonyError(f"{path}: delta is the point at infinity")
        self.delta_1, self.delta_2 = delta_1, delta_2
        self.mpc = read_mpc_params(s[10])
        if len(s[8]) != _G1 * (self.n_vars - self.n_public - 1):
            raise CeremonyError(f"{path}: the L section has the wrong size")
        if len(s[9]) != _G1 * self.domain_size:
            raise CeremonyError(f"{path}: the H section has the wrong size")

    def close(self) -> None:
        for v in self.sections.values():
            v.release()
        self.sections = {}
        self._view.release()
        try:
            self._mm.close()
        except BufferError:
            pass

    def __enter__(self) -> _Zkey:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def points(self, sid: int, what: str) -> G1Vector:
        try:
            return G1Vector.from_bytes(bytes(self.sections[sid]), "lem", what=what)
        except InvalidPoint as exc:
            raise CeremonyError(f"zkey {what}: {exc}") from None


def _transcript_hasher(mpc: MpcParams) -> hashlib.blake2b:
    h = hashlib.blake2b(digest_size=64)
    h.update(mpc.cs_hash)
    for c in mpc.contributions:
        h.update(c.public())
    return h


# -- making a contribution ---------------------------------------------------------------------


def _apply(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    x: int,
    g1_s: G1Point,
    name: str | None,
    beacon_params: tuple[bytes, int] | None,
    progress: Progress,
) -> Contribution:
    if name is not None and len(name.encode("utf-16-le")) // 2 > _NAME_MAX:
        raise CeremonyError(f"the contribution name is longer than {_NAME_MAX} characters")
    with _Zkey(src) as z:
        g1_sx = g1_mul(g1_s, x)
        h = _transcript_hasher(z.mpc)
        h.update(_u1(g1_s) + _u1(g1_sx))
        transcript = h.digest()
        g2_sp = hash_to_g2(transcript)
        g2_spx = g2_mul(g2_sp, x)
        delta_1 = g1_mul(z.delta_1, x)
        delta_2 = g2_mul(z.delta_2, x)
        c = Contribution(
            delta_1,
            g1_s,
            g1_sx,
            g2_spx,
            transcript,
            0 if beacon_params is None else 1,
            name or None,
            None if beacon_params is None else beacon_params[1],
            None if beacon_params is None else beacon_params[0],
        )
        mpc = MpcParams(z.mpc.cs_hash, z.mpc.contributions + (c,))
        inv = pow(x, -1, _R).to_bytes(32, "little")
        o = _HEADER_FIXED + 2 * _G1 + 2 * _G2
        header = z.header[:o] + _lem1(delta_1) + _lem2(delta_2)
        dst = Path(dst)
        tmp = dst.with_name(dst.name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(b"zkey" + struct.pack("<II", 1, 10))

            def section(sid: int, data: bytes | memoryview) -> None:
                f.write(struct.pack("<IQ", sid, len(data)))
                f.write(data)

            section(1, bytes(z.sections[1]))
            section(2, header)
            for sid in (3, 4, 5, 6, 7):
                section(sid, z.sections[sid])
            for sid, label in ((8, "L"), (9, "H")):
                if progress:
                    progress(f"contribute: {label} query times 1/x ({len(z.sections[sid]) // _G1} G1 points)")
                pts = z.points(sid, label)
                section(sid, G1Vector(_native.g1_scale(pts.native, inv)).to_bytes("lem"))
            section(10, mpc.encode())
        os.replace(tmp, dst)
    return c


def contribute(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    *,
    entropy: str = "",
    name: str | None = None,
    progress: Progress = None,
) -> Contribution:
    """Add a contribution with a fresh secret (OS randomness, mixed with ``entropy``) to the
    zkey ``src``, writing ``dst``. Returns the record (its ``hash`` is the contribution hash)."""
    seed = hashlib.blake2b(secrets.token_bytes(64) + entropy.encode("utf-8"), digest_size=64).digest()

    # x (the new delta factor) and k (the proof of knowledge's G1 point) in [1, r): never written
    # anywhere; they live in this frame until it returns
    x, k = (
        1 + int.from_bytes(hashlib.blake2b(label + seed, digest_size=64).digest(), "big") % (_R - 1)
        for label in (b"x", b"g1_s")
    )
    return _apply(src, dst, x, g1_mul(G1_GEN, k), name, None, progress)


def beacon(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    beacon_hash: bytes,
    num_iterations_exp: int,
    *,
    name: str | None = None,
    progress: Progress = None,
) -> Contribution:
    """Add snarkjs's beacon contribution (public randomness: anyone can recompute x)."""
    if not 0 < len(beacon_hash) < 256:
        raise CeremonyError("the beacon hash must be 1 to 255 bytes")
    if progress:
        progress(f"beacon: 2^{num_iterations_exp} SHA-256 iterations")
    rng = beacon_rng(beacon_hash, num_iterations_exp)
    x = fr_from_rng(rng)
    g1_s = g1_from_rng(rng)
    return _apply(src, dst, x, g1_s, name, (bytes(beacon_hash), num_iterations_exp), progress)


# -- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    """What a verified key is: its circuit hash and its contributions (oldest first)."""

    cs_hash: bytes
    contributions: tuple[Contribution, ...]


def _check_contributions(mpc: MpcParams, delta_1: G1Point, progress: Progress) -> None:
    h = hashlib.blake2b(digest_size=64)
    h.update(mpc.cs_hash)
    cur: G1Point = G1_GEN
    for i, c in enumerate(mpc.contributions):
        what = f"contribution #{i + 1}" + (f" ({c.name})" if c.name else "")
        if progress:
            progress(f"verify: {what}")
        t = h.copy()
        t.update(_u1(c.g1_s) + _u1(c.g1_sx))
        if t.digest() != c.transcript:
            raise CeremonyError(f"{what}: inconsistent transcript")
        g2_sp = hash_to_g2(c.transcript)
        if not _same_ratio(c.g1_s, c.g1_sx, g2_sp, c.g2_spx):
            raise CeremonyError(f"{what}: the proof of knowledge is wrong (g1 and g2 keys differ in ratio)")
        if not _same_ratio(cur, c.delta_after, g2_sp, c.g2_spx):
            raise CeremonyError(f"{what}: deltaAfter does not follow from the previous delta and the key")
        if c.type == 1:
            exp, bhash = c.num_iterations_exp, c.beacon_hash
            if exp is None or bhash is None:
                raise CeremonyError(f"{what}: a beacon without its hash or iteration exponent")
            if exp > MAX_BEACON_EXP:
                raise CeremonyError(
                    f"{what}: a beacon of 2^{exp} hash iterations is "
                    f"more than this verifier recomputes (2^{MAX_BEACON_EXP})"
                )
            if progress:
                progress(f"verify: recomputing the beacon (2^{exp} SHA-256)")
            rng = beacon_rng(bhash, exp)
            x = fr_from_rng(rng)
            g1_s = g1_from_rng(rng)
            if g1_s != c.g1_s or g1_mul(g1_s, x) != c.g1_sx:
                raise CeremonyError(f"{what}: the beacon's key does not match its hash")
        h.update(c.public())
        cur = c.delta_after
    if delta_1 != cur:
        raise CeremonyError("delta_1 is not the last contribution's deltaAfter")


def _weights(n: int) -> bytes:
    return b"".join(secrets.randbits(128).to_bytes(32, "little") for _ in range(n))


def _ratio_section(z: _Zkey, z0: _Zkey, sid: int, label: str) -> None:
    pts, pts0 = z.points(sid, label), z0.points(sid, label)
    if len(pts) == 0:
        return
    w = _weights(len(pts))
    r1, r2 = pts0.msm(w), pts.msm(w)
    if r1 is None and r2 is None:
        return
    if not _same_ratio(r1, r2, z.delta_2, z0.delta_2):
        raise CeremonyError(f"the {label} section is not the initial one divided by delta")


def verify_chain(
    zkey_path: str | os.PathLike[str], r1cs: R1CS, ptau_path: str | os.PathLike[str], *, progress: Progress = None
) -> ChainReport:
    """Check ``zkey_path`` against the circuit ``r1cs`` and the ptau (module docstring). Raises
    :class:`CeremonyError` naming the first failed check; returns the report otherwise."""
    from .ptau_setup import setup_from_ptau

    with tempfile.TemporaryDirectory(prefix="zkey-verify-") as tmp:
        init = Path(tmp) / "init.zkey"
        if progress:
            progress("verify: the initial key from the ptau and the circuit")
        setup_from_ptau(r1cs, ptau_path, init, progress=progress)
        with _Zkey(zkey_path) as z, _Zkey(init) as z0:
            return _verify_against(z, z0, progress)


def _verify_against(z: _Zkey, z0: _Zkey, progress: Progress) -> ChainReport:
    if (z.n_vars, z.n_public, z.domain_size) != (z0.n_vars, z0.n_public, z0.domain_size):
        raise CeremonyError("the key is for another circuit (wire, input or domain counts differ)")
    if z.mpc.cs_hash != z0.mpc.cs_hash:
        raise CeremonyError("the key is for another circuit or ptau (circuit hash differs)")
    o = _HEADER_FIXED + 2 * _G1 + 2 * _G2
    if z.header[:o] != z0.header[:o]:
        raise CeremonyError("alpha, beta or gamma differ from the ptau's (or the field header differs)")
    _check_contributions(z.mpc, z.delta_1, progress)
    if not _same_ratio(G1_GEN, z.delta_1, G2_GEN, z.delta_2):
        raise CeremonyError("delta_2 does not match delta_1")
    for sid, label in ((3, "IC"), (4, "coefficient"), (5, "A"), (6, "B1"), (7, "B2")):
        if z.sections[sid] != z0.sections[sid]:
            raise CeremonyError(f"the {label} section differs from the circuit's")
    if progress:
        progress("verify: L and H sections (random linear combinations)")
    _ratio_section(z, z0, 8, "L")
    _ratio_section(z, z0, 9, "H")
    return ChainReport(z.mpc.cs_hash, z.mpc.contributions)


def read_chain(zkey_path: str | os.PathLike[str]) -> ChainReport:
    """Section 10 of a zkey, parsed but NOT verified (for inspection)."""
    with _Zkey(zkey_path) as z:
        return ChainReport(z.mpc.cs_hash, z.mpc.contributions)


def check_circuit(zkey_path: str | os.PathLike[str], r1cs: R1CS) -> None:
    """Refuse a zkey that is not for ``r1cs``: its wire, public-input and domain counts, and its
    section 4 (the A and B matrices, with the input-consistency rows) recomputed from ``r1cs``.
    (The C matrix is not in a zkey: only :func:`verify_chain` checks the IC and L queries.)"""
    from .ptau_setup import circuit_domain_log
    from .zkey import _coefficient_chunks

    with _Zkey(zkey_path) as z:
        expected = (r1cs.num_variables, r1cs.num_public, 1 << circuit_domain_log(r1cs))
        got = (z.n_vars, z.n_public, z.domain_size)
        if got != expected:
            raise CeremonyError(
                f"the zkey is for another circuit: (wires, public inputs, domain) = {got}, this circuit has {expected}"
            )
        sec = z.sections[4]
        pos, count = 4, 0
        for k, data in _coefficient_chunks(r1cs):
            if sec[pos : pos + len(data)] != data:
                raise CeremonyError("the zkey is for another circuit: its A/B coefficients differ from this circuit's")
            pos += len(data)
            count += k
        if pos != len(sec) or bytes(sec[:4]) != struct.pack("<I", count):
            raise CeremonyError("the zkey is for another circuit: its coefficient section has another length")
