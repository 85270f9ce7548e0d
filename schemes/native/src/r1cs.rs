//! A constraint system in native memory: sparse rows (CSR) plus dense negacyclic blocks.
//!
//! The same structure as `schemes.r1cs.matrices.R1CS`: rows `A_i.w * B_i.w = C_i.w` over F_r,
//! where the A side of the rows of a block is `M x` for the negacyclic matrix M of a constant
//! polynomial p of length N (a power of two) and `x_j = w[inputs[j]]`. A block is never
//! expanded: `M x = p * x mod (X^N + 1)` is computed on the coset `psi * <omega>` of the N-th
//! roots of unity, psi a primitive 2N-th root, where `X^N = -1`: there the negacyclic product
//! is a pointwise one, so it costs three FFTs of size N (one of them precomputed per block).
//! `M^T y` is the negacyclic product with `p'(X) = p(1/X)`: `p'_0 = p_0, p'_k = -p_{N-k}`.

use std::sync::Arc;

use ark_bn254::Fr;
use ark_ff::{FftField, One, Zero};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::PyBytes;
use rayon::prelude::*;

use crate::codec::{scalars_from_le, scalars_to_le};
use crate::errors::{run, Error, Result};

/// Largest block: N <= 2^20.
const MAX_BLOCK_LOG: u32 = 20;

