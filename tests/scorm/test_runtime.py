"""The content origin and runtime API: launch tokens, commits, completion mapping."""

import json

import pytest

from courses.models import CourseCompletion, LessonCompletion
from courses.services import enrolment_create
from learning.records.models import Event
from scorm.services import scorm_attempt_start
from scorm.tokens import Launch, launch_token
from tests.courses.factories import learner
from tests.scorm.conftest import CONTENT_HOST
from tests.scorm.factories import package_ready, scorm_course_build

pytestmark = pytest.mark.django_db


def enrolled_launch(standard="scorm12", user=None):
    package = package_ready(standard)
    tree = scorm_course_build(package=package)
    user = user or learner()
    enrolment_create(user=user, course=tree.course)
    lesson = tree.lessons[-1]
    attempt = scorm_attempt_start(user=user, lesson=lesson)
    token = launch_token(
        Launch(
            user_id=user.pk,
            attempt_id=attempt.pk,
            package_id=package.pk,
            lesson_id=lesson.pk,
            platform_origin="http://testserver",
        )
    )
    return user, tree, attempt, token


def commit(client, token, values, session="session-0001"):
    return client.post(
        f"/scorm/p/{token}/runtime",
        data=json.dumps({"values": values, "sessionId": session}),
        content_type="application/json",
        HTTP_HOST=CONTENT_HOST,
    )


def test_scorm_12_completion_completes_the_lesson_and_the_course(
    client, scorm_root, content_origin
):
    # given an enrolled learner launching the course's only lesson, a SCORM 1.2 SCO
    user, tree, attempt, token = enrolled_launch("scorm12")

    # when the SCO commits "completed" with a bookmark
    response = commit(
        client,
        token,
        {"cmi.core.lesson_status": "completed", "cmi.core.lesson_location": "14"},
    )

    # then the lesson and the course are complete, once, and the bookmark is kept
    assert response.status_code == 200
    assert LessonCompletion.objects.filter(user=user).count() == 1
    assert CourseCompletion.objects.filter(user=user).count() == 1
    attempt.refresh_from_db()
    assert attempt.location == "14"
    commit(client, token, {"cmi.core.lesson_status": "completed"}, session="session-2")
    assert LessonCompletion.objects.filter(user=user).count() == 1


def test_scorm_2004_scored_pass_records_quiz_events_once(
    client, scorm_root, content_origin
):
    # given a SCORM 2004 launch
    user, tree, attempt, token = enrolled_launch("scorm2004")
    values = {
        "cmi.completion_status": "completed",
        "cmi.success_status": "passed",
        "cmi.score.scaled": "0.8",
        "cmi.score.raw": "80",
        "cmi.session_time": "PT1M30S",
    }

    # when the SCO commits a passing score twice in one session
    assert commit(client, token, values).status_code == 200
    assert commit(client, token, values).status_code == 200

    # then one quiz attempt, one pass, one lesson completion; the time is counted
    events = Event.objects.filter(actor_id=user.pk)
    assert events.filter(event_type="quiz_attempted").count() == 1
    assert events.filter(event_type="quiz_passed").count() == 1
    assert events.filter(event_type="lesson_completed").count() == 1
    attempt.refresh_from_db()
    assert attempt.total_seconds == 90
    assert str(attempt.score_scaled) == "0.8000000"


def test_runtime_refuses_a_forged_token(client, scorm_root, content_origin):
    # given a launch token altered by someone
    _user, _tree, attempt, token = enrolled_launch()
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    # when it commits, then it is refused and nothing is stored
    response = commit(client, forged, {"cmi.core.lesson_status": "completed"})
    assert response.status_code == 403
    assert not LessonCompletion.objects.exists()


def test_runtime_refuses_an_expired_token(client, scorm_root, content_origin, settings):
    # given a token older than the allowed age
    _user, _tree, _attempt, token = enrolled_launch()
    settings.SCORM_LAUNCH_TOKEN_MAX_AGE = -1

    # when it commits, then it is refused as expired
    response = commit(client, token, {"cmi.core.lesson_status": "completed"})
    assert response.status_code == 403
    assert "expired" in response.json()["error"]
    assert not LessonCompletion.objects.exists()


def test_runtime_refuses_a_token_naming_another_learners_attempt(
    client, scorm_root, content_origin
):
    # given learner A's attempt, and a token for learner B naming A's attempt
    _a, tree, attempt_a, token_a = enrolled_launch()
    b = learner()
    enrolment_create(user=b, course=tree.course)
    cross = launch_token(
        Launch(
            user_id=b.pk,
            attempt_id=attempt_a.pk,
            package_id=attempt_a.package_id,
            lesson_id=tree.lessons[-1].pk,
            platform_origin="http://testserver",
        )
    )

    # when B's token commits to A's attempt, then it is refused
    response = commit(client, cross, {"cmi.core.lesson_status": "completed"})
    assert response.status_code == 403
    assert not LessonCompletion.objects.exists()


def test_runtime_refuses_a_learner_no_longer_enrolled(
    client, scorm_root, content_origin
):
    # given a launch whose learner was then unenrolled
    user, _tree, _attempt, token = enrolled_launch()
    from courses.models import Enrolment

    Enrolment.objects.filter(user=user).delete()

    # when the SCO serves a file or commits, then both are refused
    player = client.get(f"/scorm/p/{token}/", HTTP_HOST=CONTENT_HOST)
    assert player.status_code == 403
    refused = commit(client, token, {"cmi.core.lesson_status": "completed"})
    assert refused.status_code == 403
    assert not LessonCompletion.objects.exists()


def test_runtime_refuses_values_outside_the_data_model(
    client, scorm_root, content_origin
):
    # given a launch
    _user, _tree, attempt, token = enrolled_launch()

    # when a commit sends an unknown status or element, then it is refused
    assert commit(client, token, {"cmi.core.lesson_status": "done"}).status_code == 400
    assert commit(client, token, {"cmi.core.student_id": "x"}).status_code == 400
    attempt.refresh_from_db()
    assert attempt.cmi == {}


def test_content_host_serves_only_scorm_and_the_platform_host_no_scorm(
    client, scorm_root, content_origin
):
    # given a valid launch
    _user, _tree, _attempt, token = enrolled_launch()

    # then the content host serves the player and files, and nothing of the platform
    player = client.get(f"/scorm/p/{token}/", HTTP_HOST=CONTENT_HOST)
    assert player.status_code == 200
    assert "frame-ancestors http://testserver" in player["Content-Security-Policy"]
    launch_page = client.get(
        f"/scorm/p/{token}/content/shared/launchpage.html", HTTP_HOST=CONTENT_HOST
    )
    assert launch_page.status_code == 200
    assert client.get("/admin/", HTTP_HOST=CONTENT_HOST).status_code == 404
    assert client.get("/en/", HTTP_HOST=CONTENT_HOST).status_code == 404
    # the platform host has no SCORM content URLs at all
    assert client.get(f"/scorm/p/{token}/").status_code == 404


def test_content_path_cannot_leave_the_package(client, scorm_root, content_origin):
    # given a launch
    _user, _tree, _attempt, token = enrolled_launch()

    # when a file outside the package is asked for, then it is not found
    response = client.get(
        f"/scorm/p/{token}/content/../../uploads/x.zip", HTTP_HOST=CONTENT_HOST
    )
    assert response.status_code == 404
