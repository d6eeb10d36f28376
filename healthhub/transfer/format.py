"""The content file format shared by the importer and the exporter.

A content file is UTF-8 Markdown that starts with YAML front matter between
`---` lines. Which front-matter key maps to which model field, and how its
value is read and written, is listed once per model below: adding a model
field to the format is one `Field(...)` line in the right tuple. The format is
documented for editors in docs/content-format.md.
"""

import datetime
from dataclasses import dataclass

import yaml
from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models import Reviewer, Treatment, TreatmentList, Trigger
from healthhub.publishing.models import Status
from healthhub.tags.forms import MAX_TAG_LENGTH

TEXT, CHOICE, MOMENT, DATE, NUMBER, LINES = "text", "choice", "moment", "date", "number", "lines"
# BOOL: true or false, written only when it differs from the default. LINK: another record, by its slug.
BOOL, LINK = "bool", "link"
# Defaults that depend on the item: keep the stored value (a new item gets the
# model's default), or the item's position in its list.
KEEP, POSITION = object(), object()


class ContentError(Exception):
    """A problem in a content file, with where it is (line numbers count from 1 in the file)."""

    def __init__(self, path, message, line=None):
        self.path, self.message, self.line = path, message, line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Field:
    """One front-matter key and the model attribute it fills."""

    key: str
    kind: str = TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None
    model: type[models.Model] | None = None  # for LINK: the model whose slug the value names
    # The value a missing or empty key stands for (None for nullable fields), or KEEP or POSITION.
    default: object = ""
    attr: str = ""

    @property
    def name(self):
        return self.attr or self.key


def _status(default):
    return Field("status", CHOICE, choices=Status, default=default)


PUBLISHED_AT = Field("published_at", MOMENT, default=KEEP)
UNPUBLISH_AT = Field("unpublish_at", MOMENT, default=None)
ORDER = Field("order", NUMBER, default=POSITION)

# Keys in the order they are written. Body fields (the Markdown after the front
# matter in a file of their own) are listed too; see BODY.
ARTICLE_FIELDS = (
    Field("title", required=True),
    Field("slug", required=True),
    Field("summary", required=True),
    _status(Status.DRAFT),
    PUBLISHED_AT,
    UNPUBLISH_AT,
    Field("disclaimer"),
    Field("has_glossary_links", BOOL, default=True),
    Field("last_reviewed_on", DATE, default=None),
    Field("reviewed_by", LINK, model=Reviewer, default=None),
    Field("next_review_due", DATE, default=None),
    Field("body", required=True),
)
# Under the article's `references` key, one item per source, numbered from 1 in list order.
REFERENCE_FIELDS = (
    Field("title", required=True),
    Field("url"),
    Field("publisher"),
    Field("accessed_on", DATE, default=None),
    ORDER,
)
# Under the article's `hero_image` key, next to `file` (the picture itself).
HERO_IMAGE_FIELDS = (
    Field("alt", attr="hero_image_alt"),
    Field("credit", attr="hero_image_credit"),
)
FAQ_FIELDS = (
    Field("question", required=True),
    Field("slug", required=True),
    _status(Status.PUBLISHED),
    PUBLISHED_AT,
    UNPUBLISH_AT,
    ORDER,
    Field("answer", required=True),
)
TREATMENT_LIST_FIELDS = (
    Field("title", required=True),
    Field("kind", CHOICE, choices=TreatmentList.Kind, default=TreatmentList.Kind.OTHER),
    Field("intro"),
    _status(Status.PUBLISHED),
    PUBLISHED_AT,
    UNPUBLISH_AT,
    ORDER,
)
TREATMENT_FIELDS = (
    Field("name", required=True),
    Field("slug", required=True),
    Field("evidence_level", CHOICE, choices=Treatment.Evidence),
    _status(Status.PUBLISHED),
    PUBLISHED_AT,
    UNPUBLISH_AT,
    ORDER,
    Field("description", required=True),
    Field("contraindications"),
)
TRIGGER_FIELDS = (
    Field("name", required=True),
    Field("slug", required=True),
    Field("category", CHOICE, choices=Trigger.Category, default=Trigger.Category.OTHER),
    _status(Status.PUBLISHED),
    PUBLISHED_AT,
    UNPUBLISH_AT,
    Field("description", required=True),
)
TERM_FIELDS = (
    Field("term", required=True),
    Field("slug", required=True),
    Field("short_definition", required=True),
    Field("aliases", LINES),
    _status(Status.DRAFT),
    PUBLISHED_AT,
    UNPUBLISH_AT,
    Field("definition", required=True),
)

