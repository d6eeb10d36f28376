"""Saves elsewhere, and cached pages against a bare Django view (`make bench-saves`).

Usage:

    .venv/bin/python bench/saves.py                       # 1,000 articles, default config then Redis (~15 min)
    .venv/bin/python bench/saves.py --config redis --measure saves
    .venv/bin/python bench/saves.py --reuse-database      # the site the last run generated
    .venv/bin/python bench/saves.py --articles 200 --duration 5 --rounds 1 --output /tmp   # smoke run
    make bench-saves SAVES_ARGS="--config default"

One generated site on PostgreSQL (manage.py bench_data, search index rebuilt,
ANALYZE; database healthhub_bench_saves, dropped and made again), served by
gunicorn in production settings with one worker per core, measured in each
configuration: "default" (no REDIS_URL: Django's database cache, stamps in the
database) and "redis" (cache and stamps in Redis; the database number given is
emptied first). Every address is visited once before the load, as on a site in
service, so the pages are cached.

1. saves. Target: with an editor saving elsewhere, >= 80 % of the requests a
   second without, and p99 < 100 ms. wrk, 32 connections, over 300 article
   pages, the home page, the article list, 5 tag pages, the glossary A-Z and
   20 term pages, --duration seconds without saves and with an editor process
   saving an unrelated article --rate times a second (one sentence of its body
   changes, .save() in transaction.atomic(), as in bench/loadtest.py), in the
   order without, with, with, without (--rounds 2; round 1 starts without,
   round 2 with, and so on). The unrelated article is picked first: a
   published article none of whose tags (nor those of its FAQs, treatment
   lists, treatments and triggers) is carried by a measured article or term
   page; the measured articles are drawn from the rest (if too few are left,
   those sharing the fewest tags are added, and the report says how many
   share one). Term pages that list the article ("Used in") are left out.
   During each run a sample of requests (--sample) counts the X-Cache header
   (hit, miss, none): the pages should stay cached while the saves go on.
   After each run with saves, every save is read back and the edited
   article's page is fetched: it must show the last save.
2. ceiling. Target: an anonymous visitor's cached article page at >= 80 % of
   a bare Django view. A second gunicorn, same gunicorn.conf.py and workers,
   DJANGO_SETTINGS_MODULE=bench.bare_settings (no middleware, one view), on
   another port. wrk, 16 connections as in bench/run.py, on /bare/ ("ok"), on
   /bare/<n>/ (n: the median size of the cached article pages, so both move
   as many bytes), on /bare/read/<n>/ (the same body read on every request from
   the configured cache, with the stamps, in the one read a page-cache hit
   makes) and on the same 300 cached article pages, alternately (round 1 in
   that order, round 2 reversed, ...).

Results: a Markdown summary on stdout and bench/results/saves-<time>.json
(--output for another folder). Loads only 127.0.0.1, bounded in time.
"""

import argparse
import datetime
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import LUA, ROOT, base_env, clear_cache, parse_wrk, wait_until_up  # noqa: E402

PYTHON = sys.executable
# Not bench/run.py's port: the two benchmarks cannot answer each other's requests.
SITE_PORT, BARE_PORT = 8775, 8776
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/healthhub_bench_saves"
# The sentence the editor changes: " Checked in revision <token>." at the end of the body's first paragraph.
MARK = re.compile(r" Checked in revision \w+\.")
RESTART = "Autorestarting worker"


# --- Processes the benchmark starts ------------------------------------------------------------------


def django_env(env):
    return {**env, "DJANGO_SETTINGS_MODULE": "healthhub.settings"}


def manage(env, *args, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, **kwargs)


def fresh_postgres(url):
    name, admin = url.rsplit("/", 1)[1], url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def prepare_site(args, env):
    """Migrate, collect static files and (unless --reuse-database) generate the site."""
    if not args.reuse_database:
        fresh_postgres(args.database_url)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    if args.reuse_database:
        return None
    started = time.time()
    manage(env, "bench_data", "--articles", str(args.articles), "-v0")
    # Bulk inserts send no signals: index everything, then planner statistics as a database in service has them.
    manage(env, "rebuild_search_index", "--no-progress", capture_output=True)
    subprocess.run(
        [PYTHON, "-c", "import django; django.setup(); from django.db import connection; "
         "connection.cursor().execute('ANALYZE')"],
        cwd=ROOT, env=django_env(env), check=True,
    )  # fmt: skip
    return round(time.time() - started, 1)


