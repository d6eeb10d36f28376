import datetime
import io
import pathlib
import shutil
import zipfile

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image
from taggit.models import Tag

from articles.models import FAQ, Article, Reviewer, Treatment, Trigger
from glossary.models import Term
from healthhub.models import SiteSettings
from healthhub.publishing.models import Status
from healthhub.text.images import clean_image_upload
from healthhub.transfer.exporting import export_files, write_zip
from healthhub.transfer.importing import import_paths
from tests.factories import (
    ArticleFactory,
    FAQFactory,
    ReferenceFactory,
    ReviewerFactory,
    TermFactory,
    TreatmentFactory,
    TreatmentListFactory,
    TriggerFactory,
)

pytestmark = pytest.mark.django_db

DEMO = settings.BASE_DIR / "content" / "demo"


def image_bytes(image_format):
    output = io.BytesIO()
    Image.effect_mandelbrot((64, 48), (-2, -1.5, 1, 1.5), 40).convert("RGB").save(output, format=image_format)
    return output.getvalue()


@pytest.fixture
def awkward_content():
    """Values that trip up naive YAML: Unicode, colons, quotes, '---', several lines, empty fields."""
    scheduled = timezone.now() + datetime.timedelta(days=30)
    reviewer = ReviewerFactory(
        name='Dr Zoë O\'Brien: "Jo"',
        slug="zoe-obrien",
        credentials="MD, PhD",
        affiliation="",
        bio="Line one.\n\nLine two: yes",
    )
    ReviewerFactory(slug="unused", name="null", credentials="yes", affiliation="Ward 7 — 'east'", bio="")
    first = ArticleFactory(
        title='Migräne: "Kopfschmerz" & it\'s — ’quotes’ 🙂',
        slug="migraine",
        summary="yes",
        body="---\nnot front matter: really\n---\n\n## Ünïcode\r\n\r\nTrailing spaces   \n\tTabbed line\n\n",
        disclaimer="Line one.\nLine two: with a colon.",
        status=Status.DRAFT,
        published_at=datetime.datetime(2026, 5, 17, 9, 30, 15, 123456, tzinfo=datetime.UTC),
        tags=["Kopfschmerz", "über", "2024", "null"],
        hero_image_alt="Alt: with colon",
        hero_image_credit="",
        unpublish_at=datetime.datetime(2027, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC),
        has_glossary_links=False,
        last_reviewed_on=datetime.date(2026, 2, 28),
        reviewed_by=reviewer,
        next_review_due=datetime.date(2026, 8, 1),
    )
    first.hero_image.save("migraine-hero.png", ContentFile(image_bytes("PNG")), save=True)
    second = ArticleFactory(
        slug="second", summary="#not a comment", published_at=scheduled, tags=[], status=Status.IN_REVIEW
    )
    # As the admin stores it: re-encoded JPEG, whose bytes change on every further re-encoding.
    second.hero_image = clean_image_upload(ContentFile(image_bytes("JPEG"), name="photo.jpg"))
    second.hero_image_alt = "A photo"
    second.save()
    # Orders as an editor may leave them: gaps and a tie (broken by creation).
    references = [
        ReferenceFactory(article=first, title="Only: a title", url="", publisher="", accessed_on=None, order=5),
        ReferenceFactory(
            article=first, title="'Quoted' — 2024", url="https://example.org/a?b=1&c=2#d", publisher="null", order=5
        ),
        ReferenceFactory(article=first, title="Third", accessed_on=datetime.date(2026, 1, 31), order=9),
    ]
    faq = FAQFactory(article=first, slug="faq-one", question="What: now?", answer="- a\n- b\n", order=3, tags=["x"])
    faq.references.set([references[2], references[0]])
    FAQFactory(article=first, slug="faq-two", question="'quoted'", answer="> quote", order=3, status=Status.DRAFT)
    FAQFactory(article=None, slug="standalone", question="A general question?", answer="---\nEven this.")
    treatment_list = TreatmentListFactory(article=first, title="Acute: first aid", intro="", order=0)
    TreatmentListFactory(article=first, title="Empty list", kind="other", order=1)
    TreatmentFactory(treatment_list=treatment_list, slug="t1", contraindications="", evidence_level="")
    cited = TreatmentFactory(treatment_list=treatment_list, slug="t2", contraindications="Not: when\npregnant.")
    cited.references.set([references[1]])
    shared = TriggerFactory(slug="shared", name="Shared: trigger", published_at=scheduled, tags=["a", "B"])
    shared.articles.add(first, second)
    TriggerFactory(slug="on-its-own", name="On its own", status=Status.DRAFT)
    stress = TermFactory(
        term="Éclampsia", slug="eclampsia", aliases="EC\nyes\nOne, two", tags=["pregnancy"], unpublish_at=scheduled
    )
    other = TermFactory(term="null", slug="other-term", short_definition="'single' and \"double\"")
    stress.related_terms.add(other)
    SiteSettings(disclaimer="Site-wide: general information.\n\n'Not' advice — ask a professional.").save()


