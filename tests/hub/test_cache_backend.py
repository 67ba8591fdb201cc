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


def _at_once(times: int, action, threads: int = 8) -> None:
    """`action` done `times` times in each of `threads` threads started together."""
    start = threading.Barrier(threads)

    def run():
        start.wait()
        for _ in range(times):
            action()

    started = [threading.Thread(target=run) for _ in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join()


def test_threads_sharing_the_client_count_every_increment():
    cache = _cache()
    cache.set("n", 0, 30)
    _at_once(50, lambda: cache.incr("n"))
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


def test_count_up_counts_in_one_round_trip_and_the_counter_expires():
    cache = _cache()
    assert [cache.count_up("hits", 60) for _ in range(3)] == [1, 2, 3]
    assert cache.get("hits") == 3
    client = cache._cache.get_client(write=True)
    assert 0 < client.ttl(cache.make_key("hits")) <= 60  # from the first count, not renewed
    _at_once(25, lambda: cache.count_up("hits", 60))
    assert cache.get("hits") == 203
    cache.delete("hits")
