"""The tracking hot path makes (almost) no query, and its caches never mislead."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from irooms.models import Membership, MembershipStatus, Role
from learning.accounts.models import TRAINERS_GROUP
from learning.accounts.services import profile_update
from learning.records.models import Event
from tests.irooms.factories import ResourceFactory
from tests.records.tracking import settle, track
from tests.webinars.factories import member_add, practitioner, room_build

pytestmark = pytest.mark.django_db

MFA_SETUP_URL = "/en/accounts/2fa/totp/activate/"


def member_of_room_with_resource():
    room = room_build()
    resource = ResourceFactory(rooms=[room])
    member = practitioner()
    member_add(room=room, user=member)
    client = Client()
    client.force_login(member)
    return room, resource, member, client


def view(client, resource):
    return track(client, type="resource_viewed", object_id=str(resource.pk))


@pytest.mark.parametrize("views", [1, 5])
def test_a_repeated_tracking_request_makes_at_most_one_query(views):
    # given a member whose first view warmed the caches
    _room, resource, _member, client = member_of_room_with_resource()
    assert view(client, resource).status_code == 202

    # when more views arrive
    with CaptureQueriesContext(connection) as queries:
        for _ in range(views):
            assert view(client, resource).status_code == 202

    # then only the user row is read, once per request
    assert len(queries) <= views, [query["sql"] for query in queries]


def test_a_member_who_becomes_a_room_trainer_is_sent_to_mfa_at_once():
    # given a member whose "needs no MFA" decision is cached in the session
    room, resource, member, client = member_of_room_with_resource()
    assert view(client, resource).status_code == 202

    # when they are made a trainer of the room
    Membership.objects.filter(room=room, user=member).update(status="left")
    Membership.objects.filter(room=room, user=member).delete()
    Membership.objects.create(
        room=room, user=member, role=Role.TRAINER, status=MembershipStatus.ACTIVE
    )

    # then their next request is sent to set up a second factor
    response = view(client, resource)
    assert response.status_code == 302
    assert MFA_SETUP_URL in response["Location"]


def test_a_user_added_to_the_trainers_group_is_sent_to_mfa_at_once():
    _room, resource, member, client = member_of_room_with_resource()
    assert view(client, resource).status_code == 202

    member.groups.add(Group.objects.get_or_create(name=TRAINERS_GROUP)[0])

    response = view(client, resource)
    assert response.status_code == 302
    assert MFA_SETUP_URL in response["Location"]


def test_a_removed_member_can_no_longer_track_the_rooms_resource():
    # given a member whose access to the resource is cached
    room, resource, member, client = member_of_room_with_resource()
    assert view(client, resource).status_code == 202

    # when they are removed from the room
    Membership.objects.get(room=room, user=member).delete()

    # then their next view is refused
    assert view(client, resource).status_code == 403


def test_a_profile_edit_shows_in_the_next_event_snapshot():
    # given a member from Kenya who viewed a resource
    _room, resource, member, client = member_of_room_with_resource()
    profile_update(user=member, country="KE")
    view(client, resource)

    # when they move to France and view again
    profile_update(user=member, country="FR")
    track(
        client,
        type="resource_viewed",
        object_id=str(resource.pk),
        idempotency_key=uuid.uuid4().hex,
    )
    settle()

    # then each event carries the country of its moment
    assert sorted(Event.objects.values_list("country", flat=True)) == ["FR", "KE"]
