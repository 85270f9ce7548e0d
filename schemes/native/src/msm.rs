//! Multi-scalar multiplication `sum_i s_i P_i` (Pippenger's bucket method), for G1 and G2.
//!
//! Most wires of our circuits are bits or bytes, so the scalars are first sorted by size:
//! a scalar above r/2 is replaced by r - s with the point negated (so -1 costs what 1 costs),
//! zeros are dropped, ones are summed directly, and the rest are grouped by bit length
//! (<= 16, <= 64, <= 128, full). Each group runs Pippenger over only as many bits as its largest
//! scalar, with windows of about ln(m) + 2 bits for m points. Large groups are cut into one
//! chunk per thread, each with its own buckets, and the chunk sums are added.

use ark_bn254::Fr;
use ark_ec::{AdditiveGroup, AffineRepr, CurveGroup};
use ark_ff::{BigInteger, PrimeField, Zero};
use rayon::prelude::*;

type Big = <Fr as PrimeField>::BigInt;

/// Bit-length classes after the ones: a scalar goes to the first class that holds it.
const CLASSES: [u32; 4] = [16, 64, 128, 256];
/// Below this many terms a group runs on one thread.
const PARALLEL_MIN: usize = 1 << 10;

fn window_bits(m: usize, bits: u32) -> u32 {
    let ln = if m < 32 { 1 } else { (m as f64).ln() as u32 };
    (ln + 2).clamp(1, bits.max(1)).min(20)
}

/// Pippenger over `terms` (magnitude, base index, negated) with scalars below 2^bits.
fn pippenger<G: AffineRepr>(bases: &[G], terms: &[(Big, u32, bool)], bits: u32) -> G::Group {
    let c = window_bits(terms.len(), bits);
    let windows = bits.div_ceil(c);
    let mask = (1u64 << c) - 1;
    let mut total = G::Group::zero();
    for win in (0..windows).rev() {
        for _ in 0..c {
            total.double_in_place();
        }
        let mut buckets = vec![G::Group::zero(); (1usize << c) - 1];
        let shift = win * c;
        for (s, idx, neg) in terms {
            let limb = (shift / 64) as usize;
            let off = shift % 64;
            let mut d = s.0[limb] >> off;
            if off + c > 64 && limb + 1 < 4 {
                d |= s.0[limb + 1] << (64 - off);
            }
            let d = (d & mask) as usize;
            if d != 0 {
                let p = &bases[*idx as usize];
                if *neg {
                    buckets[d - 1] -= p;
                } else {
                    buckets[d - 1] += p;
                }
            }
        }
        let mut running = G::Group::zero();
        let mut sum = G::Group::zero();
        for b in buckets.iter().rev() {
            running += b;
            sum += &running;
        }
        total += sum;
    }
    total
}

fn grouped<G: AffineRepr>(bases: &[G], terms: &[(Big, u32, bool)], bits: u32) -> G::Group {
    if terms.len() < PARALLEL_MIN {
        return pippenger(bases, terms, bits);
    }
    let chunk = terms.len().div_ceil(rayon::current_num_threads().max(1));
    terms.par_chunks(chunk).map(|t| pippenger(bases, t, bits)).reduce(G::Group::zero, |a, b| a + b)
}

fn sum_signed<G: AffineRepr>(bases: &[G], idx: &[(u32, bool)]) -> G::Group {
    idx.par_chunks(PARALLEL_MIN)
        .map(|part| {
            let mut acc = G::Group::zero();
            for (i, neg) in part {
                if *neg {
                    acc -= &bases[*i as usize];
                } else {
                    acc += &bases[*i as usize];
                }
            }
            acc
        })
        .reduce(G::Group::zero, |a, b| a + b)
}

/// `sum_i scalars[i] * bases[i]` (the slices must have one length).
pub fn msm<G: AffineRepr<ScalarField = Fr>>(bases: &[G], scalars: &[Fr]) -> G::Group {
    assert_eq!(bases.len(), scalars.len(), "msm: bases and scalars differ in length");
    let half: Big = {
        let mut m = Fr::MODULUS;
        m.div2();
        m
    };
    // (magnitude, index, negated), zeros and infinities dropped
    let signed: Vec<(Big, u32, bool)> = scalars
        .par_iter()
        .enumerate()
        .filter_map(|(i, s)| {
            if s.is_zero() || bases[i].is_zero() {
                return None;
            }
            let b = s.into_bigint();
            Some(if b > half { ((-*s).into_bigint(), i as u32, true) } else { (b, i as u32, false) })
        })
        .collect();
    let one = Big::from(1u64);
    let ones: Vec<(u32, bool)> = signed.iter().filter(|t| t.0 == one).map(|t| (t.1, t.2)).collect();
    let mut classes: Vec<Vec<(Big, u32, bool)>> = vec![Vec::new(); CLASSES.len()];
    for t in signed.into_iter().filter(|t| t.0 != one) {
        let bits = t.0.num_bits();
        let k = CLASSES.iter().position(|&c| bits <= c).unwrap_or(CLASSES.len() - 1);
        classes[k].push(t);
    }
    let mut total = sum_signed(bases, &ones);
    for (terms, _) in classes.iter().zip(CLASSES) {
        if terms.is_empty() {
            continue;
        }
        let bits = terms.iter().map(|t| t.0.num_bits()).max().unwrap_or(1);
        total += grouped(bases, terms, bits);
    }
    total
}

/// `msm` returning an affine point.
pub fn msm_affine<G: AffineRepr<ScalarField = Fr>>(bases: &[G], scalars: &[Fr]) -> G {
    msm(bases, scalars).into_affine()
}
