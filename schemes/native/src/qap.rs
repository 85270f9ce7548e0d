//! The QAP witness map, the snarkjs way (`schemes.groth16.r1cs_to_qap`).
//!
//! Rows: the R1CS rows, then one input-consistency row per wire 0..=l with `a = w_k, b = c = 0`.
//! Domain: n = 2^k roots of unity chosen as ffjavascript chooses them (`omega_28 = 5^((r-1)/2^28)`,
//! `omega_{k-1} = omega_k^2`); row i sits at `omega_k^i`. For row values a, b, c the prover needs
//! `p_j = a'_j b'_j - c'_j` where `a'` is the interpolant of a evaluated on the odd coset
//! `u * omega^j`, `u = omega_{k+1}`: one inverse FFT and one coset FFT per vector.

use ark_bn254::Fr;
use ark_ff::{BigInteger, Field, PrimeField, Zero};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rayon::prelude::*;

use crate::codec::{scalars_from_le, scalars_to_le};
use crate::errors::{run, Error, Result};

pub const TWO_ADICITY: u32 = 28;

/// ffjavascript's `Fr.w[k]`: a primitive 2^k-th root of unity (k <= 28).
pub fn root_of_unity(k: u32) -> Fr {
    assert!(k <= TWO_ADICITY, "no 2^{k}-th root of unity in F_r");
    let mut odd = Fr::MODULUS;
    odd.sub_with_borrow(&<Fr as PrimeField>::BigInt::from(1u64));
    for _ in 0..TWO_ADICITY {
        odd.div2();
    }
    let mut w = Fr::from(5u64).pow(odd);
    for _ in k..TWO_ADICITY {
        w.square_in_place();
    }
    w
}



/// The radix-2 domain of size 2^k with ffjavascript's generator.
pub fn domain(log_n: u32) -> Result<Radix2EvaluationDomain<Fr>> {
    if log_n == 0 || log_n >= TWO_ADICITY {
        return Err(Error::Value(format!("domain 2^{log_n} out of range 2^1..2^{}", TWO_ADICITY - 1)));
    }
    let mut d = Radix2EvaluationDomain::<Fr>::new(1usize << log_n).expect("size is a power of two within the 2-adicity");
    d.group_gen = root_of_unity(log_n);
    d.group_gen_inv = d.group_gen.inverse().expect("a root of unity is non-zero");
    Ok(d)
}

/// Values on the domain -> values of the same interpolant on the odd coset.
fn to_odd_coset(d: &Radix2EvaluationDomain<Fr>, coset: &Radix2EvaluationDomain<Fr>, v: &mut Vec<Fr>) {
    d.ifft_in_place(v);
    coset.fft_in_place(v);
}

/// `p_j = a'_j b'_j - c'_j` for row vectors padded to the domain size `2^log_n`.
pub fn h_scalars(mut a: Vec<Fr>, mut b: Vec<Fr>, mut c: Vec<Fr>, log_n: u32) -> Result<Vec<Fr>> {
    let d = domain(log_n)?;
    let n = d.size();
    if a.len() > n || b.len() > n || c.len() > n {
        return Err(Error::Value(format!("{} rows do not fit a domain of {n}", a.len().max(b.len()).max(c.len()))));
    }
    for v in [&mut a, &mut b, &mut c] {
        v.resize(n, Fr::zero());
    }
    let coset = d.get_coset(root_of_unity(log_n + 1)).expect("non-zero offset");
    rayon::join(
        || to_odd_coset(&d, &coset, &mut a),
        || rayon::join(|| to_odd_coset(&d, &coset, &mut b), || to_odd_coset(&d, &coset, &mut c)),
    );
    a.par_iter_mut().zip(b.par_iter()).zip(c.par_iter()).for_each(|((x, y), z)| {
        *x = *x * y - z;
    });
    Ok(a)
}

/// ffjavascript's primitive 2^k-th root of unity, as 32 little-endian bytes.
#[pyfunction(name = "root_of_unity")]
pub fn py_root_of_unity<'py>(py: Python<'py>, log_size: u32) -> PyResult<Bound<'py, PyBytes>> {
    if log_size > TWO_ADICITY {
        return Err(Error::Value(format!("no 2^{log_size}-th root of unity in F_r")).into());
    }
    Ok(PyBytes::new(py, &scalars_to_le(&[root_of_unity(log_size)])))
}

/// Values on the domain of size 2^log_n -> the interpolant's values on the odd coset.
#[pyfunction]
pub fn odd_coset_values<'py>(py: Python<'py>, values: &[u8], log_n: u32) -> PyResult<Bound<'py, PyBytes>> {
    let out = run(py, move || {
        let mut v = scalars_from_le(values, "values")?;
        let d = domain(log_n)?;
        if v.len() != d.size() {
            return Err(Error::Value(format!("{} values for a domain of {}", v.len(), d.size())));
        }
        let coset = d.get_coset(root_of_unity(log_n + 1)).expect("non-zero offset");
        to_odd_coset(&d, &coset, &mut v);
        Ok(scalars_to_le(&v))
    })?;
    Ok(PyBytes::new(py, &out))
}

/// The H-query scalars `p_j` for row values a, b, c (each at most 2^log_n long).
#[pyfunction(name = "h_scalars")]
pub fn py_h_scalars<'py>(py: Python<'py>, a: &[u8], b: &[u8], c: &[u8], log_n: u32) -> PyResult<Bound<'py, PyBytes>> {
    let out = run(py, move || {
        let p = h_scalars(scalars_from_le(a, "a")?, scalars_from_le(b, "b")?, scalars_from_le(c, "c")?, log_n)?;
        Ok(scalars_to_le(&p))
    })?;
    Ok(PyBytes::new(py, &out))
}
