"""The Redis cache backend, sharing its clients across the process.

Django's Redis cache builds a new `redis.Redis` for every operation (redis-py 8 fills a
table of about 170 response callbacks each time, which costs more than the round trip
to a local Redis), and keeps its connection pools on the backend instance. Django makes
one backend instance per thread, and the ASGI server serves each request in a thread of
its own, so every request opened a new connection to Redis. A client and its pool are
safe to share between threads (a command borrows a connection from the pool), so this
backend keeps one client per server and options for the whole process."""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property

_clients: dict[tuple, object] = {}
_lock = threading.Lock()


class _SharedClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        server = self._servers[index]
        options = tuple(sorted((name, repr(value)) for name, value in self._pool_options.items()))
        client = _clients.get((server, options))
        if client is None:
            with _lock:
                client = _clients.get((server, options))
                if client is None:
                    pool = self._pool_class.from_url(server, **self._pool_options)
                    client = _clients[(server, options)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        return _SharedClient(self._servers, **self._options)
