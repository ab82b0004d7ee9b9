"""Every change to a room goes through here: membership, resources, sessions, talk."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import nh3
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from irooms import events, selectors
from irooms.access import room_role_forget, user_can_manage_room
from irooms.models import (
    AccessAction,
    AccessLogEntry,
    Attachment,
    AttendanceSource,
    Invitation,
    JoinPolicy,
    Membership,
    MembershipStatus,
    NotificationMode,
    Reply,
    Resource,
    Role,
    RoomFormSubmission,
    RoomIndexPage,
    RoomPage,
    Session,
    SessionRegistration,
    SubmissionStatus,
    Thread,
)
from irooms.uploads import (
    ATTACHMENT_TYPES,
    ATTACHMENTS_PER_POST,
    DOCUMENT_TYPES,
    TEXT_TYPES,
    Allowed,
    upload_validate,
)

INVITATION_LIFETIME = timedelta(days=30)
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code"}


def sanitise(text: str) -> str:
    """Member-written text: a few harmless tags, safe links, nothing else."""
    return nh3.clean(
        text or "",
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def _deny_unless_manager(*, actor, room: RoomPage) -> None:
    if not user_can_manage_room(actor, room.pk):
        raise ValidationError(_("Only the room's trainers can do this."))


# Rooms ----------------------------------------------------------------------


# Every room's collection sits under this one, a child of the root, never under a
# collection that Wagtail's groups manage: a group's collection permissions cover
# every collection below (see migration 0004, which moved the default groups' ones
# from the root to "Public media").
ROOMS_COLLECTION = "Rooms (private)"


def _rooms_collection() -> Collection:
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    return root.get_children().filter(name=ROOMS_COLLECTION).first() or (
        root.add_child(name=ROOMS_COLLECTION)
    )


@transaction.atomic
def room_collection_ensure(*, room: RoomPage) -> Collection:
    """Give the room its own private collection (login restriction + hook).

    It goes under ROOMS_COLLECTION, out of reach of the groups that manage the
    public media; only superusers and groups given that collection see it in the
    Wagtail admin.
    """
    if room.collection_id:
        return room.collection
    collection = _rooms_collection().add_child(
        name=f"Room {room.pk}: {room.title}"[:255]
    )
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    RoomPage.objects.filter(pk=room.pk).update(collection=collection)
    room.collection = collection
    return collection


def user_can_create_room(user) -> bool:
    """Staff and the platform's trainers (the Trainers group) may open new rooms."""
    from learning.accounts.selectors import user_is_trainer

    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user_is_trainer(user)


def _unique_child_slug(*, parent, title: str) -> str:
    base = slugify(title)[:60] or "room"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def room_create(
    *,
    index: RoomIndexPage,
    actor,
    title: str,
    summary: str = "",
    topic: str = "",
    region: str = "",
    languages: list[str] | None = None,
    join_policy: str = JoinPolicy.INVITATION,
) -> RoomPage:
    """Open a new live room under `index`; its creator becomes its first trainer.

    Raises ValidationError when the actor may not create rooms or the input is bad.
    """
    if not user_can_create_room(actor):
        raise ValidationError(_("Only trainers and staff can create rooms."))
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("A room needs a title."))
    if join_policy not in JoinPolicy.values:
        raise ValidationError(_("Unknown join policy."))
    room = RoomPage(
        title=title[:255],
        slug=_unique_child_slug(parent=index, title=title),
        summary=(summary or "").strip(),
        topic=(topic or "").strip()[:200],
        region=(region or "").strip()[:200],
        languages=list(languages or []),
        join_policy=join_policy,
        owner=actor,
    )
    index.add_child(instance=room)
    # The service decided who may open rooms; Wagtail page permissions are for
    # the admin (trainers have no admin access).
    revision = room.save_revision(user=actor, log_action=True)
    revision.publish(user=actor, skip_permission_checks=True)
    _membership_activate(
        room=room, user=actor, role=Role.TRAINER, invited_by=actor, source="creator"
    )
    return room


