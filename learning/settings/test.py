"""Tests: PostgreSQL and Redis on 127.0.0.1 for real, fast password hashing."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/learning")
# Each test process (and the Celery worker it starts, which inherits the environment)
# gets its own queue, cache prefix and event stream, so parallel runs never take each
# other's work. pytest-xdist workers inherit the controller's environment, so the
# run id is kept per xdist worker.
_RUN_SLOT = "LEARNING_TEST_RUN_" + (os.environ.get("PYTEST_XDIST_WORKER") or "main")
TEST_RUN_ID = os.environ.setdefault(_RUN_SLOT, f"test-{os.getpid()}")
os.environ["CELERY_QUEUE"] = TEST_RUN_ID
os.environ["CACHE_KEY_PREFIX"] = TEST_RUN_ID

from learning.settings.base import *  # noqa: E402,F403
from learning.settings.base import STORAGES  # noqa: E402

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A Celery worker started by a test may be told to write its mail to files
# (EMAIL_BACKEND/EMAIL_FILE_PATH in its environment), so the test can read them.
EMAIL_BACKEND = os.environ.get(
    "TEST_WORKER_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("TEST_WORKER_EMAIL_FILE_PATH") or EMAIL_FILE_PATH  # noqa: F405
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# The files tests store (uploads, recordings, packages) go to this run's own
# directory, never to the checkout's media/ and var/private; tests/conftest.py
# removes it at the end. The Celery workers a test starts share the run id, so the
# directory too. MEDIA_ROOT / PRIVATE_MEDIA_ROOT in the environment still win.
TEST_FILES_DIR = Path(tempfile.gettempdir()) / f"learning-{TEST_RUN_ID}"
if "MEDIA_ROOT" not in os.environ:
    MEDIA_ROOT = TEST_FILES_DIR / "media"
if "PRIVATE_MEDIA_ROOT" not in os.environ:
    PRIVATE_MEDIA_ROOT = TEST_FILES_DIR / "private"
# One test database per test process, so that several runs on one machine never
# drop each other's database. A developer may name one (TEST_DATABASE_NAME) and keep
# it between runs with `pytest --reuse-db`.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": os.environ.get("TEST_DATABASE_NAME", f"test_learning_{os.getpid()}")
}
