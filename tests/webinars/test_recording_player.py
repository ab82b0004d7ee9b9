"""The recording player: who may watch, and a flat query count whatever the data."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.webinars.factories import (
    member_add,
    organiser,
    practitioner,
    recording_build,
    room_build,
    series_build,
    webinar_build,
)
from webinars.models import Caption

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20  # the platform's budget for a key page


def player_url(recording) -> str:
    return reverse("webinars:recording_player", args=[recording.pk])


@pytest.mark.parametrize(
    ("series", "viewer", "status"),
    [
        ("public", "anonymous", 200),
        ("rooms", "member of the first room", 200),
        ("rooms", "member of the second room", 200),
        ("rooms", "superuser", 200),
        ("rooms", "non-member", 404),
        ("rooms", "anonymous", 404),
    ],
)
def test_the_player_opens_to_the_series_audience_only(client, series, viewer, status):
    # given: a public series, or one shared by two rooms
    rooms = [room_build(title="Room A"), room_build(title="Room B")]
    recording = recording_build(
        webinar=webinar_build(
            series=series_build(rooms=rooms if series == "rooms" else ())
        )
    )
    user = {
        "member of the first room": practitioner,
        "member of the second room": practitioner,
        "superuser": organiser,
        "non-member": practitioner,
    }.get(viewer, lambda: None)()
    if viewer.startswith("member of the first"):
        member_add(room=rooms[0], user=user)
    elif viewer.startswith("member of the second"):
        member_add(room=rooms[1], user=user)
    if user is not None:
        client.force_login(user)
    # when
    response = client.get(player_url(recording))
    # then
    assert response.status_code == status
    if status == 200:
        assert recording.title in response.text


def test_an_unpublished_webinars_recording_is_a_404_even_for_members(client):
    # given
    room = room_build()
    webinar = webinar_build(series=series_build(rooms=[room]))
    recording = recording_build(webinar=webinar)
    member = practitioner()
    member_add(room=room, user=member)
    client.force_login(member)
    assert client.get(player_url(recording)).status_code == 200
    # when
    webinar.unpublish()
    # then
    assert client.get(player_url(recording)).status_code == 404


def scenario(client, *, recordings: int, captions: int, members: int) -> int:
    """A member opens one of the webinar's `recordings`, which has `captions`, in a
    room of `members` others; the player's query count, once warm."""
    room = room_build()
    webinar = webinar_build(series=series_build(rooms=[room]))
    shown = [recording_build(webinar=webinar) for _ in range(recordings)][0]
    for language in ["en", "fr", "es", "ar", "ru", "zh-hans", "pt"][:captions]:
        Caption.objects.create(
            recording=shown,
            language=language,
            file=ContentFile(b"WEBVTT\n", name=f"{language}.vtt"),
        )
    for _ in range(members):
        member_add(room=room, user=practitioner())
    viewer = practitioner()
    member_add(room=room, user=viewer)
    client.force_login(viewer)
    client.get(player_url(shown))  # warm per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(player_url(shown))
    assert response.status_code == 200
    assert response.text.count("<track ") == captions
    return len(queries)


def test_the_player_answers_within_budget_whatever_the_recordings_or_members(client):
    # given / when: one recording with a caption and a lone member, then many
    small = scenario(client, recordings=1, captions=1, members=0)
    large = scenario(client, recordings=5, captions=7, members=40)
    # then
    assert small == large
    assert large <= MAX_QUERIES
