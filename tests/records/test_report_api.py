"""The training report: who may read it, its JSON contract, the command, queries."""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from learning.accounts.models import REPORTING_GROUP
from learning.records.api import EventType, record
from learning.records.selectors import training_report
from learning.records.tokens import reporting_token_create
from tests.factories import ProfileFactory, UserFactory, totp_activate
from tests.records.tracking import settle

pytestmark = pytest.mark.django_db

REPORT_URL = "/api/v1/reports/training/"
CONTRACT = {
    "period": {"start", "end"},
    "completions": {
        "total",
        "learners",
        "countries",
        "by_course",
        "by_country",
        "by_language",
        "by_gender",
        "by_sector",
    },
    "recordings": {"views", "downloads", "total", "by_recording"},
    "resources": {"views", "downloads"},
    "webinars": {"delivered", "by_language", "participants", "registrations"},
    "sessions": {"held", "participants"},
    "enrolments": {"total", "learners"},
    "rooms": {"active", "members"},
    "surveys": {"sent", "answered"},
    "definitions": {"version", "rules"},
}


def reporting_user(**kwargs):
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=REPORTING_GROUP))
    totp_activate(user)  # staff must have a second factor to use the site
    return user


def completions_in_2020(count: int) -> None:
    for number in range(count):
        learner = ProfileFactory(country="KE" if number % 2 else "FR").user
        with transaction.atomic():
            record(
                event_type=EventType.COURSE_COMPLETED,
                actor=learner,
                object_type="courses.coursepage",
                object_id="1",
                dimensions={"course": "cbrn"},
                language="en",
                occurred_at=datetime(2020, 3, 1, tzinfo=UTC) + timedelta(days=number),
            )
    settle()


def assert_contract(report: dict) -> None:
    for key, inner in CONTRACT.items():
        assert set(report[key]) >= inner, key
    assert isinstance(report["practitioners_trained"], int)
    assert report["fresh_to"]


@pytest.mark.parametrize(
    "make_client",
    [
        lambda: Client(),
        lambda: logged_in(UserFactory()),
        lambda: logged_in(staff_without_permission()),
    ],
    ids=["anonymous", "not-staff", "staff-without-permission"],
)
def test_report_api_refuses_everyone_without_the_reporting_permission(make_client):
    response = make_client().get(REPORT_URL, {"year": 2020})

    assert response.status_code == 403


def staff_without_permission():
    user = UserFactory(staff=True)
    totp_activate(user)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_reporting_staff_read_the_report_with_their_session():
    # given 3 completions in 2020
    completions_in_2020(3)

    # when a reporting staff member asks for 2020 in their browser session
    response = logged_in(reporting_user()).get(REPORT_URL, {"year": 2020})

    # then the JSON contract, with the figures
    assert response.status_code == 200
    report = response.json()
    assert_contract(report)
    assert report["period"] == {"start": "2020-01-01", "end": "2020-12-31"}
    assert report["completions"]["total"] == 3
    assert report["practitioners_trained"] == 3
    assert report["definitions"]["version"] == "2026.1"


def test_reporting_staff_read_the_report_with_a_token():
    completions_in_2020(2)
    key = reporting_token_create(user=reporting_user(), name="Monitoring")

    response = Client().get(
        REPORT_URL, {"year": 2020}, HTTP_AUTHORIZATION=f"Token {key}"
    )

    assert response.status_code == 200
    assert response.json()["completions"]["total"] == 2


def test_a_wrong_token_is_refused():
    reporting_token_create(user=reporting_user(), name="Monitoring")

    response = Client().get(
        REPORT_URL, {"year": 2020}, HTTP_AUTHORIZATION="Token not-the-key"
    )

    assert response.status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"year": "twenty"},
        {"start": "2020-02-30", "end": "2020-03-01"},
        {"year": 2020, "version": "1999"},
        {"start": "2020-03-01", "end": "2020-02-01"},
        # Would read as the roll-up of room 17 and Kenya together.
        {"year": 2020, "room": "17|country:KE"},
    ],
)
def test_bad_report_requests_get_a_clear_error(params):
    response = logged_in(reporting_user()).get(REPORT_URL, params)

    assert response.status_code == 400
    assert response.json()["error"]


def test_small_cells_are_suppressed_only_when_asked():
    completions_in_2020(3)  # 2 FR, 1 KE
    client = logged_in(reporting_user())

    raw = client.get(REPORT_URL, {"year": 2020}).json()
    hidden = client.get(REPORT_URL, {"year": 2020, "suppress": 1}).json()

    assert raw["completions"]["by_country"] == {"FR": 2, "KE": 1}
    assert hidden["completions"]["by_country"] == {"FR": "<5", "KE": "<5"}
    assert hidden["completions"]["total"] == 3


def test_command_prints_the_report_as_json_and_csv():
    completions_in_2020(2)
    as_json, as_csv = io.StringIO(), io.StringIO()

    call_command(
        "training_report", "--year", "2020", "--format", "json", stdout=as_json
    )
    call_command(
        "training_report",
        "--start",
        "2020-03-01",
        "--end",
        "2020-03-01",
        "--format",
        "csv",
        stdout=as_csv,
    )

    report = json.loads(as_json.getvalue())
    assert_contract(report)
    assert report["completions"]["total"] == 2
    rows = list(csv.reader(io.StringIO(as_csv.getvalue())))
    assert rows[0] == ["figure", "key", "value"]
    assert ["completions", "total", "1"] in rows
    assert ["definitions", "version", "2026.1"] in rows


@pytest.mark.parametrize("events", [4, 40])
def test_report_queries_do_not_grow_with_the_events(
    events, django_assert_max_num_queries
):
    completions_in_2020(events)

    with django_assert_max_num_queries(6):
        report = training_report(date(2020, 1, 1), date(2020, 12, 31))

    assert report["completions"]["total"] == events