# Membership -----------------------------------------------------------------


def _membership_activate(
    *, room: RoomPage, user, role: str, invited_by=None, source: str
) -> Membership:
    membership, _ = Membership.objects.select_for_update().get_or_create(
        room=room, user=user, defaults={"role": role, "invited_by": invited_by}
    )
    if membership.status == MembershipStatus.ACTIVE:
        return membership
    membership.status = MembershipStatus.ACTIVE
    membership.role = role
    if invited_by is not None:
        membership.invited_by = invited_by
    membership.joined_at = timezone.now()
    membership.save()
    room_role_forget(user)
    events.room_joined(membership=membership, source=source)
    return membership


@transaction.atomic
def membership_join(*, room: RoomPage, user) -> Membership:
    """Join an open room at once; raises ValidationError for any other policy."""
    if room.join_policy != JoinPolicy.OPEN:
        raise ValidationError(_("This room cannot be joined without approval."))
    return _membership_activate(
        room=room, user=user, role=Role.PARTICIPANT, source="open"
    )


@transaction.atomic
def membership_request(*, room: RoomPage, user) -> Membership:
    """Ask to join a request-and-approval room; the trainers decide."""
    if room.join_policy != JoinPolicy.REQUEST:
        raise ValidationError(_("This room does not take requests to join."))
    membership, created = Membership.objects.select_for_update().get_or_create(
        room=room, user=user, defaults={"status": MembershipStatus.PENDING}
    )
    if membership.status == MembershipStatus.ACTIVE:
        raise ValidationError(_("You are already a member of this room."))
    if not created and membership.status == MembershipStatus.REMOVED:
        raise ValidationError(_("You were removed from this room."))
    if membership.status != MembershipStatus.PENDING:
        membership.status = MembershipStatus.PENDING
        membership.save(update_fields=["status", "updated_at"])
    room_role_forget(user)
    return membership


def _membership_for_update(*, room: RoomPage, user_id: int) -> Membership:
    try:
        return Membership.objects.select_for_update().get(room=room, user_id=user_id)
    except Membership.DoesNotExist:
        raise ValidationError(_("This person is not a member of the room.")) from None


@transaction.atomic
def membership_approve(*, room: RoomPage, user_id: int, actor) -> Membership:
    _deny_unless_manager(actor=actor, room=room)
    membership = _membership_for_update(room=room, user_id=user_id)
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError(_("There is no pending request from this person."))
    return _membership_activate(
        room=room,
        user=membership.user,
        role=Role.PARTICIPANT,
        invited_by=actor,
        source="approval",
    )


@transaction.atomic
def membership_refuse(*, room: RoomPage, user_id: int, actor) -> Membership:
    _deny_unless_manager(actor=actor, room=room)
    membership = _membership_for_update(room=room, user_id=user_id)
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError(_("There is no pending request from this person."))
    membership.status = MembershipStatus.REFUSED
    membership.save(update_fields=["status", "updated_at"])
    return membership


@transaction.atomic
def membership_role_change(
    *, room: RoomPage, user_id: int, role: str, actor
) -> Membership:
    _deny_unless_manager(actor=actor, room=room)
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    membership = _membership_for_update(room=room, user_id=user_id)
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError(_("This person is not a member of the room."))
    if membership.role == Role.TRAINER and role != Role.TRAINER:
        _ensure_another_trainer(room=room, leaving_user_id=user_id, actor=actor)
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    events.room_role_changed(membership=membership, actor=actor)
    return membership


def _ensure_another_trainer(*, room: RoomPage, leaving_user_id: int, actor) -> None:
    # Staff may leave a room without trainers; a trainer may not orphan it.
    if actor.is_staff:
        return
    others = Membership.objects.filter(
        room=room, role=Role.TRAINER, status=MembershipStatus.ACTIVE
    ).exclude(user_id=leaving_user_id)
    if not others.exists():
        raise ValidationError(_("A room needs at least one trainer."))


