"""The Redis cache backend keeps one client per server for the whole process, stays
correct when shared between threads, and opens no new connection per thread. Runs against the Redis on the machine (127.0.0.1:6379, or REDIS_URL)."""

from __future__ import annotations

import os
import threading
import uuid

from hub.cache import RedisCache, take_turn


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


def test_take_turn_limits_over_a_sliding_window():
    cache = _cache()
    client = cache._cache.get_client(write=True)
    key = cache.make_key("turns")
    assert [cache.take_turn("turns", limit=3, window=60, now=1000.0 + n) for n in range(3)] == [None] * 3
    # Full: no turn, and the wait is until the oldest turn (at 1000) is 60 s old.
    assert cache.take_turn("turns", limit=3, window=60, now=1030.0) == 30.0
    assert cache.take_turn("turns", limit=3, window=60, now=1059.5) == 0.5
    assert client.zcard(key) == 3  # refused tries are not counted
    assert 0 < client.ttl(key) <= 60
    # A counter per clock minute would allow six turns across 1059-1061; the window one.
    assert cache.take_turn("turns", limit=3, window=60, now=1060.0) is None
    assert cache.take_turn("turns", limit=3, window=60, now=1060.5) == 0.5
    assert client.zcard(key) == 3
    cache.delete("turns")


def test_take_turn_gives_exactly_the_limit_to_threads_at_once():
    cache = _cache()
    taken = []
    _at_once(10, lambda: taken.append(cache.take_turn("race", limit=25, window=60, now=2000.0)))
    assert len(taken) == 80 and taken.count(None) == 25
    assert all(wait == 60.0 for wait in taken if wait is not None)
    cache.delete("race")


def test_the_hub_takes_turns_the_same_way_on_whichever_cache_it_runs_with():
    # The in-process cache without REDIS_URL, this backend with it.
    key = f"turns-{uuid.uuid4().hex}"
    assert take_turn(key, limit=2, window=10, now=500.0) is None
    assert take_turn(key, limit=2, window=10, now=504.0) is None
    assert take_turn(key, limit=2, window=10, now=505.0) == 5.0
    assert take_turn(key, limit=2, window=10, now=510.0) is None  # the turn at 500 has left
    assert take_turn(key, limit=2, window=10, now=511.0) == 3.0
    assert take_turn(key, limit=2, window=10, now=100.0) == 10.0  # a clock behind: at most the window
