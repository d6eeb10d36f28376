import pytest
from django.contrib import admin
from django.urls import reverse

from articles.models import FAQ, Article, Treatment, TreatmentList
from healthhub.publishing.models import Publishable, Status
from tests.factories import ArticleFactory, TreatmentListFactory

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [model for model in admin.site._registry if issubclass(model, Publishable)]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_content_model_is_in_the_admin():
    names = {model.__name__ for model in CONTENT_MODELS}
    assert names == {"Article", "FAQ", "TreatmentList", "Treatment", "Trigger", "Term"}


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_changelist_and_add_pages_open(staff_client, demo_content, model):
    assert staff_client.get(admin_url(model, "changelist")).status_code == 200
    assert staff_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_change_page_opens_for_demo_items(staff_client, demo_content, model):
    item = model.objects.first()
    response = staff_client.get(admin_url(model, "change", item.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_changelist_filters_and_search_work(staff_client, demo_content, model):
    url = admin_url(model, "changelist")
    assert staff_client.get(url, {"status": "published"}).status_code == 200
    assert staff_client.get(url, {"tag": "exercise"}).status_code == 200
    assert staff_client.get(url, {"q": "pain"}).status_code == 200


def test_changelist_queries_do_not_grow_with_rows(staff_client, django_assert_max_num_queries):
    ArticleFactory.create_batch(3, tags=["a", "b"])
    url = admin_url(Article, "changelist")
    staff_client.get(url)
    with django_assert_max_num_queries(12) as few:
        staff_client.get(url)
    ArticleFactory.create_batch(20, tags=["a", "b", "c"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(url)


def test_markdown_editor_and_tag_suggestions_are_on_the_article_form(staff_client):
    html = staff_client.get(admin_url(Article, "add")).content.decode()
    assert "markdownx-editor" in html
    assert 'data-markdownx-urls-path="/editor/markdown-preview/"' in html
    assert 'data-markdownx-upload-urls-path="/editor/image-upload/"' in html
    assert 'class="vTextField tag-autocomplete"' in html
    assert "js/tag-autocomplete.js" in html


def article_form(**overrides):
    data = {
        "title": "Neck pain at the desk",
        "slug": "neck-pain-at-the-desk",
        "summary": "Why desk work can hurt your neck.",
        "body": "## Why\n\nBecause.",
        "tags": "Posture, type 2 diabetes",
        "status": "draft",
        "published_at_0": "2026-01-01",
        "published_at_1": "09:00:00",
        "hero_image_alt": "",
        "hero_image_credit": "",
        "disclaimer": "",
    }
    for prefix in ("references", "faqs", "treatment_lists", "Trigger_articles"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_saving_an_article_stores_html_and_comma_separated_tags(staff_client):
    response = staff_client.post(admin_url(Article, "add"), article_form())
    assert response.status_code == 302
    article = Article.objects.get(slug="neck-pain-at-the-desk")
    assert article.body_html == '<h2 id="why">Why</h2>\n<p>Because.</p>'
    assert sorted(tag.name for tag in article.tags.all()) == ["Posture", "type 2 diabetes"]


def test_tags_are_shared_case_insensitively(staff_client):
    ArticleFactory(tags=["posture"])
    staff_client.post(admin_url(Article, "add"), article_form(tags="POSTURE"))
    article = Article.objects.get(slug="neck-pain-at-the-desk")
    assert [tag.name for tag in article.tags.all()] == ["posture"]


def test_invalid_article_keeps_what_the_editor_typed(staff_client):
    ArticleFactory(slug="taken")
    response = staff_client.post(
        admin_url(Article, "add"), article_form(slug="taken", body="## My long careful text", tags="sleep")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Article with this Slug already exists." in html
    assert "## My long careful text" in html
    assert 'value="sleep"' in html
    assert not Article.objects.filter(title="Neck pain at the desk").exists()


def test_a_500_character_tag_is_refused_with_a_clear_error(staff_client):
    response = staff_client.post(admin_url(Article, "add"), article_form(tags="x" * 500))
    assert response.status_code == 200
    assert "Each tag can be at most 100 characters" in response.content.decode()


def test_inline_faq_is_saved_with_its_article(staff_client):
    data = article_form(
        **{
            "faqs-TOTAL_FORMS": "1",
            "faqs-0-question": "Can I still work?",
            "faqs-0-slug": "can-i-still-work",
            "faqs-0-answer": "Usually **yes**.",
            "faqs-0-order": "0",
            "faqs-0-status": "published",
            "faqs-0-tags": "work",
        }
    )
    assert staff_client.post(admin_url(Article, "add"), data).status_code == 302
    faq = FAQ.objects.get(slug="can-i-still-work")
    assert faq.article.slug == "neck-pain-at-the-desk"
    assert faq.answer_html == "<p>Usually <strong>yes</strong>.</p>"


def test_inline_items_start_as_published(staff_client):
    html = staff_client.get(admin_url(Article, "add")).content.decode()
    empty_faq = html.split('id="faqs-empty"')[1]
    assert '<option value="published" selected>' in empty_faq


def test_hero_image_needs_a_description(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.healthhub.test_editor import image_bytes

    image = SimpleUploadedFile("hero.png", image_bytes(), content_type="image/png")
    response = staff_client.post(admin_url(Article, "add"), article_form(hero_image=image))
    assert response.status_code == 200
    assert "Describe the picture" in response.content.decode()


def test_hero_image_must_be_a_real_image(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("hero.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = staff_client.post(admin_url(Article, "add"), article_form(hero_image=fake, hero_image_alt="x"))
    assert response.status_code == 200
    assert not Article.objects.filter(slug="neck-pain-at-the-desk").exists()


def test_bulk_publish_and_unpublish(staff_client):
    drafts = ArticleFactory.create_batch(2, status=Status.DRAFT)
    url = admin_url(Article, "changelist")
    ids = [str(a.pk) for a in drafts]
    staff_client.post(url, {"action": "publish", "_selected_action": ids})
    assert Article.objects.published().count() == 2
    staff_client.post(url, {"action": "unpublish", "_selected_action": ids})
    assert Article.objects.published().count() == 0


def test_treatments_are_edited_inline_in_their_list(staff_client):
    treatment_list = TreatmentListFactory()
    html = staff_client.get(admin_url(TreatmentList, "change", treatment_list.pk)).content.decode()
    assert 'id="treatments-empty"' in html
    assert Treatment._meta.verbose_name in html.lower()


def test_admin_requires_login(client):
    response = client.get(admin_url(Article, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
