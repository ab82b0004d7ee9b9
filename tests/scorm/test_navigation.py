"""SCORM 2004 navigation between the SCOs of a package, and whole-course imports."""

import io
import json

import pytest

from courses.models import CourseCompletion, LessonCompletion
from courses.services import enrolment_create
from scorm import sequencing
from scorm.models import ImportAs, ScormLessonPage
from scorm.services import (
    scorm_attempt_start,
    scorm_package_create,
    scorm_package_unpack,
)
from scorm.tokens import Launch, launch_token
from tests.courses.factories import course_index, learner
from tests.factories import UserFactory
from tests.scorm.conftest import CONTENT_HOST
from tests.scorm.factories import (
    MULTI_SCO_TITLES,
    multi_sco_package,
    multi_sco_zip,
    scorm_course_build,
)

pytestmark = pytest.mark.django_db
ITEMS = [
    {"identifier": "a", "flow": True, "choice": True},
    {"identifier": "b", "flow": True, "choice": True},
    {"identifier": "c", "flow": True, "choice": True},
]


def token_for(user, lesson, item: str = "") -> str:
    attempt = scorm_attempt_start(user=user, lesson=lesson, item_identifier=item)
    return launch_token(
        Launch(
            user_id=user.pk,
            attempt_id=attempt.pk,
            package_id=lesson.package_id,
            lesson_id=lesson.pk,
            platform_origin="http://testserver",
        )
    )


def navigate(client, token: str, request: str):
    return client.post(
        f"/scorm/p/{token}/navigate",
        data=json.dumps({"request": request}),
        content_type="application/json",
        HTTP_HOST=CONTENT_HOST,
    )


def commit(client, token: str, values: dict, *, terminated: bool = False):
    return client.post(
        f"/scorm/p/{token}/runtime",
        data=json.dumps(
            {"values": values, "sessionId": "session-0001", "terminated": terminated}
        ),
        content_type="application/json",
        HTTP_HOST=CONTENT_HOST,
    )


@pytest.mark.parametrize(
    ("current", "request_value", "expected"),
    [
        ("a", "continue", "b"),
        ("b", "previous", "a"),
        ("a", "{target=c}choice", "c"),
        ("c", "continue", None),
        ("b", "suspendAll", None),
    ],
)
def test_flow_and_choice_requests_deliver_the_item_the_organization_orders(
    current, request_value, expected
):
    request = sequencing.request_parse(request_value)

    target = sequencing.navigation_target(ITEMS, current, request)

    assert (target and target["identifier"]) == expected


@pytest.mark.parametrize(
    ("items", "current", "request_value", "reason"),
    [
        ([{**item, "flow": False} for item in ITEMS], "a", "continue", "in order"),
        ([{**item, "forward_only": True} for item in ITEMS], "b", "previous", "back"),
        (ITEMS, "a", "previous", "first part"),
        (
            [*ITEMS[:2], {**ITEMS[2], "choice": False}],
            "a",
            "{target=c}choice",
            "chosen",
        ),
        (ITEMS, "a", "{target=zz}choice", "no item zz"),
        (ITEMS, "a", "choice", "target"),
        (ITEMS, "a", "fly", "Not a navigation request"),
    ],
)
def test_requests_the_control_modes_forbid_are_refused(
    items, current, request_value, reason
):
    with pytest.raises(sequencing.NavigationError, match=reason):
        sequencing.navigation_target(
            items, current, sequencing.request_parse(request_value)
        )


def multi_sco_lesson(**package_options) -> tuple:
    tree = scorm_course_build(package=multi_sco_package(**package_options))
    user = learner()
    enrolment_create(user=user, course=tree.course)
    return user, tree, tree.lessons[-1]


def test_continue_delivers_the_next_sco_whose_player_shows_the_contents(
    client, scorm_root, content_origin
):
    # given a learner in the first SCO of a three-SCO lesson
    user, _tree, lesson = multi_sco_lesson()
    first = token_for(user, lesson)

    # when the SCO asks to continue
    response = navigate(client, first, "continue")

    # then the player of the second SCO comes back, with the table of contents
    player = client.get(response.json()["url"], HTTP_HOST=CONTENT_HOST)
    html = player.content.decode()
    assert 'src="content/part2.html"' in html
    for title in MULTI_SCO_TITLES:
        assert title in html
    assert 'aria-current="step"' in html.split("Part two")[0].rsplit("<button", 1)[1]
    config = json.loads(
        html.split('id="scorm-runtime-config" type="application/json">')[1].split(
            "</script>"
        )[0]
    )
    assert config["navigation"] == {
        "continue": True,
        "previous": True,
        "choice": ["part1", "part2", "part3"],
    }


