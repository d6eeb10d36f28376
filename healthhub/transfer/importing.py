"""Content from Markdown files with YAML front matter into the database.

One file per article (with its references, FAQs, treatment lists, treatments
and triggers in the front matter), glossary term, reviewer, article-less FAQ or
article-less trigger, plus the site settings; files come from folders, single
paths or .zip archives. Reviewer files are imported first, so that articles
can name their reviewer. Items are created or
updated by slug, and importing never deletes anything.

Each file is saved in its own transaction, so a bad file leaves nothing
half-imported while the good files of the same run are kept. A file whose
would-be values all equal what is stored is "skipped" and nothing is written,
so `updated_at` only moves when content really changes. `dry_run` runs the
same code inside a transaction that is rolled back and removes any image it
stored. The format is documented in docs/content-format.md.
"""

import tempfile
import zipfile
from collections.abc import Callable
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction

from articles.models import FAQ, Article, Reference, Reviewer, Treatment, TreatmentList, Trigger
from glossary.models import Term
from healthhub.models import SiteSettings
from healthhub.text.images import clean_image_upload, is_plain_image
from healthhub.transfer.format import (
    ARTICLE_FIELDS,
    BODY,
    FAQ_FIELDS,
    HERO_IMAGE_FIELDS,
    KEEP,
    POSITION,
    REFERENCE_FIELDS,
    REVIEWER_FIELDS,
    SITE_FIELDS,
    TERM_FIELDS,
    TREATMENT_FIELDS,
    TREATMENT_LIST_FIELDS,
    TRIGGER_FIELDS,
    ContentError,
    check_keys,
    file_kind,
    read_document,
    read_tags,
    read_value,
)


def _keys(fields, *extra, body=None):
    return [f.key for f in fields if f.key != body] + list(extra)


ARTICLE_KEYS = _keys(
    ARTICLE_FIELDS, "tags", "hero_image", "references", "faqs", "treatment_lists", "triggers", body="body"
)
HERO_IMAGE_KEYS = _keys(HERO_IMAGE_FIELDS, "file")
REFERENCE_KEYS = _keys(REFERENCE_FIELDS)
FAQ_KEYS = _keys(FAQ_FIELDS, "tags", "cites")
TREATMENT_LIST_KEYS = _keys(TREATMENT_LIST_FIELDS, "tags", "treatments")
TREATMENT_KEYS = _keys(TREATMENT_FIELDS, "tags", "cites")
TRIGGER_KEYS = _keys(TRIGGER_FIELDS, "tags")
TERM_KEYS = _keys(TERM_FIELDS, "tags", "related_terms", body="definition")
REVIEWER_KEYS = _keys(REVIEWER_FIELDS, body="bio")
STANDALONE_FAQ_KEYS = _keys(FAQ_FIELDS, "tags")
SITE_KEYS = _keys(SITE_FIELDS)


@dataclass(frozen=True)
class Outcome:
    path: str
    action: str  # created | updated | skipped
    item: str


@dataclass
class ImportReport:
    outcomes: list = field(default_factory=list)
    failures: list = field(default_factory=list)  # ContentError
    dry_run: bool = False

    def count(self, action):
        return sum(outcome.action == action for outcome in self.outcomes)

    @property
    def created(self):
        return [outcome for outcome in self.outcomes if outcome.action == "created"]

    @property
    def updated(self):
        return [outcome for outcome in self.outcomes if outcome.action == "updated"]

    @property
    def skipped(self):
        return [outcome for outcome in self.outcomes if outcome.action == "skipped"]

    def summary(self):
        counts = (
            f"{self.count('created')} created, {self.count('updated')} updated, "
            f"{self.count('skipped')} skipped (unchanged), {len(self.failures)} failed."
        )
        return f"Dry run, nothing saved. Would be: {counts}" if self.dry_run else f"Imported {counts}"


