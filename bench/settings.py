"""Benchmark settings: production's, on plain HTTP, with a fixed secret and hosts.

Everything else (DEBUG off, persistent database connections, the Redis cache, the
middleware) is production's. The static files are looked up without the manifest,
so that a benchmark needs no `collectstatic`; the URLconf adds one bare view.
"""

import os

os.environ.setdefault(
    "SECRET_KEY", "bench-only-secret-key-never-deployed-0123456789abcdefghijklmnopq"
)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from learning.settings.production import *  # noqa: E402,F403
from learning.settings.production import STORAGES  # noqa: E402

ROOT_URLCONF = "bench.urls"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
