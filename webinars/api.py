"""What other apps may ask the webinars app; plain data only."""

from webinars import selectors


def series_for_room(room_id: int) -> list[dict]:
    """Live webinar series that belong to the room: id, title and url, by title.

    The caller has already decided that the visitor may see the room.
    """
    return [
        {"id": series.pk, "title": series.title, "url": series.url}
        for series in selectors.series_for_room(room_id=room_id)
    ]


def upcoming_for_room(room_id: int, limit: int = 5) -> list[dict]:
    """The next live webinars of the room's series, soonest first.

    Each dict: id, title, url, starts_at (aware datetime, UTC), language (code of
    the language of delivery).
    """
    return [
        {
            "id": webinar.pk,
            "title": webinar.title,
            "url": webinar.url,
            "starts_at": webinar.starts_at,
            "language": webinar.delivery_language,
        }
        for webinar in selectors.upcoming_webinars_for_room(
            room_id=room_id, limit=limit
        )
    ]


def recording_access(user, recording_id) -> dict | None:
    """What a user may know about a ready recording they can see, else None.

    Dict: id, webinar (id), room (id of the series' first room, "" for a public
    series), duration (stored seconds, None when unknown). None for a recording
    that does not exist, is not ready, or whose series the user may not see.
    """
    try:
        recording_id = int(recording_id)
    except (TypeError, ValueError):
        return None
    from webinars.models import Recording

    recording = (
        Recording.objects.select_related("webinar").filter(pk=recording_id).first()
    )
    if recording is None:
        return None
    audience = selectors.recording_audience_for(recording=recording, user=user)
    if audience is None:
        return None
    return {
        "id": recording.pk,
        "webinar": recording.webinar_id,
        "room": audience.first_room_id or "",
        "duration": recording.duration_seconds,
    }


def recording_tracking_access(*, user, object_id: str, dimensions: dict):
    """The records app's tracking check for "webinars.recording" (see apps.py)."""
    access = recording_access(user, object_id)
    if access is None:
        return None
    return {
        "duration": access["duration"],
        "dimensions": {
            "webinar": str(access["webinar"]),
            "recording": str(access["id"]),
            "room": str(access["room"]),
        },
    }
