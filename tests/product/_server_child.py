"""A server process for the load and fault tests (run as a script, never collected).

    python _server_child.py race  KEYDIR STORE AUDIT KEYHEX ENVELOPE CONTEXT N START_AT
    python _server_child.py batch KEYDIR STORE AUDIT KEYHEX ITEMS_JSON BATCH [CRASH]

STORE is a SQLite path or ``postgres:PREFIX`` (the DSN from CONSISTENCY_TEST_POSTGRES_DSN).
``race`` admits one envelope N times from START_AT (unix seconds) on and prints a JSON count of
the outcomes. ``batch`` admits the items in batches with admit_many and prints, after each batch
returns, one line ``<decision> <reason> <context digest>`` per item (flushed: what the process
answered). CRASH ``after-claim:K`` kills the process with SIGKILL right after the K-th batch's
claims were committed, before it answers; ``before-claim:K`` right before they are.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import Counter

from consistency import Server, SqliteReplayStore
from consistency.keys import load_verifier_keys
from consistency.store import context_digest


def open_store(spec: str):
    if spec.startswith("postgres:"):
        from consistency import PostgresReplayStore

        return PostgresReplayStore(os.environ["CONSISTENCY_TEST_POSTGRES_DSN"], prefix=spec.split(":", 1)[1])
    return SqliteReplayStore(spec)


class Crashing:
    """Delegates to a store and SIGKILLs this process around the K-th claim_many."""

    def __init__(self, inner, when: str, k: int) -> None:
        self.inner, self.when, self.k, self.n = inner, when, k, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def claim_many(self, claims):
        self.n += 1
        if self.n == self.k and self.when == "before-claim":
            os.kill(os.getpid(), signal.SIGKILL)
        out = self.inner.claim_many(claims)
        if self.n == self.k and self.when == "after-claim":
            os.kill(os.getpid(), signal.SIGKILL)
        return out


def main(argv: list[str]) -> int:
    mode, keydir, store_spec, audit, keyhex = argv[:5]
    keys = load_verifier_keys(keydir, allow_insecure=True)
    store = open_store(store_spec)
    if mode == "batch" and len(argv) > 7:
        when, k = argv[7].split(":")
        store = Crashing(store, when, int(k))
    server = Server(keys, store, audit=audit, context_key=bytes.fromhex(keyhex))
    if mode == "race":
        envelope, context, n, start_at = argv[5], argv[6].encode(), int(argv[7]), float(argv[8])
        data = open(envelope, "rb").read()
        time.sleep(max(0.0, start_at - time.time()))
        counts: Counter = Counter()
        for _ in range(n):
            results = server.admit_many([(data, context)])
            counts["admitted" if not hasattr(results[0], "reason") else results[0].reason.value] += 1
        print(json.dumps(counts))
        return 0
    items = [(open(path, "rb").read(), ctx.encode()) for path, ctx in json.load(open(argv[5]))]
    batch = int(argv[6])
    for i in range(0, len(items), batch):
        chunk = items[i : i + batch]
        for (_data, ctx), r in zip(chunk, server.admit_many(chunk)):
            reason = getattr(r, "reason", None)
            print(
                "admitted" if reason is None else "rejected",
                reason.value if reason else "-",
                context_digest(ctx).hex(),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
