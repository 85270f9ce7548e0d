//! Point vectors held in native memory (`G1Points`, `G2Points`), their MSM, and fixed-base
//! batch multiplication.
//!
//! A vector is decoded once, with every check (`codec`), and shared by reference (`Arc`) with
//! the keys that use it: a proving key's queries are never converted to Python integers again.
//! G2 vectors skip the r-torsion check only when the caller says so (proving-key queries, where
//! a bad point can only produce an invalid proof that every verifier rejects).

use std::sync::Arc;

use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::scalar_mul::BatchMulPreprocessing;
use ark_ec::CurveGroup;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rayon::prelude::*;

use crate::codec::{self, Layout, G1_BYTES, G2_BYTES};
use crate::errors::{run, Error, Result};
use crate::msm::msm_affine;

fn decode_vec<T: Send, F>(data: &[u8], size: usize, what: &str, dec: F) -> Result<Vec<T>>
where
    F: Fn(&[u8]) -> std::result::Result<T, codec::PointFault> + Sync,
{
    if data.len() % size != 0 {
        return Err(Error::Decode(format!("{what}: {} bytes is not a whole number of {size}-byte points", data.len())));
    }
    data.par_chunks_exact(size)
        .enumerate()
        .map(|(i, c)| dec(c).map_err(|f| Error::Decode(f.describe(&format!("{what}[{i}]"), size == G2_BYTES))))
        .collect()
}

/// G1 has cofactor 1: the subgroup flag of `from_bytes` has nothing to check.
fn g1_decode_any(c: &[u8], l: Layout, _subgroup: bool) -> std::result::Result<G1Affine, codec::PointFault> {
    codec::g1_decode(c, l)
}

fn check_range(len: usize, start: usize, stop: usize) -> Result<()> {
    if start > stop || stop > len {
        return Err(Error::Value(format!("slice [{start}:{stop}] out of range for {len} points")));
    }
    Ok(())
}

macro_rules! point_vector {
    ($name:ident, $affine:ty, $size:expr, $encode:path, $decode:expr, $doc:literal) => {
        #[doc = $doc]
        #[pyclass(frozen, module = "schemes._native")]
        #[derive(Clone)]
        pub struct $name {
            pub points: Arc<Vec<$affine>>,
        }

        impl $name {
            pub fn from_vec(v: Vec<$affine>) -> Self {
                Self { points: Arc::new(v) }
            }
        }

        #[pymethods]
        impl $name {
            /// Decode concatenated points in `layout`; every point is checked to be on its
            /// curve and, for G2 with `subgroup` (the default), in the order-r subgroup (G1 has
            /// cofactor 1). `what` names the points in errors.
            #[staticmethod]
            #[pyo3(signature = (data, layout = "le", subgroup = true, what = "point"))]
            fn from_bytes(py: Python<'_>, data: &[u8], layout: &str, subgroup: bool, what: &str) -> PyResult<Self> {
                let layout = Layout::parse(layout)?;
                let v = run(py, move || decode_vec(data, $size, what, |c| ($decode)(c, layout, subgroup)))?;
                Ok(Self::from_vec(v))
            }

            /// The number of points.
            fn __len__(&self) -> usize {
                self.points.len()
            }

            /// All points encoded in `layout` ('le', 'be' or 'lem'), concatenated.
            #[pyo3(signature = (layout = "le"))]
            fn to_bytes<'py>(&self, py: Python<'py>, layout: &str) -> PyResult<Bound<'py, PyBytes>> {
                let layout = Layout::parse(layout)?;
                let pts = self.points.clone();
                let out = run(py, move || {
                    let mut out = Vec::with_capacity(pts.len() * $size);
                    for p in pts.iter() {
                        $encode(p, layout, &mut out);
                    }
                    Ok(out)
                })?;
                Ok(PyBytes::new(py, &out))
            }

            /// Points `start..stop` as a new vector (shares nothing mutable; points are immutable).
            fn slice(&self, start: usize, stop: usize) -> PyResult<Self> {
                check_range(self.points.len(), start, stop)?;
                Ok(Self::from_vec(self.points[start..stop].to_vec()))
            }

            /// True iff both vectors hold the same points in the same order.
            fn equals(&self, other: &Self) -> bool {
                Arc::ptr_eq(&self.points, &other.points) || self.points == other.points
            }

            /// `sum_i scalars[i] * points[i]` for 32-byte little-endian scalars below r
            /// (one per point), encoded in `layout`.
            #[pyo3(signature = (scalars, layout = "le"))]
            fn msm<'py>(&self, py: Python<'py>, scalars: &[u8], layout: &str) -> PyResult<Bound<'py, PyBytes>> {
                let layout = Layout::parse(layout)?;
                let pts = self.points.clone();
                let out = run(py, move || {
                    let s = codec::scalars_from_le(scalars, "scalars")?;
                    if s.len() != pts.len() {
                        return Err(Error::Value(format!("msm: {} points but {} scalars", pts.len(), s.len())));
                    }
                    let mut out = Vec::with_capacity($size);
                    $encode(&msm_affine(&pts, &s), layout, &mut out);
                    Ok(out)
                })?;
                Ok(PyBytes::new(py, &out))
            }

            fn __repr__(&self) -> String {
                format!("{}(<{} points>)", stringify!($name), self.points.len())
            }
        }
    };
}

point_vector!(G1Points, G1Affine, G1_BYTES, codec::g1_encode,
    g1_decode_any,
    "A vector of G1 points (affine; infinity allowed) in native memory.");
point_vector!(G2Points, G2Affine, G2_BYTES, codec::g2_encode, codec::g2_decode,
    "A vector of G2 points (affine; infinity allowed) in native memory.");

fn fixed_base<G: CurveGroup<ScalarField = Fr>>(base: G, scalars: &[Fr]) -> Vec<G::Affine> {
    if scalars.is_empty() {
        return Vec::new();
    }
    BatchMulPreprocessing::new(base, scalars.len()).batch_mul(scalars)
}

/// `[s * base for s in scalars]` in G1 (the setup's queries): one table of multiples of `base`,
/// then about 254 / log2(n) table additions per scalar, in parallel.
#[pyfunction]
#[pyo3(signature = (base, scalars, layout = "le"))]
pub fn g1_fixed_base(py: Python<'_>, base: &[u8], scalars: &[u8], layout: &str) -> PyResult<G1Points> {
    let layout = Layout::parse(layout)?;
    let v = run(py, move || {
        let b = codec::g1_one(base, layout, "base point")?;
        let s = codec::scalars_from_le(scalars, "scalars")?;
        Ok(fixed_base(G1Projective::from(b), &s))
    })?;
    Ok(G1Points::from_vec(v))
}

/// `[s * base for s in scalars]` in G2 (see `g1_fixed_base`).
#[pyfunction]
#[pyo3(signature = (base, scalars, layout = "le"))]
pub fn g2_fixed_base(py: Python<'_>, base: &[u8], scalars: &[u8], layout: &str) -> PyResult<G2Points> {
    let layout = Layout::parse(layout)?;
    let v = run(py, move || {
        let b = codec::g2_one(base, layout, "base point")?;
        let s = codec::scalars_from_le(scalars, "scalars")?;
        Ok(fixed_base(G2Projective::from(b), &s))
    })?;
    Ok(G2Points::from_vec(v))
}
