"""Poseidon hash and permutation: reference vectors, pinned constants, input validation.

Expected values come from circomlibjs (tests/data/poseidon_reference.json) and from
circomlib's published constant tables (pinned below, see specs/poseidon.md), never from the
code under test.
"""

from __future__ import annotations

import json
import pathlib

import pytest
from hypothesis import given, settings, strategies as st

from schemes.bn254.fields import R
from schemes.poseidon import InvalidFieldElement, parameters, permute, poseidon
from schemes.poseidon.grain import GrainLFSR
from schemes.poseidon.parameters import FULL_ROUNDS, PARTIAL_ROUNDS

DATA = pathlib.Path(__file__).parent / "data" / "poseidon_reference.json"
VECTORS = json.loads(DATA.read_text())["poseidon"]

# First and last round constant of each width, copied from circomlib's
# circuits/poseidon_constants_old.circom (function POSEIDON_C(t); the same values as
# circomlibjs src/poseidon_constants.js). circomlib prints t <= 9 in decimal and t >= 10 in hex.
PINNED_ROUND_CONSTANTS = {
    2: (4417881134626180770308697923359573201005643519861877412381846989312604493735,
        17467570179597572575614276429760169990940929887711661192333523245667228809456),
    3: (6745197990210204598374042828761989596302876299545964402857411729872131034734,
        13409242754315411433193860530743374419854094495153957441316635981078068351329),
    4: (11633431549750490989983886834189948010834808234699737327785600195936805266405,
        10061801991000917366002570579819627134666386452411986168205986791283562415829),
    5: (6652655389322448471317061533546982911992554640679550674058582942754771150993,
        18960242154096055221658318882298412299294886669455506299567210308762501113202),
    6: (9174141306060971809979631725764298697615039980311809306145004207410652431953,
        10333365845496980935202034863900757172839454015352626511769637076650624839070),
    7: (15193892625865514930501893609026366493846449603945567488151250645948827690215,
        6526388717947413328592956348507481629843816325885832861915399601868279124246),
    8: (8243355230504186170667337521705529968548180153769821936979698914169521362326,
        8312554144734150053969625169851557776466370096299754626528722906617398229171),
    9: (14715728137766105031387583973733149375806784983272780095398485311648630967927,
        6760882547908259908954677726421351194118695606292587659467769365205068189814),
    10: (0x0e1962c232fd0a6bb54ad8962a82b9838cfef19d290a55fc49d6debd061cd2f6,
         0x1b3a2d08d1c3763b7678b9d9de1fee10cda80937fd7d74f27d6e550386f5443e),
    11: (0x0752af3c6fdccaf3868276685f0a69b9749e1706a82917b64ec2ef847f804559,
         0x0cf846e67ab815b7bfb255008733f8b45d83938e6eb0dbd19e6d537eaa581e00),
    12: (0x1512df0135b6692589f071140a60749cf775c642b300da2fb4ad5c6e23ad4e5f,
         0x049998b294f8aebbbf2fbbec695e4d2d56a9904ee051c84b0ee1fec9798cfb42),
    13: (0x1373c771cdf15121a224f330d84b6688ef9fe0038a3bc26a28e3196578a0000d,
         0x0dcc426dc88bdec8c2848f2d88a200571b8a012cd0870fc6ea0b981494f58278),
    14: (0x304c29aeb6f1873847879576d30f1f6e8a3ce41082c15c7632df920d6db5164d,
         0x0802cf3684ec2646c535c018305bc1377b437590aad654951519c539c30d54de),
    15: (0x148d9e4542066b125da6d69ff3fb676ebd27e6a38a1ff4281bd639c97af6ffd5,
         0x1c135b8055f27736b4c89ca09ccb72a37294e06194bacc54deaea9449ac17c58),
    16: (0x11e27da7b7ef964948a332974d07cceea778bc33aedbcd09de222fa22ad0b101,
         0x2f8a8ee41d90aac2a91c1cc70772ed6f98340052516b3a54bd8df388870c5b24),
    17: (0x2fb583762b37592c6c5a95eb1d06694b6c6f9dc4f1ad4862dd8f5e67cb7a3f5c,
         0x2a437b970ff32645bd5303f9474b5743427333c6663d17f44d918e9f2ca005d4),
}

# circomlib POSEIDON_M(2), row by row (out[i] = sum_j M[i][j] * in[j]); pins the orientation.
PINNED_MDS_T2 = (
    (2910766817845651019878574839501801340070030115151021261302834310722729507541,
     19727366863391167538122140361473584127147630672623100827934084310230022599144),
    (5776684794125549462448597414050232243778680302179439492664047328281728356345,
     8348174920934122550483593999453880006756108121341067172388445916328941978568),
)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"n={len(v['inputs'])}")
def test_circomlibjs_vectors(vector):
    inputs = [int(x) for x in vector["inputs"]]
    assert poseidon(inputs) == int(vector["output"])


