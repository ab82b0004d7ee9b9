"""Discussion e-mails and invitations leave through a real Celery worker."""

import pytest
from django.test import Client
from django.urls import reverse

from irooms.models import NotificationMode, Role
from tests.conftest import wait_until
from tests.irooms.factories import member_add, room_create


@pytest.fixture
def mail_dir(transactional_db, tmp_path, monkeypatch, request):
    """A running worker that writes its e-mails as files into a directory."""
    directory = tmp_path / "mail"
    directory.mkdir()
    monkeypatch.setenv(
        "TEST_WORKER_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    monkeypatch.setenv("TEST_WORKER_EMAIL_FILE_PATH", str(directory))
    request.getfixturevalue("celery_worker")
    return directory


def mails(directory) -> str:
    return "\n".join(path.read_text() for path in sorted(directory.iterdir()))


def test_question_to_experts_is_mailed_at_once_to_members_who_asked_for_it(mail_dir):
    # given a room with an expert (immediate e-mails) and a digest-only participant
    room = room_create()
    expert = member_add(room=room, role=Role.EXPERT)
    digest_reader = member_add(room=room)
    room.memberships.filter(user=digest_reader).update(
        notification_mode=NotificationMode.DIGEST
    )
    asker = member_add(room=room)
    client = Client()
    client.force_login(asker)

    # when a participant asks the experts a question
    response = client.post(
        reverse("irooms:thread_list", args=[room.pk]),
        {
            "title": "Admissibility of e-evidence",
            "body": "<p>How?</p>",
            "is_question": "on",
        },
    )
    assert response.status_code == 302

    # then the worker mails the expert, not the digest reader nor the asker
    text = wait_until(
        lambda: mails(mail_dir) if expert.email in mails(mail_dir) else "",
        timeout=30,
        message="The expert was not notified.",
    )
    thread = room.threads.get()
    assert f"/irooms/{room.pk}/discussions/{thread.pk}/" in text
    assert digest_reader.email not in text
    assert f"To: {asker.email}" not in text


def test_invitation_is_mailed_by_the_worker_with_its_link(mail_dir):
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    client = Client()
    client.force_login(trainer)

    client.post(
        reverse("irooms:member_manage", args=[room.pk]),
        {"action": "invite", "email": "guest@example.org", "role": "participant"},
    )

    text = wait_until(
        lambda: mails(mail_dir), timeout=30, message="No invitation was sent."
    )
    assert "guest@example.org" in text
    assert "/irooms/invitations/" in text
