"""Browser-test fixtures: a home page as the site's root, screenshots on failure."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from learning.home.models import HomePage

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def site_home_page_build() -> HomePage:
    """Make a HomePage the default site's root, whatever the database holds.

    Live-server tests run on a transactional database that is flushed after each
    test, which also removes the root page and locale Wagtail's migrations made;
    so this rebuilds them when missing and replaces the "Welcome" page otherwise.
    """
    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale, _ = Locale.objects.get_or_create(language_code=language)
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", locale=locale))
    for child in root.get_children():
        child.delete()
    home = HomePage(
        title="Learning Platform",
        introduction="Secure training for criminal-justice practitioners.",
        locale=locale,
    )
    root.add_child(instance=home)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost",
        port=80,
        site_name="Learning Platform",
        root_page=home,
        is_default_site=True,
    )
    return home


@pytest.fixture
def home_page(transactional_db) -> HomePage:
    return site_home_page_build()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture(autouse=True)
def screenshot_on_failure(request):
    """Keep a full-page screenshot of a failed browser test under test-artifacts/."""
    if "page" not in request.fixturenames:
        yield
        return
    browser_page = request.getfixturevalue("page")
    yield
    if getattr(request.node, "call_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]", "_", request.node.name)
        browser_page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
