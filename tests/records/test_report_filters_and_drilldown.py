"""Combined filters agree everywhere; every figure opens exactly the records behind it.

The ground truth is computed here from the list of what each learner did, with the
counting rules written out in plain Python; the platform's figures (page, exports,
JSON API, command) and the length of every drill-down list must equal it.
"""

import io
import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from learning.records.api import EventType, record
from learning.records.selectors import training_report
from learning.records.services import follow_up_surveys_send
from tests.factories import ProfileFactory
from tests.records.test_admin_report import (
    COURSE_CBRN,
    COURSE_CT,
    RECORDS_URL,
    REPORT_URL,
    csv_rows,
    logged_in,
    reporting_admin,
)
from tests.records.tracking import settle

pytestmark = pytest.mark.django_db

API_URL = "/api/v1/reports/training/"
PEOPLE = {
    "amina": ("KE", "female", "law-enforcement"),
    "luc": ("FR", "male", "law-enforcement"),
    "wanjiru": ("KE", "female", "judiciary"),
    "joao": ("BR", "male", "judiciary"),
}
SURVEYS_SENT_AT = datetime(2020, 12, 20, 9, tzinfo=UTC)
SURVEY_CUTOFF = datetime(2020, 6, 20, 9, tzinfo=UTC)  # six months before