class Server:
    """gunicorn in production settings (gunicorn.conf.py), its error log in a file."""

    def __init__(self, env, port, workers, log, settings=None, ready_path="/livez/"):
        self.port, self.log = port, log
        server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers),
                      "GUNICORN_ACCESS_LOG": "/dev/null"}  # fmt: skip
        if settings:
            server_env["DJANGO_SETTINGS_MODULE"] = settings
        self.log_file = log.open("w")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "healthhub.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT, env=server_env, stdout=self.log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_up(self.url(ready_path))
        except RuntimeError:
            self.stop()
            sys.stderr.write(log.read_text())
            raise

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def restarts(self):
        """Workers recycled so far (gunicorn's max_requests): a new worker starts with empty per-process caches."""
        self.log_file.flush()
        return self.log.read_text().count(RESTART)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.log_file.close()


def get(url):
    """(status, X-Cache header or "none", body) of one anonymous GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("X-Cache", "none"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache", "none"), error.read()


def wrk(server, paths, duration, connections, workdir, name):
    paths_file = workdir / f"{name}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    script = workdir / "paths.lua"
    script.write_text(LUA)
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script), server.url("")],
        env={**os.environ, "BENCH_PATHS": str(paths_file)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(output)


class Sampler(threading.Thread):
    """`count` requests spread over `seconds` while wrk runs, counting X-Cache values (and the pages missed)."""

    def __init__(self, server, paths, seconds, count, seed):
        super().__init__(daemon=True)
        self.server, self.seconds, self.count = server, seconds, count
        self.paths = random.Random(seed).choices(paths, k=count)
        self.cache, self.missed, self.errors = Counter(), Counter(), 0

    def run(self):
        if not self.count:
            return
        started = time.time() + 0.5  # once wrk's connections are open
        interval = max(self.seconds - 1, 0.1) / self.count
        for number, path in enumerate(self.paths):
            if (wait := started + number * interval - time.time()) > 0:
                time.sleep(wait)
            status, cache, _body = get(self.server.url(path))
            self.cache[cache] += 1
            self.errors += status != 200
            if cache != "hit":
                self.missed[path] += 1

    def result(self):
        self.join()
        hits = self.cache["hit"]
        return {
            "sampled": self.count,
            "x_cache": dict(self.cache),
            "hit_ratio": round(hits / self.count, 3) if self.count else None,
            "not_hit": dict(self.missed.most_common(10)),
            "non_200": self.errors,
        }


# --- Which pages, and which article the editor saves -------------------------------------------------


def pick(article_pages, tag_pages, term_pages, seed):
    """(run in a Django process) The measured addresses and the unrelated article, printed as JSON."""
    import django

    django.setup()
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article, ArticleTag, FAQTag, TreatmentListTag, TreatmentTag, TriggerTag
    from glossary.models import Term, TermMention, TermTag

    rng = random.Random(seed)
    published = dict(Article.objects.published().order_by("pk").values_list("pk", "slug"))
    tags = {pk: set() for pk in published}
    for pk, tag in ArticleTag.objects.filter(content_object_id__in=published).values_list("content_object", "tag"):
        tags[pk].add(tag)

    def family_tags(pk):
        """The tags of the article and of every item its page shows under it."""
        found = set(tags[pk])
        for through, lookup in (
            (FAQTag, "content_object__article"),
            (TreatmentListTag, "content_object__article"),
            (TreatmentTag, "content_object__treatment_list__article"),
            (TriggerTag, "content_object__articles"),
        ):
            found |= set(through.objects.filter(**{lookup: pk}).values_list("tag", flat=True))
        return found

    candidates = list(published)
    rng.shuffle(candidates)
    best = None
    for edited in candidates[:50]:
        family = family_tags(edited)
        unrelated = [pk for pk in published if pk != edited and not tags[pk] & family]
        if best is None or len(unrelated) > len(best[2]):
            best = (edited, family, unrelated)
        if len(unrelated) >= article_pages:
            break
    edited, family, unrelated = best
    if len(unrelated) >= article_pages:
        measured = rng.sample(unrelated, article_pages)
    else:  # too few left at this size: add those sharing the fewest tags
        left = set(published) - set(unrelated) - {edited}
        others = sorted(left, key=lambda pk: (len(tags[pk] & family), rng.random()))
        measured = unrelated + others[: article_pages - len(unrelated)]
        rng.shuffle(measured)
    sharing = [pk for pk in measured if tags[pk] & family]

    measured_tags = sorted(set().union(*(tags[pk] for pk in measured)))
    chosen_tags = rng.sample(measured_tags, min(tag_pages, len(measured_tags)))
    tag_slugs = list(Tag.objects.filter(pk__in=chosen_tags).order_by("slug").values_list("slug", flat=True))
    mentioning = set(
        TermMention.objects.filter(content_type="article", object_id=edited).values_list("term", flat=True)
    )
    near = set(TermTag.objects.filter(tag__in=family).values_list("content_object", flat=True))
    terms = list(
        Term.objects.published().exclude(pk__in=mentioning | near).order_by("slug").values_list("slug", flat=True)
    )
    terms = rng.sample(terms, min(term_pages, len(terms)))

    articles = [reverse("articles:detail", args=[published[pk]]) for pk in measured]
    pages = {
        "article": articles,
        "home": [reverse("home")],
        "article list": [reverse("articles:list")],
        "tag": [reverse("tags:detail", args=[slug]) for slug in tag_slugs],
        "glossary A-Z": [reverse("glossary:term-list")],
        "term": [reverse("glossary:term-detail", args=[slug]) for slug in terms],
    }
    print(
        json.dumps(
            {
                "pages": pages,
                "edited": {
                    "pk": edited,
                    "path": reverse("articles:detail", args=[published[edited]]),
                    "own_tags": len(tags[edited]),
                    "family_tags": len(family),
                    "measured_articles_sharing_a_tag": len(sharing),
                    "term_pages_left_out": len(mentioning | near),
                },
                "published_articles": len(published),
            }
        )
    )


# --- The editor ---------------------------------------------------------------------------------------


def base_body(article):
    """The article's Markdown without the editor's sentence; a generated article gets its demo article's source."""
    body = MARK.sub("", article.body)
    if body.strip() == "(generated)":  # healthhub/benchdata.py stores only the rendered HTML
        import frontmatter
        from django.conf import settings

        sources = sorted((settings.BASE_DIR / "content" / "demo" / "articles").glob("*.md"))
        number = int(article.slug.rsplit("-", 1)[1]) if article.slug.startswith("bench-") else 0
        body = frontmatter.load(sources[number % len(sources)]).content
    return body


