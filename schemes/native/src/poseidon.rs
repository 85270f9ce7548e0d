//! The Poseidon permutation over F_r (x^5, circomlib's instance), with the round constants and
//! the MDS matrix supplied by the caller (`schemes.poseidon.parameters`, checked there against
//! circomlibjs vectors).
//!
//! Round r of R_F + R_P: add the constants C[r]; apply x^5 to every element in a full round
//! (the first R_F/2 and the last R_F/2 rounds) and to s[0] only in a partial round; then s = M s.

use ark_bn254::Fr;
use ark_ff::{Field, Zero};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::codec::{scalars_from_le, scalars_to_le};
use crate::errors::{quick, Error};

/// One Poseidon instance (width t).
#[pyclass(frozen, module = "schemes._native")]
pub struct Poseidon {
    t: usize,
    full_rounds: usize,
    partial_rounds: usize,
    constants: Vec<Fr>,
    mds: Vec<Fr>,
}

fn sbox(x: &mut Fr) {
    let x2 = x.square();
    *x *= x2.square();
}

impl Poseidon {
    fn permute_in_place(&self, s: &mut [Fr]) {
        let t = self.t;
        let half = self.full_rounds / 2;
        let mut next = vec![Fr::zero(); t];
        for r in 0..self.full_rounds + self.partial_rounds {
            for (x, c) in s.iter_mut().zip(&self.constants[r * t..(r + 1) * t]) {
                *x += c;
            }
            if r < half || r >= half + self.partial_rounds {
                s.iter_mut().for_each(sbox);
            } else {
                sbox(&mut s[0]);
            }
            for (i, out) in next.iter_mut().enumerate() {
                *out = self.mds[i * t..(i + 1) * t].iter().zip(s.iter()).map(|(m, x)| *m * x).sum();
            }
            s.copy_from_slice(&next);
        }
    }
}

#[pymethods]
impl Poseidon {
    /// `constants`: (R_F + R_P) * t scalars, round by round; `mds`: t * t scalars, row by row.
    #[new]
    fn new(t: usize, full_rounds: usize, partial_rounds: usize, constants: &[u8], mds: &[u8]) -> PyResult<Self> {
        let constants = scalars_from_le(constants, "round constants")?;
        let mds = scalars_from_le(mds, "MDS matrix")?;
        if t < 2 || full_rounds % 2 != 0 || constants.len() != (full_rounds + partial_rounds) * t || mds.len() != t * t {
            return Err(Error::Value(format!("inconsistent Poseidon parameters for t = {t}")).into());
        }
        Ok(Poseidon { t, full_rounds, partial_rounds, constants, mds })
    }

    /// The permutation of one state (t scalars, 32 bytes little-endian each, below r). Short:
    /// it keeps the GIL.
    fn permute<'py>(&self, py: Python<'py>, state: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        let out = quick(|| {
            let mut s = scalars_from_le(state, "state")?;
            if s.len() != self.t {
                return Err(Error::Value(format!("state has {} elements, the instance has width {}", s.len(), self.t)));
            }
            self.permute_in_place(&mut s);
            Ok(scalars_to_le(&s))
        })?;
        Ok(PyBytes::new(py, &out))
    }
}
