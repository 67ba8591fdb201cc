"""The Redis cache backend, reusing its client.

Django's Redis cache builds a new `redis.Redis` for every operation; redis-py 8 fills
a table of about 170 response callbacks each time, which costs more than the round
trip to a local Redis. A client is safe to share between threads (it takes a
connection from its pool for each command), so this backend builds one per pool and
keeps it."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        return _ReusingClient(self._servers, **self._options)
