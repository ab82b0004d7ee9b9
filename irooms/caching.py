"""The room home's shared part: rendered once per room and language, kept in Redis.

What every member of a room sees alike (the latest resources and their total, the
upcoming sessions and webinars, the linked courses and series, the latest
discussions) is rendered once and kept until something it shows changes. The keys
carry two versions: the room's own, which a thread, reply or session of the room
moves on, and one for every room, which a resource (resources are shared between
rooms), a published, moved or deleted page (courses, webinars) or a profile (the
authors' names) moves on; see `irooms.signals`. An upcoming session or webinar
drops off the list when it starts, so a fragment lasts at most until then (checked
against the clock when it is read, and the cache's own expiry then).

Who may see a room is never cached: the membership check reads the database on
every request, before this fragment is used.
"""

import math
import uuid
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from irooms import selectors
from irooms.models import RoomPage

# An upper bound only: every change the fragment shows forgets it at once.
HOME_SECONDS = 60 * 60
ROOMS_VERSION_KEY = "irooms:home:version"


def _room_version_key(room_id: int) -> str:
    return f"irooms:home:version:{room_id}"


def room_home_shared(*, room: RoomPage) -> dict:
    """The shared part of the room home: {"html": safe HTML, "resource_count": int}.

    Only call it for a user who may view the room.
    """
    version_keys = [_room_version_key(room.pk), ROOMS_VERSION_KEY]
    # The versions are read before the database, so a change committed after this
    # read moves them on and the fragment built here is never read again.
    versions = cache.get_many(version_keys)
    key = ":".join(
        [
            f"irooms:home:{room.pk}:{get_language()}",
            *(versions.get(name) or _version_start(name) for name in version_keys),
        ]
    )
    now = timezone.now()
    shared = cache.get(key)
    # Checked against this clock, not only left to the cache's expiry (whole
    # seconds, counted by the cache server): a started session is never listed.
    if shared is None or shared.get("stale_at", now) <= now:
        lists = selectors.room_home_lists(room=room)
        stale_at = _stale_at(lists, now=now)
        shared = {
            "html": render_to_string(
                "irooms/includes/room_home_lists.html", {"room": room, "home": lists}
            ),
            "resource_count": lists["resource_count"],
            "stale_at": stale_at,
        }
        until = math.ceil((stale_at - now).total_seconds())
        cache.set(key, shared, timeout=max(1, until))
    return {**shared, "html": mark_safe(shared["html"])}  # noqa: S308 - our template


def _stale_at(lists: dict, *, now: datetime) -> datetime:
    """When the first listed session or webinar starts (it then leaves the list)."""
    starts = [session.starts_at for session in lists["upcoming_sessions"]] + [
        webinar["starts_at"] for webinar in lists["upcoming_webinars"]
    ]
    return min([*starts, now + timedelta(seconds=HOME_SECONDS)])


def _version_start(key: str) -> str:
    # A fresh version, never a fixed one: a version evicted from the cache must not
    # lead back to fragments built under an older one.
    cache.add(key, uuid.uuid4().hex, timeout=None)
    return cache.get(key)


def _version_bump(key: str) -> None:
    def bump():
        cache.set(key, uuid.uuid4().hex, timeout=None)

    # Now, for this request; and after the commit, so that a home built meanwhile
    # from the data before the change is not read again.
    bump()
    transaction.on_commit(bump)


def room_home_forget(*, room_id: int) -> None:
    """The room's home shows its threads, replies and sessions as they are now."""
    _version_bump(_room_version_key(room_id))


def room_homes_forget() -> None:
    """Every room's home is built again (resources, linked pages, authors' names)."""
    _version_bump(ROOMS_VERSION_KEY)
