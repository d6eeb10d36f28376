import io
import zipfile

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import FAQ, Article
from tests.factories import ArticleFactory, FAQFactory, TriggerFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:articles_article_import")
CHANGELIST_URL = reverse("admin:articles_article_changelist")

GOOD = b"---\ntitle: Uploaded\nslug: uploaded\nsummary: From the admin.\ntags: [upload]\n---\nBody.\n"


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def editor_client(client, django_user_model):
    """A Publisher (add, change and publish every content type, reviewers, site settings), not a superuser."""
    user = django_user_model.objects.create_user("importer", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Publisher"))
    client.force_login(user)
    return client


def test_the_changelist_links_to_the_import_page(editor_client):
    response = editor_client.get(CHANGELIST_URL)
    assert f'href="{IMPORT_URL}"'.encode() in response.content


def test_staff_without_add_permission_see_no_link_and_cannot_import(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="a-long-test-password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_article", "change_article"]))
    client.force_login(user)
    assert IMPORT_URL.encode() not in client.get(CHANGELIST_URL).content
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"file": upload("a.md", GOOD)}).status_code == 403
    assert not Article.objects.exists()


def test_editors_cannot_import_because_a_file_can_publish(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    client.force_login(user)
    published = GOOD.replace(b"tags:", b"status: published\ntags:")
    assert client.post(IMPORT_URL, {"file": upload("a.md", published)}).status_code == 403
    assert not Article.objects.exists()


def test_visitors_are_sent_to_the_login_page(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_uploading_a_markdown_file_imports_it_and_shows_the_report(editor_client):
    response = editor_client.post(IMPORT_URL, {"file": upload("uploaded.md", GOOD)})
    assert response.status_code == 200
    assert b"Imported 1 created, 0 updated, 0 skipped (unchanged), 0 failed." in response.content
    assert b"uploaded.md" in response.content and b"/tmp" not in response.content
    assert Article.objects.get(slug="uploaded").tags.names()[0] == "upload"


def test_uploading_a_zip_reports_good_and_bad_files(editor_client):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as opened:
        opened.writestr("articles/good.md", GOOD)
        opened.writestr("articles/bad.md", "---\ntitle: Bad\nslug: bad\nsummary: S.\nstatus: live\n---\nBody.\n")
    response = editor_client.post(IMPORT_URL, {"file": upload("content.zip", archive.getvalue())})
    text = response.content.decode()
    assert "1 created, 0 updated, 0 skipped (unchanged), 1 failed." in text
    assert "content.zip:articles/bad.md:5: the article: &#x27;status&#x27; is &#x27;live&#x27;" in text
    assert list(Article.objects.values_list("slug", flat=True)) == ["uploaded"]


def test_an_upload_over_the_size_limit_is_refused(editor_client, settings):
    settings.CONTENT_IMPORT_MAX_UPLOAD_BYTES = 50
    response = editor_client.post(IMPORT_URL, {"file": upload("big.md", GOOD)})
    assert b"the limit is 50 bytes" in response.content
    assert not Article.objects.exists()


def test_other_file_types_are_refused(editor_client):
    response = editor_client.post(IMPORT_URL, {"file": upload("notes.txt", GOOD)})
    assert b"Choose a .md file or a .zip archive." in response.content
    assert not Article.objects.exists()


def test_an_uploaded_file_cannot_pull_in_server_files_as_images(editor_client, settings):
    image = settings.BASE_DIR / "content" / "demo" / "images" / "cluster-headache.png"
    text = GOOD.replace(b"tags:", f"hero_image:\n  file: {image}\n  alt: A.\ntags:".encode())
    response = editor_client.post(IMPORT_URL, {"file": upload("sneaky.md", text)})
    assert b"must be inside the uploaded archive" in response.content
    assert not Article.objects.exists()


def test_export_action_downloads_the_selected_articles_as_a_zip(editor_client):
    chosen = ArticleFactory(slug="chosen")
    ArticleFactory(slug="not-chosen")
    FAQFactory(article=chosen, slug="its-faq")
    TriggerFactory(slug="its-trigger").articles.add(chosen)
    response = editor_client.post(
        CHANGELIST_URL, {"action": "export_as_zip", "_selected_action": [chosen.pk], "index": 0}
    )
    assert response["Content-Type"] == "application/zip"
    assert "healthhub-articles.zip" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["articles/chosen.md"]
        text = archive.read("articles/chosen.md").decode()
    assert "slug: its-faq" in text and "slug: its-trigger" in text
    assert FAQ.objects.count() == 1
