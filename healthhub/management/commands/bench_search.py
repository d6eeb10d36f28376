"""Search latency at growing sizes, on PostgreSQL: `manage.py bench_search --articles 1000 10000 100000`.

Fills an otherwise empty database with generated articles (each with FAQs
and tags, written in bulk) and their search entries, then times typical and
tag-filtered searches through `healthhub.search.query.search` (every query a
search page makes: type counts, the page, snippets) and prints p50/p95 per
kind. Sizes grow in place: 10,000 adds 9,000 to the first 1,000.
See docs/search.md.
"""

import collections
import itertools
import random
import re
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag
from tqdm import tqdm

from articles.models import FAQ, Article, ArticleTag, FAQTag
from healthhub.models import SearchEntry, SearchWord
from healthhub.publishing.models import Status
from healthhub.registry import CONTENT_TYPES
from healthhub.search import index as search_index
from healthhub.search import query

SLUG_PREFIX = "bench-"
BATCH_SIZE = 2000


class Command(BaseCommand):
    help = (
        "Time searches on generated content at growing sizes (PostgreSQL only). Use an empty database, e.g. "
        "createdb hh_bench; DATABASE_URL=postgres://.../hh_bench manage.py migrate; then this command."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000], help="Sizes to measure.")
        parser.add_argument("--faqs", type=int, default=3, help="FAQs per article (default 3).")
        parser.add_argument("--searches", type=int, default=200, help="Timed searches per kind and size.")
        parser.add_argument("--seed", type=int, default=4)
        parser.add_argument("--keep", action="store_true", help="Keep the generated content afterwards.")

    def handle(self, *args, articles, faqs, searches, seed, keep, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_search measures PostgreSQL; set DATABASE_URL to a PostgreSQL database.")
        others = [ct.model for ct in CONTENT_TYPES if ct.model not in (Article, FAQ)]
        if (
            Article.objects.exclude(slug__startswith=SLUG_PREFIX).exists()
            or FAQ.objects.exclude(slug__startswith=SLUG_PREFIX).exists()
            or any(model.objects.exists() for model in others)
        ):
            raise CommandError(
                "This database holds content; bench_search adds and deletes content in bulk. "
                "Run it on an empty database of its own (see docs/search.md)."
            )
        self.random = random.Random(seed)
        self.words = vocabulary()
        self.weights = list(itertools.accumulate(1 / rank for rank in range(1, len(self.words) + 1)))
        self.delete_generated()
        self.tags = self.make_tags()
        rows = []
        try:
            for size in sorted(articles):
                self.grow_to(size, faqs)
                rows.append(self.measure(size, searches))
        finally:
            if not keep:
                self.delete_generated()
        self.report(rows)

    # --- Content -------------------------------------------------------------

    def text(self, count):
        return " ".join(self.random.choices(self.words, cum_weights=self.weights, k=count))

    def make_tags(self):
        names = [f"bench {word}" for word in self.words[50:350]]
        Tag.objects.bulk_create([Tag(name=name, slug=name.replace(" ", "-")) for name in names], ignore_conflicts=True)
        return list(Tag.objects.filter(name__in=names).order_by("pk"))

    def pick_tags(self, count):
        # Some tags are much more common than others, as on a real site.
        weights = list(itertools.accumulate(1 / rank for rank in range(1, len(self.tags) + 1)))
        return set(self.random.choices(self.tags, cum_weights=weights, k=count))

    def grow_to(self, size, faqs_per_article):
        start = Article.objects.count()
        now = timezone.now()
        batches = range(start, size, BATCH_SIZE)
        for first in tqdm(batches, desc=f"Generating {size:,} articles", unit="batch", file=self.stderr):
            numbers = range(first, min(first + BATCH_SIZE, size))
            with transaction.atomic():
                self.write_batch(numbers, faqs_per_article, now)
        with connection.cursor() as cursor:
            # What autovacuum would do on a live site: fresh statistics, GIN pending lists merged.
            cursor.execute("VACUUM ANALYZE")

    def write_batch(self, numbers, faqs_per_article, now):
        articles, faqs = [], []
        for number in numbers:
            # One in twenty is a draft, so the publication rule has something to filter out.
            status = Status.DRAFT if number % 20 == 19 else Status.PUBLISHED
            body = "\n\n".join(self.text(80) for _ in range(3))
            articles.append(
                Article(
                    title=self.text(4).capitalize(),
                    slug=f"{SLUG_PREFIX}{number}",
                    summary=self.text(18),
                    body=search_index.plain_text(body),
                    body_html="".join(f"<p>{paragraph}</p>" for paragraph in body.split("\n\n")),
                    status=status,
                    published_at=now,
                )
            )
        Article.objects.bulk_create(articles)
        for article in articles:
            for index in range(faqs_per_article):
                answer = self.text(60)
                faqs.append(
                    FAQ(
                        question=self.text(7).capitalize() + "?",
                        slug=f"{article.slug}-faq-{index}",
                        answer=answer,
                        answer_html=f"<p>{answer}</p>",
                        article=article,
                        status=Status.PUBLISHED,
                        published_at=now,
                    )
                )
        FAQ.objects.bulk_create(faqs)
        article_tags = {article.pk: self.pick_tags(3) for article in articles}
        faq_tags = {faq.pk: self.pick_tags(2) for faq in faqs}
        ArticleTag.objects.bulk_create(
            [ArticleTag(content_object_id=pk, tag=tag) for pk, tags in article_tags.items() for tag in tags]
        )
        FAQTag.objects.bulk_create(
            [FAQTag(content_object_id=pk, tag=tag) for pk, tags in faq_tags.items() for tag in tags]
        )
        entries = [self.entry("article", article, article.summary, article.body, article_tags) for article in articles]
        entries += [self.entry("faq", faq, "", faq.answer, faq_tags) for faq in faqs]
        SearchEntry.objects.bulk_create(entries)
        search_index.add_words(entries)
        # The same weighted vector the site writes, computed by PostgreSQL for the whole batch at once.
        SearchEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(
            vector=search_index.VECTOR, head_vector=search_index.HEAD_VECTOR
        )

    def entry(self, key, obj, summary, body, tags_by_pk):
        entry = SearchEntry(
            content_type=key,
            object_id=obj.pk,
            title=str(obj),
            summary=summary,
            body=search_index.plain_text(body),
            tag_names=", ".join(sorted(tag.name for tag in tags_by_pk[obj.pk])),
            tag_keys=search_index.tag_keys(tag.pk for tag in tags_by_pk[obj.pk]),
            url=obj.get_absolute_url(),
            visible_from=search_index.visible_from(obj),
        )
        return entry

    def delete_generated(self):
        # The database holds generated content only (checked in handle), so emptying whole tables is safe,
        # and far faster than deleting row by row with the index's signals.
        tables = [SearchWord, SearchEntry, ArticleTag, FAQTag, FAQ, Article]
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(model._meta.db_table for model in tables) + " CASCADE")
        Tag.objects.filter(name__startswith="bench ").delete()

    # --- Measuring -------------------------------------------------------------

    def queries(self, count):
        """Typical visitor queries: a word or two of the site's own vocabulary, now and then with syntax."""
        middle = self.words[30:1500]
        kinds = [
            lambda: self.random.choice(middle),
            lambda: " ".join(self.random.sample(middle, 2)),
            lambda: '"' + " ".join(self.random.sample(middle[:300], 2)) + '"',
            lambda: f"{self.random.choice(middle)} -{self.random.choice(middle)}",
            lambda: f"{self.random.choice(middle)} or {self.random.choice(middle)}",
        ]
        return [self.random.choice(kinds)() for _ in range(count)]

    def misspelt(self, count):
        long_words = [word for word in self.words[30:1500] if len(word) >= 7]
        queries = []
        for word in self.random.sample(long_words, min(count, len(long_words))):
            cut = self.random.randrange(1, len(word) - 1)
            queries.append(word[:cut] + word[cut + 1 :])
        return queries

    def timed(self, calls):
        timings, totals = [], []
        for call in calls:
            started = time.perf_counter()
            results = call()
            timings.append((time.perf_counter() - started) * 1000)
            totals.append(results.total)
        return timings, totals

    def measure(self, size, searches):
        entries = SearchEntry.objects.count()
        popular = self.tags[:10]
        typical = self.queries(searches)
        tagged_queries = self.queries(searches)
        kinds = {
            "typical": [lambda q=q: query.search(q) for q in typical],
            "tag-filtered": [lambda q=q: query.search(q, tags=[self.random.choice(popular)]) for q in tagged_queries],
            "two tags": [lambda q=q: query.search(q, tags=self.random.sample(popular, 2)) for q in tagged_queries],
            "misspelt": [lambda q=q: query.search(q) for q in self.misspelt(searches)],
        }
        self.timed(kinds["typical"][:20])  # warm the caches
        row = {"articles": size, "entries": entries}
        for kind, calls in kinds.items():
            timings, totals = self.timed(calls)
            cuts = statistics.quantiles(timings, n=100)
            row[kind] = (cuts[49], cuts[94], statistics.median(totals))
            self.stderr.write(f"{size:>9,} {kind:<13} p50 {cuts[49]:6.1f} ms  p95 {cuts[94]:6.1f} ms")
        return row

    def report(self, rows):
        kinds = ["typical", "tag-filtered", "two tags", "misspelt"]
        self.stdout.write("")
        self.stdout.write(
            "| articles | entries | " + " | ".join(f"{kind} p50 / p95 ms (median hits)" for kind in kinds) + " |"
        )
        self.stdout.write("|---:|---:|" + "---:|" * len(kinds))
        for row in rows:
            cells = [f"{row[kind][0]:.1f} / {row[kind][1]:.1f} ({row[kind][2]:,.0f})" for kind in kinds]
            self.stdout.write(f"| {row['articles']:,} | {row['entries']:,} | " + " | ".join(cells) + " |")


def vocabulary():
    """Words of the demo content, most frequent first, without English stop words: text that reads like the site's."""
    counts = collections.Counter()
    for path in Path(settings.BASE_DIR, "content", "demo").rglob("*.md"):
        counts.update(re.findall(r"[a-z]{3,}", path.read_text().lower()))
    words = [word for word, _ in counts.most_common()]
    with connection.cursor() as cursor:
        # PostgreSQL's own English stop words, which a search would drop anyway.
        cursor.execute(
            "SELECT word FROM unnest(%s) AS word WHERE numnode(plainto_tsquery('english', word)) = 0", [words]
        )
        stop = {row[0] for row in cursor.fetchall()}
    return [word for word in words if word not in stop]
