"""Rooms as Wagtail pages, with their members, resources, sessions and discussions."""

import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from courses.api import ViewRestrictionsInOneQueryMixin
from learning.accounts.gates import profile_gate


class JoinPolicy(models.TextChoices):
    INVITATION = "invitation", _("Invitation only")
    REQUEST = "request", _("Request and approval")
    OPEN = "open", _("Open to any signed-in practitioner")


class RoomIndexPage(Page):
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["irooms.RoomPage"]
    max_count = 1

    class Meta:
        verbose_name = _("rooms index")

    def get_context(self, request, *args, **kwargs):
        from irooms.selectors import room_list_for_user
        from irooms.services import user_can_create_room

        context = super().get_context(request, *args, **kwargs)
        context["rooms"] = room_list_for_user(user=request.user)
        context["can_create_room"] = user_can_create_room(request.user)
        return context

    def route(self, request, path_components):
        # Only rooms live here: one query for the room, where Wagtail asks for the
        # child page and then for its specific type (every room URL goes this way).
        if not path_components:
            return super().route(request, path_components)
        room = RoomPage.objects.child_of(self).filter(slug=path_components[0]).first()
        if room is None:
            raise Http404
        room._cached_parent_obj = self
        return room.route(request, path_components[1:])


class RoomPage(ViewRestrictionsInOneQueryMixin, Page):
    """A secure room: members only; a complete profile before anyone gets past the door.

    Non-members of an open or request-and-approval room see a door (title, summary,
    join button) and nothing else; an invitation-only room is a 404 to them. Anonymous
    visitors of the room's own URL are sent to log in; every other private URL of a
    room is a 404 to them (see irooms.access).
    """

    summary = models.TextField(_("summary"), blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_("Language codes the room works in, e.g. en, fr."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    join_policy = models.CharField(
        _("join policy"),
        max_length=20,
        choices=JoinPolicy.choices,
        default=JoinPolicy.INVITATION,
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name=_("private collection"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="room",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("summary"),
                FieldRowPanel([FieldPanel("topic"), FieldPanel("region")]),
                FieldPanel("languages"),
                FieldPanel("cover_image"),
            ],
            heading=_("About the room"),
        ),
        MultiFieldPanel([FieldPanel("join_policy")], heading=_("Access")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("topic"),
        index.FilterField("join_policy"),
    ]
    parent_page_types = ["irooms.RoomIndexPage"]
    subpage_types = ["irooms.RoomContentPage", "irooms.RoomFormPage"]
    # A copy (or a translation) is another room: it gets a private collection of
    # its own when saved, never the original's.
    exclude_fields_in_copy = ["collection"]

    class Meta:
        verbose_name = _("room")

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.collection_id is None:
            from irooms.services import room_collection_ensure

            room_collection_ensure(room=self)

    def serve(self, request, *args, **kwargs):
        from irooms.views import room_page_serve

        return room_page_serve(request, page=self, serve=super().serve, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from irooms.caching import room_home_shared
        from irooms.selectors import room_home

        context = super().get_context(request, *args, **kwargs)
        context["home"] = room_home(
            room=self,
            user=request.user,
            summary=getattr(self, "membership_summary", None),
        )
        context["shared"] = room_home_shared(room=self)
        return context


class RoomChildMixin:
    """A page inside a room: served only to the room's members, 404 to anyone else."""

    @cached_property
    def room(self) -> RoomPage:
        return RoomPage.objects.ancestor_of(self).get()

    def serve(self, request, *args, **kwargs):
        from irooms.access import user_can_view_room

        if not user_can_view_room(request.user, self.room.pk):
            raise Http404
        return profile_gate(request) or super().serve(request, *args, **kwargs)


class RoomContentPage(RoomChildMixin, Page):
    """A page of the room's own content (a guide, a briefing, a note)."""

    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["irooms.RoomPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("room page")


class FormKind(models.TextChoices):
    GOOD_PRACTICE = "good-practice", _("Good practice")
    STOCKTAKING = "stocktaking", _("Stocktaking questionnaire")


class RoomFormField(AbstractFormField):
    page = ParentalKey(
        "irooms.RoomFormPage", on_delete=models.CASCADE, related_name="form_fields"
    )


class RoomFormPage(RoomChildMixin, AbstractForm):
    """A good-practice or stocktaking form that only the room's members can answer."""

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=FormKind.choices,
        default=FormKind.GOOD_PRACTICE,
    )
    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(_("thank-you text"), blank=True)

    content_panels = AbstractForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("kind"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                InlinePanel("form_fields", label=_("Form fields")),
            ],
            heading=_("Questions"),
        ),
        FieldPanel("thank_you_text"),
    ]
    parent_page_types = ["irooms.RoomPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("room form (good practice, stocktaking)")

    def get_submission_class(self):
        return RoomFormSubmission

    def process_form_submission(self, form):
        from irooms.services import room_form_submission_create

        return room_form_submission_create(
            page=self, user=form.user, data=form.cleaned_data
        )


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not published")


class RoomFormSubmission(models.Model):
    """A member's answer to a room form, reviewed by the room's trainers."""

    page = models.ForeignKey(
        RoomFormPage, on_delete=models.CASCADE, related_name="room_submissions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    form_data = models.JSONField(default=dict)
    submit_time = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.SUBMITTED,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("form submission")
        indexes = [models.Index(fields=["page", "status"])]

    def __str__(self):
        return f"{self.page_id} by {self.user_id} ({self.status})"

    def get_data(self):
        return {**self.form_data, "submit_time": self.submit_time}


# Membership -----------------------------------------------------------------


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    EXPERT = "expert", _("Expert")
    TRAINER = "trainer", _("Trainer (moderator)")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Request pending")
    ACTIVE = "active", _("Member")
    REFUSED = "refused", _("Request refused")
    REMOVED = "removed", _("Removed")
    LEFT = "left", _("Left")


class NotificationMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DIGEST = "digest", _("Daily digest")
    NONE = "none", _("Never")


class Membership(models.Model):
    """One row per room and user; the status says whether the user is in."""

    room = models.ForeignKey(
        RoomPage, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="room_memberships",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    directory_visible = models.BooleanField(_("show me in the directory"), default=True)
    notification_mode = models.CharField(
        _("discussion e-mails"),
        max_length=20,
        choices=NotificationMode.choices,
        default=NotificationMode.IMMEDIATE,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    digest_sent_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(
                fields=["room", "user"], name="irooms_membership_unique_room_user"
            )
        ]
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["room", "status", "role"]),
        ]

    def __str__(self):
        return f"{self.user} in {self.room_id} ({self.role}, {self.status})"


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An e-mail invitation; it works for people who have no account yet."""

    room = models.ForeignKey(
        RoomPage, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        max_length=20, choices=Role.choices, default=Role.PARTICIPANT
    )
    token = models.CharField(max_length=64, unique=True, default=invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        indexes = [models.Index(fields=["email", "accepted_at"])]

    def __str__(self):
        return f"{self.email} to {self.room_id}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


# Resources ------------------------------------------------------------------


class ResourceType(models.TextChoices):
    MANUAL = "manual", _("Manual")
    RESOLUTION = "resolution", _("Key resolution")
    REPORT = "report", _("Report")
    GUIDE = "guide", _("Guide")
    LEGISLATION = "legislation", _("Legislation")
    CASE_LAW = "case-law", _("Case law")
    TOOL = "tool", _("Tool")


class LegalSystem(models.TextChoices):
    COMMON_LAW = "common-law", _("Common law")
    CIVIL_LAW = "civil-law", _("Civil law")
    MIXED = "mixed", _("Mixed")
    OTHER = "other", _("Other")


class ResourceTag(TaggedItemBase):
    content_object = ParentalKey(
        "irooms.Resource", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ResourceQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """Resources that can be searched with Wagtail search after filtering."""


class Resource(index.Indexed, ClusterableModel):
    """A manual, resolution, report... shared by one or more rooms."""

    objects = ResourceQuerySet.as_manager()

    title = models.CharField(_("title"), max_length=255)
    resource_type = models.CharField(
        _("type"), max_length=20, choices=ResourceType.choices
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    country = CountryField(_("country"), blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    legal_system = models.CharField(
        _("legal system"), max_length=20, choices=LegalSystem.choices, blank=True
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="room_resources",
    )
    rooms = ParentalManyToManyField(
        RoomPage, verbose_name=_("rooms"), related_name="resources", blank=True
    )
    tags = ClusterTaggableManager(through=ResourceTag, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("resource_type"), FieldPanel("year")]),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("languages"),
                FieldRowPanel([FieldPanel("country"), FieldPanel("region")]),
                FieldPanel("legal_system"),
                FieldPanel("tags"),
            ],
            heading=_("Classification"),
        ),
        FieldPanel("document"),
        FieldPanel("rooms"),
    ]
    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary"),
        index.FilterField("id"),
        index.FilterField("resource_type"),
        index.FilterField("legal_system"),
        index.FilterField("year"),
        index.FilterField("country"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = _("resource")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


# Sessions -------------------------------------------------------------------


class SessionMode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in-person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


def private_storage():
    """Files that must never be reachable by URL: served only after a check."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class Session(models.Model):
    """A training session or workshop of a room."""

    room = models.ForeignKey(
        RoomPage, on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=255)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=90)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    mode = models.CharField(
        _("mode"),
        max_length=20,
        choices=SessionMode.choices,
        default=SessionMode.ONLINE,
    )
    agenda = models.TextField(_("agenda"), blank=True)
    join_url = models.URLField(_("link to join"), blank=True)
    location = models.CharField(_("location"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    materials = models.ManyToManyField(
        "wagtaildocs.Document", blank=True, related_name="+"
    )
    recording = models.FileField(
        _("recording"),
        upload_to="irooms/recordings/",
        storage=private_storage,
        blank=True,
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        ordering = ["starts_at"]

    def __str__(self):
        return self.title


class AttendanceSource(models.TextChoices):
    TRAINER = "trainer", _("Marked by a trainer")
    CSV = "csv", _("Imported from CSV")


class SessionRegistration(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    attendance_source = models.CharField(
        max_length=20, choices=AttendanceSource.choices, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="irooms_registration_unique"
            )
        ]

    def __str__(self):
        return f"{self.user_id} in {self.session_id}"


# Discussions ----------------------------------------------------------------


class Thread(models.Model):
    """A discussion, or a question to the room's experts."""

    room = models.ForeignKey(RoomPage, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"))
    is_question = models.BooleanField(_("question to the experts"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(default=timezone.now, db_index=True)
    is_hidden = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    notified_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["room", "-last_activity_at"])]

    def __str__(self):
        return self.title


class Reply(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)
    is_expert_answer = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Reply {self.pk} to {self.thread_id}"


class Attachment(models.Model):
    """A file attached to a discussion or to one of its replies, stored privately.

    `thread` is always set (it says which room the file is in); `reply` is set when
    the file belongs to a reply. A file follows its post: hidden with it (only the
    room's trainers and staff get it), deleted with it.
    """

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="attachments"
    )
    reply = models.ForeignKey(
        Reply,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(upload_to="irooms/attachments/", storage=private_storage)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.filename

    @property
    def kind(self) -> str:
        """The file's type as people name it (PDF, DOCX, PNG); its real type."""
        return self.filename.rsplit(".", 1)[-1].upper()


# Audit ----------------------------------------------------------------------


class AccessAction(models.TextChoices):
    OPENED = "opened", _("Opened")
    DOWNLOADED = "downloaded", _("Downloaded")


class AccessLogEntry(models.Model):
    """Who opened or downloaded which private item: the audit trail staff read."""

    room = models.ForeignKey(
        RoomPage, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50)
    object_label = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user_id} {self.action} {self.object_type} {self.object_id}"
