"""The room home: what is new, sessions, courses, discussions, in flat queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from irooms.models import Membership, MembershipStatus, Resource, Role, Thread
from irooms.selectors import room_home
from tests.factories import UserFactory
from tests.irooms.factories import member_add, room_create, session_create

pytestmark = pytest.mark.django_db
# The platform standard for a page: at most 20 queries for the whole request. Of
# them, 10 are the platform's own (session, user, the MFA requirement in one query,
# Wagtail's site, locale and five routing steps, the view restrictions in one
# query); the room home itself (member counts with the visitor's role, profile
# gate, resources with their total, sessions, threads, linked courses and
# webinars) must stay within ROOM_HOME_QUERIES.
MAX_QUERIES = 20
ROOM_HOME_QUERIES = 10


def grow(room, *, resources: int, members: int, threads: int) -> None:
    """Add content in bulk, as a busy room would have."""
    Resource.objects.bulk_create(
        Resource(title=f"Resource {n}", resource_type="manual", languages=["en"])
        for n in range(resources)
    )
    Resource.rooms.through.objects.bulk_create(
        Resource.rooms.through(resource_id=pk, roompage_id=room.pk)
        for pk in Resource.objects.filter(rooms=None).values_list("pk", flat=True)
    )
    users = UserFactory.create_batch(members)
    Membership.objects.bulk_create(
        Membership(room=room, user=user, status=MembershipStatus.ACTIVE)
        for user in users
    )
    Thread.objects.bulk_create(
        Thread(room=room, author=users[n % len(users)], title=f"T{n}", body="b")
        for n in range(threads)
    )
    session_create(room=room)


def home_queries(room, user) -> tuple[int, bytes]:
    client = Client()
    client.force_login(user)
    client.get(room.url)  # warm the session and caches once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(room.url)
    assert response.status_code == 200
    return len(queries), response.content


def test_room_home_query_count_does_not_grow_with_the_room():
    # given two rooms, one small and one with 1,000 resources, 200 members, 500 threads
    small, large = room_create(title="Small"), room_create(title="Large")
    grow(small, resources=5, members=5, threads=5)
    grow(large, resources=1000, members=200, threads=500)
    reader = member_add(room=small)
    member_add(room=large, user=reader, role=Role.PARTICIPANT)

    # when a member opens each room's home
    small_count, _ = home_queries(small, reader)
    large_count, content = home_queries(large, reader)

    # then the same number of queries, and few of them
    assert small_count == large_count
    assert large_count <= MAX_QUERIES
    with CaptureQueriesContext(connection) as selector_queries:
        home = room_home(room=large, user=reader)
    assert len(selector_queries) <= ROOM_HOME_QUERIES
    assert home["resource_count"] == 1000
    assert home["member_count"] == 201
    assert b"Resource 999" in content
    assert b"T499" in content
