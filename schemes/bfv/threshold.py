"""n-of-n threshold decryption of one coefficient, with flooding noise and a decryption budget.

Only coefficient ``k`` (the score, ``k = N - 1``) is ever decrypted. Party i publishes, for
every RNS prime ``q_j``,

    d_i^(j) = ((c1 * s_i)_k + E_i) mod q_j,    (c1 * s_i)_k = sum_{l<=k} c1_{k-l} s_{i,l} - sum_{l>k} c1_{N+k-l} s_{i,l},

where ``c1`` is read as coefficients in [0, q) and ``E_i`` is ONE integer drawn uniformly from
``[-F, F]``, ``F = params.flood_bound`` (which exceeds each q_j; it is reduced mod every prime,
so the residues are those of the single integer ``(c1*s_i)_k + E_i``). Anyone combines

    x^(j) = c0_k + sum_i d_i^(j)  (mod q_j),   x = CRT(x^(1), ..., x^(m)) = Delta*P_k + v_k + sum_i E_i  (mod q)

and decodes ``round(t x / q) mod t`` (:func:`.encryption.decode_coefficient`). The flooding
terms stop the published ``x`` from revealing the key-dependent noise ``v_k``: per decryption the
statistical distance is at most ``V / (2F + 1)`` (:mod:`.budget`), and every member refuses to
decrypt past ``params.decryption_budget`` decryptions under one key
(:class:`DecryptionBudget`), after which the committee key must be rotated.

Every party must take part: a missing partial leaves ``(c1*s_i)_k`` in ``x`` and the result is
garbage (n-of-n, no robustness).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from ._validate import small_signed
from .encryption import Ciphertext, check_ciphertext, decode_coefficient
from .errors import DecryptionBudgetExhausted, InvalidCiphertextError, InvalidKeyError
from .keys import SecretKeyShare
from .params import BfvParams
from .rns import RnsBasis
from .sampling import RandomSource, resolve_rng, sample_flooding

__all__ = ["PartialDecryption", "DecryptionBudget", "partial_decrypt", "combine_partial_decryptions",
           "coefficient_of_product"]


@dataclass(frozen=True)
class PartialDecryption:
    """Party ``party``'s share of coefficient ``index``: ``d[j] = ((c1*s_i)_index + E_i) mod q_j``."""

    party: int
    index: int
    d: tuple


class DecryptionBudget:
    """One member's count of decryptions under one committee key.

    ``limit`` defaults to ``params.decryption_budget``. :meth:`charge` is called before each
    decryption: it refuses (:class:`DecryptionBudgetExhausted`) once ``used == limit`` and
    otherwise counts the decryption. ``persist(used)``, if given, is called with the new
    count before :meth:`charge` returns, so that a stored count survives a restart; if it
    raises, the decryption does not happen (the count stays spent).
    """

    def __init__(self, params: BfvParams, used: int = 0, *, limit: int | None = None,
                 persist: Optional[Callable[[int], None]] = None) -> None:
        limit = params.decryption_budget if limit is None else limit
        for name, v in (("used", used), ("limit", limit)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"{name} must be a non-negative int")
        if limit > params.decryption_budget:
            raise ValueError(f"limit {limit} exceeds the budget {params.decryption_budget} of {params.name}")
        self.params_name = params.name
        self.limit = limit
        self.used = used
        self._persist = persist

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def charge(self) -> None:
        """Count one decryption, or refuse if the budget is spent."""
        if self.limit == 0:
            raise DecryptionBudgetExhausted(
                f"{self.params_name} has a decryption budget of 0 (its flooding gives no statistical "
                "guarantee per decryption): its committee never decrypts; use a set with a positive budget")
        if self.used >= self.limit:
            raise DecryptionBudgetExhausted(
                f"decryption budget of this committee key exhausted ({self.used} of {self.limit} "
                f"decryptions on {self.params_name}): the committee key must be rotated")
        self.used += 1
        if self._persist is not None:
            self._persist(self.used)

    def __repr__(self) -> str:
        return f"DecryptionBudget({self.params_name}, used={self.used}, limit={self.limit})"


def _index(params: BfvParams, index: int | None) -> int:
    k = params.score_index if index is None else index
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < params.n:
        raise InvalidCiphertextError(f"coefficient index must be in [0, N), got {index!r}")
    return k


def coefficient_of_product(c1: Sequence[int], s: Sequence[int], index: int) -> int:
    """``(c1 * s)_index`` in Z[X]/(X^N + 1), exactly (Python integers, no reduction)."""
    n = len(c1)
    acc = 0
    for j, sj in enumerate(s):
        if sj:
            term = c1[index - j] if j <= index else -c1[n + index - j]
            acc += term * sj
    return acc


def partial_decrypt(params: BfvParams, share: SecretKeyShare, ct: Ciphertext, budget: DecryptionBudget,
                    *, index: int | None = None, rng: RandomSource | None = None) -> PartialDecryption:
    """Party ``share.party``'s partial decryption of coefficient ``index`` (default N-1) of ``ct``.

    Charges ``budget`` first (raises :class:`DecryptionBudgetExhausted` past it), then returns
    ``((c1*s_i)_index + E_i) mod q_j`` for every RNS prime, with one fresh ``E_i`` uniform in [-F, F].
    """
    if not isinstance(budget, DecryptionBudget):
        raise TypeError("partial_decrypt needs the member's DecryptionBudget")
    if budget.params_name != params.name:
        raise InvalidKeyError(f"the budget counts decryptions on {budget.params_name}, not {params.name}")
    k = _index(params, index)
    _, c1 = check_ciphertext(params, ct)
    s = small_signed(params, share.s, 1, f"secret share {share.party}", InvalidKeyError).tolist()
    rng = resolve_rng(rng)
    budget.charge()
    flood = sample_flooding(rng, params.flood_bound)
    value = coefficient_of_product(c1, s, k) + flood
    return PartialDecryption(share.party, k, RnsBasis(params.moduli).reduce(value))


def combine_partial_decryptions(params: BfvParams, ct: Ciphertext, partials: Sequence[PartialDecryption],
                                *, index: int | None = None) -> int:
    """The plaintext coefficient ``index`` (default N-1) in [0, t), from one partial decryption
    of that coefficient by each of parties 0..n-1."""
    k = _index(params, index)
    parties = sorted(p.party for p in partials)
    if not parties or parties != list(range(len(parties))) or len(parties) > params.parties:
        raise InvalidKeyError(
            f"need exactly one partial decryption from each of parties 0..n-1 (n <= {params.parties}), got {parties}")
    basis = RnsBasis(params.moduli)
    c0, _ = check_ciphertext(params, ct)
    x = list(basis.reduce(c0[k]))
    for p in partials:
        if p.index != k:
            raise InvalidCiphertextError(f"partial decryption {p.party} is of coefficient {p.index}, not {k}")
        d = p.d
        if not isinstance(d, (tuple, list)) or len(d) != basis.k or any(
                isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < m for v, m in zip(d, basis.moduli)):
            raise InvalidCiphertextError(
                f"partial decryption {p.party} must hold one residue in [0, q_j) per RNS prime")
        x = [(a + b) % m for a, b, m in zip(x, d, basis.moduli)]
    return decode_coefficient(params, basis.crt(x))
