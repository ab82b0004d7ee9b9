"""Raw learning events, counted units (facts), daily and monthly roll-ups, surveys."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    ROOM_JOINED = "room_joined", _("Room joined")
    ROOM_LEFT = "room_left", _("Room left")
    COURSE_ENROLLED = "course_enrolled", _("Course enrolled")
    LESSON_COMPLETED = "lesson_completed", _("Lesson completed")
    QUIZ_ATTEMPTED = "quiz_attempted", _("Quiz attempted")
    QUIZ_PASSED = "quiz_passed", _("Quiz passed")
    COURSE_COMPLETED = "course_completed", _("Course completed")
    CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
    RESOURCE_VIEWED = "resource_viewed", _("Resource viewed")
    RESOURCE_DOWNLOADED = "resource_downloaded", _("Resource downloaded")
    RECORDING_VIEWED = "recording_viewed", _("Recording played")
    RECORDING_DOWNLOADED = "recording_downloaded", _("Recording downloaded")
    WEBINAR_REGISTERED = "webinar_registered", _("Webinar registered")
    WEBINAR_ATTENDED = "webinar_attended", _("Webinar attended")
    SESSION_REGISTERED = "session_registered", _("Session registered")
    SESSION_ATTENDED = "session_attended", _("Session attended")
    SURVEY_ANSWERED = "survey_answered", _("Survey answered")


class Event(models.Model):
    """One append-only learning event; the idempotency key makes every insert safe."""

    idempotency_key = models.CharField(max_length=100, unique=True)
    event_type = models.CharField(max_length=32, choices=EventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        # History is append-only: deleting a user keeps the events, anonymised.
    )
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=100)
    occurred_at = models.DateTimeField(db_index=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    language = models.CharField(max_length=10, blank=True)
    # Snapshot of the actor's profile at the moment of the event.
    country = models.CharField(max_length=2, blank=True)
    sector = models.CharField(max_length=40, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    # Report dimensions (strings: ids, or a course's language-independent key).
    room = models.CharField(max_length=64, blank=True)
    course = models.CharField(max_length=64, blank=True)
    webinar = models.CharField(max_length=64, blank=True)
    recording = models.CharField(max_length=64, blank=True)
    context = models.JSONField(default=dict, blank=True)
    via = models.CharField(max_length=10, default="database")

    class Meta:
        indexes = [
            models.Index(fields=["event_type", "occurred_at"]),
            models.Index(fields=["event_type", "actor", "occurred_at"]),
        ]
        permissions = [("view_training_report", "Can view training reports")]

    def __str__(self):
        return f"{self.event_type} {self.object_type}:{self.object_id}"


class Fact(models.Model):
    """One counted unit under one version of the counting rules (a figure's record)."""

    version = models.CharField(max_length=16)
    metric = models.CharField(max_length=32)
    unit_key = models.CharField(max_length=200)
    day = models.DateField()
    occurred_at = models.DateTimeField()
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    actor_id = models.BigIntegerField(null=True)
    object_key = models.CharField(max_length=170)
    language = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=2, blank=True)
    sector = models.CharField(max_length=40, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    room = models.CharField(max_length=64, blank=True)
    course = models.CharField(max_length=64, blank=True)
    webinar = models.CharField(max_length=64, blank=True)
    recording = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "metric", "unit_key"], name="records_fact_unit"
            )
        ]
        indexes = [
            models.Index(fields=["version", "day", "metric"]),
            models.Index(fields=["version", "metric", "day", "actor_id"]),
        ]

    def __str__(self):
        return f"{self.metric} {self.unit_key} ({self.version})"


class Rollup(models.Model):
    """A count per period (day or month), metric, filter scope and breakdown value."""

    version = models.CharField(max_length=16)
    grain = models.CharField(max_length=5)  # "day" or "month"
    period = models.DateField()
    metric = models.CharField(max_length=32)
    # "", "room:17", or filters that combine: "country:KE|language:fr".
    scope = models.CharField(max_length=255, blank=True)
    dimension = models.CharField(max_length=20, blank=True)  # "" is the total
    value = models.CharField(max_length=140, blank=True)
    count = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "version",
                    "grain",
                    "period",
                    "metric",
                    "scope",
                    "dimension",
                    "value",
                ],
                name="records_rollup_cell",
            )
        ]
        indexes = [models.Index(fields=["version", "scope", "grain", "period"])]

    def __str__(self):
        return f"{self.metric} {self.period} {self.scope} {self.dimension}"


class DirtyDay(models.Model):
    """A day whose events changed since its roll-up; the roll-up task clears it."""

    day = models.DateField(primary_key=True)
    marked_at = models.DateTimeField()

    def __str__(self):
        return str(self.day)


class Watermark(models.Model):
    """Named instants, such as when the stream was last drained empty."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} {self.at}"


class SurveyInvitation(models.Model):
    """The one follow-up survey a learner is sent about one completion or session."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=100)
    source_event = models.ForeignKey(
        Event, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "object_type", "object_id"],
                name="records_survey_once",
            )
        ]

    def __str__(self):
        return f"survey {self.object_type}:{self.object_id}"


class ReportingToken(models.Model):
    """A personal API token for the training-report API; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name

    def is_usable(self, now) -> bool:
        """Neither revoked nor past its expiry at `now`."""
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > now
        )

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)
