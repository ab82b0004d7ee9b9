"""The platform's own learning events, read back as xAPI statements from /xapi/.

A partner with read-only credentials pulls every learning record with one standard
client: ADL verbs (and the xAPI video profile), activity IRIs under SITE_URL, the
learner as an opaque account, the platform as the authority, no duplicates.
"""

import json

import pytest

from courses import services as course_services
from learning.records.api import EventType, record
from learning.records.models import Event
from tests.courses.factories import RIGHT, course_build, learner, quiz_answers
from tests.xapi.factories import credentials, send, url
from xapi.models import FeedMark, Statement
from xapi.platform import VIDEO_ACTIVITY, VIDEO_PLAYED, platform_authority
from xapi.tasks import xapi_platform_statements_task
from xapi.validation import validate_statement

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
ADL = "http://adlnet.gov/expapi/verbs/"
ACTIVITIES = f"{SITE}/xapi/activities"


def pull(client, headers, **params) -> list[dict]:
    """Every statement the query matches, following `more` links."""
    response = client.get(url("statements", **params), headers=headers)
    assert response.status_code == 200, response.content
    body = response.json()
    statements = body["statements"]
    while body["more"]:
        body = client.get(body["more"], headers=headers).json()
        statements += body["statements"]
    return statements


def finished_course(user):
    """`user` enrols, completes the only lesson and passes the final quiz."""
    tree = course_build(lessons=1)
    course_services.enrolment_create(user=user, course=tree.course)
    course_services.lesson_completion_submit(user=user, lesson=tree.lessons[0])
    course_services.quiz_attempt_submit(
        user=user, quiz=tree.quiz, answers=quiz_answers(RIGHT)
    )
    return tree


def test_course_events_appear_as_adl_statements_about_platform_activities(client):
    # given a learner who enrols, completes the lesson and passes the final quiz
    user = learner()
    tree = finished_course(user)
    course_key = str(tree.course.translation_key)
    # when the beat task materialises the events and a partner reads them
    xapi_platform_statements_task()
    statements = pull(client, credentials("read"), ascending="true")
    # then each event is one statement, with the ADL verb and the object's IRI
    seen = {(s["verb"]["id"], s["object"]["id"]) for s in statements}
    assert seen == {
        (ADL + "registered", f"{ACTIVITIES}/course/{course_key}"),
        (ADL + "completed", f"{ACTIVITIES}/lesson/{tree.lessons[0].translation_key}"),
        (ADL + "attempted", f"{ACTIVITIES}/quiz/{tree.quiz.translation_key}"),
        (ADL + "passed", f"{ACTIVITIES}/quiz/{tree.quiz.translation_key}"),
        (ADL + "completed", f"{ACTIVITIES}/course/{course_key}"),
    }
    by_verb_type = {
        (s["verb"]["id"], s["object"]["definition"]["type"]): s for s in statements
    }
    lesson = by_verb_type[
        (ADL + "completed", "http://adlnet.gov/expapi/activities/lesson")
    ]
    assert lesson["result"] == {"completion": True}
    assert lesson["context"]["language"] == "en"
    assert lesson["context"]["contextActivities"]["grouping"][0]["id"] == (
        f"{ACTIVITIES}/course/{course_key}"
    )
    passed = by_verb_type[
        (ADL + "passed", "http://adlnet.gov/expapi/activities/assessment")
    ]
    assert passed["result"]["success"] is True
    assert passed["result"]["score"]["scaled"] == 1.0
    # one registration per learner and course groups the whole attempt
    assert len({s["context"]["registration"] for s in statements}) == 1
    assert all(s["authority"] == platform_authority() for s in statements)
    for statement in statements:
        validate_statement(statement, version="1")


