"""`seed_demo`: a small realistic site and one log-in per role, idempotent."""

import re
import time
import uuid
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, Site

from courses.models import (
    Certificate,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ModulePage,
    QuizAttempt,
    QuizPage,
)
from irooms.models import (
    AccessLogEntry,
    JoinPolicy,
    Membership,
    Reply,
    Resource,
    Role,
    RoomPage,
    Session,
    SessionRegistration,
    Thread,
)
from learning.accounts.models import REPORTING_GROUP, TRAINERS_GROUP
from learning.core.demo import (
    COURSE_SLUG,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    demo_site_seed,
)
from learning.core.management.commands.demo_totp_code import current_totp_code
from learning.home.models import HomePage
from learning.records.models import Event
from tests.records.tracking import report_today, settle
from webinars.models import Registration, WebinarPage, WebinarSeriesPage

pytestmark = pytest.mark.django_db

DEMO_EMAILS = [
    "practitioner@demo.test",
    "expert@demo.test",
    "trainer@demo.test",
    "admin@demo.test",
]


def seed() -> list[str]:
    output = StringIO()
    call_command("seed_demo", stdout=output)
    return output.getvalue().splitlines()


COUNTED_MODELS = (
    EmailAddress,
    Authenticator,
    Membership,
    Resource,
    get_document_model(),
    Thread,
    Reply,
    Session,
    SessionRegistration,
    Enrolment,
    LessonCompletion,
    QuizAttempt,
    Certificate,
    Registration,
    AccessLogEntry,
    Event,
)


def content_snapshot() -> dict:
    return {
        "pages": sorted(Page.objects.values_list("url_path", flat=True)),
        "users": sorted(get_user_model().objects.values_list("email", flat=True)),
        "sites": list(Site.objects.values_list("root_page_id", flat=True)),
        **{model.__name__: model.objects.count() for model in COUNTED_MODELS},
    }


@pytest.fixture
def private_records_stream(settings):
    """A stream key of this test's own: draining takes no other test's events."""
    settings.RECORDS_STREAM_KEY = f"records:demo-test:{uuid.uuid4().hex}"


def test_seed_replaces_wagtails_welcome_page_with_the_home_page():
    # given a fresh database with Wagtail's "Welcome" page as the site root
    assert not HomePage.objects.exists()

    # when the demo is seeded
    seed()

    # then the default site's root is the platform's home page at /
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.title == "Learning Platform"
    assert "practitioners" in home.introduction
    assert home.url_path == "/home/"
    assert not Page.objects.filter(
        title__startswith="Welcome to your new Wagtail"
    ).exists()


def test_seed_builds_rooms_course_and_webinars_under_the_home_page():
    # given nothing

    # when the demo is seeded
    seed()

    # then the catalogue is there, live, with the documented join policies
    rooms = {room.title: room.join_policy for room in RoomPage.objects.live()}
    assert rooms == {
        "Cross-border investigations, North Africa": JoinPolicy.OPEN,
        "Children associated with terrorist and violent extremist groups": (
            JoinPolicy.REQUEST
        ),
    }
    courses = CoursePage.objects.live().order_by("locale__language_code")
    assert [(c.locale.language_code, c.title) for c in courses] == [
        ("en", "The international legal framework against CBRN terrorism"),
        ("fr", "Le cadre juridique international contre le terrorisme NRBC"),
    ]
    assert WebinarSeriesPage.objects.live().count() == 1
    assert sorted(
        WebinarPage.objects.live().values_list("delivery_language", flat=True)
    ) == ["en", "fr"]
    home = HomePage.objects.get(locale__language_code="en")
    assert all(
        page.url_path.startswith("/home/")
        for page in Page.objects.filter(depth__gt=2, locale__language_code="en")
    )
    assert home.get_children().count() == 3


def test_seed_gives_the_course_modules_lessons_and_a_quiz_in_two_languages(client):
    # given nothing

    # when the demo is seeded
    seed()

    # then each language version has 2 modules, 5 lessons and a final quiz, live
    course = CoursePage.objects.get(slug=COURSE_SLUG, locale__language_code="en")
    french_course = course.get_translation(Locale.objects.get(language_code="fr"))
    for version in (course, french_course):
        pages = Page.objects.live().descendant_of(version)
        assert pages.type(ModulePage).count() == 2
        assert pages.type(LessonPage).count() == 5
        assert pages.type(QuizPage).count() == 1
    lesson = LessonPage.objects.filter(locale__language_code="en").first()
    assert {block.block_type for block in lesson.body} == {
        "text",
        "callout",
        "knowledge_check",
    }
    # and the course is the open room's
    room = RoomPage.objects.get(join_policy=JoinPolicy.OPEN)
    assert list(course.rooms.all()) == [room]
    # and a signed-in member reads the French version at its French address
    client.force_login(get_user_model().objects.get(email="practitioner@demo.test"))
    french = client.get("/fr/courses/" + COURSE_SLUG + "/")
    assert french.status_code == 200
    assert "Les instruments universels" in french.content.decode()


