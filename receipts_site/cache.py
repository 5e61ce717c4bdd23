"""The cache backend: Django's Redis cache, keeping one Redis client per server.

Django's `RedisCache` builds a new `redis.Redis` for every cache operation, around a connection
pool it does keep. With redis-py 8 that construction (about 120 µs of CPU: a few hundred
response callbacks copied into a fresh dictionary) costs more than the operation's own round
trip, and a progress poll answered from the cache does one to three of them. A `redis.Redis`
is safe to share between threads (each command borrows a connection from the pool) and its pool
notices a fork and opens new connections in the child, so one client per server is kept.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def redis_client(self):
        """The client of the server written to, for what the cache's API lacks (pub/sub)."""
        return self._cache.get_client(write=True)
