//! The Groth16 prover core (the computation of `snarkjs groth16 prove`).
//!
//! For an assignment w (w_0 = 1, publics w_1..w_l) and blinding r, s:
//!
//!   A  = alpha_1 + sum_k w_k a_query[k] + r delta_1
//!   B  = beta_2  + sum_k w_k b2_query[k] + s delta_2
//!   B1 = beta_1  + sum_k w_k b1_query[k] + s delta_1
//!   C  = sum_{k>l} w_k l_query[k-l-1] + sum_j p_j h_query[j] + s A + r B1 - r s delta_1
//!
//! with p_j the odd-coset values of the QAP (`qap`). The key's points stay in native memory
//! (`ProverKey` shares the `G1Points` / `G2Points` it was built from).

use std::sync::Arc;

use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::{AffineRepr, CurveGroup};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::codec::{self, fr_from_le, Layout};
use crate::errors::{run, Error};
use crate::msm::msm;
use crate::points::{G1Points, G2Points};
use crate::qap::h_scalars;
use crate::r1cs::{R1cs, System};

/// A Groth16 proving key in native memory.
#[pyclass(frozen, module = "schemes._native")]
pub struct ProverKey {
    alpha_g1: G1Affine,
    beta_g1: G1Affine,
    delta_g1: G1Affine,
    beta_g2: G2Affine,
    delta_g2: G2Affine,
    a: Arc<Vec<G1Affine>>,
    b1: Arc<Vec<G1Affine>>,
    b2: Arc<Vec<G2Affine>>,
    l: Arc<Vec<G1Affine>>,
    h: Arc<Vec<G1Affine>>,
    num_public: usize,
}

#[pymethods]
impl ProverKey {
    /// Points in the 'le' layout; the queries as native vectors. Checks that the vectors fit
    /// together (num_variables A, B1 and B2 points; num_variables - l - 1 L points; a
    /// power-of-two number of H points) and that alpha, beta, delta are not infinity.
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        alpha_g1: &[u8],
        beta_g1: &[u8],
        delta_g1: &[u8],
        beta_g2: &[u8],
        delta_g2: &[u8],
        a_query: &G1Points,
        b_g1_query: &G1Points,
        b_g2_query: &G2Points,
        l_query: &G1Points,
        h_query: &G1Points,
        num_public: usize,
    ) -> PyResult<Self> {
        let le = Layout::Le;
        let key = ProverKey {
            alpha_g1: codec::g1_one(alpha_g1, le, "alpha_g1")?,
            beta_g1: codec::g1_one(beta_g1, le, "beta_g1")?,
            delta_g1: codec::g1_one(delta_g1, le, "delta_g1")?,
            beta_g2: codec::g2_one(beta_g2, le, "beta_g2")?,
            delta_g2: codec::g2_one(delta_g2, le, "delta_g2")?,
            a: a_query.points.clone(),
            b1: b_g1_query.points.clone(),
            b2: b_g2_query.points.clone(),
            l: l_query.points.clone(),
            h: h_query.points.clone(),
            num_public,
        };
        let nv = key.a.len();
        if key.b1.len() != nv || key.b2.len() != nv || nv < num_public + 1 || key.l.len() != nv - num_public - 1 {
            return Err(Error::Value("proving key queries do not fit together (A, B1, B2, L lengths)".into()).into());
        }
        if key.h.len() < 2 || !key.h.len().is_power_of_two() {
            return Err(Error::Value("proving key H query length is not a power of two".into()).into());
        }
        for (name, inf) in [("alpha_g1", key.alpha_g1.is_zero()), ("beta_g1", key.beta_g1.is_zero()),
                            ("delta_g1", key.delta_g1.is_zero()), ("beta_g2", key.beta_g2.is_zero()),
                            ("delta_g2", key.delta_g2.is_zero())] {
            if inf {
                return Err(Error::Decode(format!("{name} is the point at infinity")).into());
            }
        }
        Ok(key)
    }

    #[getter]
    fn num_variables(&self) -> usize {
        self.a.len()
    }

    #[getter]
    fn domain_size(&self) -> usize {
        self.h.len()
    }

    /// A proof `(A, B, C)` ('le' layout) for `assignment` (32-byte little-endian scalars, wire 0
    /// first) with blinding `r`, `s`. Raises `UnsatisfiedRow(row)` if a row is violated and
    /// ValueError if the system does not fit the key.
    fn prove<'py>(
        &self,
        py: Python<'py>,
        r1cs: &R1cs,
        assignment: &[u8],
        r: &[u8],
        s: &[u8],
    ) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        let sys = r1cs.inner.clone();
        let (a, b, c) = run(py, move || {
            let (r, s) = match (r.len() == 32, s.len() == 32) {
                (true, true) => (fr_from_le(r), fr_from_le(s)),
                _ => (None, None),
            };
            let (r, s) = r.zip(s).map(|(r, s)| (r, s)).ok_or_else(|| Error::Value("r and s must be 32-byte scalars below r".into()))?;
            let p = self.prove_inner(&sys, assignment, r, s)?;
            let mut out = (Vec::new(), Vec::new(), Vec::new());
            codec::g1_encode(&p.0, Layout::Le, &mut out.0);
            codec::g2_encode(&p.1, Layout::Le, &mut out.1);
            codec::g1_encode(&p.2, Layout::Le, &mut out.2);
            Ok(out)
        })?;
        Ok((PyBytes::new(py, &a), PyBytes::new(py, &b), PyBytes::new(py, &c)))
    }
}

impl ProverKey {
    fn prove_inner(&self, sys: &System, witness: &[u8], r: Fr, s: Fr) -> crate::errors::Result<(G1Affine, G2Affine, G1Affine)> {
        let l = self.num_public;
        let m = sys.num_rows;
        let log_n = self.h.len().trailing_zeros();
        let fits_domain = (m + l) < self.h.len() && (self.h.len() / 2 <= (m + l).max(1));
        if sys.num_vars != self.a.len() || sys.num_public != l || !fits_domain {
            return Err(Error::Value(format!(
                "the constraint system (wires {}, public {}, rows {}) does not fit the key (wires {}, public {}, domain {})",
                sys.num_vars, sys.num_public, m, self.a.len(), l, self.h.len())));
        }
        let w = sys.assignment(witness)?;
        let (mut a, b, c) = sys.rows(&w);
        if let Some(row) = System::first_failure(&a, &b, &c) {
            return Err(Error::Unsatisfied(row));
        }
        a.extend_from_slice(&w[..=l]); // the input-consistency rows: a = w_k, b = c = 0
        let p = h_scalars(a, b, c, log_n)?;
        let (a_acc, (b1_acc, (b2_acc, (l_acc, h_acc)))) = rayon::join(
            || msm(&self.a, &w),
            || rayon::join(
                || msm(&self.b1, &w),
                || rayon::join(|| msm(&self.b2, &w), || rayon::join(|| msm(&self.l, &w[l + 1..]), || msm(&self.h, &p))),
            ),
        );
        let a_pt: G1Projective = a_acc + self.alpha_g1 + self.delta_g1 * r;
        let b_pt: G2Projective = b2_acc + self.beta_g2 + self.delta_g2 * s;
        let b1_pt: G1Projective = b1_acc + self.beta_g1 + self.delta_g1 * s;
        let c_pt: G1Projective = l_acc + h_acc + a_pt * s + b1_pt * r - self.delta_g1 * (r * s);
        Ok((a_pt.into_affine(), b_pt.into_affine(), c_pt.into_affine()))
    }
}
