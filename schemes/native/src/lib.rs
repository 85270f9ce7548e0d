//! `schemes._native`: the hot arithmetic of `schemes`, on arkworks, behind a small PyO3 API.
//!
//! Python owns the circuits, the formats and the protocol; this crate owns what is hot:
//! - `codec`    -- scalar and point encodings ('le', 'be', 'lem') with every validity check;
//! - `msm`      -- multi-scalar multiplication (Pippenger, scalars grouped by size);
//! - `points`   -- point vectors kept in native memory, their MSM, fixed-base batch multiplication;
//! - `r1cs`     -- a constraint system with dense negacyclic blocks (NTT-based, never N^2);
//! - `lincomb`  -- sparse linear combinations of points, rescaling by one scalar (phase 2);
//! - `qap`      -- the snarkjs QAP witness map (odd-coset FFTs);
//! - `prover`   -- the Groth16 prover core over a native proving key;
//! - `verifier` -- the prepared verifying key, single and batch verification, the pairing;
//! - `poseidon` -- the Poseidon permutation (constants from Python);
//! - `errors`   -- exceptions, and the guard that releases the GIL and turns panics into errors.
//!
//! Every entry point takes whole vectors as bytes (32-byte little-endian scalars), never one
//! field element at a time.

use pyo3::prelude::*;

mod codec;
mod errors;
mod lincomb;
mod msm;
mod points;
mod poseidon;
mod prover;
mod qap;
mod r1cs;
mod verifier;

/// Test hook: panics inside the guarded native code, so tests can check that a panic reaches
/// Python as `NativeError` (a RuntimeError), never as a crash or a `BaseException`.
#[pyfunction]
fn _panic_for_tests(py: Python<'_>, message: String) -> PyResult<()> {
    errors::run(py, move || -> errors::Result<()> { panic!("{message}") })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("NativeError", py.get_type::<errors::NativeError>())?;
    m.add("DecodeError", py.get_type::<errors::DecodeError>())?;
    m.add("UnsatisfiedRow", py.get_type::<errors::UnsatisfiedRow>())?;
    m.add_class::<points::G1Points>()?;
    m.add_class::<points::G2Points>()?;
    m.add_class::<r1cs::R1cs>()?;
    m.add_class::<prover::ProverKey>()?;
    m.add_class::<verifier::PreparedVerifyingKey>()?;
    m.add_class::<poseidon::Poseidon>()?;
    m.add_function(wrap_pyfunction!(points::g1_fixed_base, m)?)?;
    m.add_function(wrap_pyfunction!(points::g2_fixed_base, m)?)?;
    m.add_function(wrap_pyfunction!(lincomb::g1_lincombs, m)?)?;
    m.add_function(wrap_pyfunction!(lincomb::g2_lincombs, m)?)?;
    m.add_function(wrap_pyfunction!(lincomb::g1_scale, m)?)?;
    m.add_function(wrap_pyfunction!(r1cs::negacyclic_mul, m)?)?;
    m.add_function(wrap_pyfunction!(qap::py_root_of_unity, m)?)?;
    m.add_function(wrap_pyfunction!(qap::odd_coset_values, m)?)?;
    m.add_function(wrap_pyfunction!(qap::py_h_scalars, m)?)?;
    m.add_function(wrap_pyfunction!(verifier::pairing, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    Ok(())
}
