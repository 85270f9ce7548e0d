//! Multi-scalar multiplication `sum_i s_i P_i` (Pippenger's bucket method), for G1 and G2.
//!
//! Scalars first: a scalar above r/2 is replaced by r - s with the point negated (so -1 costs
//! what 1 costs), zeros are dropped, and the rest are grouped by bit length (exactly 1, <= 16,
//! <= 64, <= 128, full): most wires of our circuits are bits or bytes, and each group runs over
//! only as many bits as its largest scalar. Large groups are cut into one chunk per thread.
//!
//! Buckets are summed in affine coordinates, a pairwise tree at a time (`tree_sums`): every
//! round adds disjoint pairs of points, and one field inversion serves the whole round
//! (Montgomery's batch inversion). An affine addition then costs about 6 multiplications,
//! against about 11 for a mixed Jacobian one. Equal points (a doubling), opposite points
//! (infinity) and infinity are handled exactly. Windows have about ln(m) + 1 bits for m points.
//! Groups of fewer than 128 points use projective buckets instead (no inversions).

use ark_bn254::Fr;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::AdditiveGroup;
use ark_ff::{BigInteger, Field, PrimeField, Zero};
use rayon::prelude::*;

type Big = <Fr as PrimeField>::BigInt;

/// Bit-length classes after the ones: a scalar goes to the first class that holds it.
const CLASSES: [u32; 4] = [16, 64, 128, 256];
/// Below this many terms a group runs on one thread.
const PARALLEL_MIN: usize = 1 << 10;
/// Below this many terms a group uses projective buckets instead of affine trees.
const SMALL_MAX: usize = 1 << 7;

fn window_bits(m: usize, bits: u32) -> u32 {
    let ln = if m < 32 { 1 } else { (m as f64).ln() as u32 };
    (ln + 1).clamp(1, bits.max(1)).min(20)
}

/// Montgomery's trick on one thread: every `v[i]` replaced by its inverse (all non-zero), with
/// one inversion and three multiplications per element. (`ark_ff::batch_inversion` would split
/// the work between threads; here the caller already runs one chunk per thread.)
fn batch_invert<F: Field>(v: &mut [F], prefix: &mut Vec<F>) {
    prefix.clear();
    let mut acc = F::ONE;
    for x in v.iter() {
        prefix.push(acc);
        acc *= x;
    }
    let mut inv = acc.inverse().expect("batch inversion of a zero element");
    for (x, p) in v.iter_mut().zip(prefix.iter()).rev() {
        let next = inv * *x;
        *x = inv * p;
        inv = next;
    }
}

#[derive(Clone, Copy)]
enum Pair {
    Trivial,
    Add,
    Double,
    Infinity,
}

/// Replace each segment `(start, len)` of `pts` by the sum of its points, in place (the sum
/// lands at `start`, and `len` becomes 1, or stays 0 for an empty segment).
fn tree_sums<P: SWCurveConfig>(pts: &mut [Affine<P>], segments: &mut [(usize, usize)]) {
    let mut kinds: Vec<Pair> = Vec::new();
    let mut dens: Vec<P::BaseField> = Vec::new();
    let mut prefix: Vec<P::BaseField> = Vec::new();
    loop {
        kinds.clear();
        dens.clear();
        for &(start, len) in segments.iter() {
            for j in 0..len / 2 {
                let (p, q) = (&pts[start + 2 * j], &pts[start + 2 * j + 1]);
                let (kind, den) = if p.infinity || q.infinity {
                    (Pair::Trivial, P::BaseField::ONE)
                } else if p.x != q.x {
                    (Pair::Add, q.x - p.x)
                } else if p.y == q.y && !p.y.is_zero() {
                    (Pair::Double, p.y.double())
                } else {
                    (Pair::Infinity, P::BaseField::ONE)
                };
                kinds.push(kind);
                dens.push(den);
            }
        }
        if kinds.is_empty() {
            return;
        }
        batch_invert(&mut dens, &mut prefix);
        // Pair j of a segment lands at start + j: every later pair reads from start + 2j' > j,
        // so the sums can overwrite the points in place.
        let mut k = 0;
        for seg in segments.iter_mut() {
            let (start, len) = *seg;
            if len < 2 {
                continue;
            }
            let half = len / 2;
            for j in 0..half {
                let (p, q) = (pts[start + 2 * j], pts[start + 2 * j + 1]);
                pts[start + j] = match kinds[k] {
                    Pair::Trivial => if p.infinity { q } else { p },
                    Pair::Infinity => Affine::identity(),
                    Pair::Add | Pair::Double => {
                        let lambda = match kinds[k] {
                            Pair::Add => (q.y - p.y) * dens[k],
                            _ => {
                                let x2 = p.x.square();
                                (x2.double() + x2) * dens[k]
                            }
                        };
                        let x3 = lambda.square() - p.x - q.x;
                        let y3 = lambda * (p.x - x3) - p.y;
                        Affine::new_unchecked(x3, y3)
                    }
                };
                k += 1;
            }
            if len % 2 == 1 {
                pts[start + half] = pts[start + len - 1];
            }
            *seg = (start, half + len % 2);
        }
    }
}

