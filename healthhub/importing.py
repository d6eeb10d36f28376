"""Content from Markdown files with YAML front matter into the database.

One file per article (with its FAQs, treatment lists, treatments and triggers
in the front matter) or per glossary term. Items are created or updated by
slug; each file is saved in its own transaction, so a bad file leaves nothing
half-imported. The format is documented in docs/content-format.md.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from articles.models import FAQ, Article, Treatment, TreatmentList, Trigger
from glossary.models import Term
from healthhub.images import clean_image_upload
from healthhub.publishing import Status
from healthhub.tagging import MAX_TAG_LENGTH


class ContentError(Exception):
    """A problem in a content file, with where it is."""

    def __init__(self, path, message, line=None):
        self.path, self.message, self.line = path, message, line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class ImportReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


ARTICLE_KEYS = {
    "title", "slug", "summary", "status", "published_at", "tags", "hero_image", "disclaimer",
    "faqs", "treatment_lists", "triggers",
}  # fmt: skip
FAQ_KEYS = {"question", "slug", "answer", "tags", "status", "order"}
LIST_KEYS = {"title", "kind", "intro", "tags", "treatments", "status", "order"}
TREATMENT_KEYS = {"name", "slug", "description", "contraindications", "evidence_level", "tags", "status", "order"}
TRIGGER_KEYS = {"name", "slug", "category", "description", "tags", "status", "published_at"}
TERM_KEYS = {"term", "slug", "short_definition", "aliases", "related_terms", "tags", "status", "published_at"}


class _Reader:
    """Checks one file's data and says where a problem is."""

    def __init__(self, path):
        self.path = path

    def fail(self, message):
        raise ContentError(self.path, message)

    def mapping(self, data, allowed, required, what):
        if not isinstance(data, dict):
            self.fail(f"{what} must be a mapping of field: value")
        unknown = sorted(set(data) - allowed)
        if unknown:
            self.fail(f"{what} has unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
        for name in required:
            if data.get(name) in (None, ""):
                self.fail(f"{what} is missing '{name}'")
        return data

    def items(self, data, name, what):
        value = data.get(name) or []
        if not isinstance(value, list):
            self.fail(f"'{name}' in {what} must be a list")
        return value

    def choice(self, value, choices, name, what, default):
        if value in (None, ""):
            return default
        if value not in choices.values:
            self.fail(f"{what}: '{name}' is '{value}'; use one of {', '.join(choices.values)}")
        return value

    def tags(self, data, what):
        tags = self.items(data, "tags", what)
        for tag in tags:
            if not isinstance(tag, str) or not tag.strip():
                self.fail(f"{what}: every tag must be a non-empty text")
            if len(tag) > MAX_TAG_LENGTH or "," in tag:
                self.fail(f"{what}: tag '{tag[:40]}…' is longer than {MAX_TAG_LENGTH} characters or has a comma")
        return tags

    def moment(self, value, what):
        if value in (None, ""):
            return timezone.now()
        if isinstance(value, datetime.datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)
        if isinstance(value, datetime.date):
            return datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)
        self.fail(f"{what}: published_at must be a date and time such as 2026-09-14T08:00:00+00:00")


def _save(path, obj):
    try:
        obj.full_clean(validate_unique=True)
    except ValidationError as error:
        raise ContentError(path, f"{obj._meta.verbose_name} '{obj}': {'; '.join(error.messages)}") from None
    obj.save()
    return obj


def _upsert(model, slug, values):
    obj = model.objects.filter(slug=slug).first()
    created = obj is None
    obj = obj or model(slug=slug)
    for name, value in values.items():
        setattr(obj, name, value)
    return obj, created


def load(path):
    path = Path(path)
    try:
        post = frontmatter.load(path)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ContentError(path, f"the front matter is not valid YAML ({getattr(error, 'problem', error)})",
                           line=mark.line + 2 if mark else None) from None  # fmt: skip
    except UnicodeDecodeError:
        raise ContentError(path, "the file is not UTF-8 text") from None
    return post