def empty_database():
    for model in (Article, FAQ, Trigger, Term, Tag, Reviewer, SiteSettings):
        model.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def round_trip():
    """Export, import into an emptied database, export again."""
    first = dict(export_files())
    folder = pathlib.Path(settings.MEDIA_ROOT).parent / "export"
    for name, data in first.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    empty_database()
    assert not Article.objects.exists() and not Tag.objects.exists()
    report = import_paths([folder])
    assert not report.failures, [str(failure) for failure in report.failures]
    return first, dict(export_files())


def test_demo_content_survives_a_round_trip_byte_for_byte(demo_content):
    first, second = round_trip()
    assert len([name for name in first if name.startswith("images/")]) == 3
    assert first == second


def test_awkward_values_survive_a_round_trip_byte_for_byte(awkward_content):
    first, second = round_trip()
    assert sorted(first) == sorted(second)
    for name in first:
        assert first[name] == second[name], name


def test_awkward_values_are_restored_exactly(awkward_content):
    before = Article.objects.get(slug="migraine")
    round_trip()
    after = Article.objects.get(slug="migraine")
    for name in ("title", "summary", "disclaimer", "status", "published_at", "hero_image_alt"):
        assert getattr(after, name) == getattr(before, name), name
    # Line endings become LF and blank lines around the body go; the text itself is kept.
    assert after.body == "---\nnot front matter: really\n---\n\n## Ünïcode\n\nTrailing spaces   \n\tTabbed line"
    assert sorted(after.tags.names()) == ["2024", "Kopfschmerz", "null", "über"]
    assert FAQ.objects.get(slug="standalone").article is None
    assert FAQ.objects.get(slug="standalone").answer == "---\nEven this."
    assert sorted(Trigger.objects.get(slug="shared").articles.values_list("slug", flat=True)) == ["migraine", "second"]
    assert not Trigger.objects.get(slug="on-its-own").articles.exists()
    assert Term.objects.get(slug="eclampsia").alias_list == ["EC", "yes", "One, two"]
    assert Term.objects.get(slug="other-term").related_terms.filter(slug="eclampsia").exists()
    assert after.faqs.get(slug="faq-two").status == Status.DRAFT


def test_editorial_fields_are_restored_exactly(awkward_content):
    def state():
        article = Article.objects.get(slug="migraine")
        return (
            [(ref.title, ref.url, ref.publisher, ref.accessed_on, ref.order) for ref in article.references.all()],
            {
                name: getattr(article, name)
                for name in ("unpublish_at", "has_glossary_links", "last_reviewed_on", "next_review_due")
            },
            sorted(Reviewer.objects.values_list("slug", "name", "credentials", "affiliation", "bio")),
            article.reviewed_by.slug,
            Article.objects.get(slug="second").status,
            Term.objects.get(slug="eclampsia").unpublish_at,
            sorted(FAQ.objects.get(slug="faq-one").references.values_list("title", flat=True)),
            list(Treatment.objects.get(slug="t2").references.values_list("title", flat=True)),
            SiteSettings.objects.get().disclaimer,
        )

    before = state()
    round_trip()
    assert state() == before
    assert before[0][0] == ("Only: a title", "", "", None, 5)
    assert before[-2:] == (["'Quoted' — 2024"], "Site-wide: general information.\n\n'Not' advice — ask a professional.")


