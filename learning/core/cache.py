"""Django's Redis cache, without building a new redis client on every call.

Django's `RedisCacheClient.get_client()` creates a `redis.Redis` for each cache
operation, and each one copies redis-py's table of ~170 response callbacks: about
a tenth of a millisecond per `cache.get()`, several times on every page. A client
is thread-safe and only wraps its connection pool, so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _OneClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
