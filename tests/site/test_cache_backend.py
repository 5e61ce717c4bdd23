"""The cache keeps one Redis client per server instead of building one per operation."""

import os

from django.core.cache import cache, caches

from receipts_site.cache import RedisCache


def test_the_cache_is_the_projects_redis_cache():
    assert isinstance(caches["default"], RedisCache)


def test_every_operation_uses_the_same_client():
    cache.set("cache-test:a", 1)
    first = cache._cache.get_client("cache-test:a", write=True)
    cache.get_many(["cache-test:a", "cache-test:b"])
    assert cache._cache.get_client("cache-test:b") is first
    assert cache.get("cache-test:a") == 1


def test_a_forked_child_reads_and_writes_on_connections_of_its_own():
    cache.set("cache-test:parent", "p")
    pid = os.fork()
    if pid == 0:  # the child: its first command opens a new connection; exits 0 only if all worked
        try:
            ok = cache.get("cache-test:parent") == "p"
            cache.set("cache-test:child", "c")
            os._exit(0 if ok else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.get("cache-test:child") == "c"
    assert cache.get("cache-test:parent") == "p"
