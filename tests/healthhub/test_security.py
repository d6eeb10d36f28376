import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_check_deploy_reports_nothing_in_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SECRET_KEY": "x" * 30 + "-Production-like-Key-0123456789", "DJANGO_LOG_FORMAT": "plain"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_carry_a_content_security_policy_without_unsafe_inline_scripts(client):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_admin_inline_scripts_carry_the_policy_nonce(staff_client):
    response = staff_client.get(reverse("admin:articles_article_add"))
    policy = response["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert f'nonce="{nonce}"' in html
    assert "<script>" not in html  # every inline script must carry the nonce


def test_usual_security_headers(client):
    response = client.get(reverse("home"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, TRUSTED_PROXIES=["10.0.0.2"])
def test_http_is_redirected_to_https_and_https_gets_hsts(client):
    assert client.get(reverse("home"))["Location"].startswith("https://")
    response = client.get(reverse("home"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@override_settings(SECURE_SSL_REDIRECT=True)
def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    # The middleware reads the list once; build a fresh handler for these settings.
    from django.test import Client

    untrusted = Client(REMOTE_ADDR="203.0.113.9").get(reverse("home"), HTTP_X_FORWARDED_PROTO="https")
    assert untrusted.status_code == 301
    trusted = Client(REMOTE_ADDR="10.0.0.2").get(reverse("home"), HTTP_X_FORWARDED_PROTO="https")
    assert trusted.status_code == 200


def test_production_cookies_are_secure():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SECRET_KEY": "k" * 50, "DJANGO_SETTINGS_MODULE": "healthhub.settings"})
    code = "import django;django.setup();from django.conf import settings as s;print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"  # noqa: E501
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.stdout.split("\n")[-2] == "True True True"


def test_healthz_reports_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_livez_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(reverse("livez")).content == b"ok"


def test_admin_login_is_locked_after_repeated_failures(client, django_user_model):
    django_user_model.objects.create_superuser("editor", "e@example.org", "the-right-password-123")
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "editor", "password": "wrong"})
    locked = client.post(url, {"username": "editor", "password": "the-right-password-123"})
    assert locked.status_code == 429
    assert "Sign-in temporarily locked" in locked.content.decode()


def test_admin_login_works_with_the_right_password(client, django_user_model):
    django_user_model.objects.create_superuser("editor", "e@example.org", "the-right-password-123")
    response = client.post(reverse("admin:login"), {"username": "editor", "password": "the-right-password-123"})
    assert response.status_code == 302


def test_search_is_rate_limited_per_address(client, settings):
    settings.SEARCH_RATE = "3/m"
    ArticleFactory()
    statuses = [client.get(reverse("search"), {"q": f"pain {i}"}).status_code for i in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    limited = client.get(reverse("search"), {"q": "again"})
    assert limited["Retry-After"] == "60"
    assert "Please slow down" in limited.content.decode()


def test_tag_suggestions_are_rate_limited_per_address(client, settings):
    settings.AUTOCOMPLETE_RATE = "2/m"
    ArticleFactory(tags=["posture"])
    statuses = [client.get(reverse("tags:autocomplete"), {"q": "pos"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