@transaction.atomic
def membership_remove(*, room: RoomPage, user_id: int, actor) -> Membership:
    """Remove a member; the next request they make is refused (404)."""
    _deny_unless_manager(actor=actor, room=room)
    membership = _membership_for_update(room=room, user_id=user_id)
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError(_("This person is not a member of the room."))
    if membership.role == Role.TRAINER:
        _ensure_another_trainer(room=room, leaving_user_id=user_id, actor=actor)
    membership.status = MembershipStatus.REMOVED
    membership.save(update_fields=["status", "updated_at"])
    events.room_left(membership=membership, reason="removed")
    return membership


@transaction.atomic
def membership_leave(*, room: RoomPage, user) -> Membership:
    membership = _membership_for_update(room=room, user_id=user.pk)
    if membership.status == MembershipStatus.PENDING:
        membership.delete()
        room_role_forget(user)
        return membership
    if membership.status != MembershipStatus.ACTIVE:
        raise ValidationError(_("You are not a member of this room."))
    if membership.role == Role.TRAINER:
        _ensure_another_trainer(room=room, leaving_user_id=user.pk, actor=user)
    membership.status = MembershipStatus.LEFT
    membership.save(update_fields=["status", "updated_at"])
    room_role_forget(user)
    events.room_left(membership=membership, reason="left")
    return membership


@transaction.atomic
def membership_preferences_update(
    *, room: RoomPage, user, directory_visible: bool, notification_mode: str
) -> Membership:
    if notification_mode not in NotificationMode.values:
        raise ValidationError(_("Unknown notification choice."))
    membership = _membership_for_update(room=room, user_id=user.pk)
    membership.directory_visible = directory_visible
    membership.notification_mode = notification_mode
    membership.save(update_fields=["directory_visible", "notification_mode"])
    return membership


# Invitations ----------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *, room: RoomPage, email: str, role: str = Role.PARTICIPANT, actor
) -> Invitation:
    """Invite someone by e-mail, with or without an account; mailed by Celery."""
    _deny_unless_manager(actor=actor, room=room)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Enter a valid e-mail address.")) from None
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if Membership.objects.filter(
        room=room, user__email__iexact=email, status=MembershipStatus.ACTIVE
    ).exists():
        raise ValidationError(_("This person is already a member of the room."))
    invitation = Invitation.objects.create(
        room=room,
        email=email,
        role=role,
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    from irooms.tasks import invitation_send_task

    transaction.on_commit(lambda: invitation_send_task.delay(invitation.pk))
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user) -> Membership:
    """The holder of an invitation link joins the room with the invited role."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not invitation.is_open:
        raise ValidationError(_("This invitation is no longer valid."))
    existing = Membership.objects.filter(room_id=invitation.room_id, user=user).first()
    if existing and existing.status == MembershipStatus.REMOVED:
        raise ValidationError(_("You were removed from this room."))
    membership = _membership_activate(
        room=invitation.room,
        user=user,
        role=invitation.role,
        invited_by=invitation.invited_by,
        source="invitation",
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def invitations_claim(*, user, email: str | None = None, token: str | None = None):
    """After sign-up or e-mail confirmation: accept the user's open invitations.

    By token (the link the new user followed, kept in the session) and by a verified
    e-mail address. Never raises: an expired invitation is simply left alone.
    """
    claimed = []
    tokens = set()
    if token:
        tokens.add(token)
    if email:
        tokens.update(
            Invitation.objects.filter(
                email__iexact=email,
                accepted_at__isnull=True,
                expires_at__gt=timezone.now(),
            ).values_list("token", flat=True)
        )
    for each in sorted(tokens):
        try:
            claimed.append(invitation_accept(token=each, user=user))
        except ValidationError:
            continue
    return claimed


# Resources ------------------------------------------------------------------


@transaction.atomic
def resource_create(
    *,
    room: RoomPage,
    actor,
    title: str,
    resource_type: str,
    uploaded_file=None,
    languages: list[str] | None = None,
    country: str = "",
    region: str = "",
    legal_system: str = "",
    year: int | None = None,
    summary: str = "",
    tags: list[str] | None = None,
) -> Resource:
    """Add a resource to a room; its file goes into the room's private collection."""
    _deny_unless_manager(actor=actor, room=room)
    if not title.strip():
        raise ValidationError(_("A resource needs a title."))
    document = None
    if uploaded_file is not None:
        upload_validate(
            uploaded_file=uploaded_file, allowed={**DOCUMENT_TYPES, **TEXT_TYPES}
        )
        document = get_document_model().objects.create(
            title=title,
            file=uploaded_file,
            collection=room_collection_ensure(room=room),
            uploaded_by_user=actor,
        )
        document.file_size = uploaded_file.size
        document.save(update_fields=["file_size"])
    resource = Resource(
        title=title.strip(),
        resource_type=resource_type,
        languages=list(languages or []),
        country=country,
        region=region,
        legal_system=legal_system,
        year=year,
        summary=sanitise(summary),
        document=document,
    )
    resource.full_clean(exclude=["document", "rooms", "tags"])
    resource.save()
    resource.rooms.add(room)
    if tags:
        resource.tags.add(*tags)
    resource.save()
    return resource


