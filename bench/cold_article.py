"""Cold article renders of one checkout of healthhub, for before/after comparisons.

    DATABASE_URL=... .venv/bin/python bench/cold_article.py [--code PATH] [--samples 30]

Renders `--samples` published articles once (which stores their related-page
lists), empties the cache, renders them again and prints the median and the
fastest of those second, "cold" renders in milliseconds (as `bench_pages`
measures them, without counting queries). `--code` imports healthhub from
another checkout (e.g. a `git worktree` of an earlier commit) against the same
database, so that two versions can be run alternately: this machine's speed
drifts within minutes, and only alternating runs compare code.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, args.code)
    os.chdir(args.code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthhub.settings")

    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import override_settings

    from articles.models import Article

    with override_settings(PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        articles = Article.objects.published().order_by("pk")[: args.samples + 1]
        paths = [article.get_absolute_url() for article in articles]
        for path in paths:
            client.get(path)
        cache.clear()
        client.get(paths[-1])  # works out the content version and the glossary matcher
        timings = []
        for path in paths[:-1]:
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"{path}: HTTP {response.status_code}")
    print(f"cold article render: median {statistics.median(timings):.2f} ms, fastest {min(timings):.2f} ms")


if __name__ == "__main__":
    main()
