"""Development: the embedded defaults of the quick start (SQLite, local Redis)."""

from learning.settings.base import *  # noqa: F403
from learning.settings.base import DATABASES, STORAGES, VAR_DIR

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me"  # noqa: F405
ALLOWED_HOSTS = ["*"]
INTERNAL_IPS = ["127.0.0.1"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
VAR_DIR.mkdir(parents=True, exist_ok=True)
# `make run` serves the platform at localhost:8000; SCORM content gets its own
# origin by the other name of the same server.
SCORM_CONTENT_ORIGIN = SCORM_CONTENT_ORIGIN or "http://127.0.0.1:8000"  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` has web, worker and beat writing to one file: WAL lets readers
    # and one writer work together, IMMEDIATE transactions queue writers instead
    # of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
