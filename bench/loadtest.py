"""Load test: visitors and editors at the same time (`make loadtest`).

gunicorn serves the site in production settings; after one visit of each
address (as a site in service has had; --no-warm-up skips it), wrk keeps 64
connections busy for 60 seconds on article and search pages, while an editor
process saves articles and FAQs in transactions (2 a second by default). At
the end every saved value is read back. The run fails if any request errored
or timed out, any save failed, or any save was lost.

    .venv/bin/python bench/loadtest.py [--database postgres|sqlite] [--articles 1000] [--seconds 60]
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import PORT, ROOT, base_env, clear_cache, fresh_database, load, wait_until_up, warm  # noqa: E402

PYTHON = sys.executable


def editor(seconds, rate, seed):
    """Save articles and FAQs for `seconds`, `rate` a second (0: as fast as possible); print what happened as JSON."""
    import django

    django.setup()
    from django.db import transaction

    from articles.models import FAQ, Article

    rng = random.Random(seed)
    article_ids = list(Article.objects.values_list("pk", flat=True))
    faq_ids = list(FAQ.objects.values_list("pk", flat=True))
    expected, saves, errors = {}, 0, []
    deadline = time.time() + seconds
    started = time.time()
    while time.time() < deadline:
        if rate and (wait := started + saves / rate - time.time()) > 0:
            time.sleep(wait)
        model, pk = (Article, rng.choice(article_ids)) if saves % 2 == 0 else (FAQ, rng.choice(faq_ids))
        value = f"Edited {saves} at {time.time():.6f}"
        try:
            with transaction.atomic():
                item = model.objects.select_for_update().get(pk=pk)
                if model is Article:
                    item.summary = value
                else:
                    item.question = value
                item.save()
            expected[f"{model.__name__}:{pk}"] = value
            saves += 1
        except Exception as error:  # noqa: BLE001 - every failure is counted and reported
            errors.append(repr(error))
    lost = [
        key
        for key, value in expected.items()
        if (Article.objects.get(pk=key.split(":")[1]).summary if key.startswith("Article") else
            FAQ.objects.get(pk=key.split(":")[1]).question) != value
    ]  # fmt: skip
    print(json.dumps({"saves": saves, "errors": errors[:10], "error_count": len(errors), "lost": lost}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument(
        "--saves-per-second",
        type=float,
        default=2,
        help="Editors' saves a second, together (default 2, a busy newsroom; 0: as fast as one process can). "
        "Every save starts a new content version, so the next view of each page is rendered afresh.",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="Page cache shared by the workers (docs/deploy.md); '' for local memory per worker.",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="gunicorn workers (default: one per core; with 2 per core + 1, gunicorn.conf.py's default, "
        "the same machine timed out 626 requests instead of 16-26 at 10,000 articles)",
    )
    parser.add_argument(
        "--no-warm-up",
        dest="warm_up",
        action="store_false",
        help="Start the load on a cold site (nothing cached, no related lists stored) instead of after one "
        "visit of each address.",
    )
    parser.add_argument("--editor", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.editor:
        return editor(args.seconds, args.saves_per_second, seed=3)

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = base_env(fresh_database(args.database), workdir / "static", args.redis_url)
        for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"], ["load_demo"],
                        ["bench_data", "--articles", str(args.articles)]):  # fmt: skip
            subprocess.run([PYTHON, "manage.py", *command, "-v0"], cwd=ROOT, env=env, check=True)
        clear_cache(env)
        paths = json.loads(
            subprocess.run(
                [PYTHON, "-c", "import django,json;django.setup();from bench.pages import page_paths;"
                 "p=page_paths(300);print(json.dumps(p['article']+p['search']))"],
                cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "healthhub.settings"},
                capture_output=True, text=True, check=True,
            ).stdout
        )  # fmt: skip
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "healthhub.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{PORT}", "GUNICORN_WORKERS": str(args.workers),
                 "GUNICORN_ACCESS_LOG": "/dev/null"},
        )  # fmt: skip
        try:
            wait_until_up(f"http://127.0.0.1:{PORT}/livez/")
            if args.warm_up:
                warm(paths, 1)  # as a site in service has been visited: related lists stored, pages cached
            editors = subprocess.Popen(
                [PYTHON, __file__, "--editor", "--seconds", str(args.seconds),
                 "--saves-per-second", str(args.saves_per_second)],
                cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "healthhub.settings"},
                stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            visitors = load(paths, args.seconds, args.connections, workdir)
            saved = json.loads(editors.communicate(timeout=args.seconds + 120)[0])
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    report = {"database": args.database, "articles": args.articles, "workers": args.workers, "warm_up": args.warm_up,
              "connections": args.connections, "seconds": args.seconds,
              "saves_per_second": args.saves_per_second, "visitors": visitors, "editors": saved}  # fmt: skip
    print(json.dumps(report, indent=2))
    failed = visitors["non_2xx"] or visitors["socket_errors"] or saved["error_count"] or saved["lost"]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
