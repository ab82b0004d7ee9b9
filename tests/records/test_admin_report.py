"""The admins' training report in Wagtail: access, filters, exports, drill-down."""

import csv
import io
import uuid
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from learning.accounts.models import REPORTING_GROUP
from learning.records.api import EventType, record
from tests.factories import ProfileFactory, UserFactory, totp_activate
from tests.records.tracking import settle

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/reports/training/"
RECORDS_URL = "/admin/reports/training/records/"
COURSE_CT = "5b1e3c1e-0000-4000-8000-00000000c0de"  # a course's translation key
COURSE_CBRN = "5b1e3c1e-0000-4000-8000-0000000cb121"


def admin_access(user) -> None:
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )


def reporting_admin():
    """Staff in the Reporting group, with Wagtail admin access and TOTP enrolled."""
    user = UserFactory(staff=True)
    # The group comes from a data migration, which a transactional test may flush.
    group, _ = Group.objects.get_or_create(name=REPORTING_GROUP)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="records", codename="view_training_report"
        )
    )
    user.groups.add(group)
    admin_access(user)
    totp_activate(user)
    return user


def staff_without_reporting():
    user = UserFactory(staff=True)
    admin_access(user)
    totp_activate(user)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def learner(country="KE", sector="law-enforcement", gender="female"):
    return ProfileFactory(country=country, sector=sector, gender=gender).user


def completed(actor, *, course, when, language="en") -> str:
    key = f"test:{uuid.uuid4().hex}"
    with transaction.atomic():
        record(
            event_type=EventType.COURSE_COMPLETED,
            actor=actor,
            object_type="courses.coursepage",
            object_id=f"{course}-{language}",
            dimensions={"course": course},
            language=language,
            occurred_at=when,
            idempotency_key=key,
        )
    return key


def downloaded(actor, *, recording, when) -> str:
    key = f"test:{uuid.uuid4().hex}"
    with transaction.atomic():
        record(
            event_type=EventType.RECORDING_DOWNLOADED,
            actor=actor,
            object_type="webinars.recording",
            object_id=recording,
            occurred_at=when,
            idempotency_key=key,
        )
    return key


def attended_webinar(actor, *, webinar, when, language) -> str:
    key = f"test:{uuid.uuid4().hex}"
    with transaction.atomic():
        record(
            event_type=EventType.WEBINAR_ATTENDED,
            actor=actor,
            object_type="webinars.webinarpage",
            object_id=webinar,
            language=language,
            occurred_at=when,
            idempotency_key=key,
        )
    return key


def at(year, month, day=10):
    return datetime(year, month, day, 12, tzinfo=UTC)


@pytest.fixture
def activity():
    """Ground truth: who did what, when; returns the keys of the counted events."""
    kenyan, french, brazilian = (
        learner("KE"),
        learner("FR", gender="male"),
        learner("BR", sector="judiciary"),
    )
    keys = {
        "ct_ke": completed(kenyan, course=COURSE_CT, when=at(2020, 3)),
        "ct_fr": completed(french, course=COURSE_CT, when=at(2020, 4), language="fr"),
        "cbrn_ke": completed(kenyan, course=COURSE_CBRN, when=at(2020, 4)),
        "ct_br_2021": completed(brazilian, course=COURSE_CT, when=at(2021, 2)),
        "download_1": downloaded(kenyan, recording="7", when=at(2020, 5)),
        "download_2": downloaded(french, recording="7", when=at(2020, 6)),
        "download_2021": downloaded(brazilian, recording="7", when=at(2021, 6)),
        "webinar_fr": attended_webinar(
            french, webinar="31", when=at(2020, 6), language="fr"
        ),
        "webinar_ke": attended_webinar(
            kenyan, webinar="32", when=at(2020, 7), language="en"
        ),
    }
    # The Kenyan learner completes the French version of the same course: a
    # completion counts once per learner and course, whatever the language.
    keys["ct_ke_again_fr"] = completed(
        kenyan, course=COURSE_CT, when=at(2020, 9), language="fr"
    )
    settle()
    return keys


def figures(response) -> dict:
    """The page's headline figures, keyed by measure, as the template shows them."""
    headline = response.context["tables"][0]
    return {row.key: row.values["count"] for row in headline.rows}


def table(response, slug) -> dict:
    found = next(t for t in response.context["tables"] if t.slug == slug)
    measure = found.measures[0][0]
    return {row.key: row.values[measure] for row in found.rows}


