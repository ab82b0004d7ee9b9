"""The learning records API other apps call: `record()` an event, `record_download()`.

    from learning.records.api import record, EventType

    record(
        event_type=EventType.COURSE_COMPLETED,
        actor=request.user,
        object_type="courses.coursepage",
        object_id=str(page.pk),
        dimensions={"course": str(page.translation_key)},
        language=page.locale.language_code,
    )

Inside a transaction (a state change: enrolment, completion, attendance) the event
row is written to PostgreSQL in that same transaction, so it is durable exactly when
the state change is. Outside a transaction, pass `via="stream"` for high-rate activity:
the event goes to the Redis stream (or, if Redis fails within a fraction of a second,
straight to PostgreSQL) and Celery drains it. Either way it is stored before `record()`
returns, and the caller never waits on a Celery task.

Dimensions are the report's filters: "room", "course" (the course's
language-independent key, e.g. Wagtail's translation_key, so that a completion counts
once whatever the language version), "webinar", "recording". Room, course, webinar and
recording events fill their own dimension from `object_id` when it is not given.
"""

import contextlib
import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.http import StreamingHttpResponse
from django.utils import timezone, translation

from learning.records.models import Event, EventType
from learning.records.services import RecordsError, events_record

logger = logging.getLogger(__name__)


class TrackingDenied(RecordsError):
    """The user may not track events about this object (an HTTP 403)."""


__all__ = [
    "CLIENT_EVENT_TYPES",
    "DIMENSIONS",
    "EventType",
    "RecordsError",
    "actor_snapshot_forget",
    "event_payload",
    "events_after",
    "record",
    "record_download",
    "recording_download_response",
    "tracking_access_check",
    "tracking_access_register",
    "tracking_grant",
    "tracking_grant_read",
]

DIMENSIONS = ("room", "course", "webinar", "recording")
_EVENT_TYPES = frozenset(EventType.values)  # the enum builds a new list per call
# The only events a browser may send to /api/v1/track/: its own viewing activity.
# Completions, attendance and the like are recorded by the server's own services.
CLIENT_EVENT_TYPES = frozenset({EventType.RECORDING_VIEWED, EventType.RESOURCE_VIEWED})
_OWN_DIMENSION = {
    EventType.ROOM_JOINED: "room",
    EventType.ROOM_LEFT: "room",
    EventType.COURSE_ENROLLED: "course",
    EventType.COURSE_COMPLETED: "course",
    EventType.CERTIFICATE_ISSUED: "course",
    EventType.WEBINAR_REGISTERED: "webinar",
    EventType.WEBINAR_ATTENDED: "webinar",
    EventType.RECORDING_VIEWED: "recording",
    EventType.RECORDING_DOWNLOADED: "recording",
}
MAX_CONTEXT_BYTES = 2000

# object type -> checker(*, user, object_id, dimensions) -> dict | None. Apps
# register theirs in AppConfig.ready(); an object type nobody registered is refused.
_TRACKING_ACCESS: dict[str, Callable[..., dict | None]] = {}


def tracking_access_register(
    object_type: str, checker: Callable[..., dict | None]
) -> Callable[..., dict | None] | None:
    """Let browsers track events about `object_type`, after `checker` agrees.

    `checker(user=..., object_id=..., dimensions=...)` answers None when the user
    may not see the object (the event is refused), else a dict with the server's
    facts: "dimensions" (they replace what the browser claimed) and, for
    recordings, "duration" in seconds (None when unknown). Returns the checker it
    replaced, if any.
    """
    previous = _TRACKING_ACCESS.get(object_type)
    _TRACKING_ACCESS[object_type] = checker
    return previous


def tracking_access_unregister(object_type: str) -> None:
    """Stop accepting browser events about `object_type` (deny by default)."""
    _TRACKING_ACCESS.pop(object_type, None)


# A granted access is remembered this long for the same user, object and claimed
# dimensions. A change of the user's roles voids it at once (the access version);
# a change of the object itself (a resource taken out of a room, a series made
# private) takes effect within this time, for view counting only.
ACCESS_CACHE_SECONDS = 60


