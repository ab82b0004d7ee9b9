"""axe-core finds no WCAG 2.1 A/AA violation on the pages a member uses, en and ar;
the course navigation and a quiz work from the keyboard alone."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from courses import services as course_services
from courses.models import Certificate
from irooms.models import JoinPolicy, Role
from tests.browser.test_accessibility import LANGUAGES, violations_message
from tests.browser.test_course_journey import sign_in
from tests.browser.test_keyboard import tab_to
from tests.courses.factories import course_build, course_translate
from tests.irooms.factories import (
    ResourceFactory,
    form_page_create,
    member_add,
    practitioner,
    reply_create,
    room_create,
    session_create,
    thread_create,
)
from tests.webinars.factories import recording_build, webinar_build
from webinars import services as webinar_services

pytestmark = pytest.mark.browser

KNOWLEDGE_CHECK = {
    "kind": "single",
    "prompt": "Which instrument covers nuclear terrorism?",
    "answers": [
        {"text": "ICSANT", "correct": True, "feedback": "Yes: 2005."},
        {"text": "None", "correct": False, "feedback": "There is one."},
    ],
}

CALLOUT = {
    "tone": "key",
    "title": "Key point",
    "text": "<p>Mutual legal assistance needs a <b>request</b>.</p>",
}


@dataclass
class RoomWorld:
    """A room the member belongs to, with resources, a session, a discussion and a
    good-practice form."""

    room: object
    resource: object
    thread: object
    good_practice_form: object


def room_world(member, language: str) -> RoomWorld:
    room = room_create(title="Cross-border investigations", policy=JoinPolicy.OPEN)
    member_add(room=room, user=member)
    expert = member_add(room=room, role=Role.EXPERT)
    resource = ResourceFactory(title="Manual on mutual legal assistance", rooms=[room])
    ResourceFactory(title="Good practices on e-evidence", rooms=[room])
    session_create(room=room)
    thread = thread_create(room=room, author=member, is_question=True)
    reply_create(thread=thread, author=expert, body="<p>Through a request.</p>")
    reply_create(thread=thread, author=member, body="<p>Thank you.</p>")
    return RoomWorld(
        room=room,
        resource=resource,
        thread=thread,
        good_practice_form=form_page_create(room=room),
    )


@dataclass
class CourseWorld:
    """A course (translated into the page's language) the member is half-way
    through, and a certificate of another course they have completed."""

    course: object
    lesson: object
    quiz: object
    completed_course: object
    certificate_code: str


def course_world(member, language: str) -> CourseWorld:
    finished = course_build(title="Terrorist financing", lessons=1, final_quiz=False)
    course_services.enrolment_create(user=member, course=finished.course)
    course_services.lesson_completion_submit(user=member, lesson=finished.lessons[0])
    current = course_build(lessons=2, max_attempts=3)
    current.lessons[0].body.append(("callout", CALLOUT))
    current.lessons[0].body.append(("knowledge_check", KNOWLEDGE_CHECK))
    current.lessons[0].save_revision().publish()
    if language != "en":
        # Records follow the translation key: the translations are as far along.
        finished = course_translate(finished, language)
        current = course_translate(current, language)
    course_services.enrolment_create(user=member, course=current.course)
    return CourseWorld(
        course=current.course,
        lesson=current.lessons[0],
        quiz=current.quiz,
        completed_course=finished.course,
        certificate_code=Certificate.objects.get(completion__user=member).code,
    )


@dataclass
class WebinarWorld:
    webinar: object
    recording: object


def webinar_world(member, language: str) -> WebinarWorld:
    """A webinar the member registered for, and its recording with captions."""
    webinar = webinar_build()
    webinar_services.registration_create(webinar=webinar, user=member)
    recording = recording_build(webinar=webinar)
    webinar_services.caption_upload(
        recording=recording,
        language="en",
        data=b"WEBVTT\n\n00:01.000 --> 00:04.000\nHello\n",
    )
    return WebinarWorld(webinar=webinar, recording=recording)


@dataclass(frozen=True)
class MemberPage:
    """A page to check: the data it needs, its path (any language prefix), and
    what the member does there first, to reveal a state worth checking."""

    name: str
    world: Callable[[object, str], object]
    path: Callable[[object], str]
    interact: Callable[[Page], None] = lambda page: None


def room_url(name: str, *args) -> Callable[[RoomWorld], str]:
    return lambda world: reverse(
        f"irooms:{name}", args=[world.room.pk, *(arg(world) for arg in args)]
    )


def quiz_fail(page: Page) -> None:
    page.locator(".quiz-form input[type=radio]").last.check()  # a wrong answer
    page.locator(".quiz-form button[type=submit]").click()
    expect(page.locator(".quiz").get_by_role("status")).to_be_visible()


MEMBER_PAGES = [
    MemberPage("room-home", room_world, lambda world: world.room.url),
    MemberPage(
        "resource-library",
        room_world,
        lambda world: (
            reverse("irooms:resource_list", args=[world.room.pk])
            + "?q=manual&resource_type=manual&language=en"
        ),
    ),
    MemberPage(
        "resource-detail",
        room_world,
        room_url("resource_detail", lambda world: world.resource.pk),
    ),
    MemberPage("discussions", room_world, room_url("thread_list")),
    MemberPage(
        "thread-with-replies",
        room_world,
        room_url("thread_detail", lambda world: world.thread.pk),
    ),
    MemberPage("sessions", room_world, room_url("session_list")),
    MemberPage("member-directory", room_world, room_url("member_directory")),
    MemberPage(
        "room-search",
        room_world,
        lambda world: reverse("irooms:room_search", args=[world.room.pk]) + "?q=manual",
    ),
    MemberPage("good-practices", room_world, room_url("good_practices")),
    MemberPage(
        "good-practice-form", room_world, lambda world: world.good_practice_form.url
    ),
    MemberPage("course", course_world, lambda world: world.course.url),
    MemberPage(
        "lesson-with-knowledge-check-answered",
        course_world,
        lambda world: world.lesson.url,
        interact=lambda page: page.locator(".knowledge-check summary").first.click(),
    ),
    MemberPage("quiz", course_world, lambda world: world.quiz.url),
    MemberPage(
        "quiz-feedback-after-a-failed-attempt",
        course_world,
        lambda world: world.quiz.url,
        interact=quiz_fail,
    ),
    MemberPage(
        "completed-course-with-certificate",
        course_world,
        lambda world: world.completed_course.url,
    ),
    MemberPage(
        "my-learning", course_world, lambda world: reverse("courses:my_learning")
    ),
    MemberPage(
        "certificate-verification",
        course_world,
        lambda world: (
            reverse("courses:certificate_verify") + f"?code={world.certificate_code}"
        ),
    ),
    MemberPage(
        "webinar-series", webinar_world, lambda world: world.webinar.get_parent().url
    ),
    MemberPage("webinar", webinar_world, lambda world: world.webinar.url),
    MemberPage(
        "recording-player",
        webinar_world,
        lambda world: reverse("webinars:recording_player", args=[world.recording.pk]),
    ),
]


def in_language(path: str, language: str) -> str:
    """The same path under another language prefix (/en/... becomes /ar/...)."""
    return re.sub(r"^/[a-z-]+/", f"/{language}/", path)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "member_page", MEMBER_PAGES, ids=[member_page.name for member_page in MEMBER_PAGES]
)
def test_member_page_has_no_accessibility_violations(
    page, home_page, axe_violations, language, member_page
):
    # given a signed-in practitioner and what the page shows them
    member = practitioner(full_name="Amina Diallo")
    world = member_page.world(member, language)
    sign_in(page, member.email)

    # when they open the page in the language
    response = page.goto(in_language(member_page.path(world), language))
    assert response.ok, response.status
    expect(page.locator("html")).to_have_attribute("lang", language)
    member_page.interact(page)

    # and axe-core checks it
    violations = axe_violations(page)

    # then it finds nothing
    assert violations == [], violations_message(violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_question_form_with_errors_has_no_accessibility_violations(
    page, home_page, axe_violations, language
):
    # given a member on the discussions of their room
    member = practitioner()
    world = room_world(member, language)
    sign_in(page, member.email)
    page.goto(in_language(room_url("thread_list")(world), language))

    # when they post a question to the experts with blank title and text
    form = page.locator("main form[method=post]")
    form.locator("input[name=title]").fill(" ")
    form.locator("textarea[name=body]").fill(" ")
    form.locator("input[name=is_question]").check()
    form.locator("button[type=submit]").click()

    # then each error is tied to its field, and axe-core finds nothing
    title = form.locator("input[name=title]")
    expect(title).to_have_attribute("aria-invalid", "true")
    error_id = title.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).not_to_be_empty()
    violations = axe_violations(page)
    assert violations == [], violations_message(violations)


def test_course_nav_and_quiz_work_from_the_keyboard_alone(page, home_page):
    # given an enrolled learner on the first lesson
    member = practitioner()
    world = course_world(member, "en")
    sign_in(page, member.email)
    page.goto(world.lesson.url)

    # when they tab to the quiz in the course navigation and press Enter
    tab_to(
        page, page.locator(".course-nav").get_by_role("link", name="Final assessment")
    )
    page.keyboard.press("Enter")

    # then the quiz opens
    expect(page.get_by_role("heading", level=1)).to_have_text("Final assessment")

    # when they tab to each right answer, select it with Space, and submit with Enter
    for answer in ("ICSANT", "Chemical", "Nuclear"):
        choice = page.get_by_label(answer, exact=True)
        tab_to(page, choice)
        page.keyboard.press("Space")
        expect(choice).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Submit answers"))
    page.keyboard.press("Enter")

    # then they have passed, and the result has the focus (a screen reader reads it)
    result = page.locator(".quiz").get_by_role("status")
    expect(result).to_contain_text("100")
    expect(result).to_be_focused()


def test_screen_reader_text_on_the_course_page_is_announced_but_not_shown(
    page, home_page
):
    # given a member who has completed a course, on its page
    member = practitioner()
    world = course_world(member, "en")
    sign_in(page, member.email)
    page.goto(world.completed_course.url)

    # then the texts meant for screen readers are in the accessibility tree
    heading = page.get_by_role("heading", name="Your place in the course")
    done = page.locator(".course-outline .done .visually-hidden")
    expect(heading).to_have_count(1)
    expect(page.locator(".course-outline")).to_contain_text("done")

    # but take no room on the screen
    for text in (heading, done):
        box = text.bounding_box()
        assert box["width"] <= 1 and box["height"] <= 1, box
