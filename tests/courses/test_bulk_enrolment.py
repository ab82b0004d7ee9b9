"""A trainer's bulk enrolment from a CSV runs in the background with a status page."""

import csv
import io
from dataclasses import asdict, dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses import services
from courses.models import Enrolment, EnrolmentImport
from courses.tasks import enrolment_import_run_task
from learning.records.models import Event
from tests.conftest import wait_until
from tests.courses.factories import course_build, learner, member_add, room_build
from tests.factories import UserFactory, totp_activate

WORKER_TIMEOUT = 60
STATUS_URLS = [
    "courses:enrolment_import",
    "courses:enrolment_import_progress",
    "courses:enrolment_import_report",
]


@dataclass
class BulkCase:
    room: object
    course: object
    trainer: object
    member: object
    csv_text: str
    report: list[list[str]]


def bulk_case() -> BulkCase:
    """A room-only course, its trainer, and a CSV with one good row and four bad."""
    room = room_build()
    tree = course_build(open_to_all=False, rooms=[room])
    trainer = learner()
    member_add(room=room, user=trainer, role="trainer")
    totp_activate(trainer)  # a room's trainers must sign in with a second factor
    member = learner()
    member_add(room=room, user=member)
    outsider = learner()
    incomplete = UserFactory()
    no_access = "This learner cannot access the course (room membership or profile)."
    return BulkCase(
        room=room,
        course=tree.course,
        trainer=trainer,
        member=member,
        csv_text="\n".join(
            [
                "email",
                member.email,
                "not-an-address",
                "nobody@example.org",
                outsider.email,
                "",
                incomplete.email,
            ]
        ),
        report=[
            ["row", "email", "enrolled", "reason"],
            ["2", member.email, "yes", ""],
            ["3", "not-an-address", "no", "Not an e-mail address."],
            ["4", "nobody@example.org", "no", "No account uses this e-mail address."],
            ["5", outsider.email, "no", no_access],
            ["7", incomplete.email, "no", no_access],
        ],
    )


def csv_upload(text: str | bytes) -> SimpleUploadedFile:
    content = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile("learners.csv", content, content_type="text/csv")


def send(client, case: BulkCase):
    return client.post(
        reverse("courses:learners", args=[case.course.pk]),
        {"csv_file": csv_upload(case.csv_text)},
    )


def import_create(case: BulkCase) -> EnrolmentImport:
    return services.enrolment_import_create(
        course=case.course,
        csv_text=case.csv_text,
        requested_by=case.trainer,
        source="bulk",
    )


