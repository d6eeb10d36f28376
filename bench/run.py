"""healthhub benchmark: `make bench` (or .venv/bin/python bench/run.py --help).

For each database (SQLite, PostgreSQL) and each size (1,000 / 10,000 / 100,000
articles, with FAQs, treatments, triggers, tags and a 5,000-term glossary):

1. adds generated content (manage.py bench_data) and rebuilds the search index,
2. measures SQL queries per request, render times (first visit, cold, repeat) and HTML size in-process
   (bench/in_process.py, page cache off),
3. serves the site with gunicorn in production settings and drives every page
   with wrk from a second process, next to a bare Django view (/livez/) in the
   same run, which is the ceiling of this stack on this machine,
4. after the largest size, records each gunicorn worker's resident memory.

Results go to bench/results/<timestamp>.json and a Markdown table on stdout.
Loads only 127.0.0.1, bounded in time.
"""

import argparse
import datetime
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8765
LUA = """
paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
"""


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, **kwargs)


def base_env(database_url, static_root, redis_url):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "0",  # no TLS on loopback; the proxy does it in production
            "DJANGO_STATIC_ROOT": str(static_root),
            "DJANGO_LOG_LEVEL": "WARNING",
            "SEARCH_RATE": "1000000/s",  # the load comes from one address
            "AUTOCOMPLETE_RATE": "1000000/s",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def clear_cache(env):
    # bench_data writes in bulk, without the signals that start a new content version: start afresh.
    run([PYTHON, "-c", "import django; django.setup(); from django.core.cache import cache; cache.clear()"],
        {**env, "DJANGO_SETTINGS_MODULE": "healthhub.settings"})  # fmt: skip


def warm(paths, passes):
    """Visit every address `passes` times, so that the load measures pages as visitors get them: cached."""
    for _ in range(passes):
        for path in paths:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=60) as response:
                response.read()


def fresh_database(kind, reuse=False):
    if kind == "sqlite":
        path = Path(tempfile.gettempdir()) / "healthhub-bench.sqlite3"
        if not reuse:
            path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/healthhub_bench")
    if reuse:
        return url
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    return url


