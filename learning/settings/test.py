"""Tests: PostgreSQL and Redis on 127.0.0.1 for real, fast password hashing."""

import os

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
# One test database per test process, so that several runs on one machine never
# drop each other's database. A developer may name one (TEST_DATABASE_NAME) and keep
# it between runs with `pytest --reuse-db`.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": os.environ.get("TEST_DATABASE_NAME", f"test_learning_{os.getpid()}")
}
