"""Room e-mails from Celery: invitations, discussion notices, digests, reminders.

Every task takes ids, re-reads, and marks what it sent, so running it twice sends
nothing twice.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from irooms.models import (
    Invitation,
    Membership,
    MembershipStatus,
    NotificationMode,
    Reply,
    Role,
    Session,
    SessionRegistration,
    Thread,
)

REMINDER_AHEAD = timedelta(hours=24)


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _url(name: str, *args) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _absolute(reverse(name, args=args))


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def invitation_send_task(self, invitation_id: int) -> bool:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("room")
            .filter(pk=invitation_id, sent_at__isnull=True)
            .first()
        )
        if invitation is None:
            return False
        link = _url("irooms:invitation_accept", invitation.token)
        send_mail(
            _("You are invited to the room “%(room)s”")
            % {"room": invitation.room.title},
            _(
                "You are invited to join the room “%(room)s” on the Learning "
                "Platform.\n\nAccept the invitation (you can create an account "
                "if you have none):\n%(link)s\n"
            )
            % {"room": invitation.room.title, "link": link},
            None,
            [invitation.email],
        )
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return True


def _immediate_recipients(room_id: int, *, exclude_user_id, include_ids=None):
    members = Membership.objects.filter(
        room_id=room_id,
        status=MembershipStatus.ACTIVE,
        notification_mode=NotificationMode.IMMEDIATE,
    ).exclude(user_id=exclude_user_id)
    if include_ids is not None:
        members = members.filter(
            Q(user_id__in=include_ids) | Q(role__in=[Role.EXPERT, Role.TRAINER])
        )
    return list(members.values_list("user__email", flat=True))


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def thread_notify_task(self, thread_id: int) -> int:
    """Tell members who asked for immediate e-mails about a new discussion."""
    with transaction.atomic():
        thread = (
            Thread.objects.select_for_update()
            .select_related("room")
            .filter(pk=thread_id, notified_at__isnull=True, deleted_at__isnull=True)
            .first()
        )
        if thread is None:
            return 0
        recipients = _immediate_recipients(
            thread.room_id, exclude_user_id=thread.author_id
        )
        link = _url("irooms:thread_detail", thread.room_id, thread.pk)
        subject = (
            _("New question to the experts in %(room)s: %(title)s")
            if thread.is_question
            else _("New discussion in %(room)s: %(title)s")
        ) % {"room": thread.room.title, "title": thread.title}
        for email in recipients:
            send_mail(
                subject, _("Read and reply: %(link)s") % {"link": link}, None, [email]
            )
        thread.notified_at = timezone.now()
        thread.save(update_fields=["notified_at"])
    return len(recipients)


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def reply_notify_task(self, reply_id: int) -> int:
    """Tell the thread's author and participants (and experts) about a reply."""
    with transaction.atomic():
        reply = (
            Reply.objects.select_for_update()
            .select_related("thread__room")
            .filter(pk=reply_id, notified_at__isnull=True, deleted_at__isnull=True)
            .first()
        )
        if reply is None:
            return 0
        thread = reply.thread
        involved = set(thread.replies.values_list("author_id", flat=True))
        involved.add(thread.author_id)
        recipients = _immediate_recipients(
            thread.room_id, exclude_user_id=reply.author_id, include_ids=involved
        )
        link = _url("irooms:thread_detail", thread.room_id, thread.pk)
        subject = _("New reply in %(room)s: %(title)s") % {
            "room": thread.room.title,
            "title": thread.title,
        }
        for email in recipients:
            send_mail(subject, _("Read it: %(link)s") % {"link": link}, None, [email])
        reply.notified_at = timezone.now()
        reply.save(update_fields=["notified_at"])
    return len(recipients)


@shared_task
def discussion_digest_task() -> int:
    """Once a day: each digest member gets one e-mail per room with what is new."""
    sent = 0
    now = timezone.now()
    members = Membership.objects.filter(
        status=MembershipStatus.ACTIVE, notification_mode=NotificationMode.DIGEST
    ).select_related("user", "room")
    for membership in members:
        sent += membership_digest_send(membership_id=membership.pk, until=now)
    return sent


def membership_digest_send(*, membership_id: int, until) -> int:
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("user", "room")
            .get(pk=membership_id)
        )
        since = membership.digest_sent_until or membership.joined_at or until
        threads = list(
            Thread.objects.filter(
                room_id=membership.room_id,
                deleted_at__isnull=True,
                is_hidden=False,
                last_activity_at__gt=since,
                last_activity_at__lte=until,
            ).order_by("-last_activity_at")[:50]
        )
        membership.digest_sent_until = until
        membership.save(update_fields=["digest_sent_until"])
        if not threads:
            return 0
        lines = [
            "- "
            + thread.title
            + ": "
            + _url("irooms:thread_detail", thread.room_id, thread.pk)
            for thread in threads
        ]
        send_mail(
            _("What is new in %(room)s") % {"room": membership.room.title},
            "\n".join(lines),
            None,
            [membership.user.email],
        )
    return 1


@shared_task
def session_reminders_task() -> int:
    """Remind registered members of sessions starting in the next 24 hours, once."""
    now = timezone.now()
    sent = 0
    due = Session.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_AHEAD,
        reminder_sent_at__isnull=True,
    ).values_list("pk", flat=True)
    for session_id in due:
        sent += session_reminder_send(session_id=session_id)
    return sent


def session_reminder_send(*, session_id: int) -> int:
    with transaction.atomic():
        session = (
            Session.objects.select_for_update()
            .select_related("room")
            .filter(pk=session_id, reminder_sent_at__isnull=True)
            .first()
        )
        if session is None:
            return 0
        emails = SessionRegistration.objects.filter(session=session).values_list(
            "user__email", flat=True
        )
        link = _url("irooms:session_list", session.room_id)
        for email in emails:
            send_mail(
                _("Reminder: %(title)s") % {"title": session.title},
                _("The session starts at %(start)s (%(tz)s). Details: %(link)s")
                % {
                    "start": session.starts_at.isoformat(),
                    "tz": session.timezone,
                    "link": link,
                },
                None,
                [email],
            )
        session.reminder_sent_at = timezone.now()
        session.save(update_fields=["reminder_sent_at"])
    return len(emails)
