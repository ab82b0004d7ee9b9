"""Production settings pass Django's deployment checks and refuse a missing secret."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

REAL_SECRET = "q8Zr2vN7xKp4Lm9Tw3Hs6Yb1Jd5Fg0Ce8Ua2Xo7Ri4Pn9Mk3Vt6Ql1Sy5Wz0Bh"
SETTINGS_VARIABLES = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "CELERY_QUEUE",
    "CACHE_KEY_PREFIX",
    # The browser fixture sets it for the test process only; a deployment never does.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def manage(*arguments, **variables) -> subprocess.CompletedProcess:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in SETTINGS_VARIABLES
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="learning.settings.production",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/learning",
        ALLOWED_HOSTS="learning.example.org",
        SECRET_KEY=REAL_SECRET,
    )
    environment.update(variables)
    environment = {name: value for name, value in environment.items() if value}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    # given production settings with a real secret, host and PostgreSQL
    assert len(REAL_SECRET) >= 50

    # when Django's deployment checklist runs
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    # then it finds nothing to warn about
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "secret",
    ["", "too-short-secret", "dev-" + REAL_SECRET],
    ids=["missing", "short", "development-key"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    # given production settings without a usable SECRET_KEY

    # when anything starts
    result = manage("check", SECRET_KEY=secret)

    # then it stops with a message naming the problem
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    # given production settings that do not name the site's host

    # when anything starts
    result = manage("check", ALLOWED_HOSTS="")

    # then it stops with a message naming the problem
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr
