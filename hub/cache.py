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
import math
import threading
import time
import uuid

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

    def take_turn(self, key: str, *, limit: int, window: float, now: float, version=None) -> float | None:
        """See `take_turn` below: here one atomic round trip (a script over a sorted
        set of the times of the turns taken)."""
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        script = _turn_scripts.get(id(client))
        if script is None:
            script = _turn_scripts[id(client)] = client.register_script(_TURN_SCRIPT)
        wait = script(keys=[key], args=[repr(now), repr(window), limit, f"{now!r}:{uuid.uuid4().hex}"])
        return None if wait is None else float(wait)


#: Forget the turns older than the window; take one if fewer than the limit remain,
#: else answer how long until the oldest leaves the window. KEYS: the key; ARGV: now,
#: window (seconds), limit, a name for this turn.
_TURN_SCRIPT = """
local key, now, window = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < tonumber(ARGV[3]) then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('EXPIRE', key, math.ceil(window))
  return false
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + window - now)
"""
_turn_scripts: dict[int, object] = {}
_turn_lock = threading.Lock()


def take_turn(key: str, *, limit: int, window: float, now: float | None = None) -> float | None:
    """A sliding-window limit in the shared cache: take a turn if fewer than `limit`
    were taken under `key` in the last `window` seconds, and answer None; otherwise take
    none and answer the seconds until one is free again. A refused try does not count.
    Atomic on Redis (across processes) and on the in-process cache."""
    from django.core.cache import cache

    now = time.time() if now is None else now
    taking = getattr(cache, "take_turn", None)
    if taking is not None:
        return _clamp(taking(key, limit=limit, window=window, now=now), window)
    with _turn_lock:
        times = [t for t in cache.get(key, ()) if t > now - window]
        if len(times) < limit:
            cache.set(key, [*times, now], timeout=math.ceil(window))
            return None
        return _clamp(min(times) + window - now, window)


def _clamp(wait: float | None, window: float) -> float | None:
    """No wait is longer than the window (another server's clock may run ahead)."""
    return None if wait is None else min(max(wait, 0.0), window)


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


def kept(key: str, version_keys: tuple[str, ...], make, timeout: int, *, keep=None):
    """`make()`, kept in the shared cache under `key` for at most `timeout` seconds and
    tagged with the versions `version_keys` read before making it: a kept value with an
    older tag is made afresh (one round trip when it is still good). With `keep`, only
    a value for which `keep(value)` is true is kept."""
    from django.core.cache import cache

    tag, got = versions(*version_keys, also=(key,))
    value = got.get(key)
    if value is not None and value[0] == tag:
        return value[1]
    made = make()
    if keep is None or keep(made):
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