# --- access ------------------------------------------------------------------------


def test_reporting_staff_open_the_report_from_the_reports_menu():
    client = logged_in(reporting_admin())

    home = client.get("/admin/")
    response = client.get(REPORT_URL)

    assert "training-report" in home.content.decode()
    assert response.status_code == 200
    assert b"Training report" in response.content


def test_superuser_opens_the_report():
    user = UserFactory(staff=True, is_superuser=True)
    totp_activate(user)

    response = logged_in(user).get(REPORT_URL)

    assert response.status_code == 200


@pytest.mark.parametrize("url", [REPORT_URL, RECORDS_URL + "?metric=trained"])
def test_staff_without_the_reporting_permission_get_403_and_no_menu_item(url):
    client = logged_in(staff_without_reporting())

    home = client.get("/admin/")
    response = client.get(url)
    export = client.get(url, {"export": "csv"})

    assert "training-report" not in home.content.decode()
    assert response.status_code == 403
    assert export.status_code == 403


def test_anonymous_visitors_are_sent_to_log_in():
    response = Client().get(REPORT_URL, {"year": 2020})

    assert response.status_code == 302
    assert "login" in response.url


# --- figures and filters -------------------------------------------------------------


def test_year_filter_counts_only_that_years_records(activity):
    client = logged_in(reporting_admin())

    in_2020 = figures(client.get(REPORT_URL, {"year": 2020}))
    in_2021 = figures(client.get(REPORT_URL, {"year": 2021}))

    assert in_2020["practitioners_trained"] == 2
    assert in_2020["completions"] == 3  # the second language version is not counted
    assert in_2020["completion_learners"] == 2
    assert in_2020["completion_countries"] == 2
    assert in_2020["recordings_total"] == 2
    assert in_2020["webinars_delivered"] == 2
    assert in_2020["webinar_participants"] == 2
    assert in_2021["practitioners_trained"] == 1
    assert in_2021["completions"] == 1
    assert in_2021["recordings_total"] == 1
    assert in_2021["webinars_delivered"] == 0


@pytest.mark.parametrize(
    ("params", "completions", "trained"),
    [
        ({"country": "FR"}, 1, 1),
        ({"country": "KE"}, 2, 1),
        ({"course": COURSE_CBRN}, 1, 1),
        ({"language": "fr"}, 1, 1),  # one learner: a French course and webinar
        ({"start": "2020-04-01", "end": "2020-04-30"}, 2, 2),
    ],
)
def test_filters_change_the_figures(activity, params, completions, trained):
    client = logged_in(reporting_admin())
    if "start" not in params:
        params = {"year": 2020, **params}

    response = client.get(REPORT_URL, params)

    assert response.status_code == 200
    assert figures(response)["completions"] == completions
    assert figures(response)["practitioners_trained"] == trained


def test_breakdowns_and_trend_match_the_ground_truth(activity):
    response = logged_in(reporting_admin()).get(REPORT_URL, {"year": 2020})

    assert table(response, "by_country") == {"KE": 2, "FR": 1}
    assert table(response, "by_language") == {"en": 2, "fr": 1}
    assert table(response, "by_course") == {COURSE_CT: 2, COURSE_CBRN: 1}
    assert table(response, "by_recording") == {"7": 2}
    assert table(response, "webinars_by_language") == {"en": 1, "fr": 1}
    months = next(t for t in response.context["tables"] if t.slug == "by_month")
    trend = {row.key: row.values["completions"] for row in months.rows}
    assert len(trend) == 12
    assert trend["2020-03"] == 1 and trend["2020-04"] == 2 and trend["2020-09"] == 0


