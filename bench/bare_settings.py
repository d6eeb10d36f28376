"""Settings for the bare Django view of bench/saves.py: healthhub's settings without any middleware.

    DJANGO_SETTINGS_MODULE=bench.bare_settings gunicorn healthhub.wsgi -c gunicorn.conf.py

Serves only bench/bare_urls.py: the ceiling of Django itself under the same
gunicorn settings, to compare the page cache's hits against. Benchmarks only.
"""

from healthhub.settings import *  # noqa: F403

MIDDLEWARE = []
ROOT_URLCONF = "bench.bare_urls"