@dataclass
class _Source:
    file: Path  # on disk
    path: str  # as reported
    root: Path | None  # images must be inside this folder (archives), or anywhere (None)


class _Run:
    """State shared by the files of one import: slugs claimed so far, files stored, the report."""

    def __init__(self, dry_run):
        self.report = ImportReport(dry_run=dry_run)
        self.claims = {}  # (kind, slug) -> (path, fingerprint)
        self.stored = []  # storage names written, removed again after a dry run
        self.term_links = []  # (document, term pk, related slugs, outcome index)
        self.term_slugs = set()  # slugs of the terms in this run, for related_terms


class _FileImport:
    """Imports one document; `changed` says whether anything was written."""

    def __init__(self, run, doc, root):
        self.run, self.doc, self.root = run, doc, root
        self.claims = {}
        self.stored = []
        self.old_files = []
        self.related = []
        self.changed = False

    # -- helpers shared by every kind of item

    def values(self, mapping, fields, what, position=0):
        values = {}
        for spec in fields:
            value = read_value(self.doc, mapping, spec, what)
            if value is POSITION:
                value = position
            if value is KEEP:
                continue  # a new item gets the model's default (e.g. now)
            values[spec.name] = value
        return values

    def claim(self, kind, slug, mapping, key, fingerprint=None):
        """Refuse a slug another file (or another place in this file) of this run already uses."""
        previous = self.claims.get((kind, slug)) or self.run.claims.get((kind, slug))
        if previous and (fingerprint is None or previous[1] != fingerprint):
            where = "earlier in this file" if (kind, slug) in self.claims else f"in {previous[0]}"
            different = " with different values" if fingerprint is not None else ""
            self.doc.fail(f"the {kind} slug '{slug}' is also used{different} {where}", mapping, key)
        self.claims[(kind, slug)] = (self.doc.path, fingerprint)

    def upsert(self, model, lookup, values, current=None):
        """The stored item (`current`, or found by `lookup`) with `values` set, or a new one."""
        obj = current or (model.objects.filter(**lookup).first() if lookup else None)
        if obj is None:
            obj = model(**values)
            self.changed = True
            return obj, True
        for name, value in values.items():
            if _differs(obj, name, value):
                setattr(obj, name, value)
                obj._import_changed = True
        return obj, False

    def save(self, obj, mapping, what):
        if not obj._state.adding and not getattr(obj, "_import_changed", False):
            return obj
        try:
            obj.full_clean()
        except ValidationError as error:
            problems = "; ".join(
                f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
                for name, messages in error.message_dict.items()
            )
            self.doc.fail(f"{what}: {problems}", mapping)
        obj.save()
        self.changed = True
        return obj

    def tags(self, obj, mapping, what):
        names = read_tags(self.doc, mapping, what)
        current = sorted(tag.name.casefold() for tag in obj.tags.all())
        if current != sorted(name.casefold() for name in names):
            obj.tags.set(names)
            self.changed = True

    def body(self, kind, what):
        name = BODY[kind]
        if not self.doc.body.strip():
            self.doc.fail(f"{what} has no Markdown text after the front matter (its {name})")
        self.doc.meta[name] = self.doc.body

    # -- one method per kind of file

    def article(self):
        doc, meta = self.doc, self.doc.meta
        check_keys(doc, meta, ARTICLE_KEYS, "the article")
        self.body("article", "the article")
        values = self.values(meta, ARTICLE_FIELDS, "the article")
        self.claim("article", values["slug"], meta, "slug")
        hero = meta.get("hero_image")
        if hero is not None:
            check_keys(doc, hero, HERO_IMAGE_KEYS, "hero_image")
            values.update(self.values(hero, HERO_IMAGE_FIELDS, "hero_image"))
        article, created = self.upsert(Article, {"slug": values["slug"]}, values)
        if hero and hero.get("file"):
            self.hero_image(article, hero)
        self.save(article, meta, "the article")
        self.tags(article, meta, "the article")
        references = self.references(article, meta, created)
        for position, item in enumerate(self.items(meta, "faqs", "the article")):
            self.faq(item, f"FAQ {position + 1}", article, position, references)
        for position, item in enumerate(self.items(meta, "treatment_lists", "the article")):
            self.treatment_list(item, f"treatment list {position + 1}", article, position, references)
        for position, item in enumerate(self.items(meta, "triggers", "the article")):
            trigger = self.trigger(item, f"trigger {position + 1}")
            if not trigger.articles.filter(pk=article.pk).exists():
                trigger.articles.add(article)
                self.changed = True
        return article, created

    def items(self, mapping, key, what):
        value = mapping.get(key) or []
        if not isinstance(value, list):
            self.doc.fail(f"'{key}' in {what} must be a list of items, each starting with '- '", mapping, key)
        return value

    def references(self, article, meta, created):
        """The article's references in file order. They have no slug: the n-th updates the n-th stored one."""
        stored = [] if created else list(article.references.all())
        references = []
        for position, item in enumerate(self.items(meta, "references", "the article")):
            what = f"reference {position + 1}"
            check_keys(self.doc, item, REFERENCE_KEYS, what)
            values = {**self.values(item, REFERENCE_FIELDS, what, position), "article": article}
            current = stored[position] if position < len(stored) else None
            reference, _ = self.upsert(Reference, None, values, current)
            references.append(self.save(reference, item, what))
        return references

    def cites(self, obj, item, what, references):
        """Link the references an FAQ or treatment cites, given by their numbers in the article's list."""
        numbers = item.get("cites") or []
        if not isinstance(numbers, list) or not all(type(number) is int for number in numbers):
            self.doc.fail(f"{what}: 'cites' must be a list of reference numbers, e.g. [1, 3]", item, "cites")
        for number in numbers:
            if not 1 <= number <= len(references):
                self.doc.fail(
                    f"{what}: 'cites' names reference {number}, but the article lists {len(references)} reference(s)",
                    item,
                    "cites",
                )
        wanted = {references[number - 1].pk for number in numbers}
        if set(obj.references.values_list("pk", flat=True)) != wanted:
            obj.references.set(wanted)
            self.changed = True

    def hero_image(self, article, hero):
        image_path = (self.doc.file.parent / str(hero["file"])).resolve()
        if self.root is not None and not image_path.is_relative_to(self.root.resolve()):
            self.doc.fail("hero_image file must be inside the uploaded archive", hero, "file")
        if not image_path.is_file():
            self.doc.fail(f"hero_image file '{hero['file']}' does not exist next to this file", hero, "file")
        stored = _stored_bytes(article.hero_image)
        small_enough = image_path.stat().st_size <= settings.IMAGE_UPLOAD_MAX_BYTES
        original = image_path.read_bytes() if small_enough else None
        if stored is not None and stored == original:
            return  # the stored copy was checked when it was saved
        with image_path.open("rb") as handle:
            try:
                image = clean_image_upload(File(handle, name=image_path.name))
            except ValidationError as error:
                self.doc.fail(f"hero_image '{hero['file']}': {' '.join(error.messages)}", hero, "file")
        # An image that is already plain (e.g. exported by healthhub) is kept byte for byte.
        if is_plain_image(original):
            image = ContentFile(original, name=image.name)
        if stored is not None:
            if stored == image.read():
                return
            image.seek(0)
            self.old_files.append(article.hero_image.name)
        extension = image.name.rsplit(".", 1)[-1]
        article.hero_image.save(f"{article.slug}-hero.{extension}", image, save=False)
        self.stored.append(article.hero_image.name)
        article._import_changed = True

    def faq(self, item, what, article=None, position=0, references=None):
        # Only an article's FAQs can cite: references belong to an article.
        check_keys(self.doc, item, FAQ_KEYS if article else STANDALONE_FAQ_KEYS, what)
        values = {**self.values(item, FAQ_FIELDS, what, position), "article": article}
        self.claim("FAQ", values["slug"], item, "slug")
        faq, created = self.upsert(FAQ, {"slug": values["slug"]}, values)
        self.save(faq, item, what)
        self.tags(faq, item, what)
        if article:
            self.cites(faq, item, what, references)
        return faq, created

    def treatment_list(self, item, what, article, position, references):
        check_keys(self.doc, item, TREATMENT_LIST_KEYS, what)
        values = {**self.values(item, TREATMENT_LIST_FIELDS, what, position), "article": article}
        self.claim("treatment list", f"{article.slug}: {values['title']}", item, "title")
        # Lists have no slug: within an article they are known by their title.
        lookup = None if article._state.adding else {"article": article, "title": values["title"]}
        treatment_list, _ = self.upsert(TreatmentList, lookup, values)
        self.save(treatment_list, item, what)
        self.tags(treatment_list, item, what)
        for position, entry in enumerate(self.items(item, "treatments", what)):
            where = f"treatment {position + 1} of {what}"
            check_keys(self.doc, entry, TREATMENT_KEYS, where)
            values = {**self.values(entry, TREATMENT_FIELDS, where, position), "treatment_list": treatment_list}
            self.claim("treatment", values["slug"], entry, "slug")
            treatment, _ = self.upsert(Treatment, {"slug": values["slug"]}, values)
            self.save(treatment, entry, where)
            self.tags(treatment, entry, where)
            self.cites(treatment, entry, where, references)

    def trigger(self, item, what):
        check_keys(self.doc, item, TRIGGER_KEYS, what)
        values = self.values(item, TRIGGER_FIELDS, what)
        tags = read_tags(self.doc, item, what)
        # The same trigger may be listed in several article files, but never differently.
        fingerprint = repr(sorted(values.items())) + repr(tags)
        self.claim("trigger", values["slug"], item, "slug", fingerprint)
        trigger, created = self.upsert(Trigger, {"slug": values["slug"]}, values)
        self.save(trigger, item, what)
        self.tags(trigger, item, what)
        return trigger

    def standalone_faq(self):
        check_keys(self.doc, self.doc.meta, _keys(FAQ_FIELDS, "tags", body="answer"), "the FAQ")
        self.body("faq", "the FAQ")
        return self.faq(self.doc.meta, "the FAQ")

    def standalone_trigger(self):
        check_keys(self.doc, self.doc.meta, _keys(TRIGGER_FIELDS, "tags", body="description"), "the trigger")
        self.body("trigger", "the trigger")
        before = Trigger.objects.filter(slug=self.doc.meta.get("slug")).exists()
        return self.trigger(self.doc.meta, "the trigger"), not before

    def reviewer(self):
        doc, meta = self.doc, self.doc.meta
        check_keys(doc, meta, REVIEWER_KEYS, "the reviewer")
        meta["bio"] = doc.body  # optional, unlike other bodies
        values = self.values(meta, REVIEWER_FIELDS, "the reviewer")
        self.claim("reviewer", values["slug"], meta, "slug")
        reviewer, created = self.upsert(Reviewer, {"slug": values["slug"]}, values)
        self.save(reviewer, meta, "the reviewer")
        return reviewer, created

    def site(self):
        doc, meta = self.doc, self.doc.meta
        check_keys(doc, meta, SITE_KEYS, "the site settings")
        if doc.body.strip():
            doc.fail("the site settings file takes no text after the front matter; use 'standard_disclaimer'")
        values = self.values(meta, SITE_FIELDS, "the site settings")
        self.claim("site settings", "site", meta, "standard_disclaimer")
        site, created = self.upsert(SiteSettings, {"pk": 1}, values)
        self.save(site, meta, "the site settings")
        return site, created

    def term(self):
        doc, meta = self.doc, self.doc.meta
        check_keys(doc, meta, TERM_KEYS, "the term")
        self.body("term", "the term")
        values = self.values(meta, TERM_FIELDS, "the term")
        self.claim("term", values["slug"], meta, "slug")
        related = meta.get("related_terms") or []
        if not isinstance(related, list) or not all(isinstance(slug, str) for slug in related):
            doc.fail("'related_terms' must be a list of term slugs, e.g. [migraine, aura]", meta, "related_terms")
        known = self.run.term_slugs | set(Term.objects.filter(slug__in=related).values_list("slug", flat=True))
        unknown = sorted(set(related) - known)
        if unknown:
            doc.fail(f"related_terms names unknown term(s): {', '.join(unknown)}", meta, "related_terms")
        term, created = self.upsert(Term, {"slug": values["slug"]}, values)
        self.save(term, meta, "the term")
        self.tags(term, meta, "the term")
        self.related = related
        return term, created