/// Digit of `s` in the window of `c` bits at `shift`.
fn digit(s: &Big, shift: u32, c: u32) -> usize {
    let limb = (shift / 64) as usize;
    let off = shift % 64;
    let mut d = s.0[limb] >> off;
    if off + c > 64 && limb + 1 < 4 {
        d |= s.0[limb + 1] << (64 - off);
    }
    (d & ((1u64 << c) - 1)) as usize
}

/// `sum_d d * (sum of the points with digit d)` for `(digit, point)` items with digits below
/// `nb`: a counting sort by digit (digit 0 is dropped), one affine tree sum per bucket, then the
/// running sum from the top bucket down. `items` is walked twice (count, then fill).
fn bucket_sum<P: SWCurveConfig, I>(items: I, nb: usize, segments: &mut Vec<(usize, usize)>, pts: &mut Vec<Affine<P>>) -> Projective<P>
where
    I: Iterator<Item = (usize, Affine<P>)> + Clone,
{
    segments.clear();
    segments.resize(nb, (0, 0));
    for (d, _) in items.clone() {
        segments[d].1 += 1;
    }
    let mut start = 0;
    for (b, seg) in segments.iter_mut().enumerate() {
        seg.0 = start;
        if b > 0 {
            start += seg.1;
        } else {
            seg.1 = 0;
        }
    }
    pts.clear();
    pts.resize(start, Affine::identity());
    let mut fill: Vec<usize> = segments.iter().map(|s| s.0).collect();
    for (d, p) in items {
        if d != 0 {
            pts[fill[d]] = p;
            fill[d] += 1;
        }
    }
    tree_sums(pts, segments);
    let mut running = Projective::<P>::zero();
    let mut sum = Projective::<P>::zero();
    for b in (1..nb).rev() {
        let (s, len) = segments[b];
        if len > 0 {
            running += &pts[s];
        }
        sum += &running;
    }
    sum
}

fn signed_base<P: SWCurveConfig>(p: Affine<P>, neg: bool) -> Affine<P> {
    if neg { -p } else { p }
}

/// Pippenger over `terms` (magnitude, base index, negated) with scalars below 2^bits.
fn pippenger<P: SWCurveConfig>(bases: &[Affine<P>], terms: &[(Big, u32, bool)], bits: u32) -> Projective<P> {
    let c = window_bits(terms.len(), bits);
    let windows = bits.div_ceil(c);
    let nb = 1usize << c;
    let mut total = Projective::<P>::zero();
    let (mut segments, mut pts) = (Vec::new(), Vec::with_capacity(terms.len()));
    for win in (0..windows).rev() {
        for _ in 0..c {
            total.double_in_place();
        }
        let items = terms.iter().map(|(s, idx, neg)| (digit(s, win * c, c), signed_base(bases[*idx as usize], *neg)));
        total += bucket_sum(items, nb, &mut segments, &mut pts);
    }
    total
}

