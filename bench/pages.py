"""The pages the benchmark measures, each as a list of concrete paths to spread the load."""

import random

from django.db.models import Count
from django.urls import NoReverseMatch, reverse
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
    try:
        pairs = [(tags[i], tags[i + 1]) for i in range(0, min(len(tags) - 1, 2 * samples), 2)]
        pages["tag intersection"] = [reverse("tags:intersection", args=["+".join(pair)]) for pair in pairs]
    except NoReverseMatch:
        pass  # tag intersections are not part of this build
    return pages
