//! Sparse linear combinations of points, and rescaling a vector by one scalar: the phase-2
//! setup from a powers-of-tau file and the phase-2 contributions.
//!
//! `lincombs`: output row k is `sum_{e in indptr[k]..indptr[k+1]} scalars[e] * bases[idx[e]]`
//! (a compressed-sparse-row matrix times a point vector). Rows run in parallel; a row of many
//! terms uses the MSM, a short one adds its terms directly (a scalar of 1 or -1 costs one
//! addition). `scale`: every point times one scalar (GLV multiplication in parallel). Outputs
//! are affine (one batch normalisation).

use ark_bn254::{Fr, G1Affine, G2Affine};
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::CurveGroup;
use ark_ff::{One, Zero};
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::codec::scalars_from_le;
use crate::errors::{run, Error, Result};
use crate::msm::msm;
use crate::points::{G1Points, G2Points};

/// From this many terms on a row uses the MSM.
const MSM_MIN: usize = 32;

fn u32s(data: &[u8], what: &str) -> Result<Vec<u32>> {
    if data.len() % 4 != 0 {
        return Err(Error::Value(format!("{what}: {} bytes is not a whole number of u32 words", data.len())));
    }
    Ok(data.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

fn lincombs<P: SWCurveConfig<ScalarField = Fr>>(bases: &[Affine<P>], indptr: &[u8], idx: &[u8], scalars: &[u8]) -> Result<Vec<Affine<P>>> {
    let indptr = u32s(indptr, "indptr")?;
    let idx = u32s(idx, "idx")?;
    let scalars = scalars_from_le(scalars, "scalars")?;
    if indptr.is_empty() || indptr[0] != 0 || indptr.windows(2).any(|w| w[0] > w[1]) {
        return Err(Error::Value("lincombs: row pointers must start at 0 and rise".into()));
    }
    let terms = *indptr.last().unwrap() as usize;
    if terms != idx.len() || terms != scalars.len() {
        return Err(Error::Value(format!("lincombs: {terms} terms but {} indices and {} scalars", idx.len(), scalars.len())));
    }
    if let Some(i) = idx.iter().find(|&&i| i as usize >= bases.len()) {
        return Err(Error::Value(format!("lincombs: point index {i} out of range ({} points)", bases.len())));
    }
    let minus_one = -Fr::one();
    let rows: Vec<Projective<P>> = indptr
        .par_windows(2)
        .map(|w| {
            let (a, b) = (w[0] as usize, w[1] as usize);
            if b - a >= MSM_MIN {
                let pts: Vec<Affine<P>> = idx[a..b].iter().map(|&i| bases[i as usize]).collect();
                return msm(&pts, &scalars[a..b]);
            }
            let mut acc = Projective::<P>::zero();
            for e in a..b {
                let p = bases[idx[e] as usize];
                let s = scalars[e];
                if s.is_one() {
                    acc += p;
                } else if s == minus_one {
                    acc -= p;
                } else if !s.is_zero() {
                    acc += p * s;
                }
            }
            acc
        })
        .collect();
    Ok(Projective::normalize_batch(&rows))
}

fn scale<P: SWCurveConfig<ScalarField = Fr>>(points: &[Affine<P>], scalar: &[u8]) -> Result<Vec<Affine<P>>> {
    let s = scalars_from_le(scalar, "scalar")?;
    if s.len() != 1 {
        return Err(Error::Value("scale: exactly one 32-byte scalar".into()));
    }
    let s = s[0];
    let proj: Vec<Projective<P>> = points.par_iter().map(|p| *p * s).collect();
    Ok(Projective::normalize_batch(&proj))
}

/// G1 sparse linear combinations of `bases` (see the module docstring); u32 little-endian
/// `indptr` (rows + 1 entries) and `idx`, 32-byte little-endian `scalars` below r.
#[pyfunction]
pub fn g1_lincombs(py: Python<'_>, bases: &G1Points, indptr: &[u8], idx: &[u8], scalars: &[u8]) -> PyResult<G1Points> {
    let b = bases.points.clone();
    let v: Vec<G1Affine> = run(py, move || lincombs(&b, indptr, idx, scalars))?;
    Ok(G1Points::from_vec(v))
}

/// G2 sparse linear combinations (see `g1_lincombs`).
#[pyfunction]
pub fn g2_lincombs(py: Python<'_>, bases: &G2Points, indptr: &[u8], idx: &[u8], scalars: &[u8]) -> PyResult<G2Points> {
    let b = bases.points.clone();
    let v: Vec<G2Affine> = run(py, move || lincombs(&b, indptr, idx, scalars))?;
    Ok(G2Points::from_vec(v))
}

/// `[scalar * p for p in points]` in G1 for one 32-byte little-endian scalar below r.
#[pyfunction]
pub fn g1_scale(py: Python<'_>, points: &G1Points, scalar: &[u8]) -> PyResult<G1Points> {
    let b = points.points.clone();
    let v: Vec<G1Affine> = run(py, move || scale(&b, scalar))?;
    Ok(G1Points::from_vec(v))
}
