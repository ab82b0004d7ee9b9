"""Development: the embedded defaults of the quick start (SQLite, local Redis)."""

from learning.settings.base import *  # noqa: F403
from learning.settings.base import STORAGES, VAR_DIR

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me"  # noqa: F405
ALLOWED_HOSTS = ["*"]
INTERNAL_IPS = ["127.0.0.1"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
VAR_DIR.mkdir(parents=True, exist_ok=True)