def test_learners_are_opaque_accounts_never_their_email(client):
    # given two learners with course activity
    amina, jose = learner(), learner()
    finished_course(amina)
    finished_course(jose)
    # when the events are materialised
    xapi_platform_statements_task()
    headers = credentials("read")
    statements = pull(client, headers)
    # then no statement carries an e-mail address or a user id
    text = json.dumps(statements)
    assert amina.email not in text and jose.email not in text
    actors = {json.dumps(s["actor"], sort_keys=True) for s in statements}
    assert len(actors) == 2
    for statement in statements:
        account = statement["actor"]["account"]
        assert account["homePage"] == SITE
        assert account["name"] not in (str(amina.pk), str(jose.pk))
    # and one learner's records are found by their account agent
    agent = statements[0]["actor"]
    mine = pull(client, headers, agent=agent)
    assert len(mine) == 5
    assert all(s["actor"] == agent for s in mine)


def _record(event_type, object_type, object_id, user, **dimensions):
    record(
        event_type=event_type,
        actor=user,
        object_type=object_type,
        object_id=object_id,
        dimensions=dimensions,
        language="fr",
        context={"seconds_played": 75, "duration": 600}
        if event_type == EventType.RECORDING_VIEWED
        else None,
        via="database",
    )


@pytest.mark.parametrize(
    ("event_type", "object_type", "verb", "activity", "activity_type"),
    [
        (
            EventType.WEBINAR_ATTENDED,
            "webinars.webinar",
            ADL + "attended",
            "webinar/7",
            "http://adlnet.gov/expapi/activities/meeting",
        ),
        (
            EventType.SESSION_ATTENDED,
            "irooms.session",
            ADL + "attended",
            "session/7",
            "http://adlnet.gov/expapi/activities/meeting",
        ),
        (
            EventType.RESOURCE_VIEWED,
            "irooms.resource",
            ADL + "experienced",
            "resource/7",
            "http://id.tincanapi.com/activitytype/resource",
        ),
        (
            EventType.RESOURCE_DOWNLOADED,
            "irooms.resource",
            "http://id.tincanapi.com/verb/downloaded",
            "resource/7",
            "http://id.tincanapi.com/activitytype/resource",
        ),
        (
            EventType.RECORDING_VIEWED,
            "webinars.recording",
            VIDEO_PLAYED,
            "recording/7",
            VIDEO_ACTIVITY,
        ),
        (
            EventType.RECORDING_DOWNLOADED,
            "webinars.recording",
            "http://id.tincanapi.com/verb/downloaded",
            "recording/7",
            VIDEO_ACTIVITY,
        ),
        (
            EventType.RECORDING_DOWNLOADED,
            "irooms.session",
            "http://id.tincanapi.com/verb/downloaded",
            "session-recording/7",
            VIDEO_ACTIVITY,
        ),
        (
            EventType.ROOM_JOINED,
            "irooms.room",
            "http://activitystrea.ms/schema/1.0/join",
            "room/7",
            "http://activitystrea.ms/schema/1.0/group",
        ),
    ],
)
def test_room_webinar_and_recording_events_use_the_registered_verbs(
    client, event_type, object_type, verb, activity, activity_type
):
    # given one event recorded through the records API, in room 3
    _record(event_type, object_type, "7", learner(), room="3")
    # when it is materialised and read
    xapi_platform_statements_task()
    (statement,) = pull(client, credentials("read"))
    # then its verb, object and room grouping are the mapped ones
    assert statement["verb"]["id"] == verb
    assert statement["object"]["id"] == f"{ACTIVITIES}/{activity}"
    assert statement["object"]["definition"]["type"] == activity_type
    assert statement["context"]["language"] == "fr"
    if object_type != "irooms.room":
        grouping = statement["context"]["contextActivities"]["grouping"]
        assert grouping[0]["id"] == f"{ACTIVITIES}/room/3"
    if event_type == EventType.RECORDING_VIEWED:
        assert statement["result"]["duration"] == "PT75.0S"
    validate_statement(statement, version="1")