/// Pippenger with projective buckets (mixed additions): for small groups, where an affine
/// tree's field inversion per round would cost more than it saves.
fn pippenger_small<P: SWCurveConfig>(bases: &[Affine<P>], terms: &[(Big, u32, bool)], bits: u32) -> Projective<P> {
    let c = window_bits(terms.len(), bits) + 1;
    let c = c.min(bits.max(1));
    let windows = bits.div_ceil(c);
    let mut total = Projective::<P>::zero();
    let mut buckets = vec![Projective::<P>::zero(); (1usize << c) - 1];
    for win in (0..windows).rev() {
        for _ in 0..c {
            total.double_in_place();
        }
        buckets.iter_mut().for_each(|b| *b = Projective::zero());
        for (s, idx, neg) in terms {
            let d = digit(s, win * c, c);
            if d != 0 {
                if *neg {
                    buckets[d - 1] -= &bases[*idx as usize];
                } else {
                    buckets[d - 1] += &bases[*idx as usize];
                }
            }
        }
        let mut running = Projective::<P>::zero();
        let mut sum = Projective::<P>::zero();
        for b in buckets.iter().rev() {
            running += b;
            sum += &running;
        }
        total += sum;
    }
    total
}

fn grouped<P: SWCurveConfig>(bases: &[Affine<P>], terms: &[(Big, u32, bool)], bits: u32) -> Projective<P> {
    if terms.len() < SMALL_MAX {
        return pippenger_small(bases, terms, bits);
    }
    if terms.len() < PARALLEL_MIN {
        return pippenger(bases, terms, bits);
    }
    let chunk = terms.len().div_ceil(rayon::current_num_threads().max(1));
    terms.par_chunks(chunk).map(|t| pippenger(bases, t, bits)).reduce(Projective::<P>::zero, |a, b| a + b)
}

/// `sum_i (+-) bases[i]` over the listed indices, as one affine tree.
fn sum_signed<P: SWCurveConfig>(bases: &[Affine<P>], idx: &[(u32, bool)]) -> Projective<P> {
    idx.par_chunks(PARALLEL_MIN.max(idx.len().div_ceil(rayon::current_num_threads().max(1))))
        .map(|part| {
            let mut pts: Vec<Affine<P>> = part.iter().map(|(i, neg)| {
                let p = bases[*i as usize];
                if *neg { -p } else { p }
            }).collect();
            let mut seg = [(0usize, pts.len())];
            tree_sums(&mut pts, &mut seg);
            if seg[0].1 == 0 { Projective::zero() } else { pts[0].into() }
        })
        .reduce(Projective::<P>::zero, |a, b| a + b)
}

/// `(magnitude, index, negated)` for every non-zero scalar on a finite base: a scalar above
/// r/2 is replaced by r - s with the point negated.
fn signed_terms<P: SWCurveConfig<ScalarField = Fr>>(bases: &[Affine<P>], scalars: &[Fr]) -> Vec<(Big, u32, bool)> {
    assert_eq!(bases.len(), scalars.len(), "msm: bases and scalars differ in length");
    let half: Big = {
        let mut m = Fr::MODULUS;
        m.div2();
        m
    };
    scalars
        .par_iter()
        .enumerate()
        .filter_map(|(i, s)| {
            if s.is_zero() || bases[i].infinity {
                return None;
            }
            let b = s.into_bigint();
            Some(if b > half { ((-*s).into_bigint(), i as u32, true) } else { (b, i as u32, false) })
        })
        .collect()
}

