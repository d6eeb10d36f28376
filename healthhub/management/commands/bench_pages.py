"""Per-page figures measured inside one process: SQL queries, render times, HTML size.

The page cache is off throughout. Each page type is rendered over the same
addresses three times:

- "first": nothing kept from earlier visits (no stored related-page lists,
  empty caches), as for the very first visitor after a bulk import;
- "cold": the cache emptied again, as after any change to content, tags or
  terms, with each page's related-page list stored by the first pass (kept in
  the database until an item sharing one of its tags changes);
- "repeat": what is kept per content version (an article's linked body and
  related pages) already in the cache, as for a second visitor once the page
  cache has expired.

Used by bench/run.py next to the load test, which measures the same pages over HTTP.
"""

import json
import statistics
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from bench.pages import page_paths
from healthhub.models import RelatedList

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


class Command(BaseCommand):
    help = "Print JSON with SQL queries per request, render times and HTML size for each benchmarked page."

    def add_arguments(self, parser):
        parser.add_argument("--samples", type=int, default=30, help="Distinct pages rendered per page type.")

    def handle(self, *, samples, **options):
        with override_settings(PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["testserver"], SEARCH_RATE="100000/s"):
            client = Client()
            RelatedList.objects.all().delete()
            cache.clear()
            pages = page_paths(samples)
            results = {name: {"html_bytes_median": 0} for name in pages}
            for which in PASSES:
                if which == "cold":
                    cache.clear()
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
        self.stdout.write(json.dumps(results, indent=2))
