"""Cold render of the largest demo article for a signed-in staff user (target: median < 15 ms).

Usage:

    .venv/bin/python bench/cold_staff.py                  # 50 renders of /articles/cluster-headache/
    .venv/bin/python bench/cold_staff.py --renders 10     # smoke run
    .venv/bin/python bench/cold_staff.py --reuse-database # the database the last run made
    make bench-cold

Makes a fresh SQLite database in the temporary folder (migrate, load_demo, and
collectstatic for the production static storage), with production settings
(debug off) as bench/run.py sets them and no REDIS_URL: Django's database
cache, stamps in the database. A superuser is signed in with
django.test.Client.force_login in this process: staff pages never come from
the page cache, and their article content is rendered afresh. After 3
warm-up renders (templates compiled, per-process values such as the glossary
matcher built), --path is rendered --renders times, and before each render,
untimed, the cache is emptied (cache.clear()) and the stored related-page
lists (healthhub.models.RelatedList) deleted, so that nothing of the page is
reused from an earlier render. Prints the median, fastest and 90th percentile
in milliseconds, and the SQL queries of one such render.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import ROOT, base_env  # noqa: E402

WARM_UP = 3


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--renders", type=int, default=50, help="Timed renders (default 50).")
    parser.add_argument("--path", default="/articles/cluster-headache/", help="Default: %(default)s")
    parser.add_argument(
        "--database", default=str(Path(tempfile.gettempdir()) / "healthhub-cold-staff.sqlite3"), help="SQLite file."
    )
    parser.add_argument("--reuse-database", action="store_true", help="Use --database as the last run left it.")
    args = parser.parse_args()

    database = Path(args.database)
    static_root = Path(tempfile.gettempdir()) / "healthhub-cold-staff-static"
    fresh = not (args.reuse_database and database.exists())
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    for key in [key for key in os.environ if key.startswith(("DJANGO_", "DATABASE_URL")) or key == "REDIS_URL"]:
        del os.environ[key]
    os.environ.update(base_env(f"sqlite:///{database}", static_root, ""))
    os.environ["DJANGO_SETTINGS_MODULE"] = "healthhub.settings"
    os.chdir(ROOT)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from healthhub.models import RelatedList

    call_command("migrate", "--no-input", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    if fresh:
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
    user, _ = get_user_model().objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True, "email": "staff@example.org"}
    )
    client = Client()
    client.force_login(user)

    def cold():
        cache.clear()
        RelatedList.objects.all().delete()

    def render():
        response = client.get(args.path)
        if response.status_code != 200:
            sys.exit(f"{args.path}: HTTP {response.status_code}")
        if "X-Cache" in response:
            sys.exit(f"{args.path}: a staff page went through the page cache (X-Cache: {response['X-Cache']})")
        return response

    for _ in range(WARM_UP):
        cold()
        render()
    cold()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        size = len(render().content)
    timings = []
    for _ in range(args.renders):
        cold()
        started = time.perf_counter()
        render()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p90 = timings[min(len(timings) - 1, round(0.9 * (len(timings) - 1)))]
    print(
        f"{args.path} for a signed-in superuser, cold (cache emptied, related lists deleted), "
        f"{args.renders} renders on SQLite ({connection.settings_dict['NAME']}):"
    )
    print(
        f"median {statistics.median(timings):.2f} ms, fastest {timings[0]:.2f} ms, p90 {p90:.2f} ms "
        f"(target: median < 15 ms); {counter.count} SQL queries; {size / 1024:.1f} KB of HTML"
    )


if __name__ == "__main__":
    main()
