"""Content from the database into Markdown files with YAML front matter.

Writes the format the importer reads (docs/content-format.md):

    reviewers/<slug>.md  a reviewer
    articles/<slug>.md   an article with its references, FAQs, treatment lists, treatments and triggers
    images/<slug>.<ext>  the article's hero image
    faqs/<slug>.md       an FAQ that belongs to no article
    triggers/<slug>.md   a trigger listed on no article
    glossary/<slug>.md   a glossary term
    site.md              the site settings (the standard medical disclaimer)

The output is deterministic: files and list items in a fixed order, keys in
the order of the field maps in healthhub/transfer/format.py, times in UTC. So
export, import into an empty database and export again gives identical bytes.
"""

import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath

from django.db.models import Prefetch

from articles.models import FAQ, Article, Reviewer, TreatmentList, Trigger
from glossary.models import Term
from healthhub.models import SiteSettings
from healthhub.transfer.format import (
    ARTICLE_FIELDS,
    FAQ_FIELDS,
    HERO_IMAGE_FIELDS,
    REFERENCE_FIELDS,
    REVIEWER_FIELDS,
    SITE_FIELDS,
    TERM_FIELDS,
    TREATMENT_FIELDS,
    TREATMENT_LIST_FIELDS,
    TRIGGER_FIELDS,
    Flow,
    dump_document,
    dump_fields,
)

# Zip members get a fixed time, so the same content gives the same archive.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _item(obj, fields, skip=(), numbers=None):
    """An item's front matter: its fields, its tags, then (given the article's reference numbers) what it cites."""
    data = dump_fields(obj, fields, skip)
    tags = sorted((tag.name for tag in obj.tags.all()), key=lambda name: (name.casefold(), name))
    if tags:
        data["tags"] = Flow(tags)
    # A reference of another article cannot be named by number; the admin does not allow such citations.
    cites = sorted(numbers[ref.pk] for ref in obj.references.all() if ref.pk in numbers) if numbers else []
    if cites:
        data["cites"] = Flow(cites)
    return data


def _image_name(article):
    return f"images/{article.slug}{PurePosixPath(article.hero_image.name).suffix.lower()}"


def _treatment_list(treatment_list, numbers):
    data = _item(treatment_list, TREATMENT_LIST_FIELDS)
    treatments = [_item(treatment, TREATMENT_FIELDS, numbers=numbers) for treatment in treatment_list.treatments.all()]
    if treatments:
        data["treatments"] = treatments
    return data


def _has_image(article):
    # A picture missing from storage is left out rather than named in a file that cannot be imported.
    return bool(article.hero_image) and article.hero_image.storage.exists(article.hero_image.name)


def _article_document(article, has_image):
    data = _item(article, ARTICLE_FIELDS, skip=("body",))
    hero = {"file": f"../{_image_name(article)}"} if has_image else {}
    hero.update(dump_fields(article, HERO_IMAGE_FIELDS))
    if hero:
        data["hero_image"] = hero
    references = article.references.all()
    # Visitors see the references numbered from 1 in this order, and FAQs and treatments cite them by number.
    numbers = {reference.pk: number for number, reference in enumerate(references, start=1)}
    references = [dump_fields(reference, REFERENCE_FIELDS) for reference in references]
    faqs = [_item(faq, FAQ_FIELDS, numbers=numbers) for faq in article.faqs.all()]
    treatment_lists = [_treatment_list(treatment_list, numbers) for treatment_list in article.treatment_lists.all()]
    triggers = [_item(trigger, TRIGGER_FIELDS) for trigger in sorted(article.triggers.all(), key=lambda t: t.slug)]
    lists = (
        ("references", references),
        ("faqs", faqs),
        ("treatment_lists", treatment_lists),
        ("triggers", triggers),
    )
    for key, items in lists:
        if items:
            data[key] = items
    return dump_document(data, article.body)


def _term_document(term):
    data = _item(term, TERM_FIELDS, skip=("definition",))
    related = sorted(other.slug for other in term.related_terms.all())
    if related:
        data["related_terms"] = Flow(related)
    return dump_document(data, term.definition)


def _reviewer_document(reviewer):
    return dump_document(dump_fields(reviewer, REVIEWER_FIELDS, skip=("bio",)), reviewer.bio)


def _site_document():
    # Without a saved row the site shows the default disclaimer; exporting does not create the row.
    site = SiteSettings.objects.filter(pk=1).first() or SiteSettings()
    return dump_document(dump_fields(site, SITE_FIELDS), "")


def export_files(articles=None, *, everything=True) -> Iterator[tuple[str, bytes]]:
    """(path inside the export, bytes) for each file, in a fixed order.

    `articles` limits the articles (default: all), and then only their
    reviewers are written; `everything` adds all reviewers, the glossary,
    article-less FAQs, article-less triggers and the site settings.
    """
    articles = (Article.objects.all() if articles is None else articles).order_by("slug")
    reviewers = Reviewer.objects.order_by("slug")
    if not everything:
        reviewers = reviewers.filter(pk__in=articles.values("reviewed_by"))
    for reviewer in reviewers:
        yield f"reviewers/{reviewer.slug}.md", _reviewer_document(reviewer)
    articles = (
        articles.select_related("reviewed_by")
        .prefetch_related(None)
        .prefetch_related(
            "tags",
            "references",
            Prefetch("faqs", FAQ.objects.prefetch_related("tags", "references")),
            Prefetch(
                "treatment_lists",
                TreatmentList.objects.prefetch_related("tags", "treatments__tags", "treatments__references"),
            ),
            Prefetch("triggers", Trigger.objects.prefetch_related("tags")),
        )
    )
    for article in articles:
        has_image = _has_image(article)
        yield f"articles/{article.slug}.md", _article_document(article, has_image)
        if has_image:
            with article.hero_image.open("rb") as image:
                yield _image_name(article), image.read()
    if not everything:
        return
    for faq in FAQ.objects.filter(article=None).order_by("slug").prefetch_related("tags"):
        yield f"faqs/{faq.slug}.md", dump_document(_item(faq, FAQ_FIELDS, skip=("answer",)), faq.answer)
    for trigger in Trigger.objects.filter(articles=None).order_by("slug").prefetch_related("tags"):
        data = _item(trigger, TRIGGER_FIELDS, skip=("description",))
        yield f"triggers/{trigger.slug}.md", dump_document(data, trigger.description)
    for term in Term.objects.order_by("slug").prefetch_related("tags", "related_terms"):
        yield f"glossary/{term.slug}.md", _term_document(term)
    yield "site.md", _site_document()


def write_zip(files, output=None):
    """Write (path, bytes) pairs into a .zip; returns the file object (a BytesIO by default)."""
    output = output or io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    output.seek(0)
    return output
