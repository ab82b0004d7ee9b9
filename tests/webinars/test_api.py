"""What the room home asks the webinars app: its series and upcoming webinars."""

from datetime import timedelta

from tests.webinars.factories import room_build, series_build, webinar_build
from webinars.api import series_for_room, upcoming_for_room


def test_room_lists_its_series_and_next_webinars_soonest_first(db):
    # given
    room, other_room = room_build(), room_build(title="Other room")
    series = series_build(title="Border security", rooms=[room])
    series_build(title="Elsewhere", rooms=[other_room])
    later = webinar_build(series=series, title="Later", starts_in=timedelta(days=9))
    sooner = webinar_build(
        series=series, title="Sooner", starts_in=timedelta(days=2), language="fr"
    )
    webinar_build(series=series, title="Past", starts_in=-timedelta(days=1))
    # when
    listed_series = series_for_room(room.pk)
    upcoming = upcoming_for_room(room.pk, limit=5)
    # then
    assert listed_series == [
        {"id": series.pk, "title": series.title, "url": series.url}
    ]
    assert [(item["id"], item["language"]) for item in upcoming] == [
        (sooner.pk, "fr"),
        (later.pk, "en"),
    ]
    assert upcoming[0]["starts_at"] == sooner.starts_at
    assert upcoming_for_room(room.pk, limit=1)[0]["title"] == "Sooner"


def test_a_room_without_series_has_no_webinars(db):
    room = room_build()

    assert series_for_room(room.pk) == []
    assert upcoming_for_room(room.pk) == []
