"""SCORM packages, the lesson page that plays one, and each learner's attempt."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from courses.models import LessonPage


class PackageStatus(models.TextChoices):
    PENDING = "pending", _("queued")
    VALIDATING = "validating", _("validating")
    UNPACKING = "unpacking", _("unpacking")
    READY = "ready", _("ready")
    FAILED = "failed", _("refused")


PREPARING = (PackageStatus.PENDING, PackageStatus.VALIDATING, PackageStatus.UNPACKING)


class ImportAs(models.TextChoices):
    LESSON = "lesson", _("a lesson of an existing course")
    COURSE = "course", _("a whole new course (one lesson per item)")


class ScormPackage(models.Model):
    """An uploaded SCORM zip: checked on upload, unpacked by a Celery task."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=255)
    version = models.CharField(_("SCORM version"), max_length=30)
    manifest = models.JSONField(default=dict, editable=False)
    status = models.CharField(
        max_length=10, choices=PackageStatus.choices, default=PackageStatus.PENDING
    )
    error = models.TextField(blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    zip_bytes = models.PositiveBigIntegerField(default=0)
    unpacked_bytes = models.PositiveBigIntegerField(default=0)
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    # What the admin upload asked to create once the package is unpacked.
    import_as = models.CharField(max_length=10, choices=ImportAs.choices, blank=True)
    import_into = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The module (lesson) or the course catalogue (course)."),
    )
    import_publish = models.BooleanField(default=False)
    imported_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    unpacked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SCORM package")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.title} (SCORM {self.version})"

    @property
    def standard(self) -> str:
        return "scorm12" if self.version == "1.2" else "scorm2004"


class ScormLessonPage(LessonPage):
    """A lesson whose content is a SCORM package, played from the content origin."""

    package = models.ForeignKey(
        ScormPackage,
        verbose_name=_("SCORM package"),
        on_delete=models.PROTECT,
        related_name="lessons",
    )
    item_identifier = models.CharField(
        _("item to launch"),
        max_length=255,
        blank=True,
        help_text=_(
            "Empty: the whole package, with navigation between its items (SCOs)."
        ),
    )

    content_panels = LessonPage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("package"), FieldPanel("item_identifier")],
            heading=_("SCORM package"),
        )
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []
    template = "scorm/scorm_lesson_page.html"

    class Meta:
        verbose_name = _("SCORM lesson")

    def get_context(self, request, *args, **kwargs):
        from scorm.selectors import lesson_launch_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_launch_context(lesson=self, request=request))
        return context


class ScormAttempt(models.Model):
    """A learner's run of one item (SCO) of a package in one lesson: its CMI data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    package = models.ForeignKey(
        ScormPackage, on_delete=models.CASCADE, related_name="attempts"
    )
    lesson_key = models.UUIDField()
    item_identifier = models.CharField(max_length=255, blank=True)
    cmi = models.JSONField(default=dict)
    sessions = models.JSONField(default=dict)  # session id -> seconds
    completion_status = models.CharField(max_length=20, default="not attempted")
    success_status = models.CharField(max_length=20, default="unknown")
    score_scaled = models.DecimalField(
        max_digits=8, decimal_places=7, null=True, blank=True
    )
    location = models.CharField(max_length=1000, blank=True)
    suspend_data = models.TextField(blank=True)
    total_seconds = models.PositiveIntegerField(default=0)
    exit = models.CharField(max_length=20, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "package", "lesson_key", "item_identifier"],
                name="scorm_one_attempt_per_learner_lesson_item",
            )
        ]

    def __str__(self):
        return f"{self.user_id} in package {self.package_id}"