@transaction.atomic
def resource_share(*, resource: Resource, room: RoomPage, actor) -> Resource:
    """Share an existing resource with another room (a trainer of that room decides)."""
    _deny_unless_manager(actor=actor, room=room)
    resource.rooms.add(room)
    resource.save()
    return resource


def access_log_record(
    *, user, room_id: int | None, action: str, object_type: str, object_id, label=""
) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        user=user if user.is_authenticated else None,
        room_id=room_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_label=str(label)[:255],
    )


@transaction.atomic
def resource_view_record(*, resource: Resource, room: RoomPage, user) -> None:
    access_log_record(
        user=user,
        room_id=room.pk,
        action=AccessAction.OPENED,
        object_type="irooms.resource",
        object_id=resource.pk,
        label=resource.title,
    )
    events.resource_viewed(resource=resource, room=room, user=user)


@transaction.atomic
def resource_download_record(*, resource: Resource | None, document, room_id, user):
    """Called once the whole file was sent (see views.document_response)."""
    access_log_record(
        user=user,
        room_id=room_id,
        action=AccessAction.DOWNLOADED,
        object_type="wagtaildocs.document",
        object_id=document.pk,
        label=document.title,
    )
    if resource is not None:
        events.resource_downloaded(resource=resource, room_id=room_id, user=user)


# Sessions -------------------------------------------------------------------


SESSION_FIELDS = (
    "title",
    "starts_at",
    "timezone",
    "duration_minutes",
    "mode",
    "agenda",
    "join_url",
    "location",
    "capacity",
    "follow_up_of",
)


@transaction.atomic
def session_save(
    *, room: RoomPage, actor, session: Session | None = None, materials=(), **fields
) -> Session:
    """Create or change a room's session (trainers of the room and staff only).

    A follow-up must be of an earlier session of the same room, and materials must
    be documents of the room's own collection; anything else is refused.
    """
    _deny_unless_manager(actor=actor, room=room)
    if session is not None and session.room_id != room.pk:
        raise ValidationError(_("This session belongs to another room."))
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown session fields."))
    follow_up_of = fields.get("follow_up_of")
    if follow_up_of is not None and (
        follow_up_of.room_id != room.pk
        or (session is not None and follow_up_of.pk == session.pk)
    ):
        raise ValidationError(_("A follow-up must follow a session of this room."))
    materials = list(materials)
    if any(document.collection_id != room.collection_id for document in materials):
        raise ValidationError(_("Materials must be documents of this room."))
    session = session or Session(room=room)
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean(exclude=["recording", "materials"])
    session.save()
    session.materials.set(materials)
    return session


