"""The Groth16 key of an R1CS from a phase-2-prepared powers-of-tau file, as ``snarkjs groth16
setup`` (``zkey new``) makes it: the initial key of a phase-2 ceremony (0 contributions).

With ``L_i`` the Lagrange basis of the n-th roots of unity (n = 2^(bitlen(m + l)), m rows, l
public inputs), rows ``m + k`` (k <= l) the input-consistency rows ``A[m+k][k] = 1``, and the
ptau's ``[L_i(tau)]``, ``[alpha L_i(tau)]_1``, ``[beta L_i(tau)]_1`` (:mod:`.ptau`):

    alpha_1, beta_1, beta_2 from the ptau;  gamma_2 = G2, delta_1 = G1, delta_2 = G2 (gamma = delta = 1)
    A_k  = sum_i A[i][k] [L_i]_1      B1_k = sum_i B[i][k] [L_i]_1      B2_k = sum_i B[i][k] [L_i]_2
    IC_k (k <= l), L_k (k > l) = sum_i A[i][k] [beta L_i]_1 + B[i][k] [alpha L_i]_1 + C[i][k] [L_i]_1
    H_j  = [L^{(2n)}_{2j+1}(tau)]_1   (the odd entries of the 2n-th Lagrange block; delta = 1)

The file is byte-identical to snarkjs's: sections in snarkjs's order (1, 2, 4, 3, 9, 8, 5, 6, 7,
10), section 4 in the order of the ``.r1cs`` terms that :func:`schemes.r1cs.iden3.write_r1cs`
writes. Section 10 holds the circuit hash ("csHash") and 0 contributions: BLAKE2b-512 over,
points uncompressed (big-endian x || y; G2 ``x.c1 x.c0 y.c1 y.c0``; infinity = zeros) and
counts as u32 big-endian:

    alpha_1 beta_1 beta_2 gamma_2 delta_1 delta_2,  (l+1) IC,  (n-1) Hpow,  (#L) L,  (#A) A,  (#A) B1,  (#A) B2

where ``Hpow_i = [tau^(i+n) - tau^i]_1`` from the ptau's section 2 (snarkjs hashes these, not H;
for n > 2^14 it hashes n of them, in chunks of 2^14, although the count says n - 1).
The linear combinations run in the native engine (:func:`schemes._native.g1_lincombs`).
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from .. import _native
from ..bn254.curve import G1_GEN, G2_GEN
from ..bn254.fields import R
from ..bn254.vectors import G1Vector, G2Vector, native_call
from ..r1cs.matrices import R1CS
from .data_structures import ProvingKey, VerifyingKey
from .ptau import PtauError, open_ptau
from .zkey import _SectionWriter

__all__ = ["setup_from_ptau", "circuit_domain_log", "H_HASH_CHUNK"]

Progress = Callable[[str], None] | None
_R = int(R)
_ONE = (1).to_bytes(32, "little")
_MINUS_ONE = (_R - 1).to_bytes(32, "little")
H_HASH_CHUNK = 1 << 14
_Points = TypeVar("_Points", _native.G1Points, _native.G2Points)


def circuit_domain_log(r1cs: R1CS) -> int:
    """snarkjs's ``cirPower``: ``floor(log2(m + l)) + 1`` (the m + l + 1 rows fit in 2^cirPower)."""
    return max(1, (r1cs.num_constraints + r1cs.num_public).bit_length())


def _u32be(n: int) -> bytes:
    return struct.pack(">I", n)