def report_rows(client, case: BulkCase, enrolment_import) -> list[list[str]]:
    response = client.get(
        reverse(
            "courses:enrolment_import_report",
            args=[case.course.pk, enrolment_import.pk],
        )
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.django_db
def test_trainer_enrols_learners_from_a_csv_with_a_report_of_bad_rows(client):
    # given
    case = bulk_case()
    client.force_login(case.trainer)
    # when the file is sent, the trainer lands on the import's status page
    response = send(client, case)
    enrolment_import = EnrolmentImport.objects.get()
    status_url = reverse(
        "courses:enrolment_import", args=[case.course.pk, enrolment_import.pk]
    )
    assert response.status_code == 302
    assert response["Location"] == status_url
    queued = client.get(status_url).content.decode()
    # and when the import has run
    enrolment_import_run_task(enrolment_import.pk)
    body = client.get(status_url).content.decode()
    # then nothing was enrolled before the task ran, and the page shows progress
    assert '<progress id="enrolment-import-bar" max="5" value="0"' in queued
    assert "Queued: 0 of 5 rows processed." in queued
    # and afterwards the member alone is enrolled, with the report of the bad rows
    assert list(Enrolment.objects.values_list("user_id", "source")) == [
        (case.member.pk, "bulk")
    ]
    assert "Done: 5 of 5 rows processed." in body
    assert "1 learner enrolled." in body
    assert "Not an e-mail address." in body
    assert "No account uses this e-mail address." in body
    assert body.count("cannot access the course") == 2  # outsider, incomplete
    assert report_rows(client, case, enrolment_import) == case.report


@pytest.mark.worker
def test_worker_enrols_a_csv_in_the_background_and_shows_the_report(
    client, celery_worker
):
    # given
    case = bulk_case()
    client.force_login(case.trainer)
    # when the file is sent and the worker takes the import
    send(client, case)
    enrolment_import = EnrolmentImport.objects.get()
    args = [case.course.pk, enrolment_import.pk]
    progress_url = reverse("courses:enrolment_import_progress", args=args)
    progress = wait_until(
        lambda: (answer := client.get(progress_url).json())["finished"] and answer,
        timeout=WORKER_TIMEOUT,
        message="The worker did not finish the enrolment import.",
    )
    body = client.get(reverse("courses:enrolment_import", args=args)).content.decode()
    # then the progress reports every row done, and the page the exact report
    assert progress == {
        "status": "done",
        "finished": True,
        "total": 5,
        "processed": 5,
        "enrolled_count": 1,
        "text": "Done: 5 of 5 rows processed.",
    }
    assert list(Enrolment.objects.values_list("user_id", "source")) == [
        (case.member.pk, "bulk")
    ]
    assert '<progress id="enrolment-import-bar" max="5" value="5"' in body
    assert "1 learner enrolled." in body
    failed = [
        f"<tr><td>{line}</td><td>{email}</td><td>{reason}</td></tr>"
        for line, email, _enrolled, reason in case.report[2:]
    ]
    assert all(row in body for row in failed)
    assert body.count("<tr><td>") == len(failed)
    assert report_rows(client, case, enrolment_import) == case.report


@pytest.mark.django_db
def test_running_an_import_twice_enrols_nobody_twice(client):
    # given an import that ran to the end
    case = bulk_case()
    enrolment_import = import_create(case)
    enrolment_import_run_task(enrolment_import.pk)
    # when it runs again, once as a repeat and once as if its worker had died
    # before marking it done
    enrolment_import_run_task(enrolment_import.pk)
    EnrolmentImport.objects.filter(pk=enrolment_import.pk).update(status="running")
    enrolment_import_run_task(enrolment_import.pk)
    # then the member is enrolled once, and the report lists each row once
    enrolment_import.refresh_from_db()
    assert Enrolment.objects.filter(user=case.member).count() == 1
    assert Event.objects.filter(event_type="course_enrolled").count() == 1
    assert (enrolment_import.status, enrolment_import.enrolled_count) == ("done", 1)
    assert [row["line"] for row in enrolment_import.results] == [2, 3, 4, 5, 7]
    client.force_login(case.trainer)
    assert report_rows(client, case, enrolment_import) == case.report


@pytest.mark.django_db
def test_an_import_resumes_after_the_rows_already_done(client):
    # given an import whose worker died after committing its first two rows
    case = bulk_case()
    enrolment_import = import_create(case)
    done = services.enrolment_bulk_create(
        course=case.course,
        rows=enrolment_import.rows[:2],
        enrolled_by=case.trainer,
        source="bulk",
    )
    EnrolmentImport.objects.filter(pk=enrolment_import.pk).update(
        status="running",
        processed=2,
        enrolled_count=1,
        results=[asdict(row) for row in done],
    )
    # when the task runs it again
    enrolment_import_run_task(enrolment_import.pk)
    # then it carried on with the third row: the report lists each row once
    client.force_login(case.trainer)
    assert report_rows(client, case, enrolment_import) == case.report
    assert Enrolment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["learner", "other course's trainer"])
@pytest.mark.parametrize("url_name", STATUS_URLS)
def test_only_the_course_managers_may_see_an_import(client, who, url_name):
    # given an import on a course, and someone who does not manage its learners
    case = bulk_case()
    enrolment_import = import_create(case)
    if who == "learner":
        client.force_login(case.member)
    else:
        other_room = room_build(title="Other room")
        course_build(title="Other course", open_to_all=False, rooms=[other_room])
        other_trainer = learner()
        member_add(room=other_room, user=other_trainer, role="trainer")
        totp_activate(other_trainer)
        client.force_login(other_trainer)
    # when they ask for its status, progress or report
    response = client.get(reverse(url_name, args=[case.course.pk, enrolment_import.pk]))
    # then there is no such page for them
    assert response.status_code == 404


@pytest.mark.django_db
def test_another_course_cannot_show_an_import(client):
    # given the trainer of two courses and an import on the first
    case = bulk_case()
    other = course_build(title="Other course", open_to_all=False, rooms=[case.room])
    enrolment_import = import_create(case)
    client.force_login(case.trainer)
    # when the import is asked for under the other course's address
    response = client.get(
        reverse("courses:enrolment_import", args=[other.course.pk, enrolment_import.pk])
    )
    # then it is not found
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not utf-8", "The file is not a UTF-8 text (CSV) file."),
        ("x" * 200_000, "This file is not a valid CSV file."),
        ("email\n\n", "The file lists no e-mail addresses."),
        ("a@example.org\n" * 5001, "A file may list at most 5000 addresses."),
    ],
    ids=["not-utf-8", "not-a-csv", "no-address", "too-many-rows"],
)
def test_a_file_that_is_not_a_list_of_addresses_is_refused_on_the_form(
    client, content, message
):
    # given
    case = bulk_case()
    client.force_login(case.trainer)
    # when
    response = client.post(
        reverse("courses:learners", args=[case.course.pk]),
        {"csv_file": csv_upload(content)},
    )
    # then the form says why, and no import was made
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EnrolmentImport.objects.exists()


@pytest.mark.django_db
def test_a_learner_may_not_open_the_enrol_learners_page(client):
    tree = course_build()
    client.force_login(learner())
    response = client.get(reverse("courses:learners", args=[tree.course.pk]))
    assert response.status_code == 404