@transaction.atomic
def session_register(*, session: Session, user) -> SessionRegistration:
    """Register a member for a session; full sessions refuse with a clear error."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    existing = SessionRegistration.objects.filter(session=session, user=user).first()
    if existing:
        return existing
    if session.capacity is not None:
        taken = SessionRegistration.objects.filter(session=session).count()
        if taken >= session.capacity:
            raise ValidationError(_("This session is full."))
    registration = SessionRegistration.objects.create(session=session, user=user)
    events.session_registered(session=session, user=user)
    return registration


@transaction.atomic
def session_attendance_mark(
    *, session: Session, user_id: int, actor, source: str = AttendanceSource.TRAINER
) -> SessionRegistration:
    """Mark a member as present (registering them if they were not); idempotent."""
    _deny_unless_manager(actor=actor, room=session.room)
    if not Membership.objects.filter(
        room_id=session.room_id, user_id=user_id, status=MembershipStatus.ACTIVE
    ).exists():
        raise ValidationError(_("This person is not a member of the room."))
    registration, _created = SessionRegistration.objects.get_or_create(
        session=session, user_id=user_id
    )
    if registration.attended_at is None:
        registration.attended_at = timezone.now()
        registration.attendance_source = source
        registration.save(update_fields=["attended_at", "attendance_source"])
        events.session_attended(session=session, user=registration.user)
    return registration


@dataclass
class AttendanceImport:
    marked: list[str] = field(default_factory=list)
    bad_rows: list[tuple[int, str, str]] = field(default_factory=list)


@transaction.atomic
def session_attendance_import(*, session: Session, csv_file, actor) -> AttendanceImport:
    """Import attendance from a CSV with an "email" column; report every bad row.

    Good rows are marked; each bad row is reported with its line number and reason.
    """
    _deny_unless_manager(actor=actor, room=session.room)
    upload_validate(uploaded_file=csv_file, allowed=TEXT_TYPES)
    text = csv_file.read().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    fields = [name.strip().lower() for name in (reader.fieldnames or [])]
    if "email" not in fields:
        raise ValidationError(_('The CSV needs an "email" column.'))
    reader.fieldnames = fields
    report = AttendanceImport()
    users = get_user_model().objects
    for line, row in enumerate(reader, start=2):
        email = (row.get("email") or "").strip()
        if not email:
            report.bad_rows.append((line, email, _("No e-mail address.")))
            continue
        user = users.filter(email__iexact=email).first()
        if user is None:
            report.bad_rows.append((line, email, _("No account with this address.")))
            continue
        try:
            with transaction.atomic():
                session_attendance_mark(
                    session=session,
                    user_id=user.pk,
                    actor=actor,
                    source=AttendanceSource.CSV,
                )
        except ValidationError as error:
            report.bad_rows.append((line, email, " ".join(error.messages)))
            continue
        report.marked.append(email)
    return report


# Discussions ----------------------------------------------------------------


def _attachments_check(files) -> list[tuple[UploadedFile, Allowed]]:
    """Check every file of a post before anything is stored; name each refused one."""
    files = list(files)
    if len(files) > ATTACHMENTS_PER_POST:
        raise ValidationError(
            {
                "attachments": _("Attach at most %(count)d files to one post.")
                % {"count": ATTACHMENTS_PER_POST}
            }
        )
    checked, errors = [], []
    for upload in files:
        try:
            kind = upload_validate(uploaded_file=upload, allowed=ATTACHMENT_TYPES)
        except ValidationError as error:
            errors.extend(f"{upload.name}: {message}" for message in error.messages)
        else:
            checked.append((upload, kind))
    if errors:
        raise ValidationError({"attachments": errors})
    return checked


def _attachments_store(
    *, thread: Thread, reply: Reply | None, checked: list[tuple[UploadedFile, Allowed]]
) -> None:
    """Store checked files privately, named by their real type.

    If storing one fails, the files already written are removed: the post's
    transaction rolls back, and no file may outlive its row.
    """
    written = []
    try:
        for upload, kind in checked:
            stem = Path(upload.name or "").stem[:200] or "attachment"
            attachment = Attachment(
                thread=thread,
                reply=reply,
                filename=f"{stem}.{kind.extension}",
                content_type=kind.mime,
                size=upload.size,
            )
            attachment.file.save(attachment.filename, upload, save=False)
            written.append(attachment.file)
            attachment.save()
    except Exception:
        for file in written:
            file.delete(save=False)
        raise


@transaction.atomic
def thread_create(
    *,
    room: RoomPage,
    author,
    title: str,
    body: str,
    is_question: bool = False,
    attachments: Sequence[UploadedFile] = (),
) -> Thread:
    """Start a discussion, with up to ATTACHMENTS_PER_POST files.

    Files follow the upload rules of resources (irooms.uploads). Raises
    ValidationError, keyed "attachments" for refused files; a refused file
    refuses the whole post and nothing is saved.
    """
    title = title.strip()
    body = sanitise(body)
    if not title or not body:
        raise ValidationError(_("A discussion needs a title and a text."))
    checked = _attachments_check(attachments)
    thread = Thread.objects.create(
        room=room, author=author, title=title[:255], body=body, is_question=is_question
    )
    _attachments_store(thread=thread, reply=None, checked=checked)
    from irooms.tasks import thread_notify_task

    transaction.on_commit(lambda: thread_notify_task.delay(thread.pk))
    return thread


@transaction.atomic
def reply_create(
    *, thread: Thread, author, body: str, attachments: Sequence[UploadedFile] = ()
) -> Reply:
    """Reply to an open discussion, with files as for `thread_create`.

    Raises ValidationError when the discussion is closed, the text is empty or a
    file is refused (keyed "attachments"); nothing is saved then.
    """
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.is_locked or thread.deleted_at or thread.is_hidden:
        raise ValidationError(_("This discussion is closed to new replies."))
    body = sanitise(body)
    if not body:
        raise ValidationError(_("A reply needs a text."))
    checked = _attachments_check(attachments)
    reply = Reply.objects.create(thread=thread, author=author, body=body)
    _attachments_store(thread=thread, reply=reply, checked=checked)
    thread.last_activity_at = reply.created_at
    thread.save(update_fields=["last_activity_at"])
    from irooms.tasks import reply_notify_task

    transaction.on_commit(lambda: reply_notify_task.delay(reply.pk))
    return reply


@transaction.atomic
def attachment_download_record(*, attachment: Attachment, room_id: int, user) -> None:
    """Called once the whole file was sent: the audit trail's entry."""
    access_log_record(
        user=user,
        room_id=room_id,
        action=AccessAction.DOWNLOADED,
        object_type="irooms.attachment",
        object_id=attachment.pk,
        label=attachment.filename,
    )