def edited_body(base, token):
    """`base` with " Checked in revision <token>." ending its first paragraph: an editor fixing a sentence."""
    blocks = base.split("\n\n")
    for index, block in enumerate(blocks):
        if block[:1].isalpha():
            blocks[index] = block.rstrip() + f" Checked in revision {token}."
            return "\n\n".join(blocks)
    return base + f"\n\nChecked in revision {token}."


def editor(pk, seconds, rate, saves_limit, label):
    """(run in a Django process) Save article `pk` `rate` times a second for `seconds`; print the outcome as JSON.

    Prints "ready" once Django is set up, then starts at once.
    """
    import django

    django.setup()
    from django.db import transaction

    from articles.models import Article

    base = base_body(Article.objects.get(pk=pk))
    print("ready", flush=True)
    saves, errors, durations, token = 0, [], [], None
    started, cpu = time.time(), time.process_time()
    deadline = started + seconds
    while time.time() < deadline and (not saves_limit or saves < saves_limit):
        if rate and (wait := started + saves / rate - time.time()) > 0:
            time.sleep(wait)
        attempt = f"{label}x{saves}"
        begun = time.perf_counter()
        try:
            with transaction.atomic():
                article = Article.objects.select_for_update().get(pk=pk)
                article.body = edited_body(base, attempt)
                article.save()
            durations.append((time.perf_counter() - begun) * 1000)
            token = attempt
            saves += 1
        except Exception as error:  # noqa: BLE001 - every failure is counted and reported
            errors.append(repr(error))
            if len(errors) > 100:
                break
    stored = Article.objects.get(pk=pk)
    lost = token is not None and (
        f"revision {token}." not in stored.body or f"revision {token}." not in stored.body_html
    )
    print(
        json.dumps(
            {
                "saves": saves,
                "saves_per_second": round(saves / max(time.time() - started, 0.001), 2),
                "save_ms_median": round(statistics.median(durations), 1) if durations else None,
                "save_ms_max": round(max(durations), 1) if durations else None,
                # This process's share of the cores the server and wrk run on (the database's work not included).
                "cpu_seconds": round(time.process_time() - cpu, 2),
                "error_count": len(errors),
                "errors": errors[:5],
                "last_token": token,
                "lost": lost,
            }
        )
    )