def _stored_bytes(field_file):
    if not field_file:
        return None
    try:
        with field_file.open("rb") as stored:
            return stored.read()
    except FileNotFoundError:
        return None


def _differs(obj, name, value):
    field = obj._meta.get_field(name)
    if field.is_relation:  # compared by key, without fetching the stored parent
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _import_document(run, source):
    doc = read_document(source.file, source.path)
    kind = file_kind(doc.meta)
    work = _FileImport(run, doc, source.root)
    try:
        with transaction.atomic():
            obj, created = {
                "article": work.article,
                "term": work.term,
                "faq": work.standalone_faq,
                "trigger": work.standalone_trigger,
                "reviewer": work.reviewer,
                "site": work.site,
            }[kind]()
    except ContentError:
        _delete(work.stored)
        raise
    except DatabaseError as error:
        _delete(work.stored)
        raise ContentError(doc.path, f"could not be saved: {error}".strip()) from None
    run.claims.update(work.claims)
    run.stored.extend(work.stored)
    if work.old_files and not run.report.dry_run:
        transaction.on_commit(lambda: _delete(work.old_files))
    action = "created" if created else "updated" if work.changed else "skipped"
    slug = getattr(obj, "slug", None)
    item = f"{obj._meta.verbose_name} '{slug}'" if slug else str(obj._meta.verbose_name)
    run.report.outcomes.append(Outcome(doc.path, action, item))
    if kind == "term" and work.related:
        run.term_links.append((doc, obj.pk, work.related, len(run.report.outcomes) - 1))


