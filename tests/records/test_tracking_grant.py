"""The player's grant: the page's signed permission to track one recording.

The recording player page gives a grant after its access check; the browser sends
it back in the X-Tracking-Grant header, with no session and no CSRF token, and the
view counts exactly as one sent with the session would.
"""

import json
import re
import uuid

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from learning.records.models import Event
from tests.records.test_tracking_access import logged_in, private_room_catalogue
from tests.records.tracking import TRACK_URL, report_today, settle
from tests.webinars.factories import member_add, practitioner

pytestmark = pytest.mark.django_db

GRANT = re.compile(r'data-track-grant="([^"]+)"')


def player_grant(client, recording) -> str:
    page = client.get(reverse("webinars:recording_player", args=[recording.pk]))
    assert page.status_code == 200
    return GRANT.search(page.content.decode()).group(1)


def granted_playback(grant: str, recording, seconds_played, **extra):
    """What the player's script sends: no cookie at all, the grant in a header."""
    event = {
        "type": "recording_viewed",
        "idempotency_key": uuid.uuid4().hex,
        "object_id": str(recording.pk),
        "seconds_played": seconds_played,
        **extra,
    }
    return Client(enforce_csrf_checks=True).post(
        TRACK_URL,
        data=json.dumps(event),
        content_type="application/json",
        headers={"X-Tracking-Grant": grant},
    )


def test_a_view_sent_with_the_players_grant_counts_with_the_members_profile():
    # given a member of a room who opened one of its recordings
    room, webinar, recording, _resource = private_room_catalogue(duration=600)
    member = practitioner()
    member_add(room=room, user=member)
    grant = player_grant(logged_in(member), recording)

    # when the player reports 40 s of playback with the grant alone
    answer = granted_playback(grant, recording, 40, duration=5, room="999")
    settle()

    # then it is accepted without session or CSRF token, and counts once under the
    # room, webinar and profile the server knows (not the browser's claims)
    assert answer.status_code == 202, answer.content
    event = Event.objects.get(event_type="recording_viewed")
    assert event.actor_id == member.pk
    assert (event.room, event.webinar) == (str(room.pk), str(webinar.pk))
    assert event.country == member.profile.country
    assert event.context["duration"] == 600
    assert report_today()["recordings"]["by_recording"] == {str(recording.pk): 1}


def test_a_grant_cannot_track_another_recording():
    room, webinar, recording, _resource = private_room_catalogue()
    other_room, _w, other_recording, _r = private_room_catalogue()
    member = practitioner()
    member_add(room=room, user=member)
    grant = player_grant(logged_in(member), recording)

    answer = granted_playback(grant, other_recording, 40)

    assert answer.status_code == 403
    assert "another object" in answer.json()["error"]
    assert not Event.objects.exists()


def test_a_forged_grant_is_refused_and_nothing_is_stored():
    room, _webinar, recording, _resource = private_room_catalogue()
    member = practitioner()
    member_add(room=room, user=member)
    grant = player_grant(logged_in(member), recording)
    forged = grant.replace(grant.split(":")[0], grant.split(":")[0][::-1], 1)

    answer = granted_playback(forged, recording, 40)
    settle()

    assert answer.status_code == 403
    assert not Event.objects.exists()


@override_settings(RECORDS_TRACKING_GRANT_SECONDS=3600)
def test_an_expired_grant_asks_for_a_reload():
    room, _webinar, recording, _resource = private_room_catalogue()
    member = practitioner()
    member_add(room=room, user=member)
    grant = player_grant(logged_in(member), recording)

    with time_machine.travel(timezone.now() + timezone.timedelta(hours=2)):
        answer = granted_playback(grant, recording, 40)

    assert answer.status_code == 403
    assert "reload" in answer.json()["error"]


def test_a_non_member_gets_no_grant_and_the_session_route_still_needs_csrf():
    room, _webinar, recording, _resource = private_room_catalogue()
    outsider = logged_in(practitioner())

    player = reverse("webinars:recording_player", args=[recording.pk])
    assert outsider.get(player).status_code == 404

    # without a grant, a cookie-authenticated POST without the CSRF token is refused
    member = practitioner()
    member_add(room=room, user=member)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    answer = strict.post(
        TRACK_URL,
        data=json.dumps(
            {
                "type": "recording_viewed",
                "idempotency_key": uuid.uuid4().hex,
                "object_id": str(recording.pk),
                "seconds_played": 40,
            }
        ),
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert not Event.objects.exists()


def test_the_same_report_sent_twice_with_the_grant_is_one_event():
    room, _webinar, recording, _resource = private_room_catalogue()
    member = practitioner()
    member_add(room=room, user=member)
    grant = player_grant(logged_in(member), recording)

    first = granted_playback(grant, recording, 40, idempotency_key="rec.1.abcd.1")
    again = granted_playback(grant, recording, 40, idempotency_key="rec.1.abcd.1")
    settle()

    assert (first.status_code, again.status_code) == (202, 202)
    assert Event.objects.filter(event_type="recording_viewed").count() == 1


def test_a_learner_deleted_before_the_drain_blocks_nothing_and_their_view_stays():
    # given a member's view waiting in the stream, and another member's after it
    room, _webinar, recording, _resource = private_room_catalogue()
    leaver, stayer = practitioner(), practitioner()
    for member in (leaver, stayer):
        member_add(room=room, user=member)
    leaving = granted_playback(
        player_grant(logged_in(leaver), recording), recording, 40
    )
    staying = granted_playback(
        player_grant(logged_in(stayer), recording), recording, 40
    )
    assert (leaving.status_code, staying.status_code) == (202, 202)

    # when the first deletes their account before the worker drains the stream
    leaver.delete()
    settle()

    # then both views are stored, the leaver's anonymised as deletion does
    actors = set(Event.objects.values_list("actor_id", flat=True))
    assert actors == {None, stayer.pk}
    assert report_today()["recordings"]["views"] == 2


def test_a_granted_request_for_a_host_outside_allowed_hosts_is_refused():
    room, _webinar, recording, _resource = private_room_catalogue()
    member = practitioner()
    member_add(room=room, user=member)
    grant = player_grant(logged_in(member), recording)

    with override_settings(ALLOWED_HOSTS=["learning.example.org"]):
        answer = granted_playback(grant, recording, 40)
    settle()

    assert answer.status_code == 400
    assert not Event.objects.exists()
