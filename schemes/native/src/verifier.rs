//! The Groth16 verifier with a prepared key, batch verification, and the pairing itself.
//!
//! A proof (A, B, C) for public inputs x_1..x_l is accepted iff
//!     e(A, B) * e(S, -gamma_2) * e(C, -delta_2) == e(alpha_1, beta_2),  S = ic[0] + sum x_i ic[i],
//! checked with one multi-Miller loop over three pairs and one final exponentiation; the key
//! caches e(alpha, beta) and the line coefficients of -gamma and -delta.
//!
//! Batch (n proofs, independent non-zero r_i from the caller's CSPRNG): all valid iff, except
//! with probability about 2^-128 over the r_i,
//!     prod_i e(r_i A_i, B_i) * e(sum r_i S_i, -gamma) * e(sum r_i C_i, -delta) * e(-(sum r_i) alpha, beta) == 1.
//!
//! Inputs are decoded with every check before any pairing: a count of public inputs equal to
//! l, each below r; A and C on the curve, B on the twist and in the order-r subgroup; none of
//! them infinity.

use ark_bn254::{Bn254, Fq12, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{One, Zero};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::PyBytes;
use rayon::prelude::*;

use crate::codec::{self, fr_from_le, Layout, PointFault, FIELD_BYTES, G1_BYTES, G2_BYTES};
use crate::errors::{run, Error, Result};
use crate::msm::{msm, FixedBases};

type G2Prep = <Bn254 as Pairing>::G2Prepared;

/// A verifying key with what is fixed per key computed once.
#[pyclass(frozen, module = "schemes._native")]
pub struct PreparedVerifyingKey {
    alpha_g1: G1Affine,
    beta_g2: G2Prep,
    alpha_beta: PairingOutput<Bn254>,
    neg_gamma: G2Prep,
    neg_delta: G2Prep,
    ic: Vec<G1Affine>,
    /// `ic` with its window shifts precomputed, for keys with many public inputs.
    ic_fixed: Option<FixedBases<ark_bn254::g1::Config>>,
}

/// Keys with at least this many public inputs get the precomputed table (`FixedBases`).
const FIXED_MIN: usize = 1 << 10;
/// Its window width: 10 bits, 26 windows (26 times the `ic` memory: 7 MB for 4 127 inputs).
const FIXED_WINDOW: u32 = 10;

fn proof_point_g1(bytes: &[u8], name: &str) -> Result<G1Affine> {
    if bytes.len() != G1_BYTES {
        return Err(Error::Decode(format!("proof point {name} must be {G1_BYTES} bytes")));
    }
    match codec::g1_decode(bytes, Layout::Le) {
        Ok(p) if p.is_zero() => Err(Error::Decode(format!("proof point {name} is the point at infinity"))),
        Ok(p) => Ok(p),
        Err(_) => Err(Error::Decode(format!("proof point {name} is not on the curve (or not canonical)"))),
    }
}

fn proof_point_g2(bytes: &[u8], name: &str) -> Result<G2Affine> {
    if bytes.len() != G2_BYTES {
        return Err(Error::Decode(format!("proof point {name} must be {G2_BYTES} bytes")));
    }
    match codec::g2_decode(bytes, Layout::Le, true) {
        Ok(p) if p.is_zero() => Err(Error::Decode(format!("proof point {name} is the point at infinity"))),
        Ok(p) => Ok(p),
        Err(PointFault::NotInSubgroup) => Err(Error::Decode(format!("proof point {name} is not in the order-R subgroup of the twist"))),
        Err(_) => Err(Error::Decode(format!("proof point {name} is not on the twist (or not canonical)"))),
    }
}

struct Checked {
    xs: Vec<Fr>,
    a: G1Affine,
    b: G2Affine,
    c: G1Affine,
}

impl PreparedVerifyingKey {
    fn check(&self, publics: &[u8], a: &[u8], b: &[u8], c: &[u8]) -> Result<Checked> {
        let l = self.ic.len() - 1;
        if publics.len() % FIELD_BYTES != 0 || publics.len() / FIELD_BYTES != l {
            return Err(Error::Decode(format!("expected {l} public inputs, got {}", publics.len() as f64 / FIELD_BYTES as f64)));
        }
        let xs = publics
            .chunks_exact(FIELD_BYTES)
            .enumerate()
            .map(|(i, x)| fr_from_le(x).ok_or_else(|| Error::Decode(format!("public input #{i} is not a canonical scalar (must be in [0, R))"))))
            .collect::<Result<Vec<_>>>()?;
        Ok(Checked { xs, a: proof_point_g1(a, "A")?, b: proof_point_g2(b, "B")?, c: proof_point_g1(c, "C")? })
    }

    /// `sum_j scalars[j] ic[j]` (one scalar per `ic` point).
    fn ic_msm(&self, scalars: &[Fr]) -> G1Projective {
        match &self.ic_fixed {
            Some(t) => t.msm(scalars),
            None => msm(&self.ic, scalars),
        }
    }

    fn combination(&self, xs: &[Fr]) -> G1Projective {
        let mut scalars = Vec::with_capacity(xs.len() + 1);
        scalars.push(Fr::one());
        scalars.extend_from_slice(xs);
        self.ic_msm(&scalars)
    }

    fn verify_checked(&self, p: &Checked) -> bool {
        let s = self.combination(&p.xs).into_affine();
        let ml = Bn254::multi_miller_loop([p.a, s, p.c], [G2Prep::from(p.b), self.neg_gamma.clone(), self.neg_delta.clone()]);
        Bn254::final_exponentiation(ml).map(|f| f == self.alpha_beta).unwrap_or(false)
    }
}

#[pymethods]
impl PreparedVerifyingKey {
    /// Points in the 'le' layout; `ic` is l + 1 concatenated G1 points. Every point is fully
    /// checked (G2 points for the subgroup too); alpha, beta, gamma, delta must not be infinity.
    #[new]
    fn new(py: Python<'_>, alpha_g1: &[u8], beta_g2: &[u8], gamma_g2: &[u8], delta_g2: &[u8], ic: &[u8]) -> PyResult<Self> {
        run(py, move || {
            let le = Layout::Le;
            let alpha = codec::g1_one(alpha_g1, le, "alpha_g1")?;
            let beta = codec::g2_one(beta_g2, le, "beta_g2")?;
            let gamma = codec::g2_one(gamma_g2, le, "gamma_g2")?;
            let delta = codec::g2_one(delta_g2, le, "delta_g2")?;
            for (name, inf) in [("alpha_g1", alpha.is_zero()), ("beta_g2", beta.is_zero()), ("gamma_g2", gamma.is_zero()), ("delta_g2", delta.is_zero())] {
                if inf {
                    return Err(Error::Decode(format!("{name} is the point at infinity")));
                }
            }
            if ic.is_empty() || ic.len() % G1_BYTES != 0 {
                return Err(Error::Decode("ic must hold at least one 64-byte point".into()));
            }
            let ic = ic.chunks_exact(G1_BYTES).enumerate()
                .map(|(i, c)| codec::g1_one(c, le, &format!("ic[{i}]")))
                .collect::<Result<Vec<_>>>()?;
            Ok(PreparedVerifyingKey {
                alpha_g1: alpha,
                beta_g2: G2Prep::from(beta),
                alpha_beta: Bn254::pairing(alpha, beta),
                neg_gamma: G2Prep::from(-gamma),
                neg_delta: G2Prep::from(-delta),
                ic_fixed: (ic.len() > FIXED_MIN).then(|| FixedBases::new(&ic, FIXED_WINDOW)),
                ic,
            })
        })
    }

    #[getter]
    fn num_public(&self) -> usize {
        self.ic.len() - 1
    }

    /// True iff the proof is valid. Raises DecodeError (naming the input) on malformed or
    /// invalid inputs: a wrong count, a scalar >= r, a point off its curve, outside the
    /// subgroup, or at infinity.
    fn verify(&self, py: Python<'_>, public_inputs: &[u8], a: &[u8], b: &[u8], c: &[u8]) -> PyResult<bool> {
        run(py, move || {
            let p = self.check(public_inputs, a, b, c)?;
            Ok(self.verify_checked(&p))
        })
    }

    /// `ic[0] + sum x_i ic[i]` ('le' layout) for validated public inputs.
    fn public_input_combination<'py>(&self, py: Python<'py>, public_inputs: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        let out = run(py, move || {
            let xs = codec::scalars_from_le(public_inputs, "public inputs")?;
            if xs.len() != self.ic.len() - 1 {
                return Err(Error::Decode(format!("expected {} public inputs, got {}", self.ic.len() - 1, xs.len())));
            }
            let mut out = Vec::new();
            codec::g1_encode(&self.combination(&xs).into_affine(), Layout::Le, &mut out);
            Ok(out)
        })?;
        Ok(PyBytes::new(py, &out))
    }

    /// True iff every `(public_inputs, A, B, C)` item is valid, checked as one random linear
    /// combination with the caller's non-zero scalars `rs` (32 bytes each, one per item).
    /// Raises DecodeError naming the item on malformed input.
    fn verify_batch(&self, py: Python<'_>, items: Vec<(PyBackedBytes, PyBackedBytes, PyBackedBytes, PyBackedBytes)>, rs: &[u8]) -> PyResult<bool> {
        run(py, move || {
            let rs = codec::scalars_from_le(rs, "batch randomness")?;
            if rs.len() != items.len() || rs.iter().any(|r| r.is_zero()) {
                return Err(Error::Value("batch randomness must be one non-zero scalar per item".into()));
            }
            if items.is_empty() {
                return Ok(true);
            }
            let checked = items.par_iter().enumerate()
                .map(|(i, (x, a, b, c))| self.check(x, a, b, c).map_err(|e| match e {
                    Error::Decode(m) => Error::Decode(format!("item {i}: {m}")),
                    other => other,
                }))
                .collect::<Result<Vec<_>>>()?;
            let l = self.ic.len() - 1;
            let r_sum: Fr = rs.iter().sum();
            // sum_i r_i S_i = (sum r_i) ic[0] + sum_j (sum_i r_i x_ij) ic[j]
            let mut ic_scalars: Vec<Fr> = (0..l)
                .into_par_iter()
                .map(|j| rs.iter().zip(&checked).map(|(r, p)| *r * p.xs[j]).sum())
                .collect();
            ic_scalars.insert(0, r_sum);
            let s = self.ic_msm(&ic_scalars).into_affine();
            let cs: Vec<G1Affine> = checked.iter().map(|p| p.c).collect();
            let c = msm(&cs, &rs).into_affine();
            let mut g1: Vec<G1Affine> = rs.par_iter().zip(&checked).map(|(r, p)| (p.a * r).into_affine()).collect();
            let mut g2: Vec<G2Prep> = checked.iter().map(|p| G2Prep::from(p.b)).collect();
            g1.extend([s, c, (self.alpha_g1 * (-r_sum)).into_affine()]);
            g2.extend([self.neg_gamma.clone(), self.neg_delta.clone(), self.beta_g2.clone()]);
            let ml = Bn254::multi_miller_loop(g1, g2);
            Ok(Bn254::final_exponentiation(ml).map(|f| f.0.is_one()).unwrap_or(false))
        })
    }
}

/// The reduced pairing e(P, Q) as 12 base-field coefficients (32-byte little-endian each), in
/// the order c0.c0.c0, c0.c0.c1, c0.c1.c0, ..., c1.c2.c1 of Fp12 = Fp6[w]/(w^2 - v),
/// Fp6 = Fp2[v]/(v^3 - (9 + i)). P and Q in the 'le' layout, fully checked.
#[pyfunction]
pub fn pairing<'py>(py: Python<'py>, p: &[u8], q: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    let out = run(py, move || {
        let p = codec::g1_one(p, Layout::Le, "P")?;
        let q = codec::g2_one(q, Layout::Le, "Q")?;
        let f: Fq12 = Bn254::pairing(p, q).0;
        let mut out = Vec::with_capacity(12 * FIELD_BYTES);
        for c6 in [f.c0, f.c1] {
            for c2 in [c6.c0, c6.c1, c6.c2] {
                for c in [c2.c0, c2.c1] {
                    out.extend_from_slice(&ark_ff::BigInteger::to_bytes_le(&ark_ff::PrimeField::into_bigint(c)));
                }
            }
        }
        Ok(out)
    })?;
    Ok(PyBytes::new(py, &out))
}