def _access_cache_key(user, object_type, object_id, dimensions) -> str | None:
    from learning.accounts.selectors import user_access_version

    # The MFA middleware read it at the start of this request.
    version = getattr(user, "_access_version", None) or user_access_version(user.pk)
    if version is None:
        return None
    claimed = json.dumps(dimensions, sort_keys=True)
    digest = hashlib.sha256(
        "\x1f".join([object_type, str(object_id), claimed]).encode()
    ).hexdigest()[:32]
    return f"records:access:{user.pk}:{version}:{digest}"


def _access_and_snapshot_get(user, key: str | None) -> dict | None:
    """The cached access facts; the actor's snapshot rides in the same round trip."""
    if key is None:
        return None
    snapshot_key = SNAPSHOT_CACHE_KEY.format(user_id=user.pk)
    try:
        found = cache.get_many([key, snapshot_key])
    except Exception:  # noqa: BLE001 - ask the app instead
        return None
    if snapshot_key in found:
        user._records_snapshot = found[snapshot_key]
    return found.get(key)


def _cache_get(key: str | None):
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - ask the app instead
        return None


def _cache_set(key: str | None, value, seconds: int) -> None:
    if key is None:
        return
    with contextlib.suppress(Exception):  # a cache outage only disables caching
        cache.set(key, value, seconds)


def tracking_access_check(
    *, user, object_type: str, object_id: str, dimensions: dict
) -> dict:
    """The server's facts about an object the user tracks; raises RecordsError.

    Deny by default: an object type without a registered checker, or a checker
    that answers None (no access, or no such object), refuses the event.
    """
    checker = _TRACKING_ACCESS.get(object_type)
    if checker is None:
        raise TrackingDenied(f"Events about {object_type!r} cannot be tracked.")
    key = _access_cache_key(user, object_type, object_id, dimensions)
    facts = _access_and_snapshot_get(user, key)
    if facts is None:
        facts = checker(
            user=user, object_id=str(object_id), dimensions=dict(dimensions)
        )
        if facts is not None:
            _cache_set(key, facts, ACCESS_CACHE_SECONDS)
    if facts is None:
        raise TrackingDenied(
            f"You cannot access {object_type} {object_id!s}, or it does not exist."
        )
    return facts


# --- tracking grants: the player's signed permission to track one object ---------
#
# A page that shows a trackable object (the recording player) asks for a grant after
# the object's registered checker agreed, and the browser sends it back with each
# event. The endpoint then needs neither the session, nor the user row, nor the
# access check: the signature proves who may track what. A grant lives
# RECORDS_TRACKING_GRANT_SECONDS; a member removed meanwhile gets no new grant (the
# page is a 404), and an open page can still report its own playback until then.
GRANT_SALT = "learning.records.tracking-grant"


def tracking_grant(*, user, object_type: str, object_id) -> str | None:
    """A signed grant for `user` to track `object_type` `object_id`; None if denied.

    It carries the server's facts (dimensions, duration) and the actor's profile
    snapshot, taken now: the events it reports belong to this viewing.
    """
    if not user.is_authenticated:
        return None
    try:
        facts = tracking_access_check(
            user=user, object_type=object_type, object_id=str(object_id), dimensions={}
        )
    except RecordsError:
        return None
    snapshot = _snapshot(user)
    return signing.dumps(
        {
            "u": user.pk,
            "t": object_type,
            "o": str(object_id),
            "d": facts.get("dimensions") or {},
            "r": facts.get("duration"),
            "s": snapshot,
        },
        salt=GRANT_SALT,
    )


class TrackingGrant:
    """A verified grant: the actor (id and snapshot) and the server's facts."""

    def __init__(self, data: dict):
        self.pk = data["u"]
        self.object_type = data["t"]
        self.object_id = data["o"]
        self.dimensions = dict(data["d"])
        self.duration = data["r"]
        # event_payload() takes a prefetched snapshot from the actor (see _snapshot).
        self._records_snapshot = data["s"]


def tracking_grant_read(token) -> TrackingGrant:
    """The grant `token` stands for; raises TrackingDenied if forged or expired."""
    if not isinstance(token, str) or len(token) > 2000:
        raise TrackingDenied("'grant' must be the grant the page gave.")
    try:
        data = signing.loads(
            token, salt=GRANT_SALT, max_age=settings.RECORDS_TRACKING_GRANT_SECONDS
        )
        return TrackingGrant(data)
    except signing.SignatureExpired:
        raise TrackingDenied("The grant has expired: reload the page.") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise TrackingDenied("The grant is not valid.") from None


