"""Writes for webinars: registration, waiting list, reminders, attendance, videos."""

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import filetype
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from webinars import ics
from webinars.media import video_duration_seconds
from webinars.models import (
    Attendance,
    AttendanceSource,
    Caption,
    Recording,
    RecordingStatus,
    Registration,
    RegistrationStatus,
    ReminderDelivery,
    ReminderKind,
    WebinarPage,
)
from webinars.participant_reports import BadRow, parse_participant_report
from webinars.selectors import webinar_visible_to_user

logger = logging.getLogger(__name__)

VIDEO_TYPES = {"video/mp4": "mp4", "video/webm": "webm"}
# Reminder windows: the day reminder goes out between 24 h and 1 h before the
# start, the hour reminder in the last hour; each once per start time.
REMINDER_WINDOWS = {
    ReminderKind.DAY: (timedelta(hours=1), timedelta(hours=24)),
    ReminderKind.HOUR: (timedelta(0), timedelta(hours=1)),
}


def _record(**kwargs) -> None:
    from learning.records.api import record

    record(**kwargs)


def _event_type(name: str):
    from learning.records.api import EventType

    return getattr(EventType, name)


def _dimensions(webinar: WebinarPage, **extra) -> dict:
    rooms = [
        str(room_id) for room_id in webinar.series.rooms.values_list("pk", flat=True)
    ]
    return {"webinar": str(webinar.pk), "room": rooms[0] if rooms else "", **extra}


def _user_language(user, fallback: str) -> str:
    profile = getattr(user, "profile", None)
    language = getattr(profile, "preferred_language", "") or fallback
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


# --- registration ---------------------------------------------------------------


def _locked_webinar(webinar: WebinarPage) -> WebinarPage:
    """Lock the webinar's row: registrations for it are decided one at a time."""
    return WebinarPage.objects.select_for_update().get(pk=webinar.pk)


@transaction.atomic
def registration_create(
    *, webinar: WebinarPage, user, language: str = ""
) -> Registration:
    """Give the user a seat, or a place on the waiting list when the webinar is full.

    Registering again while registered or waiting changes nothing. Raises
    ValidationError when the webinar has started or the user may not see it.
    """
    webinar = _locked_webinar(webinar)
    if not webinar_visible_to_user(webinar=webinar, user=user):
        raise ValidationError(_("This webinar is not open to you."))
    if webinar.starts_at <= timezone.now():
        raise ValidationError(_("Registration has closed: the webinar has started."))
    registration = (
        Registration.objects.select_for_update()
        .filter(webinar=webinar, user=user)
        .first()
    )
    if registration and registration.status != RegistrationStatus.CANCELLED:
        return registration
    taken = Registration.objects.filter(
        webinar=webinar, status=RegistrationStatus.REGISTERED
    ).count()
    full = webinar.capacity is not None and taken >= webinar.capacity
    waiting = Registration.objects.filter(
        webinar=webinar, status=RegistrationStatus.WAITLISTED
    ).exists()
    status = (
        RegistrationStatus.WAITLISTED
        if full or waiting
        else RegistrationStatus.REGISTERED
    )
    language = _user_language(user, language or webinar.delivery_language)
    if registration is None:
        registration = Registration(webinar=webinar, user=user)
    registration.status = status
    registration.language = language
    registration.queued_at = timezone.now()
    registration.save()
    if status == RegistrationStatus.REGISTERED:
        _registered_record(registration, webinar)
    return registration


def _registered_record(registration: Registration, webinar: WebinarPage) -> None:
    _record(
        event_type=_event_type("WEBINAR_REGISTERED"),
        actor=registration.user,
        object_type="webinars.webinar",
        object_id=str(webinar.pk),
        dimensions=_dimensions(webinar),
        language=webinar.delivery_language,
        idempotency_key=None,
        occurred_at=None,
        context={},
    )