fn u32s(data: &[u8], what: &str) -> Result<Vec<u32>> {
    if data.len() % 4 != 0 {
        return Err(Error::Value(format!("{what}: {} bytes is not a whole number of u32 words", data.len())));
    }
    Ok(data.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

/// One matrix side in compressed-sparse-row form.
pub struct Csr {
    indptr: Vec<u32>,
    cols: Vec<u32>,
    vals: Vec<Fr>,
}

impl Csr {
    fn new(rows: usize, num_vars: usize, indptr: &[u8], cols: &[u8], vals: &[u8], what: &str) -> Result<Self> {
        let indptr = u32s(indptr, what)?;
        let cols = u32s(cols, what)?;
        let vals = scalars_from_le(vals, what)?;
        if indptr.len() != rows + 1 || indptr[0] != 0 || indptr.windows(2).any(|w| w[0] > w[1]) {
            return Err(Error::Value(format!("{what}: row pointers must start at 0, rise, and number rows + 1")));
        }
        if *indptr.last().unwrap() as usize != cols.len() || cols.len() != vals.len() {
            return Err(Error::Value(format!("{what}: {} columns and {} values for {} terms", cols.len(), vals.len(), indptr[rows])));
        }
        if let Some(c) = cols.iter().find(|&&c| c as usize >= num_vars) {
            return Err(Error::Value(format!("{what}: wire {c} does not exist ({num_vars} wires)")));
        }
        Ok(Csr { indptr, cols, vals })
    }

    fn rows(&self) -> usize {
        self.indptr.len() - 1
    }

    fn mul(&self, w: &[Fr]) -> Vec<Fr> {
        (0..self.rows())
            .into_par_iter()
            .map(|i| {
                let (lo, hi) = (self.indptr[i] as usize, self.indptr[i + 1] as usize);
                let mut acc = Fr::zero();
                for k in lo..hi {
                    let x = w[self.cols[k] as usize];
                    if self.vals[k].is_one() {
                        acc += x;
                    } else {
                        acc += self.vals[k] * x;
                    }
                }
                acc
            })
            .collect()
    }

    fn transpose_mul_into(&self, y: &[Fr], out: &mut [Fr]) {
        for i in 0..self.rows() {
            if y[i].is_zero() {
                continue;
            }
            for k in self.indptr[i] as usize..self.indptr[i + 1] as usize {
                out[self.cols[k] as usize] += self.vals[k] * y[i];
            }
        }
    }
}

/// The negacyclic product `p * x mod (X^N + 1)` with `p` given by its FFT.
///
/// For N a power of two, on the coset `psi * <omega_N>` (psi a primitive 2N-th root), where
/// `X^N = -1`, so the product is pointwise and the inverse coset FFT gives the reduced
/// coefficients. For any other N, the linear product through FFTs of size L >= 2N - 1, folded
/// with `X^N = -1`: `y_i = c_i - c_{i+N}`.
pub struct Negacyclic {
    n: usize,
    domain: Radix2EvaluationDomain<Fr>,
    p_hat: Vec<Fr>,
}

impl Negacyclic {
    pub fn new(poly: &[Fr]) -> Result<Self> {
        let n = poly.len();
        if n == 0 || n > 1 << MAX_BLOCK_LOG {
            return Err(Error::Value(format!("negacyclic length {n} must be in 1..=2^{MAX_BLOCK_LOG}")));
        }
        let domain = if n.is_power_of_two() {
            let psi = Fr::get_root_of_unity(2 * n as u64).expect("2-adicity of F_r is 28");
            Radix2EvaluationDomain::<Fr>::new(n).and_then(|d| d.get_coset(psi))
        } else {
            Radix2EvaluationDomain::<Fr>::new(2 * n - 1)
        }
        .expect("a domain within the 2-adicity");
        let p_hat = domain.fft(poly);
        Ok(Negacyclic { n, domain, p_hat })
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn apply(&self, x: &[Fr]) -> Vec<Fr> {
        let mut v = self.domain.fft(x);
        v.par_iter_mut().zip(self.p_hat.par_iter()).for_each(|(a, b)| *a *= b);
        self.domain.ifft_in_place(&mut v);
        if v.len() == self.n {
            return v;
        }
        let n = self.n;
        (0..n).map(|i| v[i] - if i + n < v.len() { v[i + n] } else { Fr::zero() }).collect()
    }
}

fn transpose_poly(p: &[Fr]) -> Vec<Fr> {
    let n = p.len();
    (0..n).map(|k| if k == 0 { p[0] } else { -p[n - k] }).collect()
}

struct Block {
    first_row: usize,
    inputs: Vec<u32>,
    forward: Negacyclic,
    transpose: Negacyclic,
}

pub struct System {
    pub num_vars: usize,
    pub num_public: usize,
    pub num_rows: usize,
    a: Csr,
    b: Csr,
    c: Csr,
    blocks: Vec<Block>,
}

impl System {
    /// `(A w, B w, C w)` row by row.
    pub fn rows(&self, w: &[Fr]) -> (Vec<Fr>, Vec<Fr>, Vec<Fr>) {
        let (mut a, (b, c)) = rayon::join(|| self.a.mul(w), || rayon::join(|| self.b.mul(w), || self.c.mul(w)));
        for blk in &self.blocks {
            let x: Vec<Fr> = blk.inputs.iter().map(|&v| w[v as usize]).collect();
            for (dst, y) in a[blk.first_row..].iter_mut().zip(blk.forward.apply(&x)) {
                *dst += y;
            }
        }
        (a, b, c)
    }

    /// `(A^T y, B^T y, C^T y)`: per wire, the row weights summed over its column.
    pub fn transpose(&self, y: &[Fr]) -> (Vec<Fr>, Vec<Fr>, Vec<Fr>) {
        let n = self.num_vars;
        let side = |m: &Csr| {
            let mut out = vec![Fr::zero(); n];
            m.transpose_mul_into(y, &mut out);
            out
        };
        let (mut u, (v, w)) = rayon::join(|| side(&self.a), || rayon::join(|| side(&self.b), || side(&self.c)));
        for blk in &self.blocks {
            let ys = &y[blk.first_row..blk.first_row + blk.transpose.len()];
            for (j, s) in blk.transpose.apply(ys).into_iter().enumerate() {
                u[blk.inputs[j] as usize] += s;
            }
        }
        (u, v, w)
    }

    /// The first row with `a * b != c`, if any.
    pub fn first_failure(a: &[Fr], b: &[Fr], c: &[Fr]) -> Option<usize> {
        (0..a.len()).into_par_iter().find_first(|&i| a[i] * b[i] != c[i])
    }

    /// Decode and check a full assignment `[1, publics..., privates...]`.
    pub fn assignment(&self, witness: &[u8]) -> Result<Vec<Fr>> {
        let w = scalars_from_le(witness, "assignment")?;
        if w.len() != self.num_vars {
            return Err(Error::Value(format!("assignment has {} wires, the constraint system has {}", w.len(), self.num_vars)));
        }
        if !w[0].is_one() {
            return Err(Error::Value("assignment[0] (the constant-one wire) must be 1".into()));
        }
        Ok(w)
    }
}

type CsrBytes = (PyBackedBytes, PyBackedBytes, PyBackedBytes);

/// A frozen constraint system (see the module docstring).
#[pyclass(frozen, module = "schemes._native")]
pub struct R1cs {
    pub inner: Arc<System>,
}

#[pymethods]
impl R1cs {
    /// `a`, `b`, `c`: `(indptr, cols, vals)` per side, as u32 little-endian row pointers and wire
    /// indices and 32-byte little-endian coefficients. `blocks`: `(first_row, poly, inputs)`,
    /// whose A rows are added to the sparse A rows `first_row .. first_row + N`.
    #[new]
    fn new(
        py: Python<'_>,
        num_variables: usize,
        num_public: usize,
        num_rows: usize,
        a: CsrBytes,
        b: CsrBytes,
        c: CsrBytes,
        blocks: Vec<(usize, PyBackedBytes, PyBackedBytes)>,
    ) -> PyResult<Self> {
        let sys = run(py, move || {
            if num_variables < num_public + 1 || num_variables > u32::MAX as usize {
                return Err(Error::Value(format!("{num_variables} wires cannot hold {num_public} public inputs")));
            }
            let a = Csr::new(num_rows, num_variables, &a.0, &a.1, &a.2, "A")?;
            let b = Csr::new(num_rows, num_variables, &b.0, &b.1, &b.2, "B")?;
            let c = Csr::new(num_rows, num_variables, &c.0, &c.1, &c.2, "C")?;
            let blocks = blocks
                .into_iter()
                .map(|(first_row, poly, inputs)| {
                    let poly = scalars_from_le(&poly, "block polynomial")?;
                    let inputs = u32s(&inputs, "block inputs")?;
                    if inputs.len() != poly.len() || first_row + poly.len() > num_rows {
                        return Err(Error::Value(format!("block at row {first_row}: {} inputs, {} coefficients, {num_rows} rows", inputs.len(), poly.len())));
                    }
                    if let Some(v) = inputs.iter().find(|&&v| v as usize >= num_variables) {
                        return Err(Error::Value(format!("block at row {first_row}: wire {v} does not exist")));
                    }
                    Ok(Block { first_row, inputs, forward: Negacyclic::new(&poly)?, transpose: Negacyclic::new(&transpose_poly(&poly))? })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(System { num_vars: num_variables, num_public, num_rows, a, b, c, blocks })
        })?;
        Ok(R1cs { inner: Arc::new(sys) })
    }

    #[getter]
    fn num_variables(&self) -> usize {
        self.inner.num_vars
    }

    #[getter]
    fn num_public(&self) -> usize {
        self.inner.num_public
    }

    #[getter]
    fn num_constraints(&self) -> usize {
        self.inner.num_rows
    }

    /// `(A w, B w, C w)` as concatenated 32-byte little-endian scalars.
    fn evaluate<'py>(&self, py: Python<'py>, assignment: &[u8]) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        let sys = self.inner.clone();
        let (a, b, c) = run(py, move || {
            let w = scalars_from_le(assignment, "assignment")?;
            if w.len() != sys.num_vars {
                return Err(Error::Value(format!("assignment has {} wires, expected {}", w.len(), sys.num_vars)));
            }
            let (a, b, c) = sys.rows(&w);
            Ok((scalars_to_le(&a), scalars_to_le(&b), scalars_to_le(&c)))
        })?;
        Ok((PyBytes::new(py, &a), PyBytes::new(py, &b), PyBytes::new(py, &c)))
    }

    /// The index of the first violated row, or None. Raises ValueError on a malformed assignment.
    fn first_failure(&self, py: Python<'_>, assignment: &[u8]) -> PyResult<Option<usize>> {
        let sys = self.inner.clone();
        run(py, move || {
            let w = sys.assignment(assignment)?;
            let (a, b, c) = sys.rows(&w);
            Ok(System::first_failure(&a, &b, &c))
        })
    }

    /// `(A^T y, B^T y, C^T y)` for one weight per row (the setup's QAP evaluation at tau).
    fn transpose_evaluate<'py>(&self, py: Python<'py>, weights: &[u8]) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        let sys = self.inner.clone();
        let (u, v, w) = run(py, move || {
            let y = scalars_from_le(weights, "weights")?;
            if y.len() != sys.num_rows {
                return Err(Error::Value(format!("{} weights for {} rows", y.len(), sys.num_rows)));
            }
            let (u, v, w) = sys.transpose(&y);
            Ok((scalars_to_le(&u), scalars_to_le(&v), scalars_to_le(&w)))
        })?;
        Ok((PyBytes::new(py, &u), PyBytes::new(py, &v), PyBytes::new(py, &w)))
    }
}

/// `p * x mod (X^N + 1)` over F_r for N a power of two (32-byte little-endian scalars).
#[pyfunction]
pub fn negacyclic_mul<'py>(py: Python<'py>, p: &[u8], x: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    let out = run(py, move || {
        let p = scalars_from_le(p, "p")?;
        let x = scalars_from_le(x, "x")?;
        if p.len() != x.len() {
            return Err(Error::Value(format!("negacyclic product of lengths {} and {}", p.len(), x.len())));
        }
        Ok(scalars_to_le(&Negacyclic::new(&p)?.apply(&x)))
    })?;
    Ok(PyBytes::new(py, &out))
}