def test_seed_fills_the_open_room_with_members_resources_talk_and_a_session():
    # given nothing

    # when the demo is seeded
    seed()

    # then the open room has its trainer, expert and practitioner
    room = RoomPage.objects.get(join_policy=JoinPolicy.OPEN)
    roles = dict(
        room.memberships.filter(status="active").values_list("user__email", "role")
    )
    assert roles == {
        "trainer@demo.test": Role.TRAINER,
        "expert@demo.test": Role.EXPERT,
        "practitioner@demo.test": Role.PARTICIPANT,
    }
    # and four resources, each with a real PDF in the room's private collection
    resources = list(room.resources.select_related("document"))
    assert sorted(r.resource_type for r in resources) == [
        "guide",
        "manual",
        "report",
        "resolution",
    ]
    for resource in resources:
        assert resource.document.collection_id == room.collection_id
        with resource.document.file.open("rb") as file:
            assert file.read(5) == b"%PDF-"
    # and a question to the experts with the expert's answer marked as such
    thread = room.threads.get()
    assert thread.is_question
    answer = thread.replies.get()
    assert answer.is_expert_answer and answer.author.email == "expert@demo.test"
    # and an upcoming session the practitioner registered for
    session = room.sessions.get()
    assert session.starts_at > timezone.now()
    assert list(session.registrations.values_list("user__email", flat=True)) == [
        "practitioner@demo.test"
    ]


def test_demo_activity_shows_in_the_training_report(private_records_stream):
    # given the seeded demo
    seed()

    # when the records are drained and rolled up, as beat does
    settle()

    # then the report counts the demo learners' activity
    report = report_today()
    assert report["enrolments"] == {"total": 2, "learners": 2}
    assert report["completions"]["total"] == 1
    assert report["resources"] == {"views": 3, "downloads": 1}
    assert report["rooms"]["active"] == 1
    assert report["rooms"]["members"] == 3
    assert report["webinars"]["registrations"] == 1
    practitioner = get_user_model().objects.get(email="practitioner@demo.test")
    assert Certificate.objects.get().completion.user == practitioner
    assert LessonCompletion.objects.filter(user__email="expert@demo.test").count() == 2


def test_seed_twice_gives_the_same_content_and_reports_each_step():
    # given a seeded database
    first_output = seed()
    before = content_snapshot()

    # when the demo is seeded again
    second_output = seed()

    # then nothing was added or duplicated, and every step said so
    assert content_snapshot() == before
    steps = [
        line for line in second_output if re.match(r"\[\d+/\d+\] .+ \.\.\. done", line)
    ]
    assert len(steps) == 16
    assert steps[-1].startswith("[16/16]")
    assert [line for line in first_output if line.startswith("[")] == steps


def test_demo_users_have_verified_addresses_complete_profiles_and_their_roles():
    # given nothing

    # when the demo is seeded
    demo_site_seed()

    # then each role can sign in: verified primary e-mail, complete profile
    users = {user.email: user for user in get_user_model().objects.all()}
    assert sorted(users) == sorted(DEMO_EMAILS)
    for email, user in users.items():
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()
        assert user.profile.is_complete
    assert list(users["trainer@demo.test"].groups.values_list("name", flat=True)) == [
        TRAINERS_GROUP
    ]
    admin = users["admin@demo.test"]
    assert admin.is_staff and admin.is_superuser
    assert REPORTING_GROUP in admin.groups.values_list("name", flat=True)
    assert not users["practitioner@demo.test"].is_staff
    assert not users["expert@demo.test"].groups.exists()


def test_staff_and_trainer_get_the_documented_totp_secret_stored_encrypted():
    # given nothing

    # when the demo is seeded
    demo_site_seed()

    # then trainer and admin have a TOTP factor; practitioners do not
    totp = Authenticator.objects.filter(type=Authenticator.Type.TOTP)
    assert sorted(totp.values_list("user__email", flat=True)) == [
        "admin@demo.test",
        "trainer@demo.test",
    ]
    for authenticator in totp:
        # stored encrypted by our MFA adapter, never in clear
        assert DEMO_TOTP_SECRET not in str(authenticator.data)
        code = current_totp_code(
            DEMO_TOTP_SECRET, period=mfa_settings.TOTP_PERIOD, now=time.time()
        )
        assert TOTP(authenticator).validate_code(code)


def test_demo_practitioner_signs_in_and_enters_the_open_room(client):
    # given the seeded demo
    demo_site_seed()
    room = RoomPage.objects.get(join_policy=JoinPolicy.OPEN)

    # when the practitioner signs in with the documented password
    response = client.post(
        "/en/accounts/login/",
        {"login": "practitioner@demo.test", "password": DEMO_PASSWORD},
    )

    # then they are signed in, not sent to complete a profile, and the room opens
    assert response.status_code == 302
    assert "/profile/" not in response["Location"]
    assert client.get(room.url).status_code == 200


def test_demo_totp_code_prints_the_code_an_authenticator_app_shows():
    # given the seeded demo
    demo_site_seed()
    output = StringIO()

    # when the demo code is asked for the trainer
    call_command("demo_totp_code", "trainer@demo.test", stdout=output)

    # then it is the current code of the documented secret (or the one just before,
    # when the 30-second window turned in between)
    now = time.time()
    period = mfa_settings.TOTP_PERIOD
    expected = {
        current_totp_code(DEMO_TOTP_SECRET, period=period, now=now),
        current_totp_code(DEMO_TOTP_SECRET, period=period, now=now - period),
    }
    assert output.getvalue().strip() in expected


def test_demo_totp_code_refuses_a_real_account_outside_debug(settings):
    # given production-like settings and a non-demo address
    settings.DEBUG = False

    # when someone asks for its code
    # then the command refuses
    with pytest.raises(CommandError, match="only for demo accounts"):
        call_command("demo_totp_code", "someone@example.org")