def start_editor(env, pk, seconds, rate, label, saves_limit=0):
    process = subprocess.Popen(
        [PYTHON, __file__, "--editor", str(pk), "--duration", str(seconds), "--rate", str(rate),
         "--editor-label", label, "--editor-saves", str(saves_limit)],
        cwd=ROOT, env=django_env(env), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    if process.stdout.readline().strip() != "ready":
        process.wait()
        raise RuntimeError(f"the editor process did not start (exit code {process.returncode})")
    return process


def editor_result(process, seconds):
    output, _ = process.communicate(timeout=seconds + 120)
    if process.returncode:
        raise RuntimeError(f"the editor process failed (exit code {process.returncode})")
    return json.loads(output.strip().splitlines()[-1])


# --- The two measurements -----------------------------------------------------------------------------


def measure_saves(args, config, env, site, picked, workdir):
    pages = picked["pages"]
    paths = [path for group in pages.values() for path in group]
    edited_path = picked["edited"]["path"]
    runs = []
    for number in range(args.rounds):
        order = ("without", "with") if number % 2 == 0 else ("with", "without")
        for mode in order:
            label = f"{config}r{number + 1}"
            restarts = site.restarts()
            sampler = Sampler(site, paths, args.duration, args.sample, seed=len(runs))
            process = (
                start_editor(env, picked["edited"]["pk"], args.duration, args.rate, label) if mode == "with" else None
            )
            sampler.start()
            figures = wrk(site, paths, args.duration, args.connections, workdir, "saves")
            run = {"round": number + 1, "saves": mode, **figures, "cache_sample": sampler.result()}
            if process:
                run["editor"] = editor_result(process, args.duration)
                status, cache, body = get(site.url(edited_path))
                token = run["editor"]["last_token"]
                shown = token is not None and f"revision {token}.".encode() in body
                run["edited_page"] = {"status": status, "x_cache": cache, "shows_last_save": shown}
            run["worker_restarts"] = site.restarts() - restarts
            runs.append(run)
            print(f"[{config}] saves round {number + 1} {mode}: {run['rps']:.0f} req/s, p99 {run['p99_ms']} ms",
                  file=sys.stderr)  # fmt: skip
    without = [run["rps"] for run in runs if run["saves"] == "without"]
    with_saves = [run for run in runs if run["saves"] == "with"]
    ratio = statistics.mean(run["rps"] for run in with_saves) / statistics.mean(without)
    p99 = max(run["p99_ms"] for run in with_saves)
    failures = [
        run for run in with_saves
        if run["editor"]["error_count"] or run["editor"]["lost"] or not run["edited_page"]["shows_last_save"]
    ]  # fmt: skip
    return {
        "runs": runs,
        "ratio_with_to_without": round(ratio, 3),
        "p99_ms_with_saves_max": p99,
        "target_met": ratio >= 0.8 and p99 < 100,
        "save_failures": len(failures),
    }


def measure_ceiling(args, config, site, bare, articles, page_bytes, workdir):
    targets = {
        "bare ok": (bare, ["/bare/"] * len(articles)),
        f"bare {page_bytes} B": (bare, [f"/bare/{page_bytes}/"] * len(articles)),
        f"bare {page_bytes} B read from the cache": (bare, [f"/bare/read/{page_bytes}/"] * len(articles)),
        "cached article": (site, articles),
    }
    for server, paths in targets.values():  # open connections, fill per-process caches
        wrk(server, paths, 2, args.ceiling_connections, workdir, "ceiling")
    runs = []
    for number in range(args.rounds):
        names = list(targets) if number % 2 == 0 else list(reversed(targets))
        for name in names:
            server, paths = targets[name]
            restarts = server.restarts()
            sampler = Sampler(server, paths, args.duration, args.sample if server is site else 0, seed=len(runs))
            sampler.start()
            figures = wrk(server, paths, args.duration, args.ceiling_connections, workdir, "ceiling")
            run = {"round": number + 1, "target": name, **figures, "worker_restarts": server.restarts() - restarts}
            if server is site:
                run["cache_sample"] = sampler.result()
            runs.append(run)
            print(f"[{config}] ceiling round {number + 1} {name}: {figures['rps']:.0f} req/s", file=sys.stderr)

    def mean_rps(name):
        return statistics.mean(run["rps"] for run in runs if run["target"] == name)

    article = mean_rps("cached article")
    ratios = {name: round(article / mean_rps(name), 3) for name in targets if name != "cached article"}
    return {
        "runs": runs,
        "article_page_bytes_median": page_bytes,
        "article_to_bare": ratios,
        "target_met": all(ratio >= 0.8 for ratio in ratios.values()),
    }


def bench_config(args, config, picked, workdir):
    redis_url = args.redis_url if config == "redis" else ""
    env = base_env(args.database_url, workdir / "static", redis_url)
    if not redis_url:
        env.pop("REDIS_URL", None)
    clear_cache(env)  # the database cache table, or the Redis database (FLUSHDB)
    result = {"config": config, "redis_url": redis_url or None}
    site = Server(env, SITE_PORT, args.workers, workdir / f"site-{config}.log")
    bare = None
    try:
        if "ceiling" in args.measure:
            bare = Server(env, BARE_PORT, args.workers, workdir / f"bare-{config}.log",
                          settings="bench.bare_settings", ready_path="/bare/")  # fmt: skip
        pages = picked["pages"]
        paths = [path for group in pages.values() for path in group]
        edited = picked["edited"]
        # One save first: the generated article's body becomes real Markdown, as it stays from then on.
        editor_result(start_editor(env, edited["pk"], 60, 0, f"{config}prime", saves_limit=1), 60)
        # As on a site in service: every address visited (and so cached), the edited article's page too.
        started = time.time()
        sizes, statuses, first = [], Counter(), Counter()
        for path in [*paths, edited["path"]]:
            status, cache, body = get(site.url(path))
            statuses[status] += 1
            first[cache] += 1
            if path in pages["article"]:
                sizes.append(len(body))
        result["warm_up"] = {"seconds": round(time.time() - started, 1), "status": dict(statuses),
                             "x_cache": dict(first)}  # fmt: skip
        wrk(site, paths, 2, args.connections, workdir, "saves")  # every worker's per-process caches
        check = Counter(get(site.url(path))[1] for path in paths)
        result["after_warm_up_x_cache"] = dict(check)
        if "saves" in args.measure:
            result["saves"] = measure_saves(args, config, env, site, picked, workdir)
        if "ceiling" in args.measure:
            result["ceiling"] = measure_ceiling(
                args, config, site, bare, pages["article"], int(statistics.median(sizes)), workdir
            )
    finally:
        site.stop()
        if bare:
            bare.stop()
    return result


# --- Report ---------------------------------------------------------------------------------------------


def table(report):
    lines = []
    edited = report["edited"]
    lines.append(
        f"Edited article {edited['path']} (pk {edited['pk']}): {edited['own_tags']} tags, {edited['family_tags']} "
        f"with its FAQs, treatments and triggers; measured articles sharing one: "
        f"{edited['measured_articles_sharing_a_tag']} of {len(report['pages']['article'])}; "
        f"term pages left out: {edited['term_pages_left_out']}."
    )
    for result in report["configs"]:
        config = result["config"]
        if "saves" in result:
            saves = result["saves"]
            lines.append(f"\n### Saves elsewhere: {config}\n")
            lines.append(
                "| round | saves | req/s | p50 ms | p99 ms | non-2xx | socket errors | X-Cache hit (sample) "
                "| not hit | saves done | save ms median | editor CPU s | edited page current | worker restarts |"
            )
            lines.append("|---:|---|---:|---:|---:|---:|---|---:|---|---:|---:|---:|---|---:|")
            for run in saves["runs"]:
                editor = run.get("editor", {})
                sample = run["cache_sample"]
                not_hit = ", ".join(f"{path} {count}" for path, count in sample["not_hit"].items())
                lines.append(
                    f"| {run['round']} | {run['saves']} | {run['rps']:.0f} | {run['p50_ms']} | {run['p99_ms']} | "
                    f"{run['non_2xx']} | {run['socket_errors'] or 0} | "
                    f"{sample['x_cache'].get('hit', 0)}/{sample['sampled']} | {not_hit} | "
                    f"{editor.get('saves', '')} | {editor.get('save_ms_median', '')} | "
                    f"{editor.get('cpu_seconds', '')} | "
                    f"{run.get('edited_page', {}).get('shows_last_save', '')} | {run['worker_restarts']} |"
                )
            lines.append(
                f"\nWith saves / without: {saves['ratio_with_to_without']:.2f} (target >= 0.80); "
                f"p99 with saves at most {saves['p99_ms_with_saves_max']} ms (target < 100): "
                f"**{'met' if saves['target_met'] else 'not met'}**. "
                f"Runs with failed, lost or unseen saves: {saves['save_failures']}."
            )
        if "ceiling" in result:
            ceiling = result["ceiling"]
            lines.append(f"\n### Cached article page against a bare Django view: {config}\n")
            lines.append(
                "| round | target | req/s | p50 ms | p99 ms | non-2xx | X-Cache hit (sample) | worker restarts |"
            )
            lines.append("|---:|---|---:|---:|---:|---:|---:|---:|")
            for run in ceiling["runs"]:
                sample = run.get("cache_sample")
                hits = f"{sample['x_cache'].get('hit', 0)}/{sample['sampled']}" if sample else ""
                lines.append(
                    f"| {run['round']} | {run['target']} | {run['rps']:.0f} | {run['p50_ms']} | {run['p99_ms']} | "
                    f"{run['non_2xx']} | {hits} | {run['worker_restarts']} |"
                )
            ratios = ", ".join(f"/ {name}: {ratio:.2f}" for name, ratio in ceiling["article_to_bare"].items())
            lines.append(
                f"\nCached article (median {ceiling['article_page_bytes_median']} bytes) {ratios} (target >= 0.80): "
                f"**{'met' if ceiling['target_met'] else 'not met'}**."
            )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="Generated articles (default 1000).")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections for the saves runs.")
    parser.add_argument("--ceiling-connections", type=int, default=16, help="wrk connections for the ceiling runs.")
    parser.add_argument("--duration", type=int, default=30, help="Seconds of each wrk run (default 30).")
    parser.add_argument("--rate", type=float, default=2, help="The editor's saves a second (default 2).")
    parser.add_argument("--rounds", type=int, default=2, help="Runs of each kind per configuration (default 2).")
    parser.add_argument("--config", nargs="+", default=["default", "redis"], choices=["default", "redis"])
    parser.add_argument("--measure", nargs="+", default=["saves", "ceiling"], choices=["saves", "ceiling"])
    parser.add_argument("--article-pages", type=int, default=300)
    parser.add_argument("--tag-pages", type=int, default=5)
    parser.add_argument("--term-pages", type=int, default=20)
    parser.add_argument("--sample", type=int, default=200, help="Requests sampled for X-Cache during each saves run.")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers (default: cores)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_SAVES_POSTGRES_URL", DATABASE_URL),
                        help="PostgreSQL database to drop and make again (default %(default)s).")  # fmt: skip
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="Redis for the 'redis' configuration; the database number given is emptied (default %(default)s).",
    )
    parser.add_argument("--reuse-database", action="store_true", help="Measure the site the last run generated.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results"), help="Folder for the JSON results.")
    parser.add_argument("--pick", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--editor", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--editor-label", default="e", help=argparse.SUPPRESS)
    parser.add_argument("--editor-saves", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pick:
        return pick(args.article_pages, args.tag_pages, args.term_pages, args.seed)
    if args.editor is not None:
        return editor(args.editor, args.duration, args.rate, args.editor_saves, args.editor_label)
    if not shutil.which("wrk"):
        sys.exit("bench/saves.py needs wrk (Debian: apt-get install wrk).")

    report = {
        "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "settings": {key: value for key, value in vars(args).items() if not key.startswith(("pick", "editor"))},
        "gunicorn_max_requests": os.environ.get("GUNICORN_MAX_REQUESTS", "default"),
        "configs": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = base_env(args.database_url, workdir / "static", "")
        env.pop("REDIS_URL", None)
        report["generate_seconds"] = prepare_site(args, env)
        picked = json.loads(
            subprocess.run(
                [PYTHON, __file__, "--pick", "--article-pages", str(args.article_pages), "--tag-pages",
                 str(args.tag_pages), "--term-pages", str(args.term_pages), "--seed", str(args.seed)],
                cwd=ROOT, env=django_env(env), check=True, capture_output=True, text=True,
            ).stdout
        )  # fmt: skip
        report.update(picked)
        for config in args.config:
            report["configs"].append(bench_config(args, config, picked, workdir))
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"saves-{report['started_at'].replace(':', '')}.json"
    path.write_text(json.dumps(report, indent=2))
    print(table(report))
    print(f"\nFull results: {path}")


if __name__ == "__main__":
    main()
