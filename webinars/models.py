"""Webinar pages; registrations, reminders, attendance, recordings, captions."""

import uuid
import zoneinfo
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page
from wagtail.search import index


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Choose a time zone from the list."))


def recording_storage() -> FileSystemStorage:
    """Private storage without a URL: files leave only after a permission check."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class WebinarIndexPage(Page):
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["webinars.WebinarSeriesPage"]
    max_count = 1

    class Meta:
        verbose_name = _("webinars index")

    def get_context(self, request, *args, **kwargs):
        from webinars.selectors import series_visible_to

        context = super().get_context(request, *args, **kwargs)
        context["series_list"] = series_visible_to(user=request.user, index=self)
        return context


class WebinarSeriesPage(Page):
    """A series of webinars; it belongs to rooms (members only) or is public."""

    theme = models.CharField(_("theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Anyone may see a public series and its recordings. Otherwise only "
            "members of the rooms below may."
        ),
    )
    rooms = ParentalManyToManyField(
        "irooms.RoomPage",
        blank=True,
        related_name="webinar_series",
        verbose_name=_("rooms"),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("theme"), FieldPanel("description")], heading=_("Series")
        ),
        MultiFieldPanel(
            [FieldPanel("is_public"), FieldPanel("rooms")],
            heading=_("Who may take part"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("theme"),
        index.SearchField("description"),
    ]
    parent_page_types = ["webinars.WebinarIndexPage"]
    subpage_types = ["webinars.WebinarPage"]

    class Meta:
        verbose_name = _("webinar series")

    def serve(self, request, *args, **kwargs):
        from webinars.views import deny_unless_visible

        return deny_unless_visible(request, self) or super().serve(
            request, *args, **kwargs
        )

    def get_context(self, request, *args, **kwargs):
        from webinars.selectors import webinars_of_series

        context = super().get_context(request, *args, **kwargs)
        context["webinars"] = webinars_of_series(series=self)
        return context


class ConferencingService(models.TextChoices):
    ZOOM = "zoom", "Zoom"
    TEAMS = "teams", "Microsoft Teams"
    BIGBLUEBUTTON = "bigbluebutton", "BigBlueButton"
    JITSI = "jitsi", "Jitsi Meet"
    OTHER = "other", _("Other")


class WebinarPage(Page):
    """One webinar: when, in what language, who speaks, where to join, the seats."""

    theme = models.CharField(_("theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    delivery_language = models.CharField(
        _("language of delivery"), max_length=10, choices=settings.LANGUAGES
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("The organiser's time zone; each visitor also sees their own."),
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Seats; leave empty for no limit. Beyond it, a waiting list."),
    )
    conferencing_service = models.CharField(
        _("conferencing service"),
        max_length=20,
        choices=ConferencingService.choices,
        default=ConferencingService.ZOOM,
    )
    conferencing_url = models.URLField(_("link to join"), blank=True)
    minimum_attended_minutes = models.PositiveIntegerField(
        _("minimum attended minutes"),
        null=True,
        blank=True,
        help_text=_(
            "Time in the session that counts as attended; empty: site default."
        ),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("theme"),
                FieldPanel("description"),
                FieldPanel("delivery_language"),
            ],
            heading=_("Webinar"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("starts_at"),
                FieldPanel("time_zone", widget=forms.Select(choices=time_zone_choices)),
                FieldPanel("duration_minutes"),
            ],
            heading=_("When"),
        ),
        InlinePanel("speakers", heading=_("Speakers and experts"), label=_("Person")),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldPanel("conferencing_service"),
                FieldPanel("conferencing_url"),
                FieldPanel("minimum_attended_minutes"),
            ],
            heading=_("Taking part"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("theme"),
        index.SearchField("description"),
        index.FilterField("delivery_language"),
        index.FilterField("starts_at"),
    ]
    parent_page_types = ["webinars.WebinarSeriesPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("webinar")

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @cached_property
    def series(self) -> "WebinarSeriesPage":
        # The parent by its tree path: one query, where get_parent() and then the
        # specific page take two.
        return WebinarSeriesPage.objects.get(path=self.path[: -self.steplen])

    @property
    def attended_threshold_minutes(self) -> int:
        if self.minimum_attended_minutes is not None:
            return self.minimum_attended_minutes
        return settings.WEBINAR_MINIMUM_ATTENDED_MINUTES

    def serve(self, request, *args, **kwargs):
        from webinars.views import deny_unless_visible

        return deny_unless_visible(request, self) or super().serve(
            request, *args, **kwargs
        )

    def get_context(self, request, *args, **kwargs):
        from webinars.selectors import webinar_detail_for

        context = super().get_context(request, *args, **kwargs)
        context.update(webinar_detail_for(webinar=self, user=request.user))
        return context


class SpeakerRole(models.TextChoices):
    SPEAKER = "speaker", _("Speaker")
    EXPERT = "expert", _("Expert")
    MODERATOR = "moderator", _("Moderator")


class WebinarSpeaker(Orderable):
    webinar = ParentalKey(
        WebinarPage, on_delete=models.CASCADE, related_name="speakers"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role"), max_length=20, choices=SpeakerRole.choices, default="speaker"
    )
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("affiliation")]

    def __str__(self):
        return self.name


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """One person's place at one webinar; unique per webinar and user."""

    webinar = models.ForeignKey(
        WebinarPage, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webinar_registrations",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices
    )
    language = models.CharField(
        _("language for e-mails"), max_length=10, choices=settings.LANGUAGES
    )
    # The waiting list is served in the order people joined it.
    queued_at = models.DateTimeField(_("queued at"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration")
        constraints = [
            models.UniqueConstraint(
                fields=["webinar", "user"], name="webinar_registration_unique"
            )
        ]
        indexes = [models.Index(fields=["webinar", "status", "queued_at"])]

    def __str__(self):
        return f"{self.user} @ {self.webinar_id} ({self.status})"


class ReminderKind(models.TextChoices):
    DAY = "day", _("A day before")
    HOUR = "hour", _("An hour before")


class ReminderDelivery(models.Model):
    """A reminder sent, keyed by the start time it announced.

    A webinar that moves has a new start time, so its reminders are due again.
    """

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "starts_at"],
                name="webinar_reminder_once_per_start",
            )
        ]

    def __str__(self):
        return f"{self.kind} reminder for {self.registration_id} at {self.starts_at}"


