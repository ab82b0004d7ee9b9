"""Attendance: Zoom and Teams participant reports imported, or marked by hand."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.webinars.factories import DATA, organiser, practitioner, webinar_build
from webinars.models import Attendance

PAST = -timedelta(hours=3)


def people():
    return {
        name: practitioner(email=f"{name}@example.org")
        for name in ("amina", "carlos", "dana")
    }


def import_report(client, webinar, source, filename):
    return client.post(
        reverse("webinars:attendance", args=[webinar.pk]),
        {
            "import": "1",
            "source": source,
            "file": SimpleUploadedFile(filename, (DATA / filename).read_bytes()),
        },
    )


def attended(webinar) -> dict[str, tuple[int, bool]]:
    return {
        row.user.email: (row.minutes, row.attended)
        for row in Attendance.objects.filter(webinar=webinar).select_related("user")
    }


def test_zoom_report_adds_up_rejoins_and_applies_the_minimum(client, db):
    # given
    webinar = webinar_build(starts_in=PAST, minimum_attended_minutes=30)
    people()
    client.force_login(organiser())
    # when
    response = import_report(client, webinar, "zoom", "zoom_participants.csv")
    # then
    assert response.status_code == 200
    assert attended(webinar) == {
        "amina@example.org": (55, True),
        "carlos@example.org": (10, False),
    }
    report = response.context["report"]
    assert report.unmatched == ["stranger@elsewhere.example"]
    assert [(row.line, row.reason) for row in report.bad_rows] == [
        (9, "No valid e-mail address."),
        (10, "Unreadable duration."),
    ]
    assert "stranger@elsewhere.example" in response.text


def test_teams_report_in_utf16_reads_the_participants_section(client, db):
    webinar = webinar_build(starts_in=PAST, minimum_attended_minutes=30)
    people()
    client.force_login(organiser())

    response = import_report(client, webinar, "teams", "teams_attendance.csv")

    assert attended(webinar) == {
        "amina@example.org": (62, True),
        "carlos@example.org": (12, False),
        "dana@example.org": (45, True),
    }
    report = response.context["report"]
    assert report.unmatched == ["nobody@elsewhere.example"]
    assert [row.reason for row in report.bad_rows] == ["Unreadable duration."]


def test_importing_the_same_report_twice_changes_nothing(client, db):
    webinar = webinar_build(starts_in=PAST)
    people()
    client.force_login(organiser())
    import_report(client, webinar, "zoom", "zoom_participants.csv")
    first = attended(webinar)

    import_report(client, webinar, "zoom", "zoom_participants.csv")

    assert attended(webinar) == first
    assert Attendance.objects.filter(webinar=webinar).count() == 2


def test_a_file_that_is_not_a_participant_report_is_refused(client, db):
    webinar = webinar_build(starts_in=PAST)
    client.force_login(organiser())

    response = client.post(
        reverse("webinars:attendance", args=[webinar.pk]),
        {
            "import": "1",
            "source": "zoom",
            "file": SimpleUploadedFile("notes.csv", b"Title,Notes\nA,B\n"),
        },
    )

    assert "No participant table found" in response.text
    assert not Attendance.objects.exists()


def test_organiser_marks_attendance_by_hand(client, db):
    # given
    webinar = webinar_build(starts_in=timedelta(days=1))
    present, absent = practitioner(), practitioner()
    for user in (present, absent):
        client.force_login(user)
        client.post(reverse("webinars:register", args=[webinar.pk]))
    webinar.starts_at -= timedelta(days=2)
    webinar.save_revision().publish()
    # when
    client.force_login(organiser())
    client.post(
        reverse("webinars:attendance", args=[webinar.pk]),
        {"mark": "1", "attended": [str(present.pk)]},
    )
    # then
    assert {email: flag for email, (_m, flag) in attended(webinar).items()} == {
        present.email: True,
        absent.email: False,
    }


def test_attendance_page_is_404_for_a_participant(client, db):
    webinar = webinar_build(starts_in=PAST)
    client.force_login(practitioner())

    response = client.get(reverse("webinars:attendance", args=[webinar.pk]))

    assert response.status_code == 404


def test_webinar_edit_screen_links_to_attendance_and_recordings(client, db):
    webinar = webinar_build(starts_in=PAST)
    client.force_login(organiser())

    response = client.get(f"/admin/pages/{webinar.pk}/edit/")

    assert response.status_code == 200
    assert reverse("webinars:attendance", args=[webinar.pk]) in response.text
    assert reverse("webinars:recording_upload_page", args=[webinar.pk]) in response.text
