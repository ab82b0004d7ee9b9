"""The daily digest and session reminders: who gets what, and never twice.

The task functions run in the test process here (their logic); the real worker
path is proven in test_notifications.py.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from irooms.models import NotificationMode, SessionRegistration
from irooms.tasks import discussion_digest_task, session_reminders_task
from tests.irooms.factories import (
    member_add,
    room_create,
    session_create,
    thread_create,
)

pytestmark = pytest.mark.django_db


def test_digest_sends_each_digest_member_the_new_visible_threads_once():
    # given a digest reader, an immediate reader, and threads after they joined
    room = room_create()
    reader = member_add(room=room)
    room.memberships.filter(user=reader).update(
        notification_mode=NotificationMode.DIGEST,
        joined_at=timezone.now() - timedelta(days=1),
    )
    member_add(room=room)  # immediate e-mails: not in the digest
    author = member_add(room=room)
    thread_create(room=room, author=author, title="Seizure of crypto-assets")
    thread_create(room=room, author=author, title="Hidden one", is_hidden=True)

    # when the digest runs, then runs again
    first = discussion_digest_task()
    second = discussion_digest_task()

    # then the digest reader got one e-mail with the visible thread, once
    assert (first, second) == (1, 0)
    [message] = mail.outbox
    assert message.to == [reader.email]
    assert room.title in message.subject
    assert "Seizure of crypto-assets" in message.body
    assert "Hidden one" not in message.body


def test_digest_skips_members_who_chose_no_e_mail():
    room = room_create()
    reader = member_add(room=room)
    room.memberships.filter(user=reader).update(
        notification_mode=NotificationMode.NONE,
        joined_at=timezone.now() - timedelta(days=1),
    )
    thread_create(room=room, author=member_add(room=room))

    assert discussion_digest_task() == 0
    assert mail.outbox == []


def test_reminder_goes_to_registered_members_of_sessions_within_a_day_once():
    # given a session tomorrow with one registered member, and one next week
    room = room_create()
    registered, not_registered = member_add(room=room), member_add(room=room)
    soon = session_create(room=room, title="Soon", starts_in=timedelta(hours=20))
    later = session_create(room=room, title="Later", starts_in=timedelta(days=7))
    SessionRegistration.objects.create(session=soon, user=registered)
    SessionRegistration.objects.create(session=later, user=registered)

    # when the reminder task runs twice
    first = session_reminders_task()
    second = session_reminders_task()

    # then one reminder, for the near session, to the registered member only
    assert (first, second) == (1, 0)
    [message] = mail.outbox
    assert message.to == [registered.email]
    assert "Soon" in message.subject
    assert not_registered.email not in message.to
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.reminder_sent_at is not None and later.reminder_sent_at is None
