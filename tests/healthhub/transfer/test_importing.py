import datetime
import io
import pathlib
import shutil
import zipfile

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from PIL import Image
from taggit.models import Tag

from articles.models import FAQ, Article, Reference, Reviewer, Treatment, TreatmentList, Trigger
from glossary.models import Term
from healthhub.models import STANDARD_DISCLAIMER, SiteSettings
from healthhub.transfer.exporting import export_files
from healthhub.transfer.importing import import_paths

pytestmark = pytest.mark.django_db

DEMO = settings.BASE_DIR / "content" / "demo"
MODELS = (Article, FAQ, TreatmentList, Treatment, Trigger, Term, Tag)

GOOD_ARTICLE = """\
---
title: Good article
slug: good-article
summary: A file that imports cleanly.
status: published
published_at: 2026-01-01T08:00:00+00:00
tags: [good]
faqs:
  - question: Does it work?
    slug: good-faq
    answer: Yes.
---
## Body

Text.
"""


def article(slug="bad-article", extra="", body="Body text.\n"):
    return f"---\ntitle: A title\nslug: {slug}\nsummary: A summary.\n{extra}---\n{body}"


def db_state():
    """Everything an import can change: rows, their values (through an export), stored files."""
    media = pathlib.Path(settings.MEDIA_ROOT)
    return (
        {model.__name__: model.objects.count() for model in (*MODELS, Reference, Reviewer)},
        dict(export_files()),
        sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()) if media.exists() else [],
        {model.__name__: sorted(model.objects.values_list("updated_at", flat=True)) for model in MODELS[:-1]},
    )


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_content", *map(str, args), stdout=out, stderr=err)
        failed = None
    except CommandError as error:
        failed = error
    return out.getvalue(), err.getvalue(), failed


# --- creating, updating, skipping ------------------------------------------------


def test_importing_the_demo_folder_creates_every_item_with_tags():
    report = import_paths([DEMO])
    assert (report.count("created"), report.count("updated"), report.count("skipped")) == (47, 0, 0)
    assert not report.failures
    article = Article.objects.get(slug="cluster-headache")
    assert "headache" in article.tags.names()
    assert article.faqs.count() >= 5 and article.triggers.count() >= 8
    assert Term.objects.get(slug="cluster-headache").related_terms.filter(slug="triptan").exists()


def test_importing_unchanged_files_again_skips_them_and_writes_nothing():
    import_paths([DEMO])
    before = db_state()
    report = import_paths([DEMO])
    assert report.count("skipped") == 47
    assert db_state() == before


def test_a_changed_field_updates_only_that_file(tmp_path):
    path = write(tmp_path, "good.md", GOOD_ARTICLE)
    write(tmp_path, "other.md", article("other"))
    import_paths([tmp_path])
    untouched = Article.objects.get(slug="other").updated_at
    path.write_text(GOOD_ARTICLE.replace("A file that imports cleanly.", "Now changed."), encoding="utf-8")
    report = import_paths([tmp_path])
    assert [(o.action, o.item) for o in report.outcomes] == [
        ("updated", "article 'good-article'"),
        ("skipped", "article 'other'"),
    ]
    assert Article.objects.get(slug="good-article").summary == "Now changed."
    assert Article.objects.get(slug="other").updated_at == untouched


def test_a_changed_tag_counts_as_an_update(tmp_path):
    path = write(tmp_path, "good.md", GOOD_ARTICLE)
    import_paths([path])
    path.write_text(GOOD_ARTICLE.replace("tags: [good]", "tags: [good, better]"), encoding="utf-8")
    assert import_paths([path]).count("updated") == 1
    assert sorted(Article.objects.get().tags.names()) == ["better", "good"]


def test_a_missing_publication_time_keeps_the_stored_one(tmp_path):
    path = write(tmp_path, "a.md", article("kept"))
    import_paths([path])
    stored = Article.objects.get().published_at
    assert import_paths([path]).count("skipped") == 1
    assert Article.objects.get().published_at == stored


def test_importing_never_deletes_items_missing_from_the_file(tmp_path):
    path = write(tmp_path, "good.md", GOOD_ARTICLE)
    import_paths([path])
    path.write_text(GOOD_ARTICLE.split("faqs:")[0] + "---\nBody.\n", encoding="utf-8")
    import_paths([path])
    assert FAQ.objects.filter(slug="good-faq").exists()