class AttendanceSource(models.TextChoices):
    ZOOM = "zoom", "Zoom"
    TEAMS = "teams", "Microsoft Teams"
    MANUAL = "manual", _("Marked by hand")


class Attendance(models.Model):
    """Minutes one person spent in one webinar, and whether that counts as attended."""

    webinar = models.ForeignKey(
        WebinarPage, on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webinar_attendances",
    )
    minutes = models.PositiveIntegerField(_("minutes attended"), default=0)
    attended = models.BooleanField(_("attended"), default=False)
    source = models.CharField(
        _("source"), max_length=10, choices=AttendanceSource.choices
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["webinar", "user"], name="webinar_attendance_unique"
            )
        ]
        indexes = [models.Index(fields=["webinar", "attended"])]

    def __str__(self):
        return f"{self.user} @ {self.webinar_id}: {self.minutes} min"


class RecordingStatus(models.TextChoices):
    UPLOADING = "uploading", _("Uploading")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Recording(models.Model):
    """A video of a webinar, stored privately and streamed after a permission check."""

    webinar = models.ForeignKey(
        WebinarPage, on_delete=models.CASCADE, related_name="recordings"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        storage=recording_storage,
        upload_to="webinars/recordings/",
        blank=True,
    )
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    received_bytes = models.PositiveBigIntegerField(default=0)
    duration_seconds = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=RecordingStatus.choices, default="uploading"
    )
    error = models.CharField(max_length=300, blank=True)
    upload_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recording")
        indexes = [models.Index(fields=["webinar", "status"])]

    def __str__(self):
        return self.title


class Caption(models.Model):
    """WebVTT captions for a recording, one file per language."""

    recording = models.ForeignKey(
        Recording, on_delete=models.CASCADE, related_name="captions"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES
    )
    file = models.FileField(storage=recording_storage, upload_to="webinars/captions/")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recording", "language"], name="webinar_caption_per_language"
            )
        ]

    def __str__(self):
        return f"{self.recording} ({self.language})"
