import os
import subprocess
import sys

from django.conf import settings


def run_settings(env_overrides, code="from django.conf import settings; settings.SECRET_KEY"):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "healthhub.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}; print('ok')"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


def test_missing_secret_key_stops_start_up_with_a_clear_message():
    result = run_settings({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_settings({"DJANGO_SECRET_KEY": "k" * 50}, "from django.conf import settings; print(settings.DEBUG)")
    assert result.stdout.splitlines()[0] == "False"


def test_debug_mode_runs_without_a_committed_secret():
    code = "from django.conf import settings; print(len(settings.SECRET_KEY))"
    result = run_settings({"DJANGO_DEBUG": "1"}, code)
    assert result.returncode == 0 and int(result.stdout.splitlines()[0]) >= 50


def test_allowed_hosts_never_default_to_everything():
    assert "*" not in settings.ALLOWED_HOSTS


def test_database_url_selects_postgresql():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = run_settings({"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"}, code)
    assert result.stdout.splitlines()[0] == "django.db.backends.postgresql"


def test_production_static_files_are_compressed_and_hashed():
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    result = run_settings({"DJANGO_SECRET_KEY": "k" * 50}, code)
    assert result.stdout.splitlines()[0] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
