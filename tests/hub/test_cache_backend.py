"""The Redis cache backend keeps one client per server for the whole process, stays
correct when shared between threads, and opens no new connection per thread. Runs against the Redis on the machine (127.0.0.1:6379, or REDIS_URL)."""

from __future__ import annotations

import os
import threading
import uuid

from hub.cache import RedisCache


def _cache(prefix: str | None = None) -> RedisCache:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    return RedisCache(url, {"KEY_PREFIX": prefix or f"cache-test-{uuid.uuid4().hex}"})


def test_one_client_is_built_and_reused():
    cache = _cache()
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    cache.set("k", {"a": 1}, 30)
    assert cache.get("k") == {"a": 1}
    assert cache._cache.get_client(write=True) is client
    cache.delete("k")


def test_threads_sharing_the_client_count_every_increment():
    cache = _cache()
    cache.set("n", 0, 30)
    start = threading.Barrier(8)

    def bump():
        start.wait()
        for _ in range(50):
            cache.incr("n")

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get("n") == 400
    cache.delete("n")


def test_a_backend_per_thread_shares_one_pool_and_its_connection():
    # Django builds a cache backend per thread, and the ASGI server serves each request
    # in a thread of its own: one request after another must reuse one connection.
    prefix = f"cache-test-{uuid.uuid4().hex}"
    _cache(prefix).set("seen", 0, 30)
    pool = _cache(prefix)._cache.get_client().connection_pool
    before = pool._created_connections
    clients = []

    def one_request():
        cache = _cache(prefix)  # what a new thread gets
        cache.incr("seen")
        clients.append(cache._cache.get_client())

    for _ in range(5):
        thread = threading.Thread(target=one_request)
        thread.start()
        thread.join()
    assert len({id(client) for client in clients}) == 1
    assert clients[0].connection_pool is pool
    assert pool._created_connections == before
    assert _cache(prefix).get("seen") == 5
