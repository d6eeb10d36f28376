"""gunicorn settings for production: `gunicorn healthhub.wsgi` reads this file.

Every value can be changed from the environment (see docs/deploy.md).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that memory cannot creep up over weeks, but rarely: a new worker
# starts with empty per-process caches (templates, database connection, glossary matcher), and while
# it warms up the requests behind it wait. Recycling every 5,000 requests put the bench's p99 at
# 11-178 ms against 5-13 ms without (docs/performance.md); 100,000 is hours at ordinary traffic.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
# Only the reverse proxy may say the request was HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("DJANGO_TRUSTED_PROXIES", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
preload_app = True
