"""Cache backends: Django's own, with the two changes healthhub relies on.

- `DatabaseCache` (the default, when REDIS_URL is not set): Django's database
  cache, shared by every process and app server that shares the database, with
  an atomic `incr()`, so that rate limits (django-ratelimit) count every request
  whichever process answers it. Django's `incr()` reads and writes in two steps,
  and two processes incrementing at once both write the same number.
- `RedisCache`: Django's Redis cache keeping one redis-py client per connection
  pool, without the key checks meant for memcached. Django's client builds a new `redis.Redis` for every call (0.1 ms of
  Python on the benchmark machine, a third of a page-cache hit); a `redis.Redis`
  is safe to share between threads, each command borrowing a connection from the
  pool, which is Django's.
"""

import base64
import pickle

from django.core.cache.backends import db, redis
from django.db import connections, router, transaction


class DatabaseCache(db.DatabaseCache):
    def incr(self, key, delta=1, version=None):
        """Add `delta` to a stored number, one process at a time, keeping the entry's expiry."""
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        table, column = connection.ops.quote_name(self._table), connection.ops.quote_name("cache_key")
        cache_key = self.make_and_validate_key(key, version=version)
        # PostgreSQL: the row stays locked until the new value is written. SQLite's write transactions
        # (BEGIN IMMEDIATE, see settings.py) already run one at a time.
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE {column} = %s{lock}", [cache_key])
            value = self.get(key, self._missing_key, version=version)
            if value is self._missing_key:
                raise ValueError(f"Key '{key}' not found")
            value += delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE {column} = %s", [encoded, cache_key])
        return value


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key):
        """Redis takes any key: Django's check for memcached's limits cost 3 us a key on every read."""