_EMPTY_SNAPSHOT = {"country": "", "sector": "", "gender": "", "preferred_language": ""}
SNAPSHOT_CACHE_KEY = "records:snapshot:{user_id}"
SNAPSHOT_CACHE_SECONDS = 600


def actor_snapshot_forget(*, user_id: int) -> None:
    """Drop the cached snapshot of a user's profile (it changed or went away)."""
    try:
        cache.delete(SNAPSHOT_CACHE_KEY.format(user_id=user_id))
    except Exception:  # noqa: BLE001 - the entry expires by itself
        logger.warning("Could not forget the profile snapshot of user %s", user_id)


def _profile_snapshot(profile) -> dict:
    if profile is None:
        return dict(_EMPTY_SNAPSHOT)
    return {
        "country": str(profile.country or ""),
        "sector": profile.sector or "",
        "gender": profile.gender or "",
        "preferred_language": profile.preferred_language or "",
    }


def _snapshot(actor) -> dict:
    """The actor's country, sector and gender now, so later edits keep history.

    Cached per user (the tracking hot path); a profile save forgets the entry.
    """
    if actor is None or not getattr(actor, "pk", None):
        return dict(_EMPTY_SNAPSHOT)
    profile = getattr(actor, "_records_profile", None)
    if profile is not None:
        return _profile_snapshot(profile)
    prefetched = getattr(actor, "_records_snapshot", None)
    if prefetched is not None:
        return prefetched
    key = SNAPSHOT_CACHE_KEY.format(user_id=actor.pk)
    try:
        snapshot = cache.get(key)
    except Exception:  # noqa: BLE001 - read the database instead
        snapshot, key = None, None
    if snapshot is None:
        from learning.accounts.models import Profile

        snapshot = _profile_snapshot(Profile.objects.filter(user_id=actor.pk).first())
        # A profile save forgets the entry (post_save, and again after commit);
        # a profile change rolled back after an event was recorded in its own
        # transaction could linger until SNAPSHOT_CACHE_SECONDS.
        _cache_set(key, snapshot, SNAPSHOT_CACHE_SECONDS)
    return snapshot


def event_payload(
    *,
    event_type: str,
    actor,
    object_type: str,
    object_id: str,
    dimensions: dict | None = None,
    language: str | None = None,
    idempotency_key: str | None = None,
    occurred_at: datetime | None = None,
    context: dict | None = None,
) -> dict:
    """Validate one event and return it as plain data; raises RecordsError."""
    if event_type not in _EVENT_TYPES:
        raise RecordsError(f"Unknown event type {event_type!r}.")
    event_type = EventType(event_type)
    if not object_type or not str(object_id):
        raise RecordsError("An event needs an object type and an object id.")
    dimensions = {key: str(value) for key, value in (dimensions or {}).items() if value}
    unknown = set(dimensions) - set(DIMENSIONS)
    if unknown:
        raise RecordsError(f"Unknown dimensions: {', '.join(sorted(unknown))}.")
    own = _OWN_DIMENSION.get(event_type)
    if own and own not in dimensions:
        dimensions[own] = str(object_id)
    context = context or {}
    if len(json.dumps(context, default=str)) > MAX_CONTEXT_BYTES:
        raise RecordsError("The event context is too large.")
    snapshot = _snapshot(actor)
    language = (
        language or translation.get_language() or snapshot["preferred_language"] or ""
    )
    explicit_time = occurred_at is not None
    occurred_at = occurred_at or timezone.now()
    if idempotency_key is None:
        # Deterministic: the same state change recorded twice is one event.
        parts = [
            event_type.value,
            str(getattr(actor, "pk", "") or ""),
            object_type,
            str(object_id),
            json.dumps(dimensions, sort_keys=True),
            occurred_at.isoformat() if explicit_time else "",
        ]
        idempotency_key = "d:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    if not 8 <= len(idempotency_key) <= 100:
        raise RecordsError("An idempotency key has 8 to 100 characters.")
    return {
        "idempotency_key": idempotency_key,
        "event_type": event_type.value,
        "actor_id": getattr(actor, "pk", None),
        "object_type": object_type[:60],
        "object_id": str(object_id)[:100],
        "occurred_at": occurred_at.isoformat(),
        "language": language[:10],
        "country": snapshot["country"],
        "sector": snapshot["sector"],
        "gender": snapshot["gender"],
        **{name: dimensions.get(name, "")[:64] for name in DIMENSIONS},
        "context": context,
    }


