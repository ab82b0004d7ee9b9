"""Room activity as learning-record events (learning.records.api.record).

Activity that may repeat (a download, a view, joining again after leaving) carries
its own idempotency key, so each occurrence is one event; the records app's counting
rules decide what counts (a view once per learner and resource, for example).
"""

import uuid

from django.utils.translation import get_language


def _record(
    event_type: str,
    *,
    actor,
    object_type: str,
    object_id,
    room_id,
    idempotency_key: str | None = None,
    **extra,
):
    # Imported here: the records app is a separate area that irooms only talks to
    # through its api module.
    from learning.records.api import EventType, record

    record(
        event_type=EventType(event_type),
        actor=actor,
        object_type=object_type,
        object_id=str(object_id),
        dimensions={"room": str(room_id), **extra},
        language=(get_language() or "en")[:10],
        idempotency_key=idempotency_key,
    )


def room_joined(*, membership, source: str) -> None:
    _record(
        "room_joined",
        actor=membership.user,
        object_type="irooms.room",
        object_id=membership.room_id,
        room_id=membership.room_id,
        idempotency_key=f"room_joined:{membership.pk}:{membership.joined_at.isoformat()}",
    )


def room_left(*, membership, reason: str) -> None:
    _record(
        "room_left",
        actor=membership.user,
        object_type="irooms.room",
        object_id=membership.room_id,
        room_id=membership.room_id,
        idempotency_key=f"room_left:{membership.pk}:{uuid.uuid4().hex}",
    )


def room_role_changed(*, membership, actor) -> None:
    """Role changes are kept on the membership row; the records app has no type yet."""


def resource_viewed(*, resource, room, user) -> None:
    _record(
        "resource_viewed",
        actor=user,
        object_type="irooms.resource",
        object_id=resource.pk,
        room_id=room.pk,
        idempotency_key=f"resource_viewed:{uuid.uuid4().hex}",
    )


def resource_downloaded(*, resource, room_id, user) -> None:
    _record(
        "resource_downloaded",
        actor=user,
        object_type="irooms.resource",
        object_id=resource.pk,
        room_id=room_id,
        idempotency_key=f"resource_downloaded:{uuid.uuid4().hex}",
    )


def recording_downloaded(*, session, user) -> None:
    _record(
        "recording_downloaded",
        actor=user,
        object_type="irooms.session",
        object_id=session.pk,
        room_id=session.room_id,
        recording=str(session.pk),
        idempotency_key=f"recording_downloaded:{uuid.uuid4().hex}",
    )


def session_registered(*, session, user) -> None:
    _record(
        "session_registered",
        actor=user,
        object_type="irooms.session",
        object_id=session.pk,
        room_id=session.room_id,
    )


def session_attended(*, session, user) -> None:
    _record(
        "session_attended",
        actor=user,
        object_type="irooms.session",
        object_id=session.pk,
        room_id=session.room_id,
    )
