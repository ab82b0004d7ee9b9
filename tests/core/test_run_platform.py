"""`make run`: one command brings up Redis, site, worker and beat; Ctrl-C ends all.

Acceptance test of the quick start: it runs the real `run_platform` command on its
embedded defaults (SQLite and a Redis of its own under a temporary var/).
"""

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from learning.core.local_redis import free_port
from tests.conftest import ROOT, wait_until

pytestmark = pytest.mark.worker

# Migrating a new SQLite database takes a while on a busy machine.
START_TIMEOUT_SECONDS = 600
STOP_TIMEOUT_SECONDS = 60
# Variables the test settings put in this process's environment; the quick start
# must run on its own defaults instead.
NOT_INHERITED = (
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_QUEUE",
    "CACHE_KEY_PREFIX",
    "DJANGO_SETTINGS_MODULE",
    "PORT",
)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def descendants(pid: int) -> set[int]:
    """Every live process below `pid`, read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def platform(tmp_path):
    port = free_port()
    environment = {
        name: value for name, value in os.environ.items() if name not in NOT_INHERITED
    }
    environment.update(LEARNING_VAR_DIR=str(tmp_path / "var"), PORT=str(port))
    log = (tmp_path / "run_platform.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_platform"],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.base_url = f"http://127.0.0.1:{port}"
    process.log_path = tmp_path / "run_platform.log"
    yield process
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


def test_run_platform_serves_the_site_with_a_worker_and_stops_everything_on_ctrl_c(
    platform,
):
    # given the quick start was launched on a fresh var/ directory

    # when it has started
    def healthy():
        if platform.poll() is not None:
            pytest.fail(f"run_platform exited:\n{platform.log_path.read_text()}")
        status, body = fetch(f"{platform.base_url}/healthz/")
        return status == 200 and json.loads(body)

    report = wait_until(
        healthy,
        timeout=START_TIMEOUT_SECONDS,
        interval=1,
        message="/healthz/ never reported the platform up.",
    )

    # then the health check sees the worker, the demo home page is served and the
    # log-ins are printed
    assert report["checks"]["worker"]["ok"] is True
    status, home = fetch(f"{platform.base_url}/")
    assert status == 200
    assert "Learning Platform" in home
    printed = platform.log_path.read_text()
    assert "practitioner@demo.test" in printed
    assert "LEARNINGPLATFORMDEMOSECRETTOTP22" in printed

    # when Ctrl-C is pressed
    children = descendants(platform.pid)
    assert len(children) >= 4  # redis, web, worker, beat
    platform.send_signal(signal.SIGINT)

    # then it exits cleanly and leaves no process behind
    assert platform.wait(timeout=STOP_TIMEOUT_SECONDS) == 0
    wait_until(
        lambda: not any(is_running(pid) for pid in children),
        timeout=STOP_TIMEOUT_SECONDS,
        message="Some of run_platform's processes outlived it.",
    )
    assert fetch(f"{platform.base_url}/healthz/")[0] == 0
