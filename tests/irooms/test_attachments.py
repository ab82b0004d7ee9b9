"""Discussion attachments: the resource upload rules, private storage, members only."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from irooms.models import AccessLogEntry, Attachment, Thread
from tests.irooms.factories import PDF_BYTES, member_add, practitioner, room_create

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_thread(client, room, upload):
    return client.post(
        reverse("irooms:thread_list", args=[room.pk]),
        {
            "title": "Evidence checklist",
            "body": "<p>See file</p>",
            "attachment": upload,
        },
    )


def test_member_attaches_a_pdf_that_members_download_and_outsiders_cannot():
    # given a room with two members
    room = room_create()
    author, reader = member_add(room=room), member_add(room=room)

    # when one starts a discussion with a PDF (named oddly)
    response = post_thread(
        client_for(author), room, SimpleUploadedFile("checklist.bin", PDF_BYTES)
    )

    # then it is stored privately, named by its real type
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.filename == "checklist.pdf"
    assert attachment.content_type == "application/pdf"
    path = attachment.file.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))

    # and another member downloads it from the discussion (audited)
    url = reverse("irooms:attachment_download", args=[room.pk, attachment.pk])
    thread_page = client_for(reader).get(
        reverse("irooms:thread_detail", args=[room.pk, attachment.thread_id])
    )
    assert url.encode() in thread_page.content
    download = client_for(reader).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert AccessLogEntry.objects.filter(object_type="irooms.attachment").count() == 1

    # while an outsider gets 404
    assert client_for(practitioner()).get(url).status_code == 404


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            SimpleUploadedFile("tool.pdf", b"MZ\x90\x00" + b"\x00" * 200),
            b"This type of file is not accepted",
        ),
        (SimpleUploadedFile("empty.pdf", b""), b"file is empty"),
    ],
    ids=["executable-named-pdf", "empty"],
)
def test_refused_attachment_explains_why_and_saves_nothing(upload, message):
    room = room_create()

    response = post_thread(client_for(member_add(room=room)), room, upload)

    assert response.status_code == 400
    assert message in response.content
    assert not Thread.objects.exists()
    assert not Attachment.objects.exists()


@override_settings(IROOMS_UPLOAD_MAX_BYTES=1000)
def test_attachment_over_the_size_limit_is_refused():
    room = room_create()

    response = post_thread(
        client_for(member_add(room=room)),
        room,
        SimpleUploadedFile("big.pdf", PDF_BYTES),
    )

    assert response.status_code == 400
    assert b"The file is too large" in response.content
    assert not Thread.objects.exists()