def test_standalone_faq_and_trigger_files_are_imported(tmp_path):
    write(tmp_path, "faqs/general.md", "---\nquestion: Who writes this?\nslug: who-writes\n---\nOur editors.\n")
    write(tmp_path, "triggers/heat.md", "---\nname: Heat\nslug: heat\ncategory: environment\n---\nHot days.\n")
    report = import_paths([tmp_path])
    assert report.count("created") == 2 and not report.failures
    assert FAQ.objects.get(slug="who-writes").article is None
    assert Trigger.objects.get(slug="heat").description == "Hot days."


def test_the_same_trigger_may_be_listed_identically_in_two_article_files(tmp_path):
    trigger = "triggers:\n  - name: Stress\n    slug: stress\n    description: Busy weeks.\n"
    write(tmp_path, "a.md", article("first", trigger))
    write(tmp_path, "b.md", article("second", trigger))
    report = import_paths([tmp_path])
    assert not report.failures
    assert sorted(Trigger.objects.get(slug="stress").articles.values_list("slug", flat=True)) == ["first", "second"]


def test_dry_run_reports_but_leaves_the_database_and_media_unchanged(tmp_path):
    before = db_state()
    report = import_paths([DEMO], dry_run=True)
    assert report.count("created") == 47 and report.dry_run
    assert db_state() == before
    assert "Would be: 47 created" in report.summary()


def test_dry_run_over_existing_content_changes_nothing(tmp_path):
    import_paths([DEMO])
    folder = tmp_path / "demo"
    call_command("export_content", str(folder), verbosity=0)
    cluster = folder / "articles" / "cluster-headache.md"
    cluster.write_text(cluster.read_text().replace("slug: cluster-headache\n", "slug: cluster-headache-2\n", 1))
    before = db_state()
    out, err, failed = run_command(folder, "--dry-run")
    assert failed is None and "Would be: 1 created" in out
    assert db_state() == before


# --- bad files: reported with name and line, nothing half-imported, good files kept ---

