"""Both sample packages in Chromium: launch, progress, resume, completion."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from courses.models import CourseCompletion, LessonCompletion
from courses.services import enrolment_create
from scorm.models import ScormAttempt
from tests.conftest import wait_until
from tests.courses.factories import learner
from tests.scorm.factories import package_ready, scorm_course_build

pytestmark = pytest.mark.django_db(transaction=True)
PAGES = 15  # the samples' launch page pages through 15 pages, the last one a test


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def other_host(url: str) -> str:
    """The live server under its other name: the content origin is another host."""
    if "://localhost" in url:
        return url.replace("://localhost", "://127.0.0.1")
    return url.replace("://127.0.0.1", "://localhost")


def attempt_of(user) -> ScormAttempt | None:
    return ScormAttempt.objects.filter(user=user).first()


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_sample_package_launches_records_progress_resumes_and_completes(
    page, live_server, scorm_root, settings, standard
):
    # given an enrolled learner, a course whose lesson is a real sample package,
    # and the content origin on the live server's other host name
    settings.SCORM_CONTENT_ORIGIN = other_host(live_server.url)
    tree = scorm_course_build(package=package_ready(standard))
    user = learner()
    enrolment_create(user=user, course=tree.course)
    lesson = tree.lessons[-1]
    log_in(page, live_server, user)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))

    # when the learner opens the lesson and moves three pages on
    page.goto(lesson.url)
    player = page.frame_locator("#scorm-player")
    sco = player.frame_locator("#scorm-sco")
    for _ in range(3):
        sco.locator("#butNext").click()

    # then the SCO found the runtime API and its progress is stored
    wait_until(
        lambda: (attempt := attempt_of(user)) and attempt.location == "3",
        timeout=20,
        message="The bookmark was not committed.",
    )
    assert not dialogs, f"The SCO complained: {dialogs}"

    # when the learner leaves (the SCO suspends on unload) and comes back later
    page.goto("/en/")
    wait_until(
        lambda: attempt_of(user).exit == "suspend",
        timeout=20,
        message="Leaving the SCO did not suspend the attempt.",
    )
    page.goto(lesson.url)

    # then the SCO offers to resume and opens the page where they stopped
    wait_until(
        lambda: any("OtherScoring.html" in frame.url for frame in page.frames),
        timeout=20,
        message="The SCO did not resume at the bookmark.",
    )
    assert any("resume" in message for message in dialogs)
    assert not LessonCompletion.objects.filter(user=user).exists()

    # when they page on to the end
    for _ in range(PAGES - 1 - 3):
        sco.locator("#butNext").click()

    # then the lesson, and so the course (its only lesson), is complete
    wait_until(
        lambda: LessonCompletion.objects.filter(
            user=user, lesson_key=lesson.translation_key
        ).exists(),
        timeout=20,
        message="The platform did not record the lesson completion.",
    )
    assert CourseCompletion.objects.filter(user=user).count() == 1
    assert attempt_of(user).completion_status == "completed"