def at(year, month, day=10):
    return datetime(year, month, day, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Act:
    kind: str  # completion, webinar, join, leave
    who: str
    when: datetime
    language: str
    course: str = ""
    webinar: str = ""
    room: str = ""

    @property
    def country(self) -> str:
        return PEOPLE[self.who][0]

    def matches(self, filters: dict) -> bool:
        return all(getattr(self, name) == value for name, value in filters.items())


ACTS = [
    Act("completion", "amina", at(2020, 3), "en", course=COURSE_CT),
    # The French version of a course she completed: not a second completion.
    Act("completion", "amina", at(2020, 9), "fr", course=COURSE_CT),
    Act("completion", "amina", at(2020, 4), "en", course=COURSE_CBRN),
    Act("completion", "luc", at(2020, 4), "fr", course=COURSE_CT),
    Act("completion", "wanjiru", at(2020, 5), "fr", course=COURSE_CT),
    Act("completion", "wanjiru", at(2020, 11), "fr", course=COURSE_CBRN),
    Act("completion", "joao", at(2020, 6), "en", course=COURSE_CT),
    Act("completion", "joao", at(2021, 2), "en", course=COURSE_CBRN),
    Act("webinar", "luc", at(2020, 6), "fr", webinar="31"),
    Act("webinar", "wanjiru", at(2020, 6), "fr", webinar="31"),
    Act("webinar", "amina", at(2020, 7), "en", webinar="32"),
    Act("join", "amina", at(2019, 12), "en", room="17"),
    Act("join", "wanjiru", at(2020, 2), "fr", room="17"),
    Act("join", "luc", at(2020, 8), "fr", room="18"),
    Act("join", "joao", at(2019, 3), "en", room="17"),
    Act("leave", "joao", at(2019, 6), "en", room="17"),
]
EVENT_TYPES = {
    "completion": (EventType.COURSE_COMPLETED, "courses.coursepage"),
    "webinar": (EventType.WEBINAR_ATTENDED, "webinars.webinarpage"),
    "join": (EventType.ROOM_JOINED, "irooms.roompage"),
    "leave": (EventType.ROOM_LEFT, "irooms.roompage"),
}


def truth(start: date, end: date, filters: dict) -> dict:
    """The report's figures, from ACTS and the counting rules in plain words."""

    def in_period(act):
        return start <= act.when.date() <= end

    counted, seen = [], set()
    for act in sorted(ACTS, key=lambda act: act.when):
        # A completion counts once per learner and course, the first one.
        if act.kind == "completion" and (act.who, act.course) not in seen:
            seen.add((act.who, act.course))
            counted.append(act)
    completions = [a for a in counted if in_period(a) and a.matches(filters)]
    attendances = [
        a for a in ACTS if a.kind == "webinar" and in_period(a) and a.matches(filters)
    ]
    members = {
        join.who
        for join in ACTS
        if join.kind == "join"
        and join.when.date() <= end
        and join.matches(filters)
        and not any(
            leave.kind == "leave"
            and (leave.who, leave.room) == (join.who, join.room)
            and leave.when > join.when
            and leave.when.date() < start
            for leave in ACTS
        )
    }
    # One survey per counted completion six months old, sent on SURVEYS_SENT_AT.
    surveyed = [
        a
        for a in counted
        if a.when <= SURVEY_CUTOFF
        and a.matches(filters)
        and start <= SURVEYS_SENT_AT.date() <= end
    ]
    rooms = {a.room for a in ACTS if a.room and in_period(a) and a.matches(filters)}
    return {
        "practitioners_trained": len({a.who for a in completions + attendances}),
        "completions": len(completions),
        "completion_learners": len({a.who for a in completions}),
        "completion_countries": len({a.country for a in completions}),
        "webinars_delivered": len({a.webinar for a in attendances}),
        "webinar_participants": len(attendances),
        "room_members": len(members),
        "rooms_active": len(rooms),
        "surveys_sent": len(surveyed),
        "by_country": dict(Counter(a.country for a in completions)),
        "by_language": dict(Counter(a.language for a in completions)),
    }


@pytest.fixture
def activity():
    """Every act of ACTS recorded as the platform records it; surveys sent."""
    users = {}
    for name, (country, gender, sector) in PEOPLE.items():
        users[name] = ProfileFactory(country=country, gender=gender, sector=sector).user
    for act in ACTS:
        event_type, object_type = EVENT_TYPES[act.kind]
        with transaction.atomic():
            record(
                event_type=event_type,
                actor=users[act.who],
                object_type=object_type,
                object_id=act.course or act.webinar or act.room,
                dimensions={
                    "course": act.course,
                    "webinar": act.webinar,
                    "room": act.room,
                },
                language=act.language,
                occurred_at=act.when,
                idempotency_key=f"test:{uuid.uuid4().hex}",
            )
    settle()
    follow_up_surveys_send(now=SURVEYS_SENT_AT)


COMBINATIONS = [
    {"year": 2020},
    {"year": 2020, "country": "KE", "language": "fr"},
    {"year": 2020, "course": COURSE_CT, "country": "KE"},
    {"year": 2020, "course": COURSE_CT, "language": "fr", "country": "FR"},
    {"year": 2020, "webinar": "31", "language": "fr"},
    {"year": 2020, "room": "17", "country": "KE"},
    {"start": "2020-04-01", "end": "2020-09-30", "course": COURSE_CT, "country": "KE"},
]


def period(params) -> tuple[date, date]:
    if "year" in params:
        return date(params["year"], 1, 1), date(params["year"], 12, 31)
    return date.fromisoformat(params["start"]), date.fromisoformat(params["end"])


def filters_of(params) -> dict:
    return {k: v for k, v in params.items() if k not in ("year", "start", "end")}


def page_figures(response) -> dict:
    tables = {table.slug: table for table in response.context["tables"]}
    headline = {row.key: row.values["count"] for row in tables["headline"].rows}
    for slug in ("by_country", "by_language"):
        headline[slug] = {
            row.key: row.values["completions"] for row in tables[slug].rows
        }
    return headline


def api_figures(report: dict) -> dict:
    return {
        "practitioners_trained": report["practitioners_trained"],
        "completions": report["completions"]["total"],
        "completion_learners": report["completions"]["learners"],
        "completion_countries": report["completions"]["countries"],
        "webinars_delivered": report["webinars"]["delivered"],
        "webinar_participants": report["webinars"]["participants"],
        "room_members": report["rooms"]["members"],
        "rooms_active": report["rooms"]["active"],
        "surveys_sent": report["surveys"]["sent"],
        "by_country": report["completions"]["by_country"],
        "by_language": report["completions"]["by_language"],
    }


@pytest.mark.parametrize("params", COMBINATIONS, ids=lambda params: str(params))
def test_combined_filters_give_the_ground_truth_on_the_page_api_export_and_command(
    activity, params
):
    # given the ground truth for the period and the filters together
    expected = truth(*period(params), filters_of(params))
    client = logged_in(reporting_admin())

    # when the report is read on the page, as CSV, from the API and the command
    page = client.get(REPORT_URL, params)
    exported = csv_rows(client.get(REPORT_URL, {**params, "export": "csv"}))
    api = client.get(API_URL, params)
    command = io.StringIO()
    options = [f"--{name}={value}" for name, value in params.items()]
    call_command("training_report", *options, "--format", "json", stdout=command)

    # then every one of them shows the ground truth
    assert page.status_code == 200 and api.status_code == 200
    shown = page_figures(page)
    assert {key: shown[key] for key in expected} == expected
    assert api_figures(api.json()) == expected
    assert api_figures(json.loads(command.getvalue())) == expected
    from_csv = {
        row["key"]: int(row["value"]) for row in exported if row["table"] == "headline"
    }
    assert {key: from_csv[key] for key in expected if key in from_csv} == {
        key: value for key, value in expected.items() if key in from_csv
    }
    about = {(row["measure"], row["key"], row["value"]) for row in exported}
    for name, value in filters_of(params).items():
        assert ("filter", name, value) in about


def drill_links(response) -> list[tuple[str, object, str]]:
    """(where, shown value, link) for every count on the page, charts included."""
    links = []
    for table in response.context["tables"]:
        for row in table.rows:
            for measure, _heading in table.measures:
                link = row.links.get(measure)
                links.append(
                    (f"{table.slug}/{row.key}/{measure}", row.values[measure], link)
                )
    return links


@pytest.mark.parametrize(
    "params",
    [COMBINATIONS[0], COMBINATIONS[1], COMBINATIONS[-1]],
    ids=["year", "country-and-language", "range-course-and-country"],
)
def test_every_figure_opens_a_list_of_exactly_as_many_records(activity, params):
    client = logged_in(reporting_admin())
    page = client.get(REPORT_URL, params)
    links = drill_links(page)
    assert len(links) > 60  # headline (20), months (72), breakdowns

    for where, value, link in links:
        # when the figure's records are opened, and exported
        assert link, f"{where} has no drill-down"
        records = client.get(link)
        exported = csv_rows(client.get(link + "&export=csv"))

        # then the list holds exactly as many records as the figure counts
        assert records.status_code == 200, where
        assert records.context["items_count"] == value, where
        assert len(exported) == value, where
        for name, wanted in filters_of(params).items():
            assert {row[name] for row in exported} <= {wanted}, where


def test_chart_bars_link_to_the_same_records_as_their_table_cells(activity):
    page = logged_in(reporting_admin()).get(REPORT_URL, {"year": 2020})
    html = page.content.decode()
    tables = {table.slug: table for table in page.context["tables"]}

    bar_links = {
        unescape(href)
        for href in re.findall(r'<a class="chart-link" href="([^"]+)"', html)
    }

    expected = {row.links["completions"] for row in tables["by_country"].rows}
    expected |= {row.links["completions"] for row in tables["by_language"].rows}
    expected |= {row.links["completions"] for row in tables["by_sector"].rows}
    expected |= {
        row.links[m]
        for row in tables["by_month"].rows
        for m in ("trained", "recordings")
    }
    assert bar_links == expected
    kenya = truth(date(2020, 1, 1), date(2020, 12, 31), {})["by_country"]["KE"]
    assert html.count(f'aria-label="Kenya: {kenya}, see the records"') == 1


def test_iroom_members_open_one_row_per_member(activity):
    client = logged_in(reporting_admin())
    page = client.get(REPORT_URL, {"year": 2020})
    members = next(
        row for row in page.context["tables"][0].rows if row.key == "room_members"
    )

    exported = csv_rows(client.get(members.links["count"] + "&export=csv"))

    # amina (joined in 2019, still in), wanjiru (2020), luc (2020); not joao (left)
    assert members.values["count"] == 3
    assert sorted(row["event_type"] for row in exported) == ["room_joined"] * 3
    assert len({row["learner"] for row in exported}) == 3


def test_a_report_with_small_cells_hidden_links_to_no_records(activity):
    client = logged_in(reporting_admin())
    page = client.get(REPORT_URL, {"year": 2020, "suppress": "on"})

    records = client.get(
        RECORDS_URL,
        {
            "year": 2020,
            "metric": "course_completion",
            "dimension": "country",
            "value": "FR",
            "suppress": "on",
        },
    )

    assert RECORDS_URL not in page.content.decode()
    assert all(not link for _where, _value, link in drill_links(page))
    assert records.status_code == 403
    assert b"small cells hidden" in records.content


@pytest.mark.parametrize(
    "params",
    [
        {"year": 2020, "metric": "trained", "unit": "everyone"},
        {"year": 2020, "metric": "member", "dimension": "password", "value": "x"},
    ],
)
def test_bad_drill_downs_get_a_clear_error(params):
    response = logged_in(reporting_admin()).get(RECORDS_URL, params)

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def add_learners(count: int) -> None:
    for number in range(count):
        learner = ProfileFactory(country="KE").user
        with transaction.atomic():
            for event_type, dimensions in (
                (EventType.COURSE_COMPLETED, {"course": COURSE_CT}),
                (EventType.ROOM_JOINED, {"room": "17"}),
            ):
                record(
                    event_type=event_type,
                    actor=learner,
                    object_type="test.object",
                    object_id=str(number),
                    dimensions=dimensions,
                    language="fr",
                    occurred_at=at(2020, 1 + number % 12),
                    idempotency_key=f"test:{uuid.uuid4().hex}",
                )
    settle()


def queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (REPORT_URL, {"year": 2020, "country": "KE", "language": "fr"}),
        (RECORDS_URL, {"year": 2020, "metric": "member"}),
        (RECORDS_URL, {"year": 2020, "metric": "trained", "unit": "learner"}),
        (RECORDS_URL, {"year": 2020, "metric": "survey_sent", "country": "KE"}),
    ],
    ids=["report", "members", "trained-learners", "surveys-sent"],
)
def test_report_and_records_queries_do_not_grow_with_the_data(url, params):
    client = logged_in(reporting_admin())
    add_learners(3)
    follow_up_surveys_send(now=SURVEYS_SENT_AT)
    client.get(url, params)  # warm the session and caches
    small = queries(client, url, params)

    add_learners(30)
    follow_up_surveys_send(now=SURVEYS_SENT_AT)
    large = queries(client, url, params)

    assert small == large


