"""The machine's services the tests use for real: Redis for the shared cache (PostgreSQL comes from DATABASE_URL)."""

import os
import socket

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable():
    host_port = REDIS_URL.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    try:
        socket.create_connection((host, int(port or 6379)), timeout=0.5).close()
        return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_reachable(), reason=f"no Redis server at {REDIS_URL}")
REDIS_CACHE = {"BACKEND": "healthhub.caching.backends.RedisCache", "LOCATION": REDIS_URL}
