"""Per-page figures measured inside one process: SQL queries, render times, HTML size.

The page cache is off throughout. Each page type is rendered over the same
addresses three times:

- "first": nothing kept from earlier visits (no stored related-page lists,
  empty caches), as for the very first visitor after a bulk import;
- "cold": the cached fragments emptied again (an article's body and sections,
  the tag counts), as after a change to what each page shows, with each page's
  related-page list stored by the first pass and the change stamps kept;
- "repeat": the fragments already in the cache, as for a second visitor once
  the page cache has expired.

Used by bench/run.py next to the load test, which measures the same pages over HTTP:

    DATABASE_URL=... .venv/bin/python bench/in_process.py [--samples 30]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthhub.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from bench.pages import page_paths  # noqa: E402
from healthhub.caching import stamps  # noqa: E402
from healthhub.models import RelatedList  # noqa: E402

PASSES = ("first", "cold", "repeat")


def percentile_95(timings):
    return round(sorted(timings)[int(0.95 * (len(timings) - 1))], 2)


class QueryCounter:
    """Counts queries without Django's debug cursor, which formats and keeps each one (and so slows them)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(client, paths):
    timings, queries, sizes, statuses = [], set(), [], set()
    for path in paths:
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
        queries.add(counter.count)
        sizes.append(len(response.content))
    return timings, queries, sizes, statuses


def empty_keeping_stamps():
    """Empty the cache but for the change stamps (kept in it with Redis): emptying those starts a new epoch,
    after which nothing stored before counts, the related-page lists included."""
    if isinstance(stamps.store(), stamps.CacheStamps):
        client = cache._cache.get_client(write=True)
        kept = {key: client.get(key) for key in client.scan_iter(match=cache.make_key(stamps.CacheStamps.PREFIX + "*"))}
        cache.clear()
        if kept:
            client.mset(kept)
    else:
        cache.clear()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=30, help="Distinct pages rendered per page type.")
    samples = parser.parse_args().samples
    with override_settings(PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["testserver"], SEARCH_RATE="100000/s"):
        client = Client()
        RelatedList.objects.all().delete()
        cache.clear()
        pages = page_paths(samples)
        results = {name: {"html_bytes_median": 0} for name in pages}
        for which in PASSES:
            if which == "cold":
                empty_keeping_stamps()
            for name, paths in pages.items():
                timings, queries, sizes, statuses = measure(client, paths)
                results[name].update(
                    {
                        f"{which}_statuses": sorted(statuses),
                        f"{which}_queries": sorted(queries),
                        f"{which}_ms_median": round(statistics.median(timings), 2),
                        f"{which}_ms_p95": percentile_95(timings),
                    }
                )
                if which == "cold":
                    results[name]["html_bytes_median"] = int(statistics.median(sizes))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