def _link_related_terms(run):
    """Second pass: every term of the run now exists, so related terms can be linked."""
    for doc, pk, slugs, index in run.term_links:
        term = Term.objects.get(pk=pk)
        linked = set(term.related_terms.values_list("slug", flat=True))
        related = list(Term.objects.filter(slug__in=set(slugs) - linked))
        missing = sorted(set(slugs) - linked - {other.slug for other in related})
        if related:
            # Adding only: importing never removes a link an editor made.
            term.related_terms.add(*related)
            outcome = run.report.outcomes[index]
            if outcome.action == "skipped":
                run.report.outcomes[index] = Outcome(outcome.path, "updated", outcome.item)
        if missing:
            run.report.failures.append(
                ContentError(doc.path, f"related term(s) {', '.join(missing)} failed to import and are not linked")
            )


def _delete(names):
    for name in names:
        default_storage.delete(name)


def _safe_member_name(name):
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return bool(parts) and not name.startswith(("/", "\\")) and ".." not in parts and ":" not in parts[0]


def _extract_archive(archive_path, display, target):
    """Unpack a .zip into `target` after checking every member; raise ContentError for an unsafe archive."""
    max_files = settings.CONTENT_IMPORT_MAX_ARCHIVE_FILES
    max_bytes = settings.CONTENT_IMPORT_MAX_ARCHIVE_BYTES
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = [member for member in archive.infolist() if not member.is_dir()]
            if len(members) > max_files:
                raise ContentError(display, f"the archive has {len(members):,} files; at most {max_files:,} allowed")
            total = sum(member.file_size for member in members)
            if total > max_bytes:
                raise ContentError(
                    display, f"the archive unpacks to {total:,} bytes; at most {max_bytes:,} bytes allowed"
                )
            for member in members:
                is_link = (member.external_attr >> 16) & 0o170000 == 0o120000
                if not _safe_member_name(member.filename) or is_link:
                    raise ContentError(display, f"the archive member '{member.filename}' points outside the archive")
            for member in members:
                destination = target.joinpath(*PurePosixPath(member.filename.replace("\\", "/")).parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                # zipfile stops at the declared size and checks the CRC, so a member cannot grow past its header.
                with archive.open(member) as source, destination.open("wb") as output:
                    while chunk := source.read(1024 * 1024):
                        output.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as error:
        raise ContentError(display, f"this is not a readable .zip archive ({error})") from None


def _hidden(parts):
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _sources(paths, stack, report, relative_to=None):
    sources = []
    for path in map(Path, paths):
        name = path.relative_to(relative_to) if relative_to else path
        if path.is_file() and path.suffix.lower() == ".zip":
            target = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="healthhub-import-")))
            try:
                _extract_archive(path, str(name), target)
            except ContentError as error:
                report.failures.append(error)
                continue
            for file in sorted(target.rglob("*.md")):
                relative = file.relative_to(target)
                if not _hidden(relative.parts):
                    sources.append(_Source(file, f"{name}:{relative.as_posix()}", target))
        elif path.is_dir():
            for file in sorted(path.rglob("*.md")):
                if not _hidden(file.relative_to(path).parts):
                    sources.append(_Source(file, str(name / file.relative_to(path)), None))
        elif path.is_file():
            sources.append(_Source(path, str(name), None))
        else:
            report.failures.append(ContentError(name, "no such file or folder"))
    return sources


