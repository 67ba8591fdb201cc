"""The channel layer the hub runs on Redis: channels-redis's core layer with a bounded
connection pool per process that waits for a free connection instead of failing.

redis-py's default asyncio pool opens a new connection for every command running at
the same moment and raises `MaxConnectionsError` past 100. Hundreds of sockets closing
at once (a server restart, a network blip) each run `group_discard` together, so the
default pool failed exactly then. A blocking pool queues those commands on a few
connections; each takes well under a millisecond."""

from __future__ import annotations

from channels_redis.core import RedisChannelLayer as CoreRedisChannelLayer
from redis import asyncio as aioredis


class RedisChannelLayer(CoreRedisChannelLayer):
    def __init__(self, *args, pool_size: int = 32, **kwargs):
        self.pool_size = pool_size
        super().__init__(*args, **kwargs)

    def create_pool(self, index):
        host = dict(self.hosts[index])
        address = host.pop("address")
        # timeout=None: a command waits for a connection as long as it takes rather
        # than failing; one connection of the pool is held by the process's receive.
        return aioredis.BlockingConnectionPool.from_url(
            address, max_connections=self.pool_size, timeout=None, **host
        )