@transaction.atomic
def reply_mark_expert_answer(*, reply: Reply, actor) -> Reply:
    from irooms.access import user_can_answer_as_expert

    room_id = reply.thread.room_id
    if not user_can_answer_as_expert(actor, room_id):
        raise ValidationError(_("Only the room's experts can mark an answer."))
    if reply.author_id != actor.pk and not user_can_manage_room(actor, room_id):
        raise ValidationError(_("Experts mark their own replies as answers."))
    reply.is_expert_answer = True
    reply.save(update_fields=["is_expert_answer"])
    return reply


class ModerationAction:
    HIDE = "hide"
    UNHIDE = "unhide"
    LOCK = "lock"
    UNLOCK = "unlock"
    DELETE = "delete"
    CHOICES = (HIDE, UNHIDE, LOCK, UNLOCK, DELETE)


@transaction.atomic
def post_moderate(
    *, post: Thread | Reply, action: str, reason: str, actor
) -> Thread | Reply:
    """Hide, lock or delete a thread or reply; a reason is required and kept.

    Deleting also deletes the post's attachments (rows now, files on commit); a
    hidden post's attachments stay, served only to those who see the post.
    """
    room = post.room if isinstance(post, Thread) else post.thread.room
    _deny_unless_manager(actor=actor, room=room)
    if action not in ModerationAction.CHOICES:
        raise ValidationError(_("Unknown moderation action."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give a reason for the moderation."))
    if action in (ModerationAction.LOCK, ModerationAction.UNLOCK) and not isinstance(
        post, Thread
    ):
        raise ValidationError(_("Only a discussion can be locked."))
    if action == ModerationAction.HIDE:
        post.is_hidden = True
    elif action == ModerationAction.UNHIDE:
        post.is_hidden = False
    elif action == ModerationAction.LOCK:
        post.is_locked = True
    elif action == ModerationAction.UNLOCK:
        post.is_locked = False
    elif action == ModerationAction.DELETE:
        post.deleted_at = timezone.now()
        post.body = ""
        # A thread's files include its replies' files; each file goes once the
        # deletion is committed (attachment_file_delete).
        post.attachments.all().delete()
    post.moderation_reason = reason
    post.save()
    return post


# Files of deleted rows ------------------------------------------------------
# Called by post_delete handlers (irooms.signals), so that a deletion through the
# Wagtail admin, a service or a cascade leaves no file behind. A file goes only once
# the deletion is committed: a rolled-back deletion keeps its rows and their files.


def _stored_file_delete_on_commit(file) -> None:
    if file:
        storage, name = file.storage, file.name
        transaction.on_commit(lambda: storage.delete(name))


def attachment_file_delete(*, attachment: Attachment) -> None:
    """A deleted attachment's file goes once the deletion is committed."""
    _stored_file_delete_on_commit(attachment.file)


def session_recording_delete(*, session: Session) -> None:
    """A deleted session's recording goes once the deletion is committed.

    Its materials stay: they are documents of the room's collection.
    """
    _stored_file_delete_on_commit(session.recording)


@transaction.atomic
def resource_document_delete(*, resource: Resource) -> None:
    """A deleted resource's document goes too, when it is room media nobody else uses.

    It stays when it is outside every room's collection (chosen in the admin), or
    another resource or a session's materials still use it. Wagtail deletes the
    document's file once the deletion is committed.
    """
    document = (
        get_document_model()
        .objects.filter(pk=resource.document_id)
        .select_related("collection")
        .first()
    )
    if (
        document is None
        or selectors.room_for_collection(collection=document.collection) is None
        or Resource.objects.filter(document=document).exists()
        or Session.objects.filter(materials=document).exists()
    ):
        return
    document.delete()


@transaction.atomic
def room_collection_delete(*, collection_id: int | None) -> None:
    """A deleted room's private collection goes, with its images and documents.

    A document that a resource of another room still uses moves to that room's
    collection; a resource left in no room goes with its document. Wagtail deletes
    the files of the images, their renditions and the documents once this is
    committed.
    """
    collection = Collection.objects.filter(pk=collection_id).first()
    if collection is None:
        return
    documents = get_document_model().objects.filter(
        collection__in=collection.get_descendants(inclusive=True)
    )
    for resource in Resource.objects.filter(document__in=documents):
        other_room = resource.rooms.order_by("pk").first()
        if other_room is None:
            resource.delete()
        else:
            documents.filter(pk=resource.document_id).update(
                collection=room_collection_ensure(room=other_room)
            )
    collection.delete()


# Good practices and stocktaking ---------------------------------------------


@transaction.atomic
def room_form_submission_create(*, page, user, data: dict) -> RoomFormSubmission:
    clean = {
        key: sanitise(value) if isinstance(value, str) else value
        for key, value in data.items()
    }
    return RoomFormSubmission.objects.create(page=page, user=user, form_data=clean)


@transaction.atomic
def room_form_submission_review(
    *, submission: RoomFormSubmission, publish: bool, actor
) -> RoomFormSubmission:
    _deny_unless_manager(actor=actor, room=submission.page.specific.room)
    submission.status = (
        SubmissionStatus.PUBLISHED if publish else SubmissionStatus.REJECTED
    )
    submission.reviewed_by = actor
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return submission
