"""The pages the benchmark measures, each as a list of concrete paths to spread the load."""

import random

from django.db.models import Count
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from glossary.models import Term

SEARCHES = ["pain", "neck stiffness", "breathing", "sleep", "oxygen", "posture running", "muscle"]


def page_paths(samples, seed=7):
    rng = random.Random(seed)
    articles = list(Article.objects.published().order_by("?").values_list("slug", flat=True)[:samples])
    terms = list(Term.objects.published().order_by("?").values_list("slug", flat=True)[:samples])
    tags = list(
        Tag.objects.annotate(uses=Count("articles_articletag_items")).filter(uses__gt=0).values_list("slug", flat=True)
    )
    rng.shuffle(tags)
    pages = {
        "bare Django view": [reverse("livez")] * samples,
        "home": [reverse("home")] * samples,
        "article": [reverse("articles:detail", args=[slug]) for slug in articles],
        "tag": [reverse("tags:detail", args=[slug]) for slug in tags[:samples]],
        "glossary A-Z": [reverse("glossary:term-list")] * samples,
        "term": [reverse("glossary:term-detail", args=[slug]) for slug in terms],
        "search": [f"{reverse('search')}?q={rng.choice(SEARCHES).replace(' ', '+')}" for _ in range(samples)],
    }
    # Pairs that really occur together, so the pages have content.
    pairs = Article.objects.published().filter(tags__slug__in=tags[:50]).values_list("pk", "tags__slug")[: 20 * samples]
    by_article = {}
    for pk, slug in pairs:
        by_article.setdefault(pk, []).append(slug)
    combos = [sorted(slugs)[:2] for slugs in by_article.values() if len(slugs) >= 2][:samples] or [tags[:2]]
    pages["tag intersection"] = [reverse("tags:detail", args=["+".join(combo)]) for combo in combos]
    return pages