def test_export_layout_and_key_order(awkward_content):
    files = dict(export_files())
    assert sorted(files) == [
        "articles/migraine.md",
        "articles/second.md",
        "faqs/standalone.md",
        "glossary/eclampsia.md",
        "glossary/other-term.md",
        "images/migraine.png",
        "images/second.jpg",
        "reviewers/unused.md",
        "reviewers/zoe-obrien.md",
        "site.md",
        "triggers/on-its-own.md",
    ]
    text = files["articles/migraine.md"].decode()
    keys = [line.split(":")[0] for line in text.split("\n---\n")[0].splitlines()[1:] if line[:1].isalpha()]
    assert keys == [
        "title", "slug", "summary", "status", "published_at", "unpublish_at", "disclaimer", "has_glossary_links",
        "last_reviewed_on", "reviewed_by", "next_review_due", "tags", "hero_image", "references", "faqs",
        "treatment_lists", "triggers",
    ]  # fmt: skip
    assert "has_glossary_links: false\nlast_reviewed_on: 2026-02-28\nreviewed_by: zoe-obrien\n" in text
    # Numbered in the order visitors see; a reference with only a title has only a title (and its order).
    assert "references:\n- title: 'Only: a title'\n  order: 5\n- title:" in text
    assert "  tags: [x]\n  cites: [1, 3]\n" in text
    assert "    cites: [2]\n" in text
    assert "has_glossary_links" not in files["articles/second.md"].decode()
    assert "status: in_review\n" in files["articles/second.md"].decode()
    assert (
        files["reviewers/unused.md"]
        == b"---\nreviewer: 'null'\nslug: unused\ncredentials: 'yes'\naffiliation: Ward 7 \xe2\x80\x94 'east'\n---\n"
    )
    assert "published_at: 2026-05-17T09:30:15.123456+00:00\n" in text
    assert "disclaimer: |-\n  Line one.\n  Line two: with a colon.\n" in text
    assert "tags: [2024, Kopfschmerz, 'null', über]" in text.replace('"', "'") or "tags: ['2024'" in text
    assert "Ünïcode" in text and "\\u" not in text


def test_exporting_twice_gives_the_same_bytes(awkward_content):
    assert dict(export_files()) == dict(export_files())
    assert write_zip(export_files()).getvalue() == write_zip(export_files()).getvalue()


def test_export_queries_do_not_grow_with_the_number_of_articles(django_assert_num_queries):
    def make(count):
        for _ in range(count):
            article = ArticleFactory(tags=["t"], reviewed_by=ReviewerFactory(), last_reviewed_on=datetime.date.today())
            reference = ReferenceFactory(article=article)
            FAQFactory(article=article, tags=["f"]).references.add(reference)
            treatment = TreatmentFactory(treatment_list=TreatmentListFactory(article=article), tags=["x"])
            treatment.references.add(reference)
            TriggerFactory(tags=["y"]).articles.add(article)
            TermFactory(tags=["z"]).related_terms.add(TermFactory())

    make(2)
    with django_assert_num_queries(20) as small:
        list(export_files())
    make(5)
    with django_assert_num_queries(len(small.captured_queries)):
        list(export_files())


def test_selected_articles_only_export_their_own_files(awkward_content):
    files = dict(export_files(Article.objects.filter(slug="second"), everything=False))
    assert sorted(files) == ["articles/second.md", "images/second.jpg"]
    assert b"slug: shared" in files["articles/second.md"]
    # An article's reviewer comes along, so that the archive imports on its own.
    files = dict(export_files(Article.objects.filter(slug="migraine"), everything=False))
    assert sorted(files) == ["articles/migraine.md", "images/migraine.png", "reviewers/zoe-obrien.md"]


def test_export_command_writes_the_files_and_refuses_a_non_empty_folder(demo_content, tmp_path):
    out = io.StringIO()
    call_command("export_content", str(tmp_path / "out"), stdout=out)
    assert "Exported 51 files" in out.getvalue()
    assert (tmp_path / "out" / "articles" / "cluster-headache.md").is_file()
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("export_content", str(tmp_path / "out"))


def test_a_zip_export_imports_back(awkward_content, tmp_path):
    archive = tmp_path / "export.zip"
    archive.write_bytes(write_zip(export_files()).getvalue())
    with zipfile.ZipFile(archive) as opened:
        assert {info.date_time for info in opened.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    empty_database()
    report = import_paths([archive])
    assert not report.failures and report.count("created") == 9
