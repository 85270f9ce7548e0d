"""admit_many on executors: a process pool and a Dask LocalCluster (two workers, loopback).
The server claims what its workers accepted without verifying again, binds each answer to its
item, and with ``confirm=True`` does not take a lying worker's word."""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from consistency import MemoryReplayStore, OperationalError, Rejected, RejectReason, Server, verification
from consistency.server import AdmittedEnvelope
from consistency.verification import plan_chunks, verify_on_executor, worker_count

from .conftest import needs


def _mixed_items(toy, issued):
    (d0, c0), (d1, c1), (d2, c2) = issued.items[2:5]
    bad = bytearray(d2)
    bad[-1] ^= 1
    return [(d0, c0), (d1, c1), (bytes(bad), c2), (d0, c0), (d1, b"not-issued")]


def _check_mixed(results, items):
    assert isinstance(results[0], AdmittedEnvelope) and isinstance(results[1], AdmittedEnvelope)
    assert [r.reason for r in results[2:]] in (
        [RejectReason.PROOF, RejectReason.REPLAY, RejectReason.CONTEXT],
        [RejectReason.FORMAT, RejectReason.REPLAY, RejectReason.CONTEXT],
    )
    assert results[0].envelope.C and results[1].forward_payload.ct_msg  # decoded from the verified bytes


@pytest.mark.parametrize(
    "n,workers,max_chunk,sizes",
    [
        (10, 2, 64, [5, 5]),  # one round: one chunk per worker
        (3, 8, 64, [1, 1, 1]),  # fewer items than workers
        (200, 2, 64, [50, 50, 50, 50]),  # ceil(200 / 128) = 2 rounds of 2 chunks
        (7, 2, 64, [4, 3]),
        (0, 2, 64, []),
    ],
)
def test_chunks_follow_the_workers(n, workers, max_chunk, sizes):
    chunks = plan_chunks(n, workers, max_chunk)
    assert [len(c) for c in chunks] == sizes
    assert [i for c in chunks for i in c] == list(range(n))


def test_worker_count_of_pools():
    with ProcessPoolExecutor(max_workers=3) as ex:
        assert worker_count(ex) == 3
    with ThreadPoolExecutor(max_workers=5) as ex:
        assert worker_count(ex) == 5


def test_admit_many_on_a_process_pool_claims_without_verifying_again(toy, issued, monkeypatch):
    calls = []
    for name in ("verify_decoded", "verify_proofs", "check_envelope"):
        real = getattr(verification, name)
        monkeypatch.setattr(verification, name, lambda *a, _r=real, _n=name, **k: calls.append(_n) or _r(*a, **k))
    import consistency.server as server_mod

    for name in ("verify_decoded",):
        real = getattr(server_mod, name)
        monkeypatch.setattr(server_mod, name, lambda *a, _r=real, _n=name, **k: calls.append(_n) or _r(*a, **k))
    server = Server(toy.keys.verifier, MemoryReplayStore(), context_key=issued.key)
    items = _mixed_items(toy, issued)
    with ProcessPoolExecutor(max_workers=2) as ex:
        results = server.admit_many(items, ex)
    assert calls == []  # the workers verified (in their own processes); this process only claimed
    _check_mixed(results, items)
    again = server.admit_many(items[:2])
    assert [r.reason for r in again] == [RejectReason.REPLAY] * 2


def test_verify_on_executor_returns_reasons(toy, issued):
    items = _mixed_items(toy, issued)
    with ProcessPoolExecutor(max_workers=2) as ex:
        out = verify_on_executor(toy.keys.verifier, items[:3], ex)
    assert out[0] is None and out[1] is None and isinstance(out[2], Rejected)


class _LyingExecutor:
    """Runs nothing and answers 'valid' for every item (a compromised worker)."""

    _max_workers = 1

    def submit(self, fn, keys, items):
        f = Future()
        f.set_result([(i, __import__("hashlib").sha256(data).digest(), None, "") for i, data, _ in items])
        return f


def test_lying_executor_is_caught_with_confirm(toy, issued):
    data, ctx = issued.items[5]
    bad = bytearray(data)
    bad[-100] ^= 1
    server = Server(toy.keys.verifier, MemoryReplayStore(), context_key=issued.key)
    (out,) = server.admit_many([(bytes(bad), ctx)], _LyingExecutor(), confirm=True)
    assert isinstance(out, Rejected) and out.reason in (RejectReason.PROOF, RejectReason.FORMAT)
    assert not server.store.is_claimed(ctx)
    (ok,) = server.admit_many([(data, ctx)], _LyingExecutor(), confirm=True)
    assert isinstance(ok, AdmittedEnvelope)


class _MixingExecutor(ThreadPoolExecutor):
    """Answers for one item with another's digest (a confused or malicious worker)."""

    def submit(self, fn, keys, items):
        real = super().submit(fn, keys, items)
        f = Future()
        answers = real.result()
        f.set_result([(i, answers[-1 - k][1], r, m) for k, (i, _, r, m) in enumerate(answers)])
        return f


def test_answer_for_another_envelope_is_an_operational_error(toy, issued):
    server = Server(toy.keys.verifier, MemoryReplayStore(), context_key=issued.key)
    items = issued.items[6:8]
    with _MixingExecutor(max_workers=1) as ex, pytest.raises(OperationalError):
        server.admit_many(items, ex)
    assert not any(server.store.is_claimed(c) for _, c in items)


def test_failed_executor_is_an_operational_error(toy, issued):
    server = Server(toy.keys.verifier, MemoryReplayStore(), context_key=issued.key)
    ex = ProcessPoolExecutor(max_workers=1)
    ex.shutdown()
    with pytest.raises(OperationalError):
        server.admit_many(issued.items[:1], ex)
    assert not server.store.is_claimed(issued.items[0][1])


def test_admit_many_on_a_dask_local_cluster(toy, issued):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        needs("dask.distributed (the 'cluster' extra)")
    server = Server(toy.keys.verifier, MemoryReplayStore(), context_key=issued.key)
    items = _mixed_items(toy, issued)
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            worker_dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        assert worker_count(client) == 2
        results = server.admit_many(items, client)
        _check_mixed(results, items)
        again = server.admit_many(items[:2], client.get_executor())
    assert [r.reason for r in again] == [RejectReason.REPLAY] * 2
