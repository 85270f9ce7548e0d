//! Byte encodings of field elements and points, with the checks every decoder makes.
//!
//! Three layouts (the `Layout` enum), all with 32-byte coordinates:
//! - `Le`:  little-endian standard form; G2 as x.c0, x.c1, y.c0, y.c1 (the Python <-> native exchange);
//! - `Be`:  big-endian standard form; G2 as x.c1, x.c0, y.c1, y.c0 (EIP-197, our key files);
//! - `Lem`: little-endian Montgomery form; G2 as x.c0, x.c1, y.c0, y.c1 (snarkjs `.zkey`).
//!
//! The point at infinity is all zero bytes in every layout ((0, 0) is on neither curve).
//! Decoding refuses a coordinate >= p (a scalar >= r), a point off its curve and, when asked, a
//! G2 point outside the order-r subgroup. G1 has cofactor 1, so on the curve means in G1.

use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, BigInteger, PrimeField, Zero};

use crate::errors::{Error, Result};

pub const FIELD_BYTES: usize = 32;
pub const G1_BYTES: usize = 64;
pub const G2_BYTES: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Le,
    Be,
    Lem,
}

impl Layout {
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "le" => Ok(Layout::Le),
            "be" => Ok(Layout::Be),
            "lem" => Ok(Layout::Lem),
            _ => Err(Error::Value(format!("unknown point layout {name:?} (expected 'le', 'be' or 'lem')"))),
        }
    }
}

fn limbs_le(bytes: &[u8]) -> BigInt<4> {
    let mut limbs = [0u64; 4];
    for (i, limb) in limbs.iter_mut().enumerate() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[8 * i..8 * i + 8]);
        *limb = u64::from_le_bytes(w);
    }
    BigInt::new(limbs)
}

fn bigint_from(bytes: &[u8], layout: Layout) -> BigInt<4> {
    match layout {
        Layout::Be => {
            let mut le = [0u8; 32];
            for (d, s) in le.iter_mut().zip(bytes.iter().rev()) {
                *d = *s;
            }
            limbs_le(&le)
        }
        Layout::Le | Layout::Lem => limbs_le(bytes),
    }
}

/// A base-field coordinate; `None` when it is not canonical (>= p).
fn fq_from(bytes: &[u8], layout: Layout) -> Option<Fq> {
    let b = bigint_from(bytes, layout);
    if b >= Fq::MODULUS {
        return None;
    }
    Some(match layout {
        Layout::Lem => Fq::new_unchecked(b), // the bytes are already x * 2^256 mod p
        _ => Fq::from_bigint(b)?,
    })
}

fn fq_to(x: &Fq, layout: Layout, out: &mut Vec<u8>) {
    match layout {
        Layout::Le => out.extend_from_slice(&x.into_bigint().to_bytes_le()),
        Layout::Be => out.extend_from_slice(&x.into_bigint().to_bytes_be()),
        Layout::Lem => out.extend_from_slice(&x.0.to_bytes_le()),
    }
}

/// A scalar in [0, r) from 32 little-endian bytes.
pub fn fr_from_le(bytes: &[u8]) -> Option<Fr> {
    Fr::from_bigint(limbs_le(bytes))
}

pub fn fr_to_le(x: &Fr, out: &mut Vec<u8>) {
    out.extend_from_slice(&x.into_bigint().to_bytes_le());
}

/// Scalars from concatenated 32-byte little-endian words; `what` names them in errors.
pub fn scalars_from_le(data: &[u8], what: &str) -> Result<Vec<Fr>> {
    if data.len() % FIELD_BYTES != 0 {
        return Err(Error::Decode(format!("{what}: {} bytes is not a whole number of 32-byte scalars", data.len())));
    }
    data.chunks_exact(FIELD_BYTES)
        .enumerate()
        .map(|(i, c)| fr_from_le(c).ok_or_else(|| Error::Decode(format!("{what}[{i}] is not a canonical scalar (must be below r)"))))
        .collect()
}

pub fn scalars_to_le(xs: &[Fr]) -> Vec<u8> {
    let mut out = Vec::with_capacity(xs.len() * FIELD_BYTES);
    for x in xs {
        fr_to_le(x, &mut out);
    }
    out
}

