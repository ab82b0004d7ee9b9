"""Incoming statements are learning events: an external module's completion counts.

A client POSTs or PUTs a "completed" or "passed" statement about a platform lesson
or course for a platform learner; the lesson is completed through the courses
service and counts in the training report like a native completion, exactly once.
"""

import pytest

from courses import services as course_services
from learning.records.models import Event, EventType
from tests.conftest import wait_until
from tests.courses.factories import course_build, learner
from tests.records.tracking import report_today, settle
from tests.xapi.factories import credentials, new_id, send, url
from xapi import api as xapi_api
from xapi.ingestion import incoming_statements_ingest
from xapi.models import ActivityMapping, Statement, StatementIngestion
from xapi.tasks import xapi_incoming_statements_task, xapi_platform_statements_task

ADL = "http://adlnet.gov/expapi/verbs/"


def completion(actor: dict, activity_id: str, verb: str = "completed", **extra):
    return {
        "actor": actor,
        "verb": {"id": ADL + verb, "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": activity_id},
        **extra,
    }


def post(client, headers, body):
    response = send(client, "POST", url("statements"), body, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


def enrolled_learner_on_module_course():
    """A course whose only requirement is one lesson (an xAPI module), and a learner
    enrolled on it."""
    tree = course_build(lessons=1, final_quiz=False)
    user = learner(country="KE", gender="female", sector="law-enforcement")
    course_services.enrolment_create(user=user, course=tree.course)
    return tree, user


def lesson_iri(tree) -> str:
    return xapi_api.activity_iri("lesson", str(tree.lessons[0].translation_key))


def completions_of(user, event_type=EventType.COURSE_COMPLETED) -> int:
    return Event.objects.filter(actor=user, event_type=event_type).count()


@pytest.mark.django_db
def test_module_completion_counts_in_the_report_once_however_often_it_is_sent(
    client,
):
    # given an enrolled learner and a module client
    tree, user = enrolled_learner_on_module_course()
    headers = credentials("write")
    first = completion(xapi_api.learner_agent(user), lesson_iri(tree), id=new_id())
    # when the module sends its completion twice, then a second, different one
    post(client, headers, first)
    post(client, headers, first)
    post(
        client,
        headers,
        completion(
            {"objectType": "Agent", "mbox": f"mailto:{user.email}"},
            lesson_iri(tree),
            verb="passed",
            result={"success": True, "score": {"scaled": 0.9}},
        ),
    )
    xapi_incoming_statements_task()
    settle()
    # then the lesson and the course are completed once, and counted once
    report = report_today()
    course_key = str(tree.course.translation_key)
    assert completions_of(user, EventType.LESSON_COMPLETED) == 1
    assert completions_of(user) == 1
    assert report["completions"]["total"] == 1
    assert report["completions"]["by_course"] == {course_key: 1}
    assert report["completions"]["by_country"] == {"KE": 1}
    assert report["practitioners_trained"] == 1
    assert StatementIngestion.objects.filter(outcome="completed").count() == 2
    # and running the intake again changes nothing
    xapi_incoming_statements_task()
    assert StatementIngestion.objects.count() == 2
    assert completions_of(user) == 1


@pytest.mark.django_db
def test_statement_put_by_id_completes_the_lesson(client):
    # given an enrolled learner
    tree, user = enrolled_learner_on_module_course()
    statement_id = new_id()
    # when a client PUTs the completion
    response = send(
        client,
        "PUT",
        url("statements", statementId=statement_id),
        completion(xapi_api.learner_agent(user), lesson_iri(tree)),
        headers=credentials(),
    )
    xapi_incoming_statements_task()
    # then the lesson (and so the one-lesson course) is completed
    assert response.status_code == 204
    assert completions_of(user, EventType.LESSON_COMPLETED) == 1
    assert completions_of(user) == 1
    assert StatementIngestion.objects.get().statement_id.hex == statement_id.replace(
        "-", ""
    )


@pytest.mark.django_db
def test_an_external_activity_mapped_by_staff_completes_its_lesson(client):
    # given staff mapped a module's own activity id to the lesson
    tree, user = enrolled_learner_on_module_course()
    module_iri = "https://content.example.org/storyline/cbrn-module-1"
    ActivityMapping.objects.create(activity_iri=module_iri, page=tree.lessons[0])
    # when the module reports its completion for the learner's e-mail address
    post(
        client,
        credentials(),
        completion({"objectType": "Agent", "mbox": f"mailto:{user.email}"}, module_iri),
    )
    xapi_incoming_statements_task()
    # then the lesson is completed
    assert completions_of(user, EventType.LESSON_COMPLETED) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not enrolled", "Enrol on the course first."),
        ("unknown account", "The actor is not a platform learner."),
        ("unverified e-mail", "The actor is not a platform learner."),
        ("another site's account", "The actor is not a platform learner."),
    ],
)
def test_a_completion_for_no_enrolled_learner_is_stored_but_completes_nothing(
    client, case, message
):
    # given a course, and an actor that is not an enrolled platform learner
    tree = course_build(lessons=1, final_quiz=False)
    user = learner()
    if case != "not enrolled":
        course_services.enrolment_create(user=user, course=tree.course)
    actor = {
        "not enrolled": xapi_api.learner_agent(user),
        "unknown account": {
            "account": {"homePage": "http://testserver", "name": new_id()}
        },
        "unverified e-mail": {"mbox": "mailto:someone-else@example.org"},
        "another site's account": {
            "account": {
                "homePage": "https://lms.example.org",
                "name": xapi_api.learner_agent(user)["account"]["name"],
            }
        },
    }[case]
    # when a client sends a completion for it
    (statement_id,) = post(client, credentials(), completion(actor, lesson_iri(tree)))
    xapi_incoming_statements_task()
    # then the statement is stored, nothing is completed, and the reason is kept
    assert Statement.objects.filter(statement_id=statement_id).exists()
    assert completions_of(user, EventType.LESSON_COMPLETED) == 0
    assert StatementIngestion.objects.get().message == message


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement_extra",
    [
        {"verb": {"id": ADL + "attempted", "display": {"en-US": "attempted"}}},
        {"result": {"success": False}, "verb": {"id": ADL + "passed"}},
        {"result": {"completion": False}},
    ],
    ids=["attempted", "passed-without-success", "completed-without-completion"],
)
def test_statements_that_do_not_report_a_completion_complete_nothing(
    client, statement_extra
):
    # given an enrolled learner
    tree, user = enrolled_learner_on_module_course()
    body = completion(xapi_api.learner_agent(user), lesson_iri(tree))
    body.update(statement_extra)
    # when a client sends it
    post(client, credentials(), body)
    xapi_incoming_statements_task()
    # then nothing is completed
    assert completions_of(user, EventType.LESSON_COMPLETED) == 0