def wait_until_up(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer at {url}")


def parse_wrk(output):
    def seconds(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": round(seconds(latency["50"]), 2),
        "p99_ms": round(seconds(latency["99"]), 2),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def load(paths, duration, connections, workdir):
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    script = workdir / "paths.lua"
    script.write_text(LUA)
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}",
        ],
        env={**os.environ, "BENCH_PATHS": str(paths_file)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(output)


def worker_rss_mb(master_pid):
    children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(round(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024, 1))
    return sizes


def static_sizes(static_root):
    css_js = [p for p in static_root.rglob("*") if p.suffix in (".css", ".js") and "admin" not in p.parts]
    css_js = [p for p in css_js if not re.search(r"\.[0-9a-f]{12}\.(css|js)$", p.name)]
    public = [p for p in css_js if p.parts[-2] in ("css", "js") and "markdownx" not in p.parts]
    return {
        "files": sorted(str(p.relative_to(static_root)) for p in public),
        "raw_bytes": sum(p.stat().st_size for p in public),
        "gzip_bytes": sum(len(gzip.compress(p.read_bytes(), 9)) for p in public),
    }


def bench_database(kind, sizes, duration, connections, workers, workdir, redis_url, reuse=False):
    database_url = fresh_database(kind, reuse)
    static_root = workdir / "static"
    env = base_env(database_url, static_root, redis_url)
    run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    results, current, rss = [], 0, []
    if reuse:
        count = "import django; django.setup(); from articles.models import Article; print(Article.objects.count())"
        sizes = [int(run([PYTHON, "-c", count], {**env, "DJANGO_SETTINGS_MODULE": "healthhub.settings"},
                         capture_output=True).stdout)]  # fmt: skip
    for size in sizes:
        generated_s = indexed_s = None
        if not reuse:
            started = time.time()
            run([PYTHON, "manage.py", "bench_data", "--articles", str(size - current), "-v0"], env)
            generated_s = round(time.time() - started, 1)
            started = time.time()
            # Bulk inserts send no signals: index everything so that search has real work to do.
            run([PYTHON, "manage.py", "rebuild_search_index", "--no-progress"], env, capture_output=True)
            indexed_s = round(time.time() - started, 1)
            # Planner statistics, as a database in service keeps them (autovacuum, or SQLite's optimize).
            run([PYTHON, "-c", "import django; django.setup(); from django.db import connection; "
                 "connection.cursor().execute('ANALYZE')"],
                {**env, "DJANGO_SETTINGS_MODULE": "healthhub.settings"})  # fmt: skip
        current = size
        in_process = json.loads(run([PYTHON, "bench/in_process.py"], env, capture_output=True).stdout)
        pages = json.loads(
            run(
                [PYTHON, "-c", "import django,json;django.setup();from bench.pages import page_paths;"
                 "print(json.dumps(page_paths(200)))"],
                {**env, "DJANGO_SETTINGS_MODULE": "healthhub.settings"},
                capture_output=True,
            ).stdout
        )  # fmt: skip
        clear_cache(env)
        server_log = workdir / "gunicorn.log"
        log_file = server_log.open("w")
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "healthhub.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{PORT}", "GUNICORN_WORKERS": str(workers),
                 "GUNICORN_ACCESS_LOG": "/dev/null"},
            stderr=log_file,
        )  # fmt: skip
        try:
            try:
                wait_until_up(f"http://127.0.0.1:{PORT}/livez/")
            except RuntimeError:
                sys.stderr.write(server_log.read_text())  # why it did not start
                raise
            for paths in pages.values():
                # Shared Redis: one visit caches a page for every worker; local memory: one per worker, roughly.
                warm(paths, 1 if redis_url else workers)
                load(paths, 2, connections, workdir)  # warm connections
            http = {name: load(paths, duration, connections, workdir) for name, paths in pages.items()}
            if size == sizes[-1]:
                rss = worker_rss_mb(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            log_file.close()
        results.append(
            {
                "articles": size,
                "generate_seconds": generated_s,
                "index_seconds": indexed_s,
                "in_process": in_process,
                "http": http,
                # A recycled worker (gunicorn's max_requests) starts with empty per-process caches.
                "worker_restarts": server_log.read_text().count("Autorestarting worker"),
            }
        )
        print(f"[{kind}] {size} articles done", file=sys.stderr)
    return {"database": kind, "sizes": results, "worker_rss_mb": rss, "static": static_sizes(static_root)}


def table(report):
    lines = []
    for db in report["databases"]:
        lines.append(f"\n### {db['database']}\n")
        lines.append(
            "| articles | page | req/s | p50 ms | p99 ms | non-2xx | queries | first median ms | cold median ms "
            "| repeat median ms | HTML KB |"
        )
        lines.append("|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---:|")
        for size in db["sizes"]:
            for name, figures in size["http"].items():
                local = size["in_process"].get(name, {})
                lines.append(
                    f"| {size['articles']:,} | {name} | {figures['rps']:.0f} | {figures['p50_ms']} | "
                    f"{figures['p99_ms']} | {figures['non_2xx']} | {local.get('cold_queries')} | "
                    f"{local.get('first_ms_median')} | {local.get('cold_ms_median')} | "
                    f"{local.get('repeat_ms_median')} | "
                    f"{local.get('html_bytes_median', 0) / 1024:.1f} |"
                )
        restarts = ", ".join(f"{size['articles']:,}: {size.get('worker_restarts')}" for size in db["sizes"])
        lines.append(f"\nWorkers recycled during the load (gunicorn max_requests), by size: {restarts}")
        lines.append(f"Worker resident memory after the largest run (MB): {db['worker_rss_mb']}")
        lines.append(f"Public CSS+JS: {db['static']['raw_bytes']} bytes raw, {db['static']['gzip_bytes']} gzip")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 10000, 100000])
    parser.add_argument("--duration", type=int, default=10, help="Seconds of load per page (default 10).")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="Measure the database the last run left (at the size it holds) instead of generating a new one.",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="Page cache shared by the workers, as in production (docs/deploy.md); '' for local memory per worker. "
        "The database number given is emptied.",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench needs wrk (Debian: apt-get install wrk).")
    report = {
        "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "settings": {**vars(args), "gunicorn_max_requests": os.environ.get("GUNICORN_MAX_REQUESTS", "default")},
        "databases": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.databases:
            report["databases"].append(
                bench_database(
                    kind,
                    sorted(args.sizes),
                    args.duration,
                    args.connections,
                    args.workers,
                    Path(tmp),
                    args.redis_url,
                    args.reuse_database,
                )  # fmt: skip
            )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"{report['started_at'].replace(':', '')}.json"
    path.write_text(json.dumps(report, indent=2))
    print(table(report))
    print(f"\nFull results: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