def test_the_lesson_resumes_the_sco_the_learner_was_in(
    client, scorm_root, content_origin
):
    user, _tree, lesson = multi_sco_lesson()
    navigate(client, token_for(user, lesson), "{target=part3}choice")

    resumed = scorm_attempt_start(user=user, lesson=lesson)

    assert resumed.item_identifier == "part3"


def test_continue_past_the_last_sco_ends_the_module_previous_at_the_first_fails(
    client, scorm_root, content_origin
):
    user, _tree, lesson = multi_sco_lesson()

    end = navigate(client, token_for(user, lesson, "part3"), "continue")
    refused = navigate(client, token_for(user, lesson, "part1"), "previous")

    assert end.json() == {"end": "You have reached the end of this module."}
    assert refused.status_code == 400
    assert "first part" in refused.json()["error"]


def test_a_package_played_as_one_lesson_completes_when_every_sco_is_completed(
    client, scorm_root, content_origin
):
    # given a learner in a lesson that plays a three-SCO package
    user, tree, lesson = multi_sco_lesson()

    # when they complete two of the three SCOs
    for item in ("part1", "part2"):
        commit(
            client,
            token_for(user, lesson, item),
            {"cmi.completion_status": "completed"},
        )

    # then the lesson is not complete yet; once the third is, lesson and course are
    assert not LessonCompletion.objects.filter(user=user).exists()
    commit(
        client, token_for(user, lesson, "part3"), {"cmi.completion_status": "completed"}
    )
    assert LessonCompletion.objects.filter(
        user=user, lesson_key=lesson.translation_key
    ).exists()
    assert CourseCompletion.objects.filter(user=user).count() == 1


def test_a_sco_that_does_not_set_completion_is_completed_when_it_terminates(
    client, scorm_root, content_origin
):
    # given a 2004 package whose items leave completion to the LMS (the default)
    user, _tree, lesson = multi_sco_lesson(completion_set_by_content=False)
    token = token_for(user, lesson, "part1")

    # when the SCO commits without a status, then terminates
    commit(client, token, {"cmi.location": "2"})
    assert (
        scorm_attempt_start(
            user=user, lesson=lesson, item_identifier="part1"
        ).completed_at
        is None
    )
    commit(client, token, {"cmi.location": "2"}, terminated=True)

    # then the End Attempt process completed it
    attempt = scorm_attempt_start(user=user, lesson=lesson, item_identifier="part1")
    assert attempt.completion_status == "completed"
    assert attempt.completed_at is not None


def test_whole_course_completion_follows_the_packages_items(
    client, scorm_root, content_origin
):
    # given a package imported as a whole course, and an enrolled learner
    package = scorm_package_create(
        upload=io.BytesIO(multi_sco_zip()),
        uploaded_by=UserFactory(is_superuser=True),
        import_as=ImportAs.COURSE,
        import_into=course_index(),
        import_publish=True,
    )
    course = scorm_package_unpack(package_id=package.pk).imported_page.specific
    course.open_to_all = True  # an imported course is closed until the editor says
    course.save_revision().publish()
    lessons = list(ScormLessonPage.objects.filter(package=package).order_by("path"))
    user = learner()
    enrolment_create(user=user, course=course)

    # when the learner completes each lesson's SCO but the last
    for lesson in lessons[:-1]:
        commit(client, token_for(user, lesson), {"cmi.completion_status": "completed"})

    # then the course is not complete; the last item completes it
    assert LessonCompletion.objects.filter(user=user).count() == 2
    assert not CourseCompletion.objects.filter(user=user).exists()
    commit(client, token_for(user, lessons[-1]), {"cmi.completion_status": "completed"})
    assert CourseCompletion.objects.filter(user=user, course=course).exists()