@pytest.mark.django_db
def test_a_course_iri_completes_the_course_only_when_its_requirements_are_met(client):
    # given an enrolled learner on a two-lesson course, one lesson done
    tree = course_build(lessons=2, final_quiz=False)
    user = learner()
    course_services.enrolment_create(user=user, course=tree.course)
    course_iri = xapi_api.activity_iri("course", str(tree.course.translation_key))
    agent = xapi_api.learner_agent(user)
    headers = credentials()
    # when a module claims the whole course is completed
    post(client, headers, completion(agent, course_iri))
    xapi_incoming_statements_task()
    # then the course's own rules still apply
    assert completions_of(user) == 0
    assert "requirements" in StatementIngestion.objects.get().message
    # and once the lessons are done it completes, once
    post(client, headers, completion(agent, lesson_iri(tree)))
    post(
        client,
        headers,
        completion(
            agent, xapi_api.activity_iri("lesson", str(tree.lessons[1].translation_key))
        ),
    )
    post(client, headers, completion(agent, course_iri))
    xapi_incoming_statements_task()
    assert completions_of(user) == 1


@pytest.mark.django_db
def test_voiding_a_completion_statement_does_not_undo_the_completion(client):
    # given a completion taken in
    tree, user = enrolled_learner_on_module_course()
    headers = credentials()
    (statement_id,) = post(
        client, headers, completion(xapi_api.learner_agent(user), lesson_iri(tree))
    )
    xapi_incoming_statements_task()
    # when the client voids it
    post(
        client,
        headers,
        {
            "actor": {"mbox": "mailto:registrar@example.org"},
            "verb": {"id": ADL + "voided", "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": statement_id},
        },
    )
    xapi_incoming_statements_task()
    # then the platform's completion stands (a completion is history, not a claim)
    assert completions_of(user) == 1