REVIEWER_FIELDS = (
    Field("reviewer", required=True, attr="name"),
    Field("slug", required=True),
    Field("credentials", required=True),
    Field("affiliation"),
    Field("bio"),
)
# healthhub.models.SiteSettings, in a file of its own (site.md).
SITE_FIELDS = (Field("standard_disclaimer", required=True, attr="disclaimer"),)

# The field that is the Markdown body when an item has a file of its own.
BODY = {"article": "body", "faq": "answer", "trigger": "description", "term": "definition", "reviewer": "bio"}


# --- Reading ----------------------------------------------------------------


class Mapping(dict):
    """A YAML mapping that remembers its line and each key's line (0-based, within the front matter)."""

    line = 0
    key_lines: dict = {}


# libyaml's parser when installed (about ten times faster); the same safe constructors either way.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _construct_mapping(loader, node):
    data = Mapping()
    data.line, data.key_lines = node.start_mark.line, {}
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value in data.key_lines:
                raise yaml.MarkedYAMLError(
                    problem=f"the key '{key_node.value}' appears twice", problem_mark=key_node.start_mark
                )
            data.key_lines[key_node.value] = key_node.start_mark.line
    yield data
    data.update(loader.construct_mapping(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _construct_timestamp(loader, node):
    # YAML reads 2026-02-30 as a date and Python refuses it: report it with its line instead of crashing.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as error:
        raise yaml.MarkedYAMLError(
            problem=f"'{node.value}' is not a real date ({error})", problem_mark=node.start_mark
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


@dataclass
class Document:
    path: object  # what reports call the file, e.g. "articles/x.md" or "upload.zip:articles/x.md"
    file: object  # the real file on disk (images are found next to it)
    meta: Mapping
    body: str

    def line(self, mapping=None, key=None):
        """The file line of a key in a mapping (or of the mapping itself)."""
        mapping = self.meta if mapping is None else mapping
        if not isinstance(mapping, Mapping):
            return None
        # +1 for 1-based lines, +1 for the opening "---".
        return mapping.key_lines.get(key, mapping.line) + 2

    def fail(self, message, mapping=None, key=None):
        raise ContentError(self.path, message, self.line(mapping, key))


def read_document(file, path) -> Document:
    """Read and parse one content file; ContentError says what is wrong and where."""
    limit = settings.CONTENT_IMPORT_MAX_FILE_BYTES
    size = file.stat().st_size
    if size > limit:
        raise ContentError(path, f"the file is {size:,} bytes; content files may be at most {limit:,} bytes")
    raw = file.read_bytes()
    if b"\0" in raw:
        raise ContentError(path, "this is not a text file (it contains binary data)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError(path, "the file is not UTF-8 text; save it as UTF-8", line) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise ContentError(path, "the file must start with a '---' line, then the front matter", 1)
    try:
        end = next(number for number, line in enumerate(lines[1:], 1) if line.rstrip() == "---")
    except StopIteration:
        raise ContentError(path, "the front matter has no closing '---' line", 1) from None
    try:
        meta = yaml.load("\n".join(lines[1:end]), Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        line = mark.line + 2 if mark else None
        raise ContentError(path, f"the front matter is not valid YAML: {problem}", line) from None
    if not isinstance(meta, Mapping):
        raise ContentError(path, "the front matter must be a list of 'key: value' lines", 2)
    return Document(path, file, meta, "\n".join(lines[end + 1 :]).strip("\n"))


def file_kind(meta):
    """Which kind of item a file holds, from its identifying key."""
    kinds = (
        ("standard_disclaimer", "site"),
        ("reviewer", "reviewer"),
        ("term", "term"),
        ("question", "faq"),
        ("name", "trigger"),
    )
    for key, kind in kinds:
        if key in meta:
            return kind
    return "article"


def read_value(doc, mapping, field, what):
    """The model value for one field of a mapping, checked."""
    value = mapping.get(field.key)
    if value is None or value == "" or value == []:
        if field.required:
            doc.fail(f"{what} is missing '{field.key}'", mapping, field.key)
        return field.default
    fail = lambda message: doc.fail(f"{what}: '{field.key}' {message}", mapping, field.key)  # noqa: E731
    if field.kind == TEXT:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            fail("must be text")
        return str(value)
    if field.kind == CHOICE:
        if value not in field.choices.values:
            fail(f"is '{value}'; use one of {', '.join(field.choices.values)}")
        return value
    if field.kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            fail("must be a whole number, 0 or more")
        return value
    if field.kind == LINES:
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            fail("must be a list of texts, e.g. [first, second]")
        return "\n".join(item.strip() for item in value)
    if field.kind == BOOL:
        if not isinstance(value, bool):
            fail("must be true or false")
        return value
    if field.kind == LINK:
        if not isinstance(value, str):
            fail("must be a slug, e.g. alex-morgan")
        record = field.model.objects.filter(slug=value).first()
        if record is None:
            name = field.model._meta.verbose_name
            fail(f"names the unknown {name} '{value}'; add its file (or add it in the admin) first")
        return record
    if field.kind == DATE:
        return _date(value, fail)
    return _moment(value, fail)


def _date(value, fail):
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            fail("must be a date such as 2026-09-14")
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    fail("must be a date such as 2026-09-14")


def _moment(value, fail):
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            fail("must be a date and time such as 2026-09-14T08:00:00+00:00")
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)
    fail("must be a date and time such as 2026-09-14T08:00:00+00:00")


def read_tags(doc, mapping, what, key="tags"):
    tags = mapping.get(key) or []
    if not isinstance(tags, list):
        doc.fail(f"{what}: '{key}' must be a list, e.g. [running, posture]", mapping, key)
    names = {}
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip():
            doc.fail(f"{what}: every tag must be a non-empty text", mapping, key)
        name = " ".join(tag.split())
        if len(name) > MAX_TAG_LENGTH:
            doc.fail(f"{what}: the tag '{name[:40]}…' is longer than {MAX_TAG_LENGTH} characters", mapping, key)
        if "," in name:
            doc.fail(f"{what}: the tag '{name}' has a comma; write it as two tags", mapping, key)
        names.setdefault(name.casefold(), name)
    return sorted(names.values(), key=lambda name: (name.casefold(), name))


def check_keys(doc, mapping, allowed, what):
    if not isinstance(mapping, Mapping):
        doc.fail(f"{what} must be a list of 'key: value' lines", None)
    unknown = [key for key in mapping if key not in allowed]
    if unknown:
        doc.fail(
            f"{what} has the unknown field '{unknown[0]}'; allowed fields: {', '.join(allowed)}", mapping, unknown[0]
        )


# --- Writing ----------------------------------------------------------------


def _newlines(text):
    # Browsers send text areas with CRLF; files use LF, as the importer does.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def dump_value(field, value):
    if field.kind == LINK:
        return value.slug if value is not None else None
    if field.kind == LINES:
        return Flow(line.strip() for line in value.splitlines() if line.strip())
    if isinstance(value, str):
        return _newlines(value)
    if field.kind == MOMENT and value is not None:
        return value.astimezone(datetime.UTC)
    return value


def dump_fields(obj, fields, skip=()):
    """{key: value} for the fields of `obj`, leaving out empty optional values."""
    data = {}
    for field in fields:
        if field.name in skip:
            continue
        value = dump_value(field, getattr(obj, field.name))
        if field.kind == BOOL:
            if value != field.default:
                data[field.key] = value
        elif field.required or (field.kind in (MOMENT, DATE, NUMBER) and value is not None) or value:
            data[field.key] = value
    return data


class Flow(list):
    """A short list written on one line: [a, b]."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper, value):
    # Multi-line text as a literal block, so Markdown reads as written.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_datetime(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(datetime.datetime, _represent_datetime)
_Dumper.add_representer(Flow, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, True))


def dump_document(meta, body) -> bytes:
    """A content file: front matter (keys in the given order), then the Markdown body."""
    front = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000, indent=2)
    body = _newlines(body).strip("\n")
    return f"---\n{front}---\n{body}\n".encode() if body else f"---\n{front}---\n".encode()
