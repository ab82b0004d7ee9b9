"""The tracking endpoint records only what the learner may see, with server facts."""

import pytest
from django.test import Client

from learning.records.models import Event
from tests.irooms.factories import ResourceFactory
from tests.records.tracking import report_today, settle, track
from tests.webinars.factories import (
    member_add,
    practitioner,
    recording_build,
    room_build,
    series_build,
    webinar_build,
)

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def private_room_catalogue(*, duration=600.0):
    """A room with a members-only recording (of `duration` seconds) and a resource."""
    room = room_build()
    webinar = webinar_build(series=series_build(rooms=[room]))
    recording = recording_build(webinar=webinar)
    recording.duration_seconds = duration
    recording.save(update_fields=["duration_seconds"])
    resource = ResourceFactory(rooms=[room])
    return room, webinar, recording, resource


def view_recording(client, recording, seconds_played, **extra):
    return track(
        client,
        type="recording_viewed",
        object_id=str(recording.pk),
        seconds_played=seconds_played,
        **extra,
    )


def test_a_members_views_of_a_private_recording_and_resource_count():
    # given a member of a room with a private recording and resource
    room, webinar, recording, resource = private_room_catalogue()
    member = practitioner()
    member_add(room=room, user=member)
    client = logged_in(member)

    # when they watch the recording and open the resource
    watched = view_recording(client, recording, 40)
    opened = track(client, type="resource_viewed", object_id=str(resource.pk))
    settle()

    # then both count, under the room and webinar the server knows
    assert (watched.status_code, opened.status_code) == (202, 202)
    report = report_today()
    assert report["recordings"]["by_recording"] == {str(recording.pk): 1}
    assert report["resources"]["views"] == 1
    assert set(Event.objects.values_list("room", flat=True)) == {str(room.pk)}
    assert Event.objects.get(event_type="recording_viewed").webinar == str(webinar.pk)


def test_a_non_members_views_of_a_private_recording_and_resource_are_refused():
    # given a learner who is not a member of the room
    _room, _webinar, recording, resource = private_room_catalogue()
    client = logged_in(practitioner())

    # when their browser reports views of the room's recording and resource
    watched = view_recording(client, recording, 40)
    opened = track(client, type="resource_viewed", object_id=str(resource.pk))
    settle()

    # then both are refused with a readable error and nothing is counted
    assert (watched.status_code, opened.status_code) == (403, 403)
    assert watched.json()["error"] and opened.json()["error"]
    assert Event.objects.count() == 0
    assert report_today()["recordings"]["views"] == 0


@pytest.mark.parametrize("object_id", ["999999", "not-a-number"])
def test_views_of_objects_that_do_not_exist_are_refused(object_id):
    client = logged_in(practitioner())

    watched = track(
        client, type="recording_viewed", object_id=object_id, seconds_played=40
    )
    opened = track(client, type="resource_viewed", object_id=object_id)
    settle()

    assert (watched.status_code, opened.status_code) == (403, 403)
    assert Event.objects.count() == 0


def test_a_member_cannot_file_a_view_under_another_room():
    # given a member of one room, and a resource of that room
    room, _webinar, _recording, resource = private_room_catalogue()
    other_room = room_build(title="Another room")
    member = practitioner()
    member_add(room=room, user=member)

    # when the browser claims the view happened in a room the resource is not in
    response = track(
        logged_in(member),
        type="resource_viewed",
        object_id=str(resource.pk),
        room=str(other_room.pk),
    )
    settle()

    # then it is refused
    assert response.status_code == 403
    assert Event.objects.count() == 0


def test_one_refused_event_in_a_batch_stores_none_of_the_batch():
    room, _webinar, _recording, resource = private_room_catalogue()
    _other_room, _other_webinar, _other_recording, other_resource = (
        private_room_catalogue()
    )
    member = practitioner()
    member_add(room=room, user=member)
    body = {
        "events": [
            {
                "type": "resource_viewed",
                "object_id": resource.pk,
                "idempotency_key": "a" * 10,
            },
            {
                "type": "resource_viewed",
                "object_id": other_resource.pk,
                "idempotency_key": "b" * 10,
            },
        ]
    }

    response = logged_in(member).post(
        "/api/v1/track/", body, content_type="application/json"
    )
    settle()

    assert response.status_code == 403
    assert Event.objects.count() == 0


def test_an_object_type_no_app_registered_is_refused():
    # given no app accepts tracking of recordings (the webinars app is absent)
    from learning.records.api import (
        tracking_access_register,
        tracking_access_unregister,
    )
    from webinars.api import recording_tracking_access

    room, _webinar, recording, _resource = private_room_catalogue()
    member = practitioner()
    member_add(room=room, user=member)
    tracking_access_unregister("webinars.recording")
    try:
        # when a member reports playback
        response = view_recording(logged_in(member), recording, 40)
    finally:
        tracking_access_register("webinars.recording", recording_tracking_access)
    settle()

    # then deny by default
    assert response.status_code == 403
    assert "cannot be tracked" in response.json()["error"]
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("stored_duration", "claimed_duration", "seconds_played", "views"),
    [
        (200.0, 20, 19, 0),  # 10% of the stored 200 s is 20 s; the claim is ignored
        (200.0, 20, 20, 1),
        (600.0, 100, 29, 0),  # stored 600 s: the 30 s rule is the shorter
        (None, 100, 15, 0),  # unknown duration: the 30 s rule alone
        (None, 100, 30, 1),
    ],
)
def test_the_playback_threshold_uses_the_stored_duration(
    stored_duration, claimed_duration, seconds_played, views
):
    # given a member and a recording whose stored duration is known, or not
    room, _webinar, recording, _resource = private_room_catalogue(
        duration=stored_duration
    )
    member = practitioner()
    member_add(room=room, user=member)

    # when the player reports playback with a duration of its own
    response = view_recording(
        logged_in(member), recording, seconds_played, duration=claimed_duration
    )
    settle()

    # then the server's duration decides whether a view happened
    assert response.status_code == 202
    assert report_today()["recordings"]["views"] == views