@pytest.mark.django_db
def test_a_statement_voided_before_it_is_taken_in_completes_nothing(client):
    # given a completion that is voided before any worker took it in
    tree, user = enrolled_learner_on_module_course()
    headers = credentials()
    (statement_id,) = post(
        client, headers, completion(xapi_api.learner_agent(user), lesson_iri(tree))
    )
    post(
        client,
        headers,
        {
            "actor": {"mbox": "mailto:registrar@example.org"},
            "verb": {"id": ADL + "voided", "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": statement_id},
        },
    )
    # when the intake runs
    xapi_incoming_statements_task()
    # then nothing is completed
    assert completions_of(user, EventType.LESSON_COMPLETED) == 0


@pytest.mark.django_db
def test_the_platforms_own_statements_are_not_taken_in_again(client):
    # given a completion taken in, and materialised by the platform as its own
    tree, user = enrolled_learner_on_module_course()
    headers = credentials()
    post(client, headers, completion(xapi_api.learner_agent(user), lesson_iri(tree)))
    xapi_incoming_statements_task()
    xapi_platform_statements_task()
    own = [
        s
        for s in client.get(
            url("statements", verb=ADL + "completed"), headers=headers
        ).json()["statements"]
        if s["authority"]["account"]["name"] == "platform"
    ]
    assert len(own) == 2  # the lesson and the course, with the platform's authority
    # when the intake sees them, and a client sends one back as it is
    taken = incoming_statements_ingest(statement_ids=[s["id"] for s in own])
    as_sent = {k: v for k, v in own[0].items() if k not in ("stored", "authority")}
    resent = send(client, "POST", url("statements"), as_sent, headers=headers)
    xapi_incoming_statements_task()
    xapi_platform_statements_task()
    # then nothing is taken in or counted twice, and no statement is added
    assert taken == 0
    assert resent.status_code == 200
    assert StatementIngestion.objects.count() == 1
    assert completions_of(user, EventType.LESSON_COMPLETED) == 1
    assert completions_of(user) == 1
    # the client's statement, and the platform's registered and two completed
    assert Statement.objects.count() == 4


def test_a_real_worker_takes_a_completion_in_when_the_statement_commits(
    client, celery_worker
):
    # given an enrolled learner (committed data: the worker is another process)
    tree, user = enrolled_learner_on_module_course()
    # when a module posts the completion, and nothing but the worker runs
    post(
        client,
        credentials(),
        completion(xapi_api.learner_agent(user), lesson_iri(tree)),
    )
    # then the worker completes the lesson and the course
    wait_until(
        lambda: completions_of(user) == 1,
        timeout=30,
        message="the worker did not take the completion in",
    )
    assert completions_of(user, EventType.LESSON_COMPLETED) == 1


def staff_client(client, django_user_model):
    staff = django_user_model.objects.create_superuser(
        "mapper", "mapper@example.org", "x" * 12
    )
    client.force_login(staff)
    session = client.session
    session["mfa_gate_passed"] = staff.pk
    session.save()
    return client


@pytest.mark.django_db
def test_staff_map_an_activity_to_a_lesson_but_not_to_any_page(
    client, django_user_model
):
    # given a staff member in the Wagtail admin, a course and a page that is neither
    tree = course_build(lessons=1, final_quiz=False)
    admin = staff_client(client, django_user_model)
    module_iri = "https://content.example.org/rise/module-2"
    # when they map the module to a module page, then to the lesson
    refused = admin.post(
        "/admin/xapi_activity_mappings/new/",
        {"activity_iri": module_iri, "page": tree.modules[0].pk},
    )
    accepted = admin.post(
        "/admin/xapi_activity_mappings/new/",
        {"activity_iri": module_iri, "page": tree.lessons[0].pk},
    )
    # then only the lesson mapping is saved
    assert refused.status_code == 200
    assert "Choose a published course or lesson." in refused.content.decode()
    assert accepted.status_code == 302
    assert ActivityMapping.objects.get().page_id == tree.lessons[0].pk
