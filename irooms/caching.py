"""The room home's shared part: rendered once per room and language, kept in Redis.

What every member of a room sees alike (the latest resources and their total, the
upcoming sessions and webinars, the linked courses and series, the latest
discussions) is rendered once and kept until something it shows changes. The keys
carry two versions: the room's own, which a thread, reply or session of the room
moves on, and one for every room, which a resource (resources are shared between
rooms), a published, moved or deleted page (courses, webinars) or a profile (the
authors' names) moves on; see `irooms.signals`. An upcoming session or webinar
drops off the list when it starts, so a fragment lasts at most until then.

Who may see a room is never cached: the membership check reads the database on
every request, before this fragment is used.
"""

import uuid
from datetime import timedelta

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
    shared = cache.get(key)
    if shared is None:
        lists = selectors.room_home_lists(room=room)
        shared = {
            "html": render_to_string(
                "irooms/includes/room_home_lists.html", {"room": room, "home": lists}
            ),
            "resource_count": lists["resource_count"],
        }
        cache.set(key, shared, timeout=_seconds_until_stale(lists))
    return {**shared, "html": mark_safe(shared["html"])}  # noqa: S308 - our template


def _seconds_until_stale(lists: dict) -> int:
    """Until the first listed session or webinar starts (it then leaves the list)."""
    now = timezone.now()
    starts = [session.starts_at for session in lists["upcoming_sessions"]] + [
        webinar["starts_at"] for webinar in lists["upcoming_webinars"]
    ]
    until = min(starts, default=now + timedelta(seconds=HOME_SECONDS)) - now
    return max(1, min(HOME_SECONDS, int(until.total_seconds()) + 1))


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
