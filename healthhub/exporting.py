"""Content from the database into Markdown files with YAML front matter.

Writes the format the importer reads (docs/content-format.md):

    articles/<slug>.md   an article with its FAQs, treatment lists, treatments and triggers
    images/<slug>.<ext>  the article's hero image
    faqs/<slug>.md       an FAQ that belongs to no article
    triggers/<slug>.md   a trigger listed on no article
    glossary/<slug>.md   a glossary term

The output is deterministic: files and list items in a fixed order, keys in
the order of the field maps in healthhub/content_files.py, times in UTC. So
export, import into an empty database and export again gives identical bytes.
"""

import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath

from django.db.models import Prefetch

from articles.models import FAQ, Article, TreatmentList, Trigger
from glossary.models import Term
from healthhub.content_files import (
    ARTICLE_FIELDS,
    FAQ_FIELDS,
    HERO_IMAGE_FIELDS,
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


def _item(obj, fields, skip=()):
    """An item's front matter: its fields, then its tags."""
    data = dump_fields(obj, fields, skip)
    tags = sorted((tag.name for tag in obj.tags.all()), key=lambda name: (name.casefold(), name))
    if tags:
        data["tags"] = Flow(tags)
    return data


def _image_name(article):
    return f"images/{article.slug}{PurePosixPath(article.hero_image.name).suffix.lower()}"


def _treatment_list(treatment_list):
    data = _item(treatment_list, TREATMENT_LIST_FIELDS)
    treatments = [_item(treatment, TREATMENT_FIELDS) for treatment in treatment_list.treatments.all()]
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
    faqs = [_item(faq, FAQ_FIELDS) for faq in article.faqs.all()]
    treatment_lists = [_treatment_list(treatment_list) for treatment_list in article.treatment_lists.all()]
    triggers = [_item(trigger, TRIGGER_FIELDS) for trigger in sorted(article.triggers.all(), key=lambda t: t.slug)]
    for key, items in (("faqs", faqs), ("treatment_lists", treatment_lists), ("triggers", triggers)):
        if items:
            data[key] = items
    return dump_document(data, article.body)


def _term_document(term):
    data = _item(term, TERM_FIELDS, skip=("definition",))
    related = sorted(other.slug for other in term.related_terms.all())
    if related:
        data["related_terms"] = Flow(related)
    return dump_document(data, term.definition)


def export_files(articles=None, *, everything=True) -> Iterator[tuple[str, bytes]]:
    """(path inside the export, bytes) for each file, in a fixed order.

    `articles` limits the articles (default: all); `everything` adds the
    glossary, article-less FAQs and article-less triggers.
    """
    articles = (Article.objects.all() if articles is None else articles).order_by("slug")
    articles = articles.prefetch_related(None).prefetch_related(
        "tags",
        Prefetch("faqs", FAQ.objects.prefetch_related("tags")),
        Prefetch("treatment_lists", TreatmentList.objects.prefetch_related("tags", "treatments__tags")),
        Prefetch("triggers", Trigger.objects.prefetch_related("tags")),
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


def write_zip(files, output=None):
    """Write (path, bytes) pairs into a .zip; returns the file object (a BytesIO by default)."""
    output = output or io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    output.seek(0)
    return output