def test_charts_are_accessible_svg_with_one_bar_per_figure(activity):
    response = logged_in(reporting_admin()).get(REPORT_URL, {"year": 2020})
    page = response.content.decode()

    # 2 trends, countries, languages, sectors: each named by its title, described
    # by every figure in words, each bar a link named after its figure
    assert page.count('class="training-chart"') == 5
    assert page.count('role="group" aria-labelledby="chart-') == 5
    assert '<title id="chart-by_country-title">' in page
    assert '<desc id="chart-by_country-desc">Kenya: 2; France: 1</desc>' in page
    assert 'class="chart-bar" x="190"' in page
    assert 'data-value="2"' in page
    assert 'aria-label="Kenya: 2, see the records"' in page
    assert page.count('class="chart-link"') == 12 * 2 + 2 + 2 + 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "twenty"}, "Enter a whole number."),
        ({"year": 2020, "start": "2020-01-01", "end": "2020-02-01"}, "not both"),
        ({"start": "2020-03-01"}, "needs both a start date and an end date"),
        ({"start": "2020-03-01", "end": "2020-02-01"}, "end date is before"),
        ({"start": "2020-02-30", "end": "2020-03-01"}, "Enter a valid date."),
        ({"year": 2020, "country": "XX"}, "Select a valid choice."),
        ({"year": 2020, "room": "999"}, "Select a valid choice."),
        ({"year": 2020, "version": "1999"}, "Select a valid choice."),
    ],
)
def test_bad_filters_show_a_clear_error(params, message):
    client = logged_in(reporting_admin())

    response = client.get(REPORT_URL, params)
    export = client.get(REPORT_URL, {**params, "export": "csv"})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["report"] is None
    assert export.status_code == 400


def test_page_shows_the_definitions_freshness_and_summary(activity):
    response = logged_in(reporting_admin()).get(REPORT_URL, {"year": 2020})
    page = response.content.decode()

    assert "definitions version 2026.1" in page
    assert "Data fresh to" in page
    assert "at least 30 seconds or 10% of the duration" in page
    assert "In 2020, 2 practitioners were trained through the platform." in page
    assert "Recordings were viewed or downloaded twice in 2020." in page
    assert "2 webinars were delivered to 2 participants, in English or French." in page


