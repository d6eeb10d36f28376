"""Per-page figures measured inside one process: SQL queries, cold render time, HTML size.

The page cache is off throughout. Each page is rendered twice: "cold" is the
first time, with every cache empty except what earlier pages of the run filled
(the glossary matcher, the content version); "repeat" is the same pages again,
with what is kept per content version (an article's linked body and related
pages) already filled, as for a second visitor once the page cache has expired.

Used by bench/run.py next to the load test, which measures the same pages over HTTP.
"""

import json
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench.pages import page_paths


def percentile_95(timings):
    return round(sorted(timings)[int(0.95 * (len(timings) - 1))], 2)


class Command(BaseCommand):
    help = "Print JSON with SQL queries per request, cold render time and HTML size for each benchmarked page."

    def add_arguments(self, parser):
        parser.add_argument("--samples", type=int, default=30, help="Distinct pages rendered per page type.")

    def handle(self, *, samples, **options):
        results = {}
        with override_settings(PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["testserver"], SEARCH_RATE="100000/s"):
            client = Client()
            for name, paths in page_paths(samples).items():
                timings, queries, sizes, statuses = [], set(), [], set()
                for path in paths:
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        response = client.get(path)
                        timings.append((time.perf_counter() - started) * 1000)
                    statuses.add(response.status_code)
                    queries.add(len(captured.captured_queries))
                    sizes.append(len(response.content))
                repeats, repeat_queries = [], set()
                for path in paths:
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        client.get(path)
                        repeats.append((time.perf_counter() - started) * 1000)
                    repeat_queries.add(len(captured.captured_queries))
                results[name] = {
                    "statuses": sorted(statuses),
                    "queries": sorted(queries),
                    "cold_ms_median": round(statistics.median(timings), 2),
                    "cold_ms_p95": percentile_95(timings),
                    "repeat_queries": sorted(repeat_queries),
                    "repeat_ms_median": round(statistics.median(repeats), 2),
                    "repeat_ms_p95": percentile_95(repeats),
                    "html_bytes_median": int(statistics.median(sizes)),
                }
        self.stdout.write(json.dumps(results, indent=2))