def record(
    *,
    event_type: str,
    actor,
    object_type: str,
    object_id: str,
    dimensions: dict | None = None,
    language: str | None = None,
    idempotency_key: str | None = None,
    occurred_at: datetime | None = None,
    context: dict | None = None,
    via: str | None = None,
) -> str:
    """Record one learning event durably; returns its idempotency key.

    `via`: None chooses PostgreSQL inside a transaction (durable with the state
    change) and the Redis stream outside one; "database" or "stream" force a route.
    Recording the same idempotency key twice stores one event. Without a key, the key
    is derived from the type, actor, object, dimensions and an explicit occurred_at,
    so pass a key (or occurred_at) for activity that may repeat. Raises RecordsError
    for bad input, before anything is stored.
    """
    payload = event_payload(
        event_type=event_type,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        dimensions=dimensions,
        language=language,
        idempotency_key=idempotency_key,
        occurred_at=occurred_at,
        context=context,
    )
    if via is None:
        via = "database" if connection.in_atomic_block else "stream"
    if via not in ("database", "stream"):
        raise RecordsError(f"Unknown route {via!r}.")
    events_record(payloads=[payload], via=via)
    return payload["idempotency_key"]


def record_download(
    *,
    request,
    event_type: str,
    object_type: str,
    object_id: str,
    dimensions: dict | None = None,
    language: str | None = None,
) -> str | None:
    """Record one completed download of a whole file, for a file-serving view.

    Call it once the whole body has been sent (or use a streaming wrapper below).
    A range request (a player fetching part of a file) is not a download: nothing is
    recorded and None is returned.
    """
    if event_type not in (
        EventType.RESOURCE_DOWNLOADED,
        EventType.RECORDING_DOWNLOADED,
    ):
        raise RecordsError("record_download records download events only.")
    if request.headers.get("Range"):
        return None
    return record(
        event_type=event_type,
        actor=request.user if request.user.is_authenticated else None,
        object_type=object_type,
        object_id=object_id,
        dimensions=dimensions,
        language=language,
        idempotency_key=f"download:{uuid.uuid4().hex}",
        via="stream",
    )


def _chunks_then_record(chunks: Iterable[bytes], on_complete) -> Iterator[bytes]:
    yield from chunks
    # Reached only when the client took the last chunk: the whole file was sent.
    on_complete()


def recording_download_response(
    *,
    request,
    chunks: Iterable[bytes],
    event_type: str,
    object_type: str,
    object_id: str,
    dimensions: dict | None = None,
    language: str | None = None,
    **response_kwargs,
) -> StreamingHttpResponse:
    """A streaming response that records a download after its last chunk is sent.

    An aborted transfer records nothing. Range requests are never recorded, so a
    view that answers a Range request with this wrapper records no download.
    """

    def on_complete():
        record_download(
            request=request,
            event_type=event_type,
            object_type=object_type,
            object_id=object_id,
            dimensions=dimensions,
            language=language,
        )

    return StreamingHttpResponse(
        _chunks_then_record(chunks, on_complete), **response_kwargs
    )


def events_after(
    *, after_id: int, event_types: Iterable[str], limit: int = 500
) -> list[dict]:
    """Stored events of `event_types` with an id above `after_id`, by id, as dicts.

    For feeds that mirror the records elsewhere (the xAPI store): page on with the
    last "id" returned. Ids grow in insertion order, but a transaction may commit a
    lower id after a higher one was read, so a feed re-reads a recent window.
    Events whose learner was deleted (no actor) are left out.
    """
    return list(
        Event.objects.filter(
            pk__gt=after_id, event_type__in=list(event_types), actor__isnull=False
        )
        .order_by("pk")
        .values(
            "id",
            "idempotency_key",
            "event_type",
            "actor_id",
            "object_type",
            "object_id",
            "occurred_at",
            "language",
            "room",
            "course",
            "webinar",
            "recording",
            "context",
        )[:limit]
    )