def _plan(sources):
    """The sources in import order (reviewers first, so articles can name them) and the run's term slugs.

    Term slugs let terms name each other as related terms.
    """
    slugs, reviewers, others = set(), [], []
    for source in sources:
        try:
            meta = read_document(source.file, source.path).meta
        except ContentError:
            others.append(source)  # reported when the file itself is imported
            continue
        kind = file_kind(meta)
        (reviewers if kind == "reviewer" else others).append(source)
        if kind == "term" and isinstance(meta.get("slug"), str):
            slugs.add(meta["slug"])
    return reviewers + others, slugs


def import_paths(paths, *, dry_run=False, progress: Callable | None = None, root=None) -> ImportReport:
    """Import the .md files in the given files, folders and .zip archives.

    `progress` wraps the list of files (e.g. a progress bar). `root`, when set,
    is the only folder hero images may come from, and file names are reported
    relative to it (used for uploads).
    """
    with ExitStack() as stack:
        report = ImportReport(dry_run=dry_run)
        sources = _sources(paths, stack, report, relative_to=root)
        if root is not None:
            sources = [_Source(source.file, source.path, source.root or Path(root)) for source in sources]
        run = _Run(dry_run)
        run.report = report
        sources, run.term_slugs = _plan(sources)
        try:
            with transaction.atomic() if dry_run else nullcontext():
                for source in progress(sources) if progress else sources:
                    try:
                        _import_document(run, source)
                    except ContentError as error:
                        report.failures.append(error)
                _link_related_terms(run)
                if dry_run:
                    transaction.set_rollback(True)
        finally:
            if dry_run:
                _delete(run.stored)
    return report


def import_upload(upload) -> ImportReport:
    """Import one uploaded .md or .zip file (from the admin) with the same rules as the command."""
    with tempfile.TemporaryDirectory(prefix="healthhub-upload-") as folder:
        name = Path(upload.name).name or "upload.md"
        path = Path(folder) / name
        with path.open("wb") as output:
            for chunk in upload.chunks():
                output.write(chunk)
        return import_paths([path], root=Path(folder))
