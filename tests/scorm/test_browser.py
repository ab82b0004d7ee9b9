"""In Chromium: the samples play and resume, the admin upload, multi-SCO navigation."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from courses.models import CourseCompletion, CoursePage, LessonCompletion
from courses.services import enrolment_create
from scorm.models import ScormAttempt, ScormLessonPage
from tests.conftest import CeleryWorker, wait_until
from tests.courses.factories import course_index, learner
from tests.factories import UserFactory, totp_activate
from tests.scorm.factories import (
    multi_sco_package,
    package_ready,
    sample_path,
    scorm_course_build,
)

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


def test_admin_upload_shows_the_upload_and_unpacking_progress_and_the_result(
    page, live_server, scorm_root
):
    # given an editor on the upload screen, and no worker running yet
    course_index()
    editor = UserFactory(staff=True, is_superuser=True)
    totp_activate(editor)
    log_in(page, live_server, editor)
    page.goto("/admin/scorm/upload/")

    # when they upload the SCORM 2004 sample as a whole new course
    page.set_input_files("#id_package", str(sample_path("scorm2004")))
    page.get_by_label("a whole new course (one lesson per item)").check()
    page.get_by_label("Publish the new pages at once").check()
    page.get_by_role("button", name="Upload and import").click()

    # then the upload bar is full and the package waits in the queue
    expect(page.locator("#scorm-upload-percent")).to_have_text("100%")
    expect(page.locator("#scorm-import-status")).to_contain_text("Queued")

    # when a worker picks the task up
    worker = CeleryWorker()
    worker.start()
    try:
        # then the screen follows it to the end and links to the new course
        expect(page.locator("#scorm-import-status")).to_have_text(
            "Done.", timeout=60_000
        )
    finally:
        worker.stop()
    log = page.locator("#scorm-import-log li").all_inner_texts()
    assert log[0].startswith("Queued") and log[-1] == "Done."
    course = CoursePage.objects.get(title="Golf Explained - Run-time Basic Calls")
    link = page.get_by_role("link", name="Open “Golf Explained - Run-time Basic Calls”")
    expect(link).to_have_attribute("href", f"/admin/pages/{course.pk}/edit/")
    assert ScormLessonPage.objects.get().get_ancestors().filter(pk=course.pk).exists()


def test_multi_sco_lesson_navigates_by_flow_and_choice_and_completes(
    page, live_server, scorm_root, settings
):
    # given an enrolled learner and a lesson that plays a three-SCO package
    settings.SCORM_CONTENT_ORIGIN = other_host(live_server.url)
    tree = scorm_course_build(package=multi_sco_package())
    user = learner()
    enrolment_create(user=user, course=tree.course)
    lesson = tree.lessons[-1]
    log_in(page, live_server, user)
    page.goto(lesson.url)
    player = page.frame_locator("#scorm-player")
    sco = player.frame_locator("#scorm-sco")
    heading = sco.locator("h1")

    # then the first SCO plays, and the runtime tells it what navigation is valid
    expect(heading).to_have_text("Part one")
    expect(sco.locator("#valid")).to_have_text("continue true, previous false")

    # when the learner completes it and the SCO asks to continue (adl.nav.request)
    sco.locator("#complete").click()
    sco.locator("#next").click()

    # then the second SCO plays; the player's Previous control goes back
    expect(heading).to_have_text("Part two")
    player.get_by_role("button", name="Previous").click()
    expect(heading).to_have_text("Part one")
    expect(player.locator("#scorm-toc")).to_contain_text("Part one ✓")

    # when they choose the third part in the contents, complete it, and go back
    # with the SCO's own Previous
    player.get_by_role("button", name="Part three").click()
    expect(heading).to_have_text("Part three")
    sco.locator("#complete").click()
    sco.locator("#back").click()
    expect(heading).to_have_text("Part two")
    assert not LessonCompletion.objects.filter(user=user).exists()

    # and complete the second, the last one missing
    sco.locator("#complete").click()

    # then the lesson and the course are complete
    wait_until(
        lambda: LessonCompletion.objects.filter(
            user=user, lesson_key=lesson.translation_key
        ).exists(),
        timeout=20,
        message="Completing every SCO did not complete the lesson.",
    )
    assert CourseCompletion.objects.filter(user=user).count() == 1