def test_vectors_cover_every_width():
    assert sorted({len(v["inputs"]) for v in VECTORS}) == list(range(1, 17))


@pytest.mark.parametrize("t", sorted(PINNED_ROUND_CONSTANTS))
def test_round_constants_match_circomlib(t):
    spec = parameters(t)
    first, last = PINNED_ROUND_CONSTANTS[t]
    assert spec.round_constants[0][0] == first
    assert spec.round_constants[-1][-1] == last
    assert spec.partial_rounds == PARTIAL_ROUNDS[t - 2]
    assert len(spec.round_constants) == FULL_ROUNDS + spec.partial_rounds
    assert all(len(row) == t and all(0 <= c < R for c in row) for row in spec.round_constants)


def test_mds_matches_circomlib_orientation():
    assert parameters(2).mds == PINNED_MDS_T2


@pytest.mark.parametrize("t", [2, 5, 17])
def test_mds_is_cauchy_and_invertible(t):
    """Every 2x2 minor of a Cauchy matrix with distinct x_i, y_j is non-zero (MDS property
    for 2x2); checked here on the generated matrix directly."""
    m = parameters(t).mds
    for i in range(t):
        for k in range(i + 1, t):
            for j in range(t):
                for l in range(j + 1, t):
                    assert (m[i][j] * m[k][l] - m[i][l] * m[k][j]) % R != 0


def test_grain_lfsr_matches_reference_bit_by_bit():
    """The blocked LFSR equals a literal transcription of the reference generator."""
    init = [int(b) for b in format(1, "02b") + format(0, "04b") + format(254, "012b")
            + format(3, "012b") + format(8, "010b") + format(57, "010b")] + [1] * 30
    seq = list(init)

    def clock():
        new = seq[62] ^ seq[51] ^ seq[38] ^ seq[23] ^ seq[13] ^ seq[0]
        seq.pop(0)
        seq.append(new)
        return new

    for _ in range(160):
        clock()

    def next_bit():
        while True:
            a, b = clock(), clock()
            if a == 1:
                return b

    expected = int("".join(str(next_bit()) for _ in range(3 * 254)), 2)
    grain = GrainLFSR(1, 0, 254, 3, 8, 57)
    got = 0
    for _ in range(3):
        got = (got << 254) | grain.random_bits(254)
    assert got == expected


def test_hash_is_permutation_of_zero_capacity():
    xs = [1, 2, 3]
    assert poseidon(xs) == permute([0, *xs])[0]


@pytest.mark.parametrize("n", [0, 17])
def test_wrong_number_of_inputs(n):
    with pytest.raises(ValueError, match="1..16"):
        poseidon([1] * n)


@pytest.mark.parametrize("bad", [int(R), int(R) + 5, -1])
def test_non_canonical_input_rejected(bad):
    with pytest.raises(InvalidFieldElement):
        poseidon([1, bad])
    with pytest.raises(InvalidFieldElement):
        permute([0, bad])


@pytest.mark.parametrize("bad", [1.0, "1", None, True])
def test_non_integer_input_rejected(bad):
    with pytest.raises(TypeError):
        poseidon([bad])


@pytest.mark.parametrize("t", [0, 1, 18])
def test_permute_width_out_of_range(t):
    with pytest.raises(ValueError):
        permute([0] * t)


def test_accepts_mpz_and_returns_int():
    from schemes.bigint import big
    out = poseidon([big(5), 7])
    assert type(out) is int and out == poseidon([5, 7])
    assert all(type(x) is int for x in permute([1, 2, 3]))


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(0, int(R) - 1), min_size=1, max_size=4), st.integers(0, 3))
def test_permutation_is_injective_on_distinct_states(xs, i):
    """Changing one state element changes the permutation output (P is a bijection)."""
    state = [0, *xs]
    j = i % len(state)
    other = list(state)
    other[j] = (other[j] + 1) % R
    assert permute(state) != permute(other)


def test_the_spec_carries_the_same_reference_vectors():
    """specs/vectors/poseidon_reference.json is the circomlibjs/zk-kit file, byte for byte, as
    are the tests' copy and the shared original."""
    spec = pathlib.Path(__file__).resolve().parents[1] / "specs" / "vectors" / "poseidon_reference.json"
    assert spec.read_bytes() == DATA.read_bytes()
    shared = pathlib.Path(__file__).resolve().parents[2] / "shared" / "vectors" / "poseidon_reference.json"
    if shared.is_file():  # the shared/ directory sits beside the clone on the team's machines and in CI
        assert shared.read_bytes() == DATA.read_bytes()
