"""Discussion attachments: the resource upload rules, private storage, members only."""

import uuid

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from irooms.models import (
    AccessLogEntry,
    Attachment,
    MembershipStatus,
    Reply,
    Role,
    Thread,
)
from tests.irooms.factories import (
    PDF_BYTES,
    member_add,
    practitioner,
    reply_create,
    room_create,
    thread_create,
)

pytestmark = pytest.mark.django_db

DISGUISED = {
    "executable": b"MZ\x90\x00" + b"\x00" * 200,
    "html": b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>",
}


@pytest.fixture(autouse=True)
def attachment_files_removed():
    """The files these tests store go when the test ends (rows roll back)."""
    yield
    for attachment in Attachment.objects.all():
        attachment.file.delete(save=False)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def unique_name(extension: str) -> str:
    return f"upload-{uuid.uuid4().hex}.{extension}"


def stored_files(name: str) -> list:
    """Files on disk whose name starts like the upload's (the real type may differ)."""
    stem = name.rsplit(".", 1)[0]
    return list((settings.PRIVATE_MEDIA_ROOT / "irooms").rglob(f"{stem}*"))


def post_thread(client, room, *uploads):
    return client.post(
        reverse("irooms:thread_list", args=[room.pk]),
        {
            "title": "Evidence checklist",
            "body": "<p>See file</p>",
            "attachments": uploads,
        },
    )


def post_reply(client, thread, *uploads):
    return client.post(
        reverse("irooms:thread_detail", args=[thread.room_id, thread.pk]),
        {"body": "<p>Here is the form</p>", "attachments": uploads},
    )


