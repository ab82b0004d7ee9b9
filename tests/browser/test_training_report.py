"""Browser: an admin reads the training report, its charts, and its CSV/XLSX exports."""

import csv
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook
from playwright.sync_api import expect

from learning.accounts.models import REPORTING_GROUP
from learning.records.api import EventType, record
from tests.factories import ProfileFactory, UserFactory, totp_activate
from tests.records.tracking import settle

COURSE = "5b1e3c1e-0000-4000-8000-00000000c0de"


def reporting_admin():
    """Staff in the Reporting group with admin access, TOTP enrolled."""
    user = UserFactory(staff=True)
    group, _ = Group.objects.get_or_create(name=REPORTING_GROUP)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="records", codename="view_training_report"
        ),
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
    )
    user.groups.add(group)
    totp_activate(user)
    return user


def completions(countries: list[str], year: int) -> None:
    for number, country in enumerate(countries):
        learner = ProfileFactory(country=country).user
        with transaction.atomic():
            record(
                event_type=EventType.COURSE_COMPLETED,
                actor=learner,
                object_type="courses.coursepage",
                object_id="1",
                dimensions={"course": COURSE},
                language="en",
                occurred_at=datetime(year, 1 + number % 12, 5, tzinfo=UTC),
                idempotency_key=f"browser:{year}:{number}",
            )
    settle()


def log_in(page, live_server, user) -> None:
    """The MFA log-in is proven elsewhere; the session comes from the test client."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def figure(page, key: str) -> int:
    return int(page.locator(f'[data-figure="{key}"]').inner_text().replace(",", ""))


def cell(page, key: str, measure: str) -> int:
    text = page.locator(f'td[data-key="{key}"][data-measure="{measure}"]').inner_text()
    return int(text.replace(",", ""))


def downloaded(page, link_name: str):
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name, exact=True).click()
    return download_info.value


@pytest.mark.django_db(transaction=True)
def test_admin_filters_a_year_sees_charts_and_downloads_matching_exports(
    page, live_server, home_page, tmp_path, axe_violations
):
    # given completions in 2020 (3 Kenya, 2 France) and one in 2021
    completions(["KE", "KE", "KE", "FR", "FR"], 2020)
    completions(["BR"], 2021)
    log_in(page, live_server, reporting_admin())

    # when the admin opens the report and filters the year 2020
    page.goto("/admin/reports/training/")
    page.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Show report").click()

    # then the figures are 2020's and the charts render with one bar per country
    expect(page.locator('[data-figure="practitioners_trained"]')).to_have_text("5")
    assert figure(page, "completions") == 5
    assert figure(page, "completion_countries") == 2
    country_chart = page.locator("svg#chart-by_country")
    expect(country_chart).to_be_visible()
    expect(country_chart.locator("rect.chart-bar")).to_have_count(2)
    trend_chart = page.locator("svg#chart-month-trained")
    expect(trend_chart).to_be_visible()
    expect(trend_chart.locator("rect.chart-bar")).to_have_count(12)
    bar = country_chart.locator("rect.chart-bar").first
    assert float(bar.get_attribute("width")) > 0
    assert cell(page, "KE", "completions") == 3
    expect(page.get_by_text("In 2020, 5 practitioners were trained")).to_be_visible()
    assert axe_violations(page) == []

    # and the CSV and XLSX downloads hold the same figures
    csv_file = tmp_path / "report.csv"
    downloaded(page, "Download every table (CSV)").save_as(csv_file)
    xlsx_file = tmp_path / "report.xlsx"
    downloaded(page, "Download every table (XLSX)").save_as(xlsx_file)

    with csv_file.open(newline="") as handle:
        csv_rows = {
            (row["table"], row["measure"], row["key"]): row["value"]
            for row in csv.DictReader(handle)
        }
    sheet = load_workbook(xlsx_file).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    xlsx_rows = {
        (row[0], row[1], row[2] or ""): row[4] for row in rows if row[0] != "about"
    }
    for key, shown in (
        (("headline", "count", "practitioners_trained"), 5),
        (("headline", "count", "completions"), figure(page, "completions")),
        (("by_country", "completions", "KE"), cell(page, "KE", "completions")),
        (("by_country", "completions", "FR"), cell(page, "FR", "completions")),
    ):
        assert int(csv_rows[key]) == shown, key
        assert xlsx_rows[key] == shown, key
    assert header == ("table", "measure", "key", "label", "value")
    assert csv_rows[("about", "definitions_version", "")] == "2026.1"
    assert csv_rows[("about", "period_start", "")] == "2020-01-01"


@pytest.mark.django_db(transaction=True)
def test_admin_combines_filters_and_opens_a_bars_records_by_keyboard(
    page, live_server, home_page, axe_violations
):
    # given completions in 2020: 3 in Kenya, 2 in France; one in Kenya in 2021
    completions(["KE", "KE", "KE", "FR", "FR"], 2020)
    completions(["KE"], 2021)
    log_in(page, live_server, reporting_admin())

    # when the admin filters 2020, Kenya and English together
    page.goto("/admin/reports/training/")
    page.get_by_label("Year").fill("2020")
    page.get_by_label("Country", exact=True).select_option("KE")
    page.get_by_label("Language", exact=True).select_option("en")
    page.get_by_role("button", name="Show report").click()

    # then the figures are those of the three filters together
    expect(page.locator('[data-figure="completions"]')).to_have_text("3")
    assert axe_violations(page) == []

    # and the Kenya bar is a link a keyboard reaches and opens
    bar = page.get_by_role("link", name="Kenya: 3, see the records")
    bar.focus()
    expect(bar).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("3 records.")).to_be_visible()
    assert "country=KE" in page.url and "language=en" in page.url
    assert axe_violations(page) == []


@pytest.mark.django_db(transaction=True)
def test_reporting_token_page_is_accessible_and_shows_a_new_key_once(
    page, live_server, home_page, axe_violations
):
    log_in(page, live_server, reporting_admin())

    page.goto("/admin/reports/training/tokens/")
    assert axe_violations(page) == []
    page.get_by_label("Name").fill("Dashboard")
    page.get_by_role("button", name="Issue a token").click()

    key = page.get_by_role("textbox", name="Your new key").input_value()
    assert len(key) > 30
    assert axe_violations(page) == []
    page.goto("/admin/reports/training/tokens/")
    expect(page.get_by_role("row", name="Dashboard")).to_be_visible()
    assert key not in page.content()
