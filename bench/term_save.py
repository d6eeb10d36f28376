"""How long an editor's save of a glossary term takes when most texts mention it.

    DATABASE_URL=... DJANGO_DEBUG=1 .venv/bin/python bench/term_save.py [--term Pain]

Creates (or re-creates) a published term inside a request, as the admin does,
then finishes the queued texts with `manage.py update_term_mentions`, and
prints both times. Run it against a database filled by `manage.py bench_data`,
whose articles all mention "Pain"; it changes that database.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--term", default="Pain")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthhub.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import transaction
    from django.utils.text import slugify

    from articles.models import Article
    from glossary.models import PendingMention, Term, TermMention

    slug = slugify(args.term)
    Term.objects.filter(slug=slug).delete()
    request_started.send(sender=None)
    started = time.perf_counter()
    with transaction.atomic():
        term = Term.objects.create(
            term=args.term, slug=slug, short_definition="A plain explanation.", definition="In plain words.",
            status="published",
        )  # fmt: skip
    saved = time.perf_counter() - started
    request_finished.send(sender=None)
    print(f"{Article.objects.count()} articles")
    print(f"the save, in a request: {saved:.2f} s; {PendingMention.objects.count()} items left in the queue; "
          f"{TermMention.objects.filter(term=term).count()} mentions found so far")  # fmt: skip
    started = time.perf_counter()
    call_command("update_term_mentions", "--no-progress", verbosity=0)
    print(f"update_term_mentions: {time.perf_counter() - started:.1f} s; "
          f"{TermMention.objects.filter(term=term).count()} mentions")  # fmt: skip


if __name__ == "__main__":
    main()