BAD_FILES = {
    "broken YAML": (article(extra="disclaimer: Note: an unquoted colon\nstatus: draft\n"), 5, "not valid YAML"),
    "missing title": ("---\nslug: no-title\nsummary: S.\n---\nBody.\n", None, "missing 'title'"),
    "unknown field": (article(extra="titel: Typo\n"), 5, "unknown field 'titel'"),
    "duplicate key": (article(extra="summary: Again.\n"), 5, "appears twice"),
    "tag of 500 characters": (article(extra=f"tags: [{'x' * 500}]\n"), 5, "longer than 100 characters"),
    "bad status": (article(extra="status: live\n"), 5, "use one of draft, in_review, published"),
    "bad time": (article(extra="published_at: next tuesday\n"), 5, "must be a date and time"),
    "no closing line": ("---\ntitle: T\nslug: s\n", 1, "no closing '---'"),
    "no front matter": ("# Just Markdown\n", 1, "must start with a '---' line"),
    "no body": (article(body=""), None, "no Markdown text"),
    "invalid slug": (article(slug="Not A Slug"), None, "slug"),
    "non-UTF-8": ("---\ntitle: Caf\xe9\n".encode("latin-1"), 2, "not UTF-8"),
    "binary junk": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff", None, "not a text file"),
    "bad FAQ after a good article": (
        article(extra="faqs:\n  - question: Q?\n    slug: q\n    answer: A.\n  - question: Q2?\n    slug: q2\n"),
        9,
        "FAQ 2 is missing 'answer'",
    ),
    "bad treatment deep in a list": (
        article(extra="treatment_lists:\n  - title: L\n    treatments:\n      - name: T\n        slug: t\n"),
        8,
        "treatment 1 of treatment list 1 is missing 'description'",
    ),
    "unknown reviewer": (
        article(extra="last_reviewed_on: 2026-01-01\nreviewed_by: nobody\n"),
        6,
        "'reviewed_by' names the unknown reviewer 'nobody'",
    ),
    "review date without a reviewer": (article(extra="last_reviewed_on: 2026-01-01\n"), None, "Say who reviewed"),
    "citation number out of range": (
        article(
            extra="references:\n  - title: Source\nfaqs:\n  - question: Q?\n    slug: q\n    answer: A.\n"
            "    cites: [2]\n"
        ),
        11,
        "FAQ 1: 'cites' names reference 2, but the article lists 1 reference(s)",
    ),
    "citation that is not a number": (
        article(
            extra="references:\n  - title: Source\ntreatment_lists:\n  - title: L\n    treatments:\n"
            "      - name: T\n        slug: t\n        description: D.\n        cites: [Source]\n"
        ),
        13,
        "'cites' must be a list of reference numbers",
    ),
    "citation on an FAQ of no article": (
        "---\nquestion: Q?\nslug: q\ncites: [1]\n---\nA.\n",
        4,
        "the FAQ has the unknown field 'cites'",
    ),
    "reference without a title": (
        article(extra="references:\n  - url: https://example.org/\n"),
        6,
        "reference 1 is missing 'title'",
    ),
    "reference with a bad web address": (
        article(extra="references:\n  - title: T\n    url: not a web address\n"),
        6,
        "reference 1: url:",
    ),
    "bad date": (article(extra="last_reviewed_on: 2026-02-30\n"), 5, "'2026-02-30' is not a real date"),
    "date that is not a date": (article(extra="next_review_due: soon\n"), 5, "'next_review_due' must be a date"),
    "bad unpublish time": (article(extra="unpublish_at: never\n"), 5, "'unpublish_at' must be a date and time"),
    "unpublish before publish": (
        article(extra="published_at: 2026-03-01T00:00:00Z\nunpublish_at: 2026-02-01T00:00:00Z\n"),
        None,
        "The unpublish time must come after the publication time",
    ),
    "glossary links switch that is not true or false": (
        article(extra="has_glossary_links: maybe\n"),
        5,
        "'has_glossary_links' must be true or false",
    ),
    "reviewer without credentials": ("---\nreviewer: Dr X\nslug: x\n---\nBio.\n", None, "missing 'credentials'"),
    "site settings with text after the front matter": (
        "---\nstandard_disclaimer: D.\n---\nStray text.\n",
        None,
        "takes no text after the front matter",
    ),
    "related term that does not exist": (
        "---\nterm: Lonely\nslug: lonely\nshort_definition: S.\nrelated_terms: [nowhere]\n---\nText.\n",
        5,
        "unknown term(s): nowhere",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_a_bad_file_is_reported_and_changes_nothing_while_good_files_import(tmp_path, case):
    text, line, message = BAD_FILES[case]
    write(tmp_path, "a-good.md", GOOD_ARTICLE)
    bad = write(tmp_path, "b-bad.md", text)
    out, err, failed = run_command(tmp_path)
    assert failed is not None
    assert Article.objects.filter(slug="good-article").exists()
    assert (Article.objects.count(), FAQ.objects.count(), Term.objects.count()) == (1, 1, 0)
    assert not TreatmentList.objects.exists()
    where = f"{bad}:{line}:" if line else f"{bad}:"
    failure_lines = [text for text in err.splitlines() if text.startswith("failed:")]
    assert failure_lines == [failure_lines[0]] and where in failure_lines[0] and message in failure_lines[0]
    assert "Traceback" not in err and "1 failed" in out


def test_a_50_megabyte_file_is_refused_without_being_read(tmp_path, monkeypatch):
    big = tmp_path / "big.md"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no real disk use
    read = []
    original = pathlib.Path.read_bytes
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: read.append(self) or original(self))
    report = import_paths([big])
    assert "may be at most 1,048,576 bytes" in str(report.failures[0])
    assert big not in read


def test_duplicate_article_slugs_in_one_run_keep_the_first_file_only(tmp_path):
    write(tmp_path, "a.md", article("same"))
    write(tmp_path, "b.md", article("same", extra="status: published\n"))
    report = import_paths([tmp_path])
    assert (
        str(report.failures[0]) == f"{tmp_path / 'b.md'}:3: the article slug 'same' is also used in {tmp_path / 'a.md'}"
    )
    assert Article.objects.get(slug="same").status == "draft"


def test_an_faq_slug_used_by_two_article_files_fails_the_second_whole_file(tmp_path):
    faq = "faqs:\n  - question: Q?\n    slug: shared-faq\n    answer: A.\n"
    write(tmp_path, "a.md", article("first", faq))
    write(tmp_path, "b.md", article("second", faq))
    report = import_paths([tmp_path])
    assert "the FAQ slug 'shared-faq' is also used in" in str(report.failures[0])
    assert list(Article.objects.values_list("slug", flat=True)) == ["first"]
    assert FAQ.objects.get().article.slug == "first"


def test_a_slug_repeated_inside_one_file_is_refused(tmp_path):
    faqs = "faqs:\n  - {question: Q, slug: twice, answer: A.}\n  - {question: R, slug: twice, answer: B.}\n"
    report = import_paths([write(tmp_path, "a.md", article(extra=faqs))])
    assert "the FAQ slug 'twice' is also used earlier in this file" in str(report.failures[0])
    assert not Article.objects.exists()


def test_a_trigger_defined_differently_in_two_files_is_refused(tmp_path):
    write(tmp_path, "a.md", article("first", "triggers:\n  - {name: Heat, slug: heat, description: Hot.}\n"))
    write(tmp_path, "b.md", article("second", "triggers:\n  - {name: Heat, slug: heat, description: Warm.}\n"))
    report = import_paths([tmp_path])
    assert "the trigger slug 'heat' is also used with different values" in str(report.failures[0])
    assert Trigger.objects.get().description == "Hot."


def test_a_bad_hero_image_leaves_no_article_and_no_stored_file(tmp_path):
    write(tmp_path, "images/fake.png", b"not an image at all")
    path = write(tmp_path, "articles/a.md", article(extra="hero_image:\n  file: ../images/fake.png\n  alt: Alt.\n"))
    before = db_state()
    report = import_paths([path])
    assert "hero_image '../images/fake.png'" in str(report.failures[0]) and ":6:" in str(report.failures[0])
    assert db_state() == before


def test_a_good_hero_image_is_stored_once_and_skipped_when_unchanged():
    import_paths([DEMO])
    names = sorted(Article.objects.values_list("hero_image", flat=True))
    assert import_paths([DEMO]).count("skipped") == 47
    assert sorted(Article.objects.values_list("hero_image", flat=True)) == names
    assert len(list((pathlib.Path(settings.MEDIA_ROOT) / "articles").iterdir())) == 3


def test_an_image_with_metadata_is_re_encoded_without_it(tmp_path):
    image = Image.new("RGB", (40, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    image.save(tmp_path / "photo.jpg", format="JPEG", exif=exif)
    import_paths([write(tmp_path, "a.md", article(extra="hero_image:\n  file: photo.jpg\n  alt: Blue.\n"))])
    with Image.open(Article.objects.get().hero_image.open("rb")) as stored:
        assert not stored.getexif()
    assert Article.objects.get().hero_image.read() != (tmp_path / "photo.jpg").read_bytes()


def test_a_plain_image_is_kept_byte_for_byte(tmp_path):
    original = (DEMO / "images" / "cluster-headache.png").read_bytes()
    shutil.copy(DEMO / "images" / "cluster-headache.png", tmp_path / "plain.png")
    import_paths([write(tmp_path, "a.md", article(extra="hero_image:\n  file: plain.png\n  alt: Rings.\n"))])
    assert Article.objects.get().hero_image.read() == original


def test_a_missing_path_is_reported(tmp_path):
    report = import_paths([tmp_path / "nowhere"])
    assert "no such file or folder" in str(report.failures[0])


# --- archives ---------------------------------------------------------------------


def make_zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_zip_archive_is_imported_with_its_images(tmp_path):
    members = {
        f"demo/{path.relative_to(DEMO).as_posix()}": path.read_bytes() for path in DEMO.rglob("*") if path.is_file()
    }
    report = import_paths([make_zip(tmp_path / "demo.zip", members)])
    assert report.count("created") == 47 and not report.failures
    # Reviewers are imported first, so that articles can name them.
    assert [outcome.path for outcome in report.outcomes[:3]] == [
        f"{tmp_path / 'demo.zip'}:demo/reviewers/alex-morgan.md",
        f"{tmp_path / 'demo.zip'}:demo/reviewers/sam-okafor.md",
        f"{tmp_path / 'demo.zip'}:demo/articles/cluster-headache.md",
    ]
    assert all(article.hero_image for article in Article.objects.all())


@pytest.mark.parametrize(
    "members",
    [{"../evil.md": GOOD_ARTICLE}, {"/etc/evil.md": GOOD_ARTICLE}, {"a/../../evil.md": GOOD_ARTICLE}],
    ids=["parent", "absolute", "nested parent"],
)
def test_a_zip_with_path_traversal_is_refused_whole(tmp_path, members):
    archive = make_zip(tmp_path / "evil.zip", {"ok.md": article("from-zip"), **members})
    good = write(tmp_path, "good.md", GOOD_ARTICLE)
    report = import_paths([archive, good])
    assert "points outside the archive" in str(report.failures[0])
    assert list(Article.objects.values_list("slug", flat=True)) == ["good-article"]
    assert not (tmp_path.parent / "evil.md").exists()


def test_a_zip_with_too_many_members_is_refused(tmp_path, settings):
    settings.CONTENT_IMPORT_MAX_ARCHIVE_FILES = 3
    archive = make_zip(tmp_path / "many.zip", {f"{n}.md": article(f"a{n}") for n in range(4)})
    report = import_paths([archive])
    assert "the archive has 4 files; at most 3 allowed" in str(report.failures[0])
    assert not Article.objects.exists()


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path, settings):
    settings.CONTENT_IMPORT_MAX_ARCHIVE_BYTES = 10 * 1024 * 1024
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.md", b"\0" * (20 * 1024 * 1024))
    assert path.stat().st_size < 100 * 1024
    report = import_paths([path])
    assert "unpacks to 20,971,520 bytes; at most 10,485,760 bytes allowed" in str(report.failures[0])


def test_a_file_that_is_not_a_zip_is_reported(tmp_path):
    report = import_paths([write(tmp_path, "broken.zip", b"PK not really")])
    assert "not a readable .zip archive" in str(report.failures[0])


def test_hero_images_in_an_archive_cannot_come_from_outside_it(tmp_path):
    archive = make_zip(
        tmp_path / "sneaky.zip",
        {"a.md": article(extra=f"hero_image:\n  file: {DEMO / 'images' / 'cluster-headache.png'}\n  alt: A.\n")},
    )
    report = import_paths([archive])
    assert "must be inside the uploaded archive" in str(report.failures[0])


# --- the command ------------------------------------------------------------------


def test_the_command_prints_a_clean_report_on_stdout(tmp_path):
    out, err, failed = run_command(DEMO)
    assert failed is None
    assert out == "Imported 47 created, 0 updated, 0 skipped (unchanged), 0 failed.\n"


def test_the_command_lists_each_file_at_verbosity_2(tmp_path):
    out = io.StringIO()
    call_command("import_content", str(write(tmp_path, "good.md", GOOD_ARTICLE)), verbosity=2, stdout=out)
    assert f"created  article 'good-article' ({tmp_path / 'good.md'})" in out.getvalue()


def test_the_command_exits_non_zero_when_a_file_failed(tmp_path):
    write(tmp_path, "bad.md", "no front matter")
    with pytest.raises(CommandError, match="1 file\\(s\\) could not be imported"):
        call_command("import_content", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())


def test_an_article_may_name_a_reviewer_whose_file_comes_later(tmp_path):
    review = "last_reviewed_on: 2026-03-01\nreviewed_by: zed\n"
    write(tmp_path, "a/article.md", article("reviewed", review))
    write(tmp_path, "z/zed.md", "---\nreviewer: Dr Zed\nslug: zed\ncredentials: GP\n---\nA short bio.\n")
    report = import_paths([tmp_path])
    assert not report.failures, [str(failure) for failure in report.failures]
    article_ = Article.objects.get()
    assert (article_.reviewed_by.name, article_.reviewed_by.bio) == ("Dr Zed", "A short bio.")
    # Left out, the next review is due 12 months after the last one.
    assert article_.next_review_due == datetime.date(2027, 3, 1)


def test_references_are_matched_by_position_and_citations_follow_the_numbers(tmp_path):
    def text(first_title, cites):
        return article(
            "cited",
            "references:\n"
            f"  - title: {first_title}\n    url: https://example.org/one\n"
            "  - title: Second\n    publisher: NICE\n    accessed_on: 2026-01-31\n"
            f"faqs:\n  - question: Q?\n    slug: q\n    answer: A.\n    cites: {cites}\n",
        )

    path = write(tmp_path, "a.md", text("First", "[2]"))
    import_paths([path])
    first, second = Reference.objects.order_by("order")
    assert list(FAQ.objects.get().references.all()) == [second]
    assert (second.publisher, second.accessed_on, second.order) == ("NICE", datetime.date(2026, 1, 31), 1)

    path.write_text(text("First, corrected", "[1, 2]"), encoding="utf-8")
    assert import_paths([path]).count("updated") == 1
    assert list(Reference.objects.order_by("order").values_list("pk", "title")) == [
        (first.pk, "First, corrected"),
        (second.pk, "Second"),
    ]
    assert sorted(FAQ.objects.get().references.values_list("pk", flat=True)) == [first.pk, second.pk]

    path.write_text(text("First, corrected", "[]"), encoding="utf-8")
    assert import_paths([path]).count("updated") == 1
    assert not FAQ.objects.get().references.exists()
    assert import_paths([path]).count("skipped") == 1


def test_a_site_file_sets_the_standard_disclaimer(tmp_path):
    # A migration stores the standard wording, so the row exists and is updated.
    path = write(tmp_path, "site.md", "---\nstandard_disclaimer: |-\n  General information.\n  Not advice.\n---\n")
    report = import_paths([path])
    assert [(outcome.action, outcome.item) for outcome in report.outcomes] == [("updated", "site settings")]
    assert SiteSettings.load().disclaimer == "General information.\nNot advice."
    assert import_paths([path]).count("skipped") == 1


def test_the_demo_folder_leaves_the_standard_disclaimer_alone():
    site = SiteSettings.load()
    site.disclaimer = "Our own wording."
    site.save()
    import_paths([DEMO])
    assert SiteSettings.load().disclaimer == "Our own wording." != STANDARD_DISCLAIMER


def test_the_demo_shows_reviews_references_and_citations():
    import_paths([DEMO])
    for article_ in Article.objects.all():
        assert article_.reviewed_by and article_.last_reviewed_on and article_.next_review_due, article_.slug
        assert article_.references.count() >= 2, article_.slug
    assert Reviewer.objects.count() == 2
    cited = FAQ.objects.get(slug="oxygen-at-home-for-cluster-headache").references.values_list("publisher", flat=True)
    assert sorted(cited) == ["NHS", "NICE"]
    assert Treatment.objects.filter(references__isnull=False).exists()


def test_naive_times_are_read_as_utc(tmp_path):
    import_paths([write(tmp_path, "a.md", article(extra="published_at: 2026-03-01 10:00:00\n"))])
    assert Article.objects.get().published_at == datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)


def test_load_demo_is_an_import_of_the_demo_folder():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "content/demo: Imported 47 created" in out.getvalue()


def test_every_example_in_the_format_documentation_imports(tmp_path):
    text = (settings.BASE_DIR / "docs" / "content-format.md").read_text()
    examples = [block.split("```", 1)[0] for block in text.split("```markdown\n")[1:]]
    assert len(examples) == 6
    for number, example in enumerate(examples):
        write(tmp_path, f"articles/example-{number}.md", example)
    (tmp_path / "images").mkdir()
    shutil.copy(DEMO / "images" / "upper-back-pain-when-running.png", tmp_path / "images")
    write(tmp_path, "glossary/needed.md", "---\nterm: CH\nslug: cluster-headache\nshort_definition: S.\n---\nT.\n")
    write(tmp_path, "glossary/other.md", "---\nterm: LA\nslug: local-anaesthetic\nshort_definition: S.\n---\nT.\n")
    report = import_paths([tmp_path])
    assert not report.failures, [str(failure) for failure in report.failures]
    assert (report.count("created"), report.count("updated")) == (7, 1)  # the site settings row exists
    assert Article.objects.get().hero_image


def test_the_complete_article_example_is_exactly_what_export_writes(tmp_path):
    text = (settings.BASE_DIR / "docs" / "content-format.md").read_text()
    example = text.split("```markdown\n")[1].split("```", 1)[0]
    write(tmp_path, "articles/example.md", example)
    write(
        tmp_path, "reviewers/sam-okafor.md", "---\nreviewer: Sam Okafor\nslug: sam-okafor\ncredentials: Physio\n---\n"
    )
    shutil.copytree(DEMO / "images", tmp_path / "images")
    assert not import_paths([tmp_path]).failures
    assert dict(export_files())["articles/upper-back-pain-when-running.md"].decode() == example