def test_running_the_task_again_stores_no_duplicates(client):
    # given materialised course events
    user = learner()
    finished_course(user)
    first = xapi_platform_statements_task()
    # when the task runs again, and again with its watermark lost
    second = xapi_platform_statements_task()
    FeedMark.objects.all().delete()
    third = xapi_platform_statements_task()
    # then the statements are those of the first run, once each
    statements = pull(client, credentials("read"))
    assert first == 5
    assert (second, third) == (0, 0)
    assert len(statements) == 5
    assert len({s["id"] for s in statements}) == 5


def test_an_event_committed_after_a_later_one_is_still_materialised(client):
    # given a run that has read up to a newer event, while an older id was not
    # committed yet
    user = learner()
    _record(EventType.ROOM_JOINED, "irooms.room", "2", user)
    _record(EventType.ROOM_JOINED, "irooms.room", "1", user)
    older, newest = Event.objects.order_by("pk")
    older_pk = older.pk
    older.delete()
    xapi_platform_statements_task()
    # when the event with the lower id commits afterwards (a longer transaction)
    late = Event.objects.create(
        pk=older_pk,
        idempotency_key="late-transaction-1",
        event_type=EventType.ROOM_JOINED,
        actor=user,
        object_type="irooms.room",
        object_id="2",
        occurred_at=newest.occurred_at,
        room="2",
    )
    xapi_platform_statements_task()
    # then the next run, re-reading its overlap window, stores it too
    objects = {s["object"]["id"] for s in pull(client, credentials("read"))}
    assert objects == {f"{ACTIVITIES}/room/1", f"{ACTIVITIES}/room/{late.room}"}


def test_query_filters_and_voiding_apply_to_platform_statements(client):
    # given a finished course, materialised
    user = learner()
    tree = finished_course(user)
    xapi_platform_statements_task()
    reader, writer = credentials("read"), credentials("write")
    course_iri = f"{ACTIVITIES}/course/{tree.course.translation_key}"
    # when a partner filters by verb, and by activity with related activities
    completed = pull(client, reader, verb=ADL + "completed")
    about_course = pull(client, reader, activity=course_iri)
    in_course = pull(client, reader, activity=course_iri, related_activities="true")
    # then the filters apply as to any statement
    assert {s["object"]["definition"]["type"] for s in completed} == {
        "http://adlnet.gov/expapi/activities/course",
        "http://adlnet.gov/expapi/activities/lesson",
    }
    assert len(about_course) == 2  # registered and completed
    assert len(in_course) == 5  # and the lesson and quiz, grouped under the course
    # when a client voids the course completion statement
    target = next(s for s in about_course if s["verb"]["id"] == ADL + "completed")
    voiding = {
        "actor": {"objectType": "Agent", "mbox": "mailto:registrar@example.org"},
        "verb": {"id": ADL + "voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target["id"]},
    }
    response = send(client, "POST", url("statements"), voiding, headers=writer)
    assert response.status_code == 200
    xapi_platform_statements_task()
    # then it is gone from queries, kept as voided, and the task does not restore it
    gone = client.get(url("statements", statementId=target["id"]), headers=reader)
    kept = client.get(url("statements", voidedStatementId=target["id"]), headers=reader)
    assert gone.status_code == 404
    assert kept.status_code == 200
    assert Statement.objects.filter(statement_id=target["id"]).count() == 1
    remaining = pull(client, reader, activity=course_iri)
    # (a voiding statement matches the filters its target matches: Part 3 §2.1.3)
    assert {s["verb"]["id"] for s in remaining} == {ADL + "registered", ADL + "voided"}


def test_a_write_only_client_cannot_pull_the_platform_statements(client):
    # given materialised events
    finished_course(learner())
    xapi_platform_statements_task()
    # when a write-only client asks for statements
    response = client.get(url("statements"), headers=credentials("write"))
    # then it is refused
    assert response.status_code == 403
