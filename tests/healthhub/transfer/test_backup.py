"""The documented backup path (docs/deploy.md) restores an identical site."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from glossary.models import Term

pytestmark = pytest.mark.django_db(transaction=True)

BACKUP_ARGS = ["--natural-foreign", "--natural-primary", "-e", "contenttypes", "-e", "auth.permission",
               "-e", "sessions", "-e", "admin.logentry", "-e", "axes",
               "-e", "healthhub.stamp", "-e", "healthhub.relatedlist"]  # fmt: skip


def site_pages(client):
    paths = [reverse("home"), reverse("tags:list"), reverse("glossary:term-list"), reverse("articles:faq-list")]
    paths += [article.get_absolute_url() for article in Article.objects.all()]
    return {path: client.get(path).content for path in paths}


def test_dumpdata_then_loaddata_into_an_empty_database_restores_every_page(client, demo_content, tmp_path):
    before = site_pages(client)
    # YAML, not JSON: Django's JSON serializer cuts times to milliseconds.
    backup = tmp_path / "healthhub-backup.yaml.gz"
    call_command("dumpdata", *BACKUP_ARGS, "--format", "yaml", "-o", str(backup), verbosity=0)

    call_command("flush", "--no-input", verbosity=0)
    assert not Article.objects.exists() and not Tag.objects.exists() and not Term.objects.exists()

    call_command("loaddata", str(backup), verbosity=0)
    after = site_pages(client)
    assert after.keys() == before.keys()
    for path, html in before.items():
        assert after[path] == html, path