@transaction.atomic
def registration_cancel(*, webinar: WebinarPage, user) -> Registration | None:
    """Give the seat (or waiting place) back; the next person waiting gets the seat."""
    webinar = _locked_webinar(webinar)
    registration = (
        Registration.objects.select_for_update()
        .filter(webinar=webinar, user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    if registration is None:
        return None
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    waiting_list_promote(webinar=webinar)
    return registration


@transaction.atomic
def waiting_list_promote(*, webinar: WebinarPage) -> list[Registration]:
    """Fill free seats from the waiting list in the order people joined it."""
    webinar = _locked_webinar(webinar)
    if webinar.starts_at <= timezone.now():
        return []
    waiting = Registration.objects.select_for_update().filter(
        webinar=webinar, status=RegistrationStatus.WAITLISTED
    )
    if webinar.capacity is None:
        free = waiting.count()
    else:
        taken = Registration.objects.filter(
            webinar=webinar, status=RegistrationStatus.REGISTERED
        ).count()
        free = max(webinar.capacity - taken, 0)
    promoted = list(waiting.select_related("user").order_by("queued_at", "pk")[:free])
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
        _registered_record(registration, webinar)
        transaction.on_commit(
            lambda registration=registration: _promotion_notify(registration)
        )
    return promoted


def _promotion_notify(registration: Registration) -> None:
    webinar = registration.webinar
    with translation.override(registration.language):
        subject = _("You have a seat: %(title)s") % {"title": webinar.title}
        body = render_to_string(
            "webinars/email/promoted.txt",
            {"webinar": webinar, "registration": registration},
        )
    _mail(registration, subject, body)


def webinar_calendar_file(*, webinar: WebinarPage, include_join_link: bool) -> str:
    """The webinar as an .ics file; the join link only for those with a seat."""
    location = webinar.conferencing_url if include_join_link else ""
    return ics.webinar_calendar(
        uid=f"webinar-{webinar.pk}@{settings.WAGTAIL_SITE_NAME.replace(' ', '-')}",
        title=webinar.title,
        description=webinar.description,
        starts_at=webinar.starts_at,
        ends_at=webinar.ends_at,
        url=webinar.full_url or "",
        location=location,
        # Grows with each published change, so calendars take the new time.
        sequence=webinar.revisions.count(),
        language=webinar.delivery_language,
    )


# --- reminders --------------------------------------------------------------------


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Send every reminder that is due now; returns how many were sent.

    A reminder is keyed by registration, kind and the start time it announces, so
    running twice sends nothing twice, and a webinar that moved gets reminders for
    its new time (never for the old one: the start time is read afresh here).
    """
    now = now or timezone.now()
    sent = 0
    for kind, (nearest, farthest) in REMINDER_WINDOWS.items():
        registrations = (
            Registration.objects.filter(
                status=RegistrationStatus.REGISTERED,
                webinar__live=True,
                webinar__starts_at__gt=now + nearest,
                webinar__starts_at__lte=now + farthest,
            )
            .exclude(
                pk__in=ReminderDelivery.objects.filter(
                    kind=kind,
                    # Only reminders that announced the current start time count.
                    registration__webinar__starts_at=F("starts_at"),
                ).values("registration_id")
            )
            .select_related("user", "webinar")
            .order_by("pk")
        )
        for registration in registrations:
            if reminder_send(registration_id=registration.pk, kind=kind, now=now):
                sent += 1
    return sent


@transaction.atomic
def reminder_send(*, registration_id: int, kind: str, now: datetime) -> bool:
    """Claim and send one reminder; False if it was already sent or is no longer due."""
    registration = (
        Registration.objects.select_for_update()
        .select_related("user", "webinar")
        .filter(pk=registration_id, status=RegistrationStatus.REGISTERED)
        .first()
    )
    if registration is None:
        return False
    webinar = registration.webinar
    nearest, farthest = REMINDER_WINDOWS[kind]
    if not (now + nearest < webinar.starts_at <= now + farthest):
        return False
    try:
        with transaction.atomic():
            ReminderDelivery.objects.create(
                registration=registration, kind=kind, starts_at=webinar.starts_at
            )
    except IntegrityError:
        return False
    with translation.override(registration.language):
        subject = _("Reminder: %(title)s") % {"title": webinar.title}
        body = render_to_string(
            "webinars/email/reminder.txt",
            {
                "webinar": webinar,
                "registration": registration,
                "kind": kind,
                "starts_at_utc": webinar.starts_at,
                "time_zone": webinar.time_zone,
            },
        )
    # Sent inside the transaction: if sending fails, the claim is rolled back and
    # the next run tries again.
    _mail(registration, subject, body)
    return True


def _mail(registration: Registration, subject: str, body: str) -> None:
    EmailMessage(
        subject,
        body,
        None,
        [registration.user.email],
        headers={"Content-Language": registration.language},
    ).send()


# --- attendance -------------------------------------------------------------------


@dataclass
class AttendanceImportReport:
    matched: int = 0
    attended: int = 0
    unmatched: list[str] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)


def _users_by_email(emails: set[str]) -> dict[str, object]:
    from allauth.account.models import EmailAddress

    found = {}
    for address in EmailAddress.objects.filter(
        email__in=emails, verified=True
    ).select_related("user"):
        found[address.email.lower()] = address.user
    query = Q()
    for email in emails - set(found):
        query |= Q(email__iexact=email)
    if query:
        for user in get_user_model().objects.filter(query):
            found.setdefault(user.email.lower(), user)
    return found


@transaction.atomic
def attendance_import(
    *, webinar: WebinarPage, source: str, data: bytes
) -> AttendanceImportReport:
    """Set attendance from a Zoom or Teams participant report (CSV).

    People are matched by e-mail; minutes from several joins are added up; the
    webinar's minimum attended minutes decide "attended". Importing the same file
    again changes nothing. Raises ValidationError for a file that is not a
    participant report; bad rows and unmatched addresses are reported, not fatal.
    """
    if source not in (AttendanceSource.ZOOM, AttendanceSource.TEAMS):
        raise ValidationError(_("Choose Zoom or Teams as the report's source."))
    parsed = parse_participant_report(data)
    report = AttendanceImportReport(bad_rows=parsed.bad_rows)
    users = _users_by_email(set(parsed.seconds_by_email))
    for email, seconds in sorted(parsed.seconds_by_email.items()):
        user = users.get(email)
        if user is None:
            report.unmatched.append(email)
            continue
        attendance = attendance_set(
            webinar=webinar, user=user, minutes=seconds // 60, source=source
        )
        report.matched += 1
        report.attended += attendance.attended
    return report


@transaction.atomic
def attendance_set(
    *,
    webinar: WebinarPage,
    user,
    minutes: int | None = None,
    attended: bool | None = None,
    source: str = AttendanceSource.MANUAL,
) -> Attendance:
    """Store one person's attendance; by minutes (imports) or marked by hand."""
    if minutes is None and attended is None:
        raise ValidationError(_("Give the minutes attended or mark attended."))
    if webinar.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be recorded once the webinar began."))
    if attended is None:
        attended = minutes >= webinar.attended_threshold_minutes
    attendance, _created = Attendance.objects.select_for_update().get_or_create(
        webinar=webinar, user=user, defaults={"source": source}
    )
    attendance.minutes = minutes if minutes is not None else attendance.minutes
    attendance.attended = attended
    attendance.source = source
    attendance.save()
    if attended:
        _record(
            event_type=_event_type("WEBINAR_ATTENDED"),
            actor=user,
            object_type="webinars.webinar",
            object_id=str(webinar.pk),
            dimensions=_dimensions(webinar),
            language=webinar.delivery_language,
            # One attendance per person and webinar, however often imported.
            idempotency_key=f"webinar-attended:{webinar.pk}:{user.pk}",
            occurred_at=webinar.starts_at,
            context={"source": source, "minutes": attendance.minutes},
        )
    return attendance


# --- recordings -------------------------------------------------------------------


def _partial_path(recording: Recording) -> str:
    path = recording.file.storage.path(
        f"webinars/uploads/{recording.upload_token}.part"
    )
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


@transaction.atomic
def recording_upload_start(
    *, webinar: WebinarPage, user, title: str, filename: str, size: int
) -> Recording:
    """Open a resumable upload of `size` bytes. Raises ValidationError on bad input."""
    if size <= 0:
        raise ValidationError(_("The file is empty."))
    if size > settings.WEBINAR_RECORDING_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: at most %(limit)d MB.")
            % {"limit": settings.WEBINAR_RECORDING_MAX_BYTES // (1024 * 1024)}
        )
    extension = os.path.splitext(filename)[1].lower().lstrip(".")
    if extension not in VIDEO_TYPES.values():
        raise ValidationError(_("Upload an MP4 or WebM video."))
    recording = Recording.objects.create(
        webinar=webinar,
        title=(title or os.path.splitext(os.path.basename(filename))[0])[:200],
        original_filename=os.path.basename(filename)[:255],
        size=size,
        uploaded_by=user,
    )
    open(_partial_path(recording), "wb").close()
    return recording


class UploadOffsetMismatch(ValidationError):
    """The client sent a chunk for another offset than the server has."""

    def __init__(self, expected: int):
        super().__init__(
            _("The upload continues at byte %(offset)d.") % {"offset": expected}
        )
        self.expected = expected


def _content_type_of(path: str) -> str | None:
    kind = filetype.guess(path)
    if kind is None or kind.mime not in VIDEO_TYPES:
        return None
    return kind.mime


@transaction.atomic
def recording_upload_append(
    *, recording: Recording, offset: int, chunk: bytes
) -> Recording:
    """Append a chunk at `offset`; the last chunk checks the file and queues processing.

    Raises UploadOffsetMismatch (with the offset the server expects) when the chunk
    does not continue the file. Content that is not a video fails the recording
    (status "failed", with an error) and deletes the bytes.
    """
    recording = Recording.objects.select_for_update().get(pk=recording.pk)
    if recording.status != RecordingStatus.UPLOADING:
        raise ValidationError(_("This upload is finished."))
    if offset != recording.received_bytes:
        raise UploadOffsetMismatch(recording.received_bytes)
    if len(chunk) > settings.WEBINAR_UPLOAD_CHUNK_MAX_BYTES:
        raise ValidationError(_("The chunk is too large."))
    if offset + len(chunk) > recording.size:
        raise ValidationError(_("More bytes than announced."))
    path = _partial_path(recording)
    with open(path, "r+b") as stream:
        # Bytes beyond what the database confirms were never acknowledged: drop them.
        stream.truncate(offset)
        stream.seek(offset)
        stream.write(chunk)
    recording.received_bytes = offset + len(chunk)
    checkable = offset == 0 and len(chunk) >= 262
    complete = recording.received_bytes == recording.size
    content_type = _content_type_of(path) if checkable or complete else None
    if (checkable or complete) and content_type is None:
        # Nothing unchecked stays stored: the bytes go, the failure is kept.
        os.remove(path)
        recording.status = RecordingStatus.FAILED
        recording.error = _("This file is not an MP4 or WebM video.")
    elif complete:
        extension = VIDEO_TYPES[content_type]
        final_name = f"webinars/recordings/{recording.upload_token}.{extension}"
        final_path = recording.file.storage.path(final_name)
        os.makedirs(os.path.dirname(final_path), exist_ok=True)
        os.replace(path, final_path)
        recording.file.name = final_name
        recording.content_type = content_type
        recording.status = RecordingStatus.PROCESSING
        from webinars.tasks import recording_duration_read_task

        transaction.on_commit(lambda: recording_duration_read_task.delay(recording.pk))
    recording.save()
    return recording


@transaction.atomic
def recording_duration_read(*, recording_id: int) -> Recording:
    """Read the duration from the file's header and make the recording playable."""
    recording = Recording.objects.select_for_update().get(pk=recording_id)
    if recording.status not in (RecordingStatus.PROCESSING, RecordingStatus.READY):
        return recording
    path = recording.file.path
    with open(path, "rb") as stream:
        try:
            duration = video_duration_seconds(
                stream, os.path.getsize(path), recording.content_type
            )
        except (ValueError, OSError, IndexError, EOFError) as error:
            logger.warning("No duration for recording %s: %s", recording.pk, error)
            duration = None
    recording.duration_seconds = duration
    recording.status = RecordingStatus.READY
    recording.save(update_fields=["duration_seconds", "status", "updated_at"])
    return recording


@transaction.atomic
def caption_upload(*, recording: Recording, language: str, data: bytes) -> Caption:
    """Add or replace the WebVTT captions of one language."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Choose a language."))
    if len(data) > settings.WEBINAR_CAPTION_MAX_BYTES:
        raise ValidationError(_("The captions file is too large."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("Captions must be UTF-8 text.")) from error
    if not text.startswith("WEBVTT"):
        raise ValidationError(_("This is not a WebVTT file (it must start WEBVTT)."))
    from django.core.files.base import ContentFile

    caption, _created = Caption.objects.get_or_create(
        recording=recording, language=language
    )
    if caption.file:
        caption.file.delete(save=False)
    caption.file.save(f"{recording.upload_token}.{language}.vtt", ContentFile(data))
    return caption
