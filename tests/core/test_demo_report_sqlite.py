"""The quick start's database: the demo's activity reaches the training report on
SQLite too (drain, roll-up and report are the ones beat and the admin run)."""

import json
import os
import subprocess
import sys

import pytest
from django.utils import timezone

from tests.conftest import ROOT
from tests.core.test_run_platform import NOT_INHERITED

pytestmark = pytest.mark.worker

# Migrating a new SQLite database takes a while on a busy machine.
COMMAND_TIMEOUT_SECONDS = 600
SETTLE = (
    "from learning.records.services import rollup_dirty_days, stream_drain; "
    "stream_drain(); rollup_dirty_days()"
)


def test_demo_activity_shows_in_the_training_report_on_sqlite(tmp_path, private_redis):
    # given a fresh quick-start database (SQLite under var/), migrated and seeded
    environment = {
        name: value for name, value in os.environ.items() if name not in NOT_INHERITED
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="learning.settings.dev",
        LEARNING_VAR_DIR=str(tmp_path / "var"),
        REDIS_URL=private_redis.url,
    )

    def manage(*arguments: str) -> str:
        finished = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
        )
        assert finished.returncode == 0, finished.stderr
        return finished.stdout

    manage("migrate", "--no-input", "-v", "0")
    manage("seed_demo")
    assert (tmp_path / "var" / "db.sqlite3").exists()

    # when the records are drained and rolled up, as beat does
    manage("shell", "-c", SETTLE)

    # then the report counts the demo learners' activity as on PostgreSQL
    year = str(timezone.now().year)
    report = json.loads(manage("training_report", "--year", year, "--format", "json"))
    assert report["enrolments"] == {"total": 2, "learners": 2}
    assert report["completions"]["total"] == 1
    assert report["resources"] == {"views": 3, "downloads": 1}
    assert report["rooms"]["active"] == 1
    assert report["rooms"]["members"] == 3
    assert report["webinars"]["registrations"] == 1
    assert report["practitioners_trained"] == 1
