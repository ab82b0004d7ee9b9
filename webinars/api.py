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
