"""Discussions, moderation, expert answers, uploads and attendance import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from irooms.models import Resource, Role, SessionRegistration, Thread
from tests.irooms.factories import (
    PDF_BYTES,
    member_add,
    reply_create,
    room_create,
    session_create,
    thread_create,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_posted_text_is_sanitised():
    room = room_create()
    member = member_add(room=room)

    client_for(member).post(
        reverse("irooms:thread_list", args=[room.pk]),
        {"title": "Hi", "body": '<p onclick="x()">Hello<script>alert(1)</script></p>'},
    )

    assert Thread.objects.get(room=room).body == "<p>Hello</p>"


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [("hide", "is_hidden", True), ("lock", "is_locked", True)],
)
def test_trainer_moderates_a_thread_with_a_reason(action, field, value):
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    author = member_add(room=room)
    thread = thread_create(room=room, author=author)

    client_for(trainer).post(
        reverse("irooms:thread_moderate", args=[room.pk, thread.pk]),
        {"action": action, "reason": "Off topic"},
    )

    thread.refresh_from_db()
    assert getattr(thread, field) is value
    assert thread.moderation_reason == "Off topic"


def test_hidden_thread_is_gone_for_participants_and_locked_thread_takes_no_reply():
    room = room_create()
    author = member_add(room=room)
    hidden = thread_create(room=room, author=author, is_hidden=True)
    locked = thread_create(room=room, author=author, is_locked=True)
    client = client_for(author)

    hidden_response = client.get(
        reverse("irooms:thread_detail", args=[room.pk, hidden.pk])
    )
    reply_response = client.post(
        reverse("irooms:thread_detail", args=[room.pk, locked.pk]), {"body": "More"}
    )

    assert hidden_response.status_code == 404
    assert reply_response.status_code == 400
    assert not locked.replies.exists()


def test_moderation_without_a_reason_changes_nothing():
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    thread = thread_create(room=room, author=trainer)

    client_for(trainer).post(
        reverse("irooms:thread_moderate", args=[room.pk, thread.pk]),
        {"action": "delete", "reason": ""},
    )

    thread.refresh_from_db()
    assert thread.deleted_at is None


def test_expert_marks_an_answer_and_a_participant_cannot():
    room = room_create()
    asker = member_add(room=room)
    expert = member_add(room=room, role=Role.EXPERT)
    thread = thread_create(room=room, author=asker, is_question=True)
    reply = reply_create(thread=thread, author=expert)
    url = reverse("irooms:reply_mark_answer", args=[room.pk, reply.pk])

    refused = client_for(asker).post(url)
    client_for(expert).post(url)

    reply.refresh_from_db()
    assert refused.status_code == 403
    assert reply.is_expert_answer


def test_upload_is_checked_by_content_not_by_name():
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    url = reverse("irooms:resource_upload", args=[room.pk])
    disguised = SimpleUploadedFile("manual.pdf", b"MZ\x90\x00" + b"\x00" * 500)

    refused = client_for(trainer).post(
        url, {"title": "Fake", "resource_type": "manual", "file": disguised}
    )
    accepted = client_for(trainer).post(
        url,
        {
            "title": "Real",
            "resource_type": "manual",
            "file": SimpleUploadedFile("real.pdf", PDF_BYTES),
        },
    )

    assert refused.status_code == 400
    assert "not accepted" in refused.content.decode()
    assert accepted.status_code == 302
    assert list(Resource.objects.values_list("title", flat=True)) == ["Real"]
    document = Resource.objects.get().document
    assert document.collection_id == room.collection_id


def test_upload_over_the_size_limit_is_refused_clearly(settings):
    settings.IROOMS_UPLOAD_MAX_BYTES = 1000
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)

    response = client_for(trainer).post(
        reverse("irooms:resource_upload", args=[room.pk]),
        {
            "title": "Big",
            "resource_type": "manual",
            "file": SimpleUploadedFile("big.pdf", PDF_BYTES),
        },
    )

    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not Resource.objects.exists()


def test_attendance_csv_marks_good_rows_and_reports_bad_ones():
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    present = member_add(room=room)
    session = session_create(room=room)
    rows = f"email\n{present.email}\nnobody@example.org\n\n".encode()

    response = client_for(trainer).post(
        reverse("irooms:session_attendance", args=[room.pk, session.pk]),
        {"csv_file": SimpleUploadedFile("attendance.csv", rows)},
    )

    assert response.status_code == 200
    assert SessionRegistration.objects.get(session=session).user == present
    page = response.content.decode()
    assert "nobody@example.org" in page
    assert "No account with this address." in page


def test_room_search_finds_only_this_rooms_resources():
    from tests.irooms.factories import ResourceFactory

    room, other = room_create(), room_create(title="Other")
    member = member_add(room=room)
    ResourceFactory(title="Terrorist financing manual", rooms=[room])
    ResourceFactory(title="Terrorist financing secret", rooms=[other])

    response = client_for(member).get(
        reverse("irooms:resource_list", args=[room.pk]), {"q": "financing"}
    )

    page = response.content.decode()
    assert "Terrorist financing manual" in page
    assert "Terrorist financing secret" not in page
