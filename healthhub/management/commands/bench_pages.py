"""Per-page figures measured inside one process: SQL queries, cold render time, HTML size.

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
                results[name] = {
                    "statuses": sorted(statuses),
                    "queries": sorted(queries),
                    "cold_ms_median": round(statistics.median(timings), 2),
                    "cold_ms_p95": round(sorted(timings)[int(0.95 * (len(timings) - 1))], 2),
                    "html_bytes_median": int(statistics.median(sizes)),
                }
        self.stdout.write(json.dumps(results, indent=2))