@pytest.mark.parametrize(
    ("one_filter", "implied"),
    [
        # Webinar 31 was only attended in French.
        ({"webinar": "31"}, {"language": "fr"}),
        # In 2020 only Kenyans completed the CBRN course (João did in 2021).
        ({"course": COURSE_CBRN}, {"country": "KE"}),
        # Room 17's members in 2020 are Kenyans (João, Brazilian, left in 2019).
        ({"room": "17"}, {"country": "KE"}),
        # Amina, from Kenya, attended webinar 32 alone, in English.
        ({"webinar": "32"}, {"country": "KE", "language": "en"}),
    ],
    ids=[
        "webinar-and-language",
        "course-and-country",
        "room-and-country",
        "webinar-country-and-language",
    ],
)
def test_a_filter_added_that_every_record_already_meets_changes_no_figure(
    activity, one_filter, implied
):
    # given a filter, and filters that every record under it already meets
    start, end = date(2020, 1, 1), date(2020, 12, 31)

    # when the report is read with the one filter, and with all of them
    alone = training_report(start, end, one_filter)
    combined = training_report(start, end, {**one_filter, **implied})

    # then every figure and every breakdown is the same
    for report in (alone, combined):
        report.pop("filters")
        report.pop("fresh_to")
    assert combined == alone
