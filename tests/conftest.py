"""Shared fixtures: a real Celery worker, a real Chromium and axe-core."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from learning.celery import app as celery_app
from learning.core import sites

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WORKER_START_TIMEOUT = 60


@pytest.fixture(scope="session", autouse=True)
def test_files_removed():
    """This run's stored files (learning.settings.test.TEST_FILES_DIR) go at the end."""
    yield
    shutil.rmtree(settings.TEST_FILES_DIR, ignore_errors=True)


def wait_until(condition, *, timeout: float, interval: float = 0.1, message: str):
    """Poll `condition` until it is truthy; fail with `message` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(message)


def worker_environment() -> dict[str, str]:
    """The test process's environment, pointed at the test database it created."""
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "learning.settings.test",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }


class CeleryWorker:
    """A real `celery worker` process consuming this test run's own queue."""

    def __init__(self):
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "learning",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                f"--queues={settings.CELERY_TASK_DEFAULT_QUEUE}",
                f"--hostname=test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=worker_environment(),
        )
        wait_until(
            self.answers_ping,
            timeout=WORKER_START_TIMEOUT,
            message="The Celery worker did not start.",
        )

    def answers_ping(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"The Celery worker exited with {self.process.returncode}.")
        replies = celery_app.control.ping(destination=[self.hostname], timeout=0.5)
        return bool(replies)

    @property
    def hostname(self) -> str:
        return f"test-{os.getpid()}@{os.uname().nodename}"

    def kill(self) -> None:
        """Kill the worker at once (SIGKILL), as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def cache_forget_own_keys() -> None:
    """Delete this process's cache keys: rate limits, used TOTP codes, page roots.

    Only keys under this process's own prefix go: other test runs share the Redis
    database, so `cache.clear()` (FLUSHDB) would wipe their state too. Wagtail caches
    its site root paths there, and a flush between tests does not tell it.
    """
    client = cache._cache.get_client(write=True)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


@pytest.fixture(autouse=True)
def clean_cache():
    """Every test starts and ends with none of this process's cached state (a
    rolled-back test sends no signal to forget what it cached)."""
    cache_forget_own_keys()
    sites.forget_all()
    yield
    cache_forget_own_keys()
    sites.forget_all()


@pytest.fixture(autouse=True)
def language_reset():
    """Every test starts in the default language: a request under /ru/ leaves Russian
    active in this thread (LocaleMiddleware activates, nothing deactivates)."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def celery_worker(transactional_db):
    """A running worker for one test; it sees committed data only (transactional_db)."""
    worker = CeleryWorker()
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make install-test`.")
    # Playwright's sync API keeps an event loop on the main thread, which makes
    # Django refuse ORM calls there (test setup, test bodies) though they are sync.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    browser_page = context.new_page()
    browser_page.set_default_timeout(15_000)
    yield browser_page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: run `make install-test`.")
    return AXE_SCRIPT.read_text()


@pytest.fixture
def axe_violations(axe_source):
    """Run axe-core's WCAG 2.1 A and AA rules on a Playwright page."""

    def run(browser_page) -> list[dict]:
        browser_page.add_script_tag(content=axe_source)
        result = browser_page.evaluate(
            """() => axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
        )
        return [
            {
                "id": violation["id"],
                "help": violation["help"],
                "targets": [node["target"] for node in violation["nodes"]],
            }
            for violation in result["violations"]
        ]

    return run