@transaction.atomic
def import_article(path, post) -> tuple[Article, bool]:
    read = _Reader(path)
    data = read.mapping(post.metadata, ARTICLE_KEYS, ("title", "slug", "summary"), "the article")
    article, created = _upsert(
        Article,
        data["slug"],
        {
            "title": data["title"],
            "summary": data["summary"],
            "body": post.content,
            "status": read.choice(data.get("status"), Status, "status", "the article", Status.DRAFT),
            "published_at": read.moment(data.get("published_at"), "the article"),
            "disclaimer": data.get("disclaimer") or "",
        },
    )
    hero = data.get("hero_image")
    if hero:
        hero = read.mapping(hero, {"file", "alt", "credit"}, ("file", "alt"), "hero_image")
        article.hero_image_alt, article.hero_image_credit = hero["alt"], hero.get("credit", "")
        _attach_hero_image(path, article, path.parent / hero["file"])
    _save(path, article)
    article.tags.set(read.tags(data, "the article"))

    for order, item in enumerate(read.items(data, "faqs", "the article")):
        item = read.mapping(item, FAQ_KEYS, ("question", "slug", "answer"), f"FAQ {order + 1}")
        faq, _ = _upsert(FAQ, item["slug"], {"question": item["question"], "answer": item["answer"]})
        faq.article, faq.order = article, item.get("order", order)
        faq.status = read.choice(item.get("status"), Status, "status", f"FAQ {order + 1}", Status.PUBLISHED)
        _save(path, faq).tags.set(read.tags(item, f"FAQ {order + 1}"))

    for order, item in enumerate(read.items(data, "treatment_lists", "the article")):
        what = f"treatment list {order + 1}"
        item = read.mapping(item, LIST_KEYS, ("title",), what)
        treatment_list = article.treatment_lists.filter(title=item["title"]).first() or TreatmentList(article=article)
        treatment_list.title, treatment_list.intro = item["title"], item.get("intro", "")
        treatment_list.kind = read.choice(item.get("kind"), TreatmentList.Kind, "kind", what, TreatmentList.Kind.OTHER)
        treatment_list.order = item.get("order", order)
        treatment_list.status = read.choice(item.get("status"), Status, "status", what, Status.PUBLISHED)
        _save(path, treatment_list).tags.set(read.tags(item, what))
        for position, entry in enumerate(read.items(item, "treatments", what)):
            where = f"treatment {position + 1} of {what}"
            entry = read.mapping(entry, TREATMENT_KEYS, ("name", "slug", "description"), where)
            treatment, _ = _upsert(
                Treatment,
                entry["slug"],
                {
                    "treatment_list": treatment_list,
                    "name": entry["name"],
                    "description": entry["description"],
                    "contraindications": entry.get("contraindications") or "",
                    "evidence_level": read.choice(
                        entry.get("evidence_level"), Treatment.Evidence, "evidence_level", where, ""
                    ),
                    "order": entry.get("order", position),
                    "status": read.choice(entry.get("status"), Status, "status", where, Status.PUBLISHED),
                },
            )
            _save(path, treatment).tags.set(read.tags(entry, where))

    for position, item in enumerate(read.items(data, "triggers", "the article")):
        where = f"trigger {position + 1}"
        item = read.mapping(item, TRIGGER_KEYS, ("name", "slug", "description"), where)
        trigger, _ = _upsert(
            Trigger,
            item["slug"],
            {
                "name": item["name"],
                "description": item["description"],
                "category": read.choice(
                    item.get("category"), Trigger.Category, "category", where, Trigger.Category.OTHER
                ),
                "status": read.choice(item.get("status"), Status, "status", where, Status.PUBLISHED),
                "published_at": read.moment(item.get("published_at"), where),
            },
        )
        _save(path, trigger).tags.set(read.tags(item, where))
        trigger.articles.add(article)
    return article, created


def _attach_hero_image(path, article, image_path):
    stored_name = f"articles/{article.slug}-hero"
    if article.hero_image and article.hero_image.name.startswith(stored_name):
        return
    if not image_path.is_file():
        raise ContentError(path, f"hero_image file {image_path} does not exist")
    with image_path.open("rb") as handle:
        try:
            image = clean_image_upload(File(handle, name=image_path.name))
        except ValidationError as error:
            raise ContentError(path, f"hero_image {image_path.name}: {' '.join(error.messages)}") from None
    extension = image.name.rsplit(".", 1)[-1]
    article.hero_image.save(f"{article.slug}-hero.{extension}", image, save=False)


@transaction.atomic
def import_term(path, post) -> tuple[Term, bool]:
    read = _Reader(path)
    data = read.mapping(post.metadata, TERM_KEYS, ("term", "slug", "short_definition"), "the term")
    aliases = read.items(data, "aliases", "the term")
    term, created = _upsert(
        Term,
        data["slug"],
        {
            "term": data["term"],
            "short_definition": data["short_definition"],
            "definition": post.content,
            "aliases": "\n".join(str(alias) for alias in aliases),
            "status": read.choice(data.get("status"), Status, "status", "the term", Status.DRAFT),
            "published_at": read.moment(data.get("published_at"), "the term"),
        },
    )
    _save(path, term).tags.set(read.tags(data, "the term"))
    return term, created


def link_related_terms(path, post):
    read = _Reader(path)
    slugs = read.items(post.metadata, "related_terms", "the term")
    term = Term.objects.get(slug=post.metadata["slug"])
    related = list(Term.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {t.slug for t in related})
    if missing:
        read.fail(f"related_terms names unknown term(s): {', '.join(missing)}")
    term.related_terms.set(related)


def import_paths(paths) -> ImportReport:
    """Import every .md file under the given files or folders; terms are linked after all exist."""
    report = ImportReport()
    files = sorted(file for p in map(Path, paths) for file in ([p] if p.is_file() else p.rglob("*.md")))
    terms = []
    for file in files:
        post = load(file)
        if "term" in post.metadata:
            obj, created = import_term(file, post)
            terms.append((file, post))
        else:
            obj, created = import_article(file, post)
        (report.created if created else report.updated).append(obj)
    for file, post in terms:
        link_related_terms(file, post)
    return report
