import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db

PREVIEW = reverse("editor:markdown-preview")
UPLOAD = reverse("editor:image-upload")
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def image_bytes(fmt="PNG", size=(40, 30), exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def upload(client, name, data, content_type):
    return client.post(UPLOAD, {"image": SimpleUploadedFile(name, data, content_type=content_type)}, **AJAX)


def test_preview_refuses_anonymous_visitors(client):
    assert client.post(PREVIEW, {"content": "hi"}).status_code == 403


def test_preview_refuses_logged_in_non_staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("visitor", password="x-long-password"))
    assert client.post(PREVIEW, {"content": "hi"}).status_code == 403


@pytest.mark.parametrize(
    "payload",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))", "<iframe src=x>"],
)
def test_preview_sanitizes_like_the_public_pages(staff_client, payload):
    response = staff_client.post(PREVIEW, {"content": f"## Preview\n\n{payload}"})
    html = response.content.decode().lower()
    assert response.status_code == 200
    assert '<h2 id="preview">' in html
    for marker in ("<script", "onerror", "javascript:", "<iframe"):
        assert marker not in html


def test_preview_only_accepts_post(staff_client):
    assert staff_client.get(PREVIEW).status_code == 405


def test_upload_refuses_anonymous_visitors(client):
    assert upload(client, "a.png", image_bytes(), "image/png").status_code == 403


def test_upload_accepts_a_real_png_and_renames_it(staff_client, settings):
    response = upload(staff_client, "../../etc/My Photo.PNG", image_bytes(), "image/png")
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert code.startswith("![](/media/uploads/") and code.endswith(".png)")
    assert "My Photo" not in code and ".." not in code
    stored = settings.MEDIA_ROOT / code[len("![](/media/") : -1]
    assert Image.open(stored).format == "PNG"


def test_upload_strips_metadata(staff_client, settings):
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    response = upload(staff_client, "photo.jpg", image_bytes("JPEG", exif=exif.tobytes()), "image/jpeg")
    stored = settings.MEDIA_ROOT / response.json()["image_code"][len("![](/media/") : -1]
    assert stored.suffix == ".jpg"
    assert b"SecretCameraMaker" not in stored.read_bytes()


def test_upload_uses_the_real_format_for_the_extension(staff_client):
    response = upload(staff_client, "looks-like.png", image_bytes("WEBP"), "image/png")
    assert response.json()["image_code"].endswith(".webp)")


def test_upload_refuses_svg_with_script(staff_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = upload(staff_client, "logo.svg", svg, "image/svg+xml")
    assert response.status_code == 400
    assert "JPEG, PNG" in response.json()["image"][0]


def test_upload_refuses_html_named_as_an_image(staff_client):
    response = upload(staff_client, "cat.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    assert response.status_code == 400


def test_upload_refuses_gif(staff_client):
    assert upload(staff_client, "anim.gif", image_bytes("GIF"), "image/gif").status_code == 400


def test_upload_refuses_oversized_files(staff_client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1000
    response = upload(staff_client, "big.png", image_bytes(size=(400, 400)) + b"\0" * 2000, "image/png")
    assert response.status_code == 400
    assert "limit" in response.json()["image"][0]


def test_upload_without_a_file_is_a_clear_error(staff_client):
    response = staff_client.post(UPLOAD, {}, **AJAX)
    assert response.status_code == 400
    assert response.json() == {"image": ["Choose an image file to upload."]}


def test_tag_autocomplete_is_for_staff_only(client):
    assert client.get(reverse("editor:tag-autocomplete"), {"q": "pos"}).status_code == 403


def test_tag_autocomplete_suggests_existing_tags(staff_client):
    from tests.factories import ArticleFactory

    ArticleFactory(tags=["posture", "post-exercise pain", "sleep"])
    response = staff_client.get(reverse("editor:tag-autocomplete"), {"q": "POS"})
    assert response.json() == {"results": ["post-exercise pain", "posture"]}