class _Combos:
    """Terms ``(output, base index, coefficient)`` gathered, then one native call as a CSR."""

    def __init__(self, outputs: int) -> None:
        self.outputs = outputs
        self.out: list[int] = []
        self.base: list[int] = []
        self.coef: list[int] = []

    def add(self, output: int, base: int, coef: int) -> None:
        self.out.append(output)
        self.base.append(base)
        self.coef.append(coef)

    def run(self, fn: Callable[[_Points, bytes, bytes, bytes], _Points], bases: _Points) -> _Points:
        out = np.asarray(self.out, dtype=np.int64)
        order = np.argsort(out, kind="stable")
        counts = np.bincount(out, minlength=self.outputs) if len(out) else np.zeros(self.outputs, np.int64)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype("<u4")
        idx = np.asarray(self.base, dtype="<u4")[order]
        coefs = (
            np.frombuffer(b"".join(int(c).to_bytes(32, "little") for c in self.coef), dtype=np.uint8).reshape(-1, 32)[
                order
            ]
            if self.coef
            else np.zeros((0, 32), np.uint8)
        )
        return native_call(fn, bases, indptr.tobytes(), idx.tobytes(), coefs.tobytes())


def _hpow_hash_count(n: int) -> int:
    """How many ``[tau^(i+n) - tau^i]_1`` snarkjs hashes (its chunking quirk)."""
    if n - 1 <= H_HASH_CHUNK:
        return n - 1
    return -(-(n - 1) // H_HASH_CHUNK) * H_HASH_CHUNK


def setup_from_ptau(
    r1cs: R1CS, ptau_path: str | os.PathLike[str], zkey_path: str | os.PathLike[str], *, progress: Progress = None
) -> tuple[ProvingKey, bytes]:
    """Write the initial phase-2 ``.zkey`` of ``r1cs`` from a prepared ptau to ``zkey_path``;
    return the key and the 64-byte circuit hash. Raises :class:`.ptau.PtauError` for a bad or too
    small ptau, OSError for unreadable or unwritable files."""
    log_n = circuit_domain_log(r1cs)
    n = 1 << log_n
    m, l, nv = r1cs.num_constraints, r1cs.num_public, r1cs.num_variables
    with open_ptau(ptau_path) as pt:
        pt.require_domain(log_n)
        count_h = _hpow_hash_count(n)
        if count_h + n > 2 * (1 << pt.power) - 1:
            raise PtauError(
                f"snarkjs's circuit hash for a 2^{log_n} domain reads past the ptau's "
                f"tau powers; use a ptau of power >= {log_n + 1}"
            )
        if progress:
            progress(
                f"ptau setup: {m} constraints, {nv} wires, {l} public inputs, domain 2^{log_n}, ptau power {pt.power}"
            )
        alpha_raw, beta1_raw, beta2_raw = pt.alpha_g1_raw(), pt.beta_g1_raw(), pt.beta_g2_raw()
        header_pts = (
            G1Vector.from_bytes(alpha_raw + beta1_raw, "lem", what="ptau alpha/beta"),
            G2Vector.from_bytes(beta2_raw, "lem", what="ptau beta_2"),
        )
        if header_pts[0][0] is None or header_pts[0][1] is None or header_pts[1][0] is None:
            raise PtauError("ptau alpha or beta is the point at infinity")
        lag1 = pt.lagrange_g1(n)
        lag2 = pt.lagrange_g2(n)
        tri = G1Vector.from_bytes(
            lag1.to_bytes("lem") + pt.lagrange_alpha_g1(n).to_bytes("lem") + pt.lagrange_beta_g1(n).to_bytes("lem"),
            "lem",
        )
        h_raw = pt.h_raw(n)
        if progress:
            progress(f"ptau setup: tau-power differences for the circuit hash ({count_h})")
        hp = _Combos(count_h)
        for i in range(count_h):
            hp.add(i, i + n, 1)
            hp.add(i, i, _R - 1)
        hpow = hp.run(_native.g1_lincombs, pt.tau_g1(0, count_h + n).native)

    if progress:
        progress("ptau setup: gathering the matrix columns")
    a, b1, lic = _Combos(nv), _Combos(nv), _Combos(nv)
    for row, (ra, rb, rc) in enumerate(r1cs.iter_rows()):
        for wire, c in ra:
            a.add(wire, row, c)
            lic.add(wire, 2 * n + row, c)  # beta L_row
        for wire, c in rb:
            b1.add(wire, row, c)
            lic.add(wire, n + row, c)  # alpha L_row
        for wire, c in rc:
            lic.add(wire, row, c)  # L_row
    for k in range(l + 1):
        a.add(k, m + k, 1)
        lic.add(k, 2 * n + m + k, 1)
    if progress:
        progress(f"ptau setup: A, B1, B2, IC and L points ({nv} wires)")
    a_q = G1Vector(a.run(_native.g1_lincombs, lag1.native))
    b1_q = G1Vector(b1.run(_native.g1_lincombs, lag1.native))
    b2_q = G2Vector(b1.run(_native.g2_lincombs, lag2.native))
    all_l = lic.run(_native.g1_lincombs, tri.native)  # nv rows: IC (wires 0..l), then L
    ic = G1Vector(all_l.slice(0, l + 1))
    l_q = G1Vector(all_l.slice(l + 1, len(all_l)))

    g1_lem = G1Vector.from_points([G1_GEN]).to_bytes("lem")
    g2_lem = G2Vector.from_points([G2_GEN]).to_bytes("lem")
    cs = hashlib.blake2b(digest_size=64)
    cs.update(header_pts[0].to_bytes("be") + header_pts[1].to_bytes("be"))
    cs.update(
        G2Vector.from_points([G2_GEN]).to_bytes("be")
        + G1Vector.from_points([G1_GEN]).to_bytes("be")
        + G2Vector.from_points([G2_GEN]).to_bytes("be")
    )
    cs.update(_u32be(l + 1) + ic.to_bytes("be"))
    cs.update(_u32be(n - 1) + G1Vector(hpow).to_bytes("be"))
    cs.update(_u32be(nv - l - 1) + l_q.to_bytes("be"))
    cs.update(_u32be(nv) + a_q.to_bytes("be"))
    cs.update(_u32be(nv) + b1_q.to_bytes("be"))
    cs.update(_u32be(nv) + b2_q.to_bytes("be"))
    cs_hash = cs.digest()

    if progress:
        progress(f"ptau setup: writing {os.fspath(zkey_path)}")
    with open(zkey_path, "w+b") as f:
        w = _SectionWriter(f, 10)
        w.begin(1)
        w.write(struct.pack("<I", 1))
        w.end()
        w.begin(2)
        w.write(struct.pack("<I", 32) + _R_Q_bytes() + struct.pack("<III", nv, l, n))
        w.write(alpha_raw + beta1_raw + beta2_raw + g2_lem + g1_lem + g2_lem)
        w.end()
        w.coefficients_section(r1cs)
        for sid, data in (
            (3, ic.to_bytes("lem")),
            (9, h_raw),
            (8, l_q.to_bytes("lem")),
            (5, a_q.to_bytes("lem")),
            (6, b1_q.to_bytes("lem")),
            (7, b2_q.to_bytes("lem")),
        ):
            w.begin(sid)
            w.write(data)
            w.end()
        w.begin(10)
        w.write(cs_hash + struct.pack("<I", 0))
        w.end()

    vk = VerifyingKey(
        alpha_g1=header_pts[0][0], beta_g2=header_pts[1][0], gamma_g2=G2_GEN, delta_g2=G2_GEN, ic=tuple(ic)
    )
    pk = ProvingKey(
        vk=vk,
        beta_g1=header_pts[0][1],
        delta_g1=G1_GEN,
        a_query=a_q,
        b_g1_query=b1_q,
        b_g2_query=b2_q,
        l_query=l_q,
        h_query=G1Vector.from_bytes(h_raw, "lem", what="H"),
        num_constraints=m,
        r1cs_digest=r1cs.digest(),
    )
    if progress:
        progress("ptau setup: done (circuit hash " + cs_hash.hex()[:16] + "...)")
    return pk, cs_hash


def _R_Q_bytes() -> bytes:
    """q (32 bytes), u32 n8r, r (32 bytes): the field part of the zkey header after ``u32 n8q``."""
    from ..bn254.fields import P

    return int(P).to_bytes(32, "little") + struct.pack("<I", 32) + _R.to_bytes(32, "little")