/// What a decoder refuses, as a sentence about the point named `what`.
#[derive(Debug)]
pub enum PointFault {
    NotCanonical,
    OffCurve,
    NotInSubgroup,
}

impl PointFault {
    pub fn describe(&self, what: &str, g2: bool) -> String {
        match (self, g2) {
            (PointFault::NotCanonical, _) => format!("{what} has a coordinate that is not canonical (must be in [0, P))"),
            (PointFault::OffCurve, false) => format!("{what} is not on the curve y^2 = x^3 + 3"),
            (PointFault::OffCurve, true) => format!("{what} is not on the twist y^2 = x^3 + 3/(9+i)"),
            (PointFault::NotInSubgroup, _) => format!("{what} is on the twist but not in the order-R subgroup"),
        }
    }
}

pub fn g1_decode(bytes: &[u8], layout: Layout) -> std::result::Result<G1Affine, PointFault> {
    if bytes.iter().all(|b| *b == 0) {
        return Ok(G1Affine::zero());
    }
    let x = fq_from(&bytes[..32], layout).ok_or(PointFault::NotCanonical)?;
    let y = fq_from(&bytes[32..], layout).ok_or(PointFault::NotCanonical)?;
    let p = G1Affine::new_unchecked(x, y);
    if !p.is_on_curve() {
        return Err(PointFault::OffCurve);
    }
    Ok(p)
}

pub fn g2_decode(bytes: &[u8], layout: Layout, subgroup: bool) -> std::result::Result<G2Affine, PointFault> {
    if bytes.iter().all(|b| *b == 0) {
        return Ok(G2Affine::zero());
    }
    let mut c = [Fq::zero(); 4];
    for (i, slot) in c.iter_mut().enumerate() {
        *slot = fq_from(&bytes[32 * i..32 * i + 32], layout).ok_or(PointFault::NotCanonical)?;
    }
    let (x, y) = match layout {
        Layout::Be => (Fq2::new(c[1], c[0]), Fq2::new(c[3], c[2])),
        _ => (Fq2::new(c[0], c[1]), Fq2::new(c[2], c[3])),
    };
    let p = G2Affine::new_unchecked(x, y);
    if !p.is_on_curve() {
        return Err(PointFault::OffCurve);
    }
    if subgroup && !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(PointFault::NotInSubgroup);
    }
    Ok(p)
}

pub fn g1_encode(p: &G1Affine, layout: Layout, out: &mut Vec<u8>) {
    match p.xy() {
        None => out.extend_from_slice(&[0u8; G1_BYTES]),
        Some((x, y)) => {
            fq_to(&x, layout, out);
            fq_to(&y, layout, out);
        }
    }
}

pub fn g2_encode(p: &G2Affine, layout: Layout, out: &mut Vec<u8>) {
    match p.xy() {
        None => out.extend_from_slice(&[0u8; G2_BYTES]),
        Some((x, y)) => {
            let order = match layout {
                Layout::Be => [x.c1, x.c0, y.c1, y.c0],
                _ => [x.c0, x.c1, y.c0, y.c1],
            };
            for c in order.iter() {
                fq_to(c, layout, out);
            }
        }
    }
}

/// One G1 point; `what` names it in the error.
pub fn g1_one(bytes: &[u8], layout: Layout, what: &str) -> Result<G1Affine> {
    if bytes.len() != G1_BYTES {
        return Err(Error::Decode(format!("{what} must be {G1_BYTES} bytes, got {}", bytes.len())));
    }
    g1_decode(bytes, layout).map_err(|f| Error::Decode(f.describe(what, false)))
}

/// One G2 point, always checked for the subgroup; `what` names it in the error.
pub fn g2_one(bytes: &[u8], layout: Layout, what: &str) -> Result<G2Affine> {
    if bytes.len() != G2_BYTES {
        return Err(Error::Decode(format!("{what} must be {G2_BYTES} bytes, got {}", bytes.len())));
    }
    g2_decode(bytes, layout, true).map_err(|f| Error::Decode(f.describe(what, true)))
}
