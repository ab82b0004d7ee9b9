"""Resumable chunked upload of recordings, checked by content; duration, captions."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.webinars.factories import DATA, organiser, practitioner, webinar_build
from webinars.models import Recording, RecordingStatus
from webinars.services import recording_duration_read

VIDEO = (DATA / "recording.webm").read_bytes()
VIDEO_SIZE = len(VIDEO)


def start(client, webinar, *, filename="session.webm", size=VIDEO_SIZE):
    return client.post(
        reverse("webinars:recording_upload_start", args=[webinar.pk]),
        data=json.dumps({"filename": filename, "size": size, "title": "Session 1"}),
        content_type="application/json",
    )


def send(client, url, offset, chunk):
    return client.post(
        url,
        data=chunk,
        content_type="application/octet-stream",
        HTTP_UPLOAD_OFFSET=str(offset),
    )


def test_an_interrupted_upload_resumes_from_the_offset_the_server_reports(
    client, db, django_capture_on_commit_callbacks
):
    # given: the first 40 000 bytes arrived, then the connection broke
    webinar = webinar_build()
    client.force_login(organiser())
    url = start(client, webinar).json()["upload_url"]
    send(client, url, 0, VIDEO[:40_000])
    # when: the client asks where to continue and sends the rest in two chunks
    offset = client.get(url).json()["offset"]
    replayed = send(client, url, 10_000, VIDEO[10_000:20_000])
    send(client, url, offset, VIDEO[offset:70_000])
    with django_capture_on_commit_callbacks() as queued:
        done = send(client, url, 70_000, VIDEO[70_000:])
    recording = recording_duration_read(recording_id=done.json()["id"])
    # then
    assert offset == 40_000
    assert replayed.status_code == 409
    assert replayed.json()["offset"] == 40_000
    assert done.json()["status"] == "processing"
    assert len(queued) == 1  # the duration task, after commit
    assert recording.status == RecordingStatus.READY
    assert recording.duration_seconds == 20.0
    with recording.file.open("rb") as stored:
        assert stored.read() == VIDEO


def test_mp4_duration_is_read_from_its_movie_header(client, db):
    webinar = webinar_build()
    client.force_login(organiser())
    data = (DATA / "recording.mp4").read_bytes()
    url = start(client, webinar, filename="talk.mp4", size=len(data)).json()[
        "upload_url"
    ]

    done = send(client, url, 0, data)
    recording = recording_duration_read(recording_id=done.json()["id"])

    assert recording.content_type == "video/mp4"
    assert recording.duration_seconds == 12.0


def test_a_file_that_is_not_a_video_is_refused_and_deleted(client, db, private_files):
    webinar = webinar_build()
    client.force_login(organiser())
    fake = b"%PDF-1.7\n" + b"x" * 1000
    url = start(client, webinar, filename="slides.webm", size=len(fake)).json()[
        "upload_url"
    ]

    response = send(client, url, 0, fake)

    assert response.status_code == 400
    assert Recording.objects.get().status == RecordingStatus.FAILED
    assert not list((private_files / "webinars" / "uploads").iterdir())


def test_too_large_or_wrong_kind_of_file_is_refused_before_upload(client, db, settings):
    settings.WEBINAR_RECORDING_MAX_BYTES = 1000
    webinar = webinar_build()
    client.force_login(organiser())

    too_large = start(client, webinar, size=1001)
    wrong_kind = start(client, webinar, filename="notes.exe", size=10)

    assert too_large.status_code == 400
    assert "too large" in too_large.json()["error"]
    assert wrong_kind.status_code == 400
    assert not Recording.objects.exists()


def test_participants_cannot_upload(client, db):
    webinar = webinar_build()
    client.force_login(practitioner())

    assert start(client, webinar).status_code == 404


def test_captions_per_language_are_served_with_the_player(client, db):
    # given
    from tests.webinars.factories import recording_build

    webinar = webinar_build()
    recording = recording_build(webinar=webinar)
    client.force_login(organiser())
    page = reverse("webinars:recording_upload_page", args=[webinar.pk])
    vtt = b"WEBVTT\n\n00:00.000 --> 00:02.000\nBonjour\n"
    # when
    client.post(
        page,
        {
            "recording": recording.pk,
            "language": "fr",
            "file": SimpleUploadedFile("fr.vtt", vtt),
        },
    )
    refused = client.post(
        page,
        {
            "recording": recording.pk,
            "language": "es",
            "file": SimpleUploadedFile("es.vtt", b"not captions"),
        },
    )
    player = client.get(reverse("webinars:recording_player", args=[recording.pk]))
    caption = client.get(
        reverse("webinars:recording_caption", args=[recording.pk, "fr"])
    )
    # then
    assert 'srclang="fr"' in player.text
    assert 'srclang="es"' not in player.text
    assert "not a WebVTT file" in refused.text
    assert caption["Content-Type"].startswith("text/vtt")
    assert caption.content == vtt