def download(client, attachment):
    room_id = attachment.thread.room_id
    return client.get(
        reverse("irooms:attachment_download", args=[room_id, attachment.pk])
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
    response = client_for(reader).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert AccessLogEntry.objects.filter(object_type="irooms.attachment").count() == 1

    # while an outsider gets 404
    assert client_for(practitioner()).get(url).status_code == 404


def test_member_replies_with_a_pdf_listed_with_its_type_and_size_for_members():
    # given a discussion and two members
    room = room_create()
    asker, replier = member_add(room=room), member_add(room=room)
    thread = thread_create(room=room, author=asker)

    # when one replies with a PDF
    response = post_reply(
        client_for(replier), thread, SimpleUploadedFile("form.pdf", PDF_BYTES)
    )

    # then the reply lists it with its type and size
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.reply == Reply.objects.get(thread=thread)
    page = client_for(asker).get(response.url).content.decode()
    url = reverse("irooms:attachment_download", args=[room.pk, attachment.pk])
    assert f'<a href="{url}">form.pdf</a> (PDF, 2.0\xa0KB)' in page

    # and the asker downloads it, which the audit trail records with the file's name
    response = download(client_for(asker), attachment)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    entry = AccessLogEntry.objects.get(object_type="irooms.attachment")
    assert (entry.user, entry.room_id, entry.action, entry.object_label) == (
        asker,
        room.pk,
        "downloaded",
        "form.pdf",
    )


@pytest.mark.parametrize(
    "visitor",
    ["outsider", "pending", "member-of-another-room"],
)
def test_attachment_is_404_to_anyone_outside_the_room(visitor):
    room, other_room = room_create(), room_create(title="Other room")
    thread = thread_create(room=room, author=member_add(room=room))
    post_reply(
        client_for(member_add(room=room)),
        thread,
        SimpleUploadedFile("form.pdf", PDF_BYTES),
    )
    user = {
        "outsider": practitioner,
        "pending": lambda: member_add(room=room, status=MembershipStatus.PENDING),
        "member-of-another-room": lambda: member_add(room=other_room),
    }[visitor]()

    response = download(client_for(user), Attachment.objects.get())

    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(object_type="irooms.attachment").exists()


@pytest.mark.parametrize("disguise", sorted(DISGUISED))
@pytest.mark.parametrize("post", [post_thread, post_reply], ids=["thread", "reply"])
def test_file_disguised_as_pdf_is_refused_on_its_input_and_nothing_is_stored(
    post, disguise
):
    # given a member of a discussion
    room = room_create()
    member = member_add(room=room)
    thread = thread_create(room=room, author=member)
    good_name, name = unique_name("pdf"), unique_name("pdf")

    # when they post with an executable or a web page renamed to .pdf, and a real PDF
    response = post(
        client_for(member),
        room if post is post_thread else thread,
        SimpleUploadedFile(good_name, PDF_BYTES),
        SimpleUploadedFile(name, DISGUISED[disguise]),
    )

    # then the form says which file is refused and why, tied to the file input
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{name}: This type of file is not accepted. Accepted types:" in page
    assert '<ul class="errorlist" id="id_attachments_error">' in page
    assert 'aria-describedby="id_attachments_helptext id_attachments_error"' in page
    assert 'aria-invalid="true"' in page
    # and nothing is saved: no post, no attachment row, no file on disk
    assert list(Thread.objects.all()) == [thread]
    assert not Reply.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(good_name) == stored_files(name) == []


@override_settings(IROOMS_UPLOAD_MAX_BYTES=1000)
@pytest.mark.parametrize("post", [post_thread, post_reply], ids=["thread", "reply"])
def test_attachment_over_the_size_limit_is_refused(post):
    room = room_create()
    member = member_add(room=room)
    thread = thread_create(room=room, author=member)
    name = unique_name("pdf")

    response = post(
        client_for(member),
        room if post is post_thread else thread,
        SimpleUploadedFile(name, PDF_BYTES),
    )

    assert response.status_code == 400
    assert "The file is too large (2.0\xa0KB). The limit is 1000\xa0bytes." in (
        response.content.decode()
    )
    assert list(Thread.objects.all()) == [thread]
    assert not Reply.objects.exists()
    assert stored_files(name) == []


def test_empty_attachment_is_refused():
    room = room_create()

    response = post_thread(
        client_for(member_add(room=room)), room, SimpleUploadedFile("empty.pdf", b"")
    )

    assert response.status_code == 400
    assert b"The submitted file is empty." in response.content
    assert not Thread.objects.exists()


def test_at_most_three_files_per_post():
    room = room_create()
    names = [unique_name("pdf") for _ in range(4)]

    response = post_thread(
        client_for(member_add(room=room)),
        room,
        *(SimpleUploadedFile(name, PDF_BYTES) for name in names),
    )

    assert response.status_code == 400
    assert b"Attach at most 3 files to one post." in response.content
    assert not Thread.objects.exists()
    assert all(stored_files(name) == [] for name in names)


def test_file_input_tells_members_what_they_may_attach():
    room = room_create()

    page = client_for(member_add(room=room)).get(
        reverse("irooms:thread_list", args=[room.pk])
    )

    html = page.content.decode()
    assert '<label for="id_attachments">Attach files:</label>' in html
    assert "Optional. Up to 3 files of at most 50.0\xa0MB each: PDF, DOCX" in html
    assert 'aria-describedby="id_attachments_helptext"' in html
    assert "multiple" in html.split('id="id_attachments"')[0].rsplit("<input", 1)[1]


@pytest.mark.parametrize("hidden", ["thread", "reply"])
def test_hidden_posts_attachment_is_served_to_trainers_only(hidden):
    # given a reply with a file, then hidden (the reply or its thread) by a trainer
    room = room_create()
    participant = member_add(room=room)
    trainer = member_add(room=room, role=Role.TRAINER)
    thread = thread_create(room=room, author=participant)
    post_reply(client_for(participant), thread, SimpleUploadedFile("a.pdf", PDF_BYTES))
    reply = Reply.objects.get()
    client_for(trainer).post(
        reverse("irooms:thread_moderate", args=[room.pk, thread.pk]),
        {"action": "hide", "reason": "Personal data", "reply": reply.pk}
        if hidden == "reply"
        else {"action": "hide", "reason": "Personal data"},
    )
    attachment = Attachment.objects.get()

    # when its author and a trainer ask for the file
    participant_response = download(client_for(participant), attachment)
    trainer_response = download(client_for(trainer), attachment)

    # then only the trainer gets it
    assert participant_response.status_code == 404
    assert trainer_response.status_code == 200


@pytest.mark.parametrize("deleted", ["thread", "reply"])
def test_deleting_a_post_deletes_its_files(deleted, django_capture_on_commit_callbacks):
    # given a discussion and a reply, each with a file
    room = room_create()
    participant = member_add(room=room)
    trainer = member_add(room=room, role=Role.TRAINER)
    post_thread(client_for(participant), room, SimpleUploadedFile("a.pdf", PDF_BYTES))
    thread = Thread.objects.get()
    post_reply(client_for(participant), thread, SimpleUploadedFile("b.pdf", PDF_BYTES))
    reply = Reply.objects.get()
    attachments = list(Attachment.objects.all())

    # when a trainer deletes the thread, or the reply, with a reason
    with django_capture_on_commit_callbacks(execute=True):
        client_for(trainer).post(
            reverse("irooms:thread_moderate", args=[room.pk, thread.pk]),
            {"action": "delete", "reason": "Copyright", "reply": reply.pk}
            if deleted == "reply"
            else {"action": "delete", "reason": "Copyright"},
        )

    # then the deleted post's files are gone, from the database and the disk,
    # and not served even to the trainer; the other post's file stays
    gone = attachments if deleted == "thread" else [attachments[1]]
    for attachment in attachments:
        response = download(client_for(trainer), attachment)
        is_gone = attachment in gone
        assert response.status_code == (404 if is_gone else 200)
        assert Attachment.objects.filter(pk=attachment.pk).exists() is not is_gone
        assert attachment.file.storage.exists(attachment.file.name) is not is_gone


def test_trainer_sees_a_moderation_form_for_each_reply():
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    thread = thread_create(room=room, author=trainer)
    reply = reply_create(thread=thread, author=member_add(room=room))

    page = client_for(trainer).get(
        reverse("irooms:thread_detail", args=[room.pk, thread.pk])
    )

    html = page.content.decode()
    assert f'<label for="id_reply_{reply.pk}_reason">Reason:</label>' in html
    assert f'name="reply" value="{reply.pk}"' in html