/// `sum_i scalars[i] * bases[i]` (the slices must have one length).
pub fn msm<P: SWCurveConfig<ScalarField = Fr>>(bases: &[Affine<P>], scalars: &[Fr]) -> Projective<P> {
    let signed = signed_terms(bases, scalars);
    let one = Big::from(1u64);
    let ones: Vec<(u32, bool)> = signed.iter().filter(|t| t.0 == one).map(|t| (t.1, t.2)).collect();
    let mut classes: Vec<Vec<(Big, u32, bool)>> = vec![Vec::new(); CLASSES.len()];
    for t in signed.into_iter().filter(|t| t.0 != one) {
        let bits = t.0.num_bits();
        let k = CLASSES.iter().position(|&c| bits <= c).unwrap_or(CLASSES.len() - 1);
        classes[k].push(t);
    }
    let mut total = sum_signed(bases, &ones);
    for terms in classes.iter().filter(|t| !t.is_empty()) {
        let bits = terms.iter().map(|t| t.0.num_bits()).max().unwrap_or(1);
        total += grouped(bases, terms, bits);
    }
    total
}

/// Fixed bases with every window's shift precomputed, for a key's many MSMs (the verifier's
/// `ic`): `table[w n + i] = 2^(c w) bases[i]` for the `ceil(254 / c)` windows of a scalar.
///
/// `sum_i s_i P_i = sum_w sum_i d_{i,w} (2^(c w) P_i)` with `d_{i,w}` the w-th c-bit digit of
/// `s_i`, so one bucket pass over all (digit, table point) pairs replaces Pippenger's window
/// loop: no doublings, and one running sum instead of one per window (which lets c be larger).
/// Costs `ceil(254 / c)` times the bases' memory.
pub struct FixedBases<P: SWCurveConfig> {
    n: usize,
    c: u32,
    table: Vec<Affine<P>>,
}

impl<P: SWCurveConfig<ScalarField = Fr>> FixedBases<P> {
    /// The table for `bases` with `c`-bit windows.
    pub fn new(bases: &[Affine<P>], c: u32) -> Self {
        use ark_ec::CurveGroup;
        let windows = (Fr::MODULUS_BIT_SIZE).div_ceil(c) as usize;
        let n = bases.len();
        let mut table = Vec::with_capacity(windows * n);
        table.extend_from_slice(bases);
        let mut cur: Vec<Projective<P>> = bases.iter().map(|b| (*b).into()).collect();
        for _ in 1..windows {
            cur.par_iter_mut().for_each(|p| {
                for _ in 0..c {
                    p.double_in_place();
                }
            });
            table.extend(Projective::normalize_batch(&cur));
        }
        FixedBases { n, c, table }
    }

    /// The bases themselves (window 0).
    pub fn bases(&self) -> &[Affine<P>] {
        &self.table[..self.n]
    }

    /// `sum_i scalars[i] * bases[i]`, one bucket pass per thread's share of the scalars.
    pub fn msm(&self, scalars: &[Fr]) -> Projective<P> {
        let terms = signed_terms(self.bases(), scalars);
        let bits = terms.iter().map(|t| t.0.num_bits()).max().unwrap_or(0);
        if bits == 0 {
            return Projective::zero();
        }
        let (c, n) = (self.c, self.n);
        let windows = bits.div_ceil(c);
        let chunk = terms.len().div_ceil(rayon::current_num_threads().max(1)).max(1);
        terms
            .par_chunks(chunk)
            .map(|part| {
                let items = (0..windows).flat_map(move |w| {
                    part.iter().map(move |(s, idx, neg)| {
                        (digit(s, w * c, c), signed_base(self.table[w as usize * n + *idx as usize], *neg))
                    })
                });
                bucket_sum(items, 1usize << c, &mut Vec::new(), &mut Vec::new())
            })
            .reduce(Projective::<P>::zero, |a, b| a + b)
    }
}

/// `msm` returning an affine point.
pub fn msm_affine<P: SWCurveConfig<ScalarField = Fr>>(bases: &[Affine<P>], scalars: &[Fr]) -> Affine<P> {
    use ark_ec::CurveGroup;
    msm(bases, scalars).into_affine()
}
