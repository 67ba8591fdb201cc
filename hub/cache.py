"""The Redis cache backend, sharing its clients across the process.

Django's Redis cache builds a new `redis.Redis` for every operation (redis-py 8 fills a
table of about 170 response callbacks each time, which costs more than the round trip
to a local Redis), and keeps its connection pools on the backend instance. Django makes
one backend instance per thread, and the ASGI server serves each request in a thread of
its own, so every request opened a new connection to Redis. A client and its pool are
safe to share between threads (a command borrows a connection from the pool), so this
backend keeps one client per server and options for the whole process."""

from __future__ import annotations

import logging
import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property

log = logging.getLogger("hub")

_clients: dict[tuple, object] = {}
_lock = threading.Lock()


class _SharedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = tuple(sorted((name, repr(value)) for name, value in self._pool_options.items()))
        self._shared = [(server, options) for server in self._servers]

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        shared = self._shared[index]
        client = _clients.get(shared)
        if client is None:
            with _lock:
                client = _clients.get(shared)
                if client is None:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    client = _clients[shared] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        return _SharedClient(self._servers, **self._options)

    def count_up(self, key: str, timeout: int, version=None) -> int:
        """Add one to a counter that lives `timeout` seconds from its first count, and
        return the new count: one round trip (Django's add and incr take three)."""
        key = self.make_and_validate_key(key, version=version)
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=True)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]


def count_up(key: str, timeout: int) -> int:
    """Add one to a counter in the shared cache that lives `timeout` seconds from its
    first count; the new count. Atomic on Redis and on the in-process cache."""
    from django.core.cache import cache

    counting = getattr(cache, "count_up", None)
    if counting is not None:
        return counting(key, timeout)
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two
        cache.set(key, 1, timeout=timeout)
        return 1


# ---------------------------------------------------------------------------
# Versions: what a cached value was made from
# ---------------------------------------------------------------------------


def versions(*keys: str, also: tuple[str, ...] = ()) -> tuple[tuple[int, ...], dict]:
    """The current numbers of the version keys `keys` (0 for one never moved on), read in
    one round trip with the other keys in `also`, which come back as a dict. A value made
    after reading these numbers is kept tagged with them: any change moves one on, and
    a value with an old tag is not used."""
    from django.core.cache import cache

    got = cache.get_many([*keys, *also])
    return tuple(got.get(key, 0) for key in keys), {key: got[key] for key in also if key in got}


def move_on(key: str, *, forget: tuple[str, ...] = ()) -> None:
    """Move a version on, now and again once the current transaction commits (so a
    value made from what was read between the two is not kept), and drop the cached
    values named in `forget`."""
    from django.core.cache import cache
    from django.db import transaction

    def bump():
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 1, timeout=None)
        if forget:
            cache.delete_many(list(forget))

    bump()
    transaction.on_commit(bump)


def kept(key: str, version_keys: tuple[str, ...], make, timeout: int):
    """`make()`, kept in the shared cache under `key` for at most `timeout` seconds and
    tagged with the versions `version_keys` read before making it: a kept value with an
    older tag is made afresh (one round trip when it is still good)."""
    from django.core.cache import cache

    tag, got = versions(*version_keys, also=(key,))
    value = got.get(key)
    if value is not None and value[0] == tag:
        return value[1]
    made = make()
    cache.set(key, (tag, made), timeout)
    return made


def renew_on_migrate(app_config, key: str, what: str) -> None:
    """Move `key` on after each `migrate` of `app_config`'s app (every deploy runs it), so
    no value pickled under an older schema is used. A cache that cannot be reached then
    holds nothing anyone can read: migrate goes on, with a warning naming `what`."""
    from django.db.models.signals import post_migrate

    def renew(sender, **kwargs):
        try:
            move_on(key)
        except Exception as exc:  # a cache that cannot be reached holds nothing to renew
            log.warning("After migrate, %s could not be renewed: %s", what, exc)

    post_migrate.connect(renew, sender=app_config, weak=False, dispatch_uid=f"renew-on-migrate-{key}")