def test_summary_downloads_as_text(activity):
    response = logged_in(reporting_admin()).get(
        REPORT_URL, {"year": 2020, "format": "summary"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert text.startswith("In 2020, 2 practitioners were trained")
    assert "2 practitioners from 2 countries completed a course in 2020." in text
    assert "definitions version 2026.1" in text


# --- exports -----------------------------------------------------------------------


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def xlsx_rows(response) -> list[dict]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_csv_and_xlsx_exports_hold_the_figures_of_the_page(activity):
    client = logged_in(reporting_admin())
    page = client.get(REPORT_URL, {"year": 2020})

    as_csv = csv_rows(client.get(REPORT_URL, {"year": 2020, "export": "csv"}))
    as_xlsx = xlsx_rows(client.get(REPORT_URL, {"year": 2020, "export": "xlsx"}))

    shown = {
        (t.slug, measure, row.key): row.values[measure]
        for t in page.context["tables"]
        for row in t.rows
        for measure, _heading in t.measures
    }
    from_csv = {
        (r["table"], r["measure"], r["key"]): int(r["value"])
        for r in as_csv
        if r["table"] != "about"
    }
    from_xlsx = {
        (r["table"], r["measure"], r["key"] or ""): r["value"]
        for r in as_xlsx
        if r["table"] != "about"
    }
    assert from_csv == shown
    assert from_xlsx == shown
    assert shown[("headline", "count", "practitioners_trained")] == 2
    about = {
        (r["measure"], r["key"]): r["value"] for r in as_csv if r["table"] == "about"
    }
    assert about[("definitions_version", "")] == "2026.1"
    assert about[("period_start", "")] == "2020-01-01"
    assert about[("fresh_to", "")]
    assert "30 seconds" in about[("rule", "recording_view")]


def test_one_tables_export_holds_that_table_and_the_about_rows(activity):
    response = logged_in(reporting_admin()).get(
        REPORT_URL, {"year": 2020, "export": "csv", "table": "by_country"}
    )

    rows = csv_rows(response)

    assert {row["table"] for row in rows} == {"about", "by_country"}
    assert {
        row["key"]: row["value"] for row in rows if row["table"] == "by_country"
    } == {"KE": "2", "FR": "1"}
    assert "by_country" in response["Content-Disposition"]


def test_small_cells_are_hidden_on_the_page_and_in_exports_when_asked(activity):
    client = logged_in(reporting_admin())

    shown = client.get(REPORT_URL, {"year": 2020, "suppress": "on"})
    exported = csv_rows(
        client.get(REPORT_URL, {"year": 2020, "suppress": "on", "export": "csv"})
    )

    assert table(shown, "by_country") == {"KE": "<5", "FR": "<5"}
    assert figures(shown)["completions"] == 3  # totals are not small cells
    assert 'data-key="KE" data-measure="completions"><' not in shown.content.decode()
    assert {
        row["key"]: row["value"] for row in exported if row["table"] == "by_country"
    } == {"KE": "<5", "FR": "<5"}
    assert ("suppressed_below", "5") in {
        (row["measure"], row["value"]) for row in exported if row["table"] == "about"
    }


# --- drill-down --------------------------------------------------------------------


def test_a_figure_links_to_exactly_the_records_behind_it(activity):
    client = logged_in(reporting_admin())
    page = client.get(REPORT_URL, {"year": 2020, "country": "KE"})
    link = next(
        row.links["count"]
        for row in page.context["tables"][0].rows
        if row.key == "completions"
    )

    records = client.get(link)
    exported = csv_rows(client.get(link + "&export=csv"))

    assert records.status_code == 200
    assert records.context["items_count"] == 2
    assert {row["idempotency_key"] for row in exported} == {
        activity["ct_ke"],
        activity["cbrn_ke"],
    }


def test_a_breakdown_row_links_to_its_records(activity):
    client = logged_in(reporting_admin())
    page = client.get(REPORT_URL, {"year": 2020})
    by_recording = next(t for t in page.context["tables"] if t.slug == "by_recording")

    link = by_recording.rows[0].links["views_downloads"]

    exported = csv_rows(client.get(link + "&export=csv"))

    assert {row["idempotency_key"] for row in exported} == {
        activity["download_1"],
        activity["download_2"],
    }


def test_records_list_is_paginated_and_exports_as_xlsx(activity):
    client = logged_in(reporting_admin())

    response = client.get(RECORDS_URL, {"year": 2020, "metric": "trained"})
    rows = xlsx_rows(
        client.get(RECORDS_URL, {"year": 2020, "metric": "trained", "export": "xlsx"})
    )

    assert response.status_code == 200
    assert response.context["is_paginated"]
    assert {row["idempotency_key"] for row in rows} == {
        activity["ct_ke"],
        activity["ct_fr"],
        activity["cbrn_ke"],
        activity["webinar_fr"],
        activity["webinar_ke"],
    }


@pytest.mark.parametrize(
    "params",
    [
        {"year": 2020},
        {"year": 2020, "metric": "everything"},
        {"year": 2020, "metric": "trained", "dimension": "password"},
        {"year": "x", "metric": "trained"},
    ],
)
def test_bad_records_requests_get_a_clear_error(params):
    response = logged_in(reporting_admin()).get(RECORDS_URL, params)

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


# --- performance -------------------------------------------------------------------


def report_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REPORT_URL, {"year": 2020})
    assert response.status_code == 200
    return len(queries)


def test_report_page_queries_do_not_grow_with_the_data():
    client = logged_in(reporting_admin())
    for number in range(3):
        completed(learner("KE"), course=COURSE_CT, when=at(2020, 1 + number))
    settle()
    client.get(REPORT_URL, {"year": 2020})  # warm the session and caches
    small = report_queries(client)

    for number in range(30):
        country = ("FR", "BR", "IN", "KE")[number % 4]
        course = (COURSE_CT, COURSE_CBRN)[number % 2]
        completed(learner(country), course=course, when=at(2020, 1 + number % 12))
        downloaded(learner(country), recording=str(number), when=at(2020, 5))
    settle()
    large = report_queries(client)

    assert small == large


def test_the_report_can_be_recomputed_under_older_definitions(activity):
    client = logged_in(reporting_admin())

    response = client.get(REPORT_URL, {"year": 2020, "version": "2025.1"})
    rows = csv_rows(
        client.get(REPORT_URL, {"year": 2020, "version": "2025.1", "export": "csv"})
    )

    assert response.status_code == 200
    assert response.context["report"]["definitions"]["version"] == "2025.1"
    assert figures(response)["completions"] == 3
    assert {"measure": "definitions_version", "value": "2025.1"}.items() <= next(
        row for row in rows if row["measure"] == "definitions_version"
    ).items()


def test_command_writes_the_summary_as_text(activity):
    out = io.StringIO()

    call_command("training_report", "--year", "2020", "--format", "summary", stdout=out)

    text = out.getvalue()
    assert text.startswith(
        "In 2020, 2 practitioners were trained through the platform."
    )
    assert "Recordings were viewed or downloaded twice in 2020." in text
    assert "completed the course" in text
