"""Storage of the LRS: clients, statements with their query indexes, documents."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LrsClient(models.Model):
    """Credentials an xAPI client uses (HTTP Basic), issued and revoked by staff."""

    class Scope(models.TextChoices):
        READ = "read", _("Read statements and documents")
        WRITE = "write", _("Write statements and documents")
        READ_WRITE = "read_write", _("Read and write")

    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(_("key"), max_length=64, unique=True, editable=False)
    # Hashed like a user's password; the secret itself is shown once, at issue.
    secret_hash = models.CharField(max_length=256, editable=False)
    scope = models.CharField(
        _("scope"), max_length=20, choices=Scope.choices, default=Scope.READ_WRITE
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Untick to revoke: the client's next request is refused."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("xAPI client")
        verbose_name_plural = _("xAPI clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def can_read(self) -> bool:
        return self.scope in (self.Scope.READ, self.Scope.READ_WRITE)

    @property
    def can_write(self) -> bool:
        return self.scope in (self.Scope.WRITE, self.Scope.READ_WRITE)


class Statement(models.Model):
    """One stored statement; `data` is exactly what the LRS returns."""

    statement_id = models.UUIDField(unique=True)
    data = models.JSONField()
    verb_id = models.CharField(max_length=2048, db_index=True)
    object_activity_id = models.CharField(max_length=2048, blank=True, db_index=True)
    object_statement_ref = models.UUIDField(null=True, blank=True, db_index=True)
    registration = models.UUIDField(null=True, blank=True, db_index=True)
    stored = models.DateTimeField(db_index=True)
    timestamp = models.DateTimeField()
    is_voiding = models.BooleanField(default=False)
    voided = models.BooleanField(default=False)
    client = models.ForeignKey(
        LrsClient, null=True, on_delete=models.SET_NULL, related_name="statements"
    )

    class Meta:
        indexes = [models.Index(fields=["voided", "-id"], name="xapi_stmt_voided_id")]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementAgent(models.Model):
    """An agent IFI a statement mentions; `direct` when it is the actor or object."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="agent_links"
    )
    ifi = models.CharField(max_length=1024)
    direct = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["ifi", "direct"], name="xapi_agent_ifi")]

    def __str__(self) -> str:
        return self.ifi


class StatementActivity(models.Model):
    """An activity a statement mentions; `direct` when it is the object."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="activity_links"
    )
    activity_id = models.CharField(max_length=2048)
    direct = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["activity_id", "direct"], name="xapi_activity_iri")
        ]

    def __str__(self) -> str:
        return self.activity_id


class Attachment(models.Model):
    """Attachment content, stored once per SHA-2 and shared by statements."""

    sha2 = models.CharField(max_length=128, primary_key=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.sha2


class Activity(models.Model):
    """The canonical definition of an activity, merged from the statements."""

    activity_id = models.CharField(max_length=2048, unique=True)
    definition = models.JSONField(default=dict)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.activity_id


class Document(models.Model):
    """A state, activity profile or agent profile document (Part 3 §2.3-2.6)."""

    class Kind(models.TextChoices):
        STATE = "state", "State"
        ACTIVITY_PROFILE = "activity_profile", "Activity profile"
        AGENT_PROFILE = "agent_profile", "Agent profile"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    activity_id = models.CharField(max_length=2048, blank=True)
    agent_ifi = models.CharField(max_length=1024, blank=True)
    registration = models.CharField(max_length=36, blank=True)
    document_id = models.CharField(max_length=2048)
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField()

    # Hashes keep the indexes small whatever the length of the IRIs: `scope_hash`
    # names the (kind, activity, agent, registration) a listing asks for and
    # `key_hash` adds the document id (the natural key).
    scope_hash = models.CharField(max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["scope_hash", "updated"], name="xapi_document_scope")
        ]

    def __str__(self) -> str:
        return self.document_id


# --- the platform's own events as statements, and statements as learning events ---


class AgentAccount(models.Model):
    """The opaque, stable account name a learner has in xAPI statements.

    Statements name learners by `{"homePage": SITE_URL, "name": <this uuid>}`, never
    by e-mail address: a partner pulling the records learns no personal data, and
    the platform maps the name back to the learner for incoming statements.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    name = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    def __str__(self) -> str:
        return str(self.name)


class PlatformFeed(models.Model):
    """The per-installation secret namespace of the platform's statement ids.

    Statement id = uuid5(namespace, event idempotency key): stable, so re-running
    the feed changes nothing, and not guessable from the (public) source code, so
    an id does not reveal which learner and object it is about.
    """

    name = models.CharField(max_length=40, primary_key=True)
    namespace = models.UUIDField(default=uuid.uuid4, editable=False)

    def __str__(self) -> str:
        return self.name


class FeedMark(models.Model):
    """At `run_at`, every row committed up to `last_id` was processed by `feed`.

    Feeds: "events" (learning events -> statements) and "incoming" (client
    statements -> learning events). A run starts from the last mark older than the
    overlap, since ids are taken at insert but rows become visible at commit.
    """

    feed = models.CharField(max_length=20)
    run_at = models.DateTimeField()
    last_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["feed", "run_at"], name="xapi_feedmark_run")]

    def __str__(self) -> str:
        return f"{self.feed} {self.last_id} at {self.run_at}"


class ActivityMapping(models.Model):
    """Staff say which course or lesson an external activity IRI stands for."""

    activity_iri = models.CharField(
        _("activity IRI"),
        max_length=2048,
        unique=True,
        help_text=_(
            "The activity id that the xAPI or SCORM content uses in its statements."
        ),
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("course or lesson"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_(
            "A “completed” or “passed” statement about this activity completes this "
            "lesson (or this course, once its requirements are met)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("xAPI activity mapping")
        verbose_name_plural = _("xAPI activity mappings")
        ordering = ["activity_iri"]

    def __str__(self) -> str:
        return self.activity_iri


class StatementIngestion(models.Model):
    """What one incoming completion statement did on the platform; once per id."""

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        REFUSED = "refused", _("Refused")

    statement_id = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_kind = models.CharField(max_length=10)
    target_key = models.CharField(max_length=64)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    message = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("incoming completion")
        verbose_name_plural = _("incoming completions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.outcome}"
