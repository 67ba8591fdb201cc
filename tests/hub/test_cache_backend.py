"""The Redis cache backend keeps one client per pool and stays correct when shared
between threads. Runs against the Redis on the machine (127.0.0.1:6379, or REDIS_URL)."""

from __future__ import annotations

import os
import threading
import uuid

from hub.cache import RedisCache


def _cache() -> RedisCache:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    return RedisCache(url, {"KEY_PREFIX": f"cache-test-{uuid.uuid4().hex}"})


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
