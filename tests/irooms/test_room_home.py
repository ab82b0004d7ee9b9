"""The room home: what is new, sessions, courses, discussions, in flat queries.

Its shared part is cached (irooms.caching): what members add shows at once, and
who may see the room is asked of the database on every request.
"""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from irooms import services
from irooms.caching import room_homes_forget
from irooms.models import (
    JoinPolicy,
    Membership,
    MembershipStatus,
    Resource,
    Role,
    Thread,
)
from irooms.selectors import room_home, room_home_lists
from tests.courses.factories import course_build
from tests.factories import UserFactory
from tests.irooms.factories import (
    member_add,
    room_create,
    session_create,
    thread_create,
)
from tests.webinars.factories import series_build, webinar_build

pytestmark = pytest.mark.django_db
# The platform standard for a page: at most 20 queries for the whole request. Of
# them, 9 are the platform's own (session, user, the MFA requirement in one query,
# Wagtail's site, locale and four routing steps, the view restrictions in one
# query); the room home itself (member counts with the visitor's role, profile
# gate and, when its cached part must be built again, resources with their total,
# sessions, threads, linked courses and webinars) must stay within
# ROOM_HOME_QUERIES.
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


def home_queries(room, user, *, cached: bool = True) -> tuple[int, bytes]:
    client = Client()
    client.force_login(user)
    client.get(room.url)  # warm the session and caches once
    if not cached:
        room_homes_forget()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(room.url)
    assert response.status_code == 200
    return len(queries), response.content


@pytest.mark.parametrize("cached", [True, False], ids=["cached", "built"])
def test_room_home_query_count_does_not_grow_with_the_room(cached):
    # given two rooms, one small and one with 1,000 resources, 200 members, 500 threads
    small, large = room_create(title="Small"), room_create(title="Large")
    grow(small, resources=5, members=5, threads=5)
    grow(large, resources=1000, members=200, threads=500)
    reader = member_add(room=small)
    member_add(room=large, user=reader, role=Role.PARTICIPANT)

    # when a member opens each room's home
    small_count, _ = home_queries(small, reader, cached=cached)
    large_count, content = home_queries(large, reader, cached=cached)

    # then the same number of queries, and few of them
    assert small_count == large_count
    assert large_count <= MAX_QUERIES
    with CaptureQueriesContext(connection) as selector_queries:
        home = room_home(room=large, user=reader)
        lists = room_home_lists(room=large)
    assert len(selector_queries) <= ROOM_HOME_QUERIES
    assert lists["resource_count"] == 1000
    assert home["member_count"] == 201
    assert b"1000 resources" in content
    assert b"201 members" in content
    assert b"Resource 999" in content
    assert b"T499" in content


def resource_added(room, trainer):
    services.resource_create(
        room=room, actor=trainer, title="Fresh manual", resource_type="manual"
    )
    return b"Fresh manual"


def thread_started(room, trainer):
    services.thread_create(
        room=room, author=trainer, title="Fresh discussion", body="<p>Text</p>"
    )
    return b"Fresh discussion"


def reply_posted(room, trainer):
    thread = Thread.objects.get(room=room)
    services.reply_create(thread=thread, author=trainer, body="<p>Answer</p>")
    return b"(1 reply)"


def session_planned(room, trainer):
    services.session_save(
        room=room,
        actor=trainer,
        title="Fresh workshop",
        starts_at=timezone.now() + timedelta(days=1),
    )
    return b"Fresh workshop"


def course_linked(room, trainer):
    course_build(title="Fresh course", lessons=1, rooms=[room])
    return b"Fresh course"


@pytest.mark.parametrize(
    "change",
    [resource_added, thread_started, reply_posted, session_planned, course_linked],
)
def test_what_is_added_to_a_room_shows_on_its_home_at_once(change):
    # given a member who has seen the room home (now cached)
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    thread_create(room=room, author=trainer, title="Older discussion")
    client = Client()
    client.force_login(member_add(room=room))
    assert b"Older discussion" in client.get(room.url).content

    # when something is added to the room
    expected = change(room, trainer)

    # then the member's next visit shows it
    assert expected in client.get(room.url).content


def test_hidden_discussion_leaves_the_room_home_at_once():
    # given a discussion a member has seen on the room home
    room = room_create()
    trainer = member_add(room=room, role=Role.TRAINER)
    thread = thread_create(room=room, author=trainer, title="Leaked case file")
    client = Client()
    client.force_login(member_add(room=room))
    assert b"Leaked case file" in client.get(room.url).content

    # when a trainer hides it
    services.post_moderate(post=thread, action="hide", reason="Private", actor=trainer)

    # then the room home no longer shows it
    assert b"Leaked case file" not in client.get(room.url).content


@pytest.mark.parametrize(
    ("policy", "status"), [(JoinPolicy.INVITATION, 404), (JoinPolicy.REQUEST, 200)]
)
def test_removed_member_loses_the_room_home_at_once(policy, status):
    # given a member who has seen the room home, its discussions cached
    room = room_create(policy=policy)
    trainer = member_add(room=room, role=Role.TRAINER)
    thread_create(room=room, author=trainer, title="Secret-operation-4411")
    member = member_add(room=room)
    client = Client()
    client.force_login(member)
    assert b"Secret-operation-4411" in client.get(room.url).content

    # when a trainer removes the member
    services.membership_remove(room=room, user_id=member.pk, actor=trainer)

    # then the next visit is a 404 (invitation only) or the door, never the home
    response = client.get(room.url)
    assert response.status_code == status
    assert b"Secret-operation-4411" not in response.content


def session_starting(room, starts_in):
    session_create(room=room, title="Imminent workshop", starts_in=starts_in)
    return b"Imminent workshop"


def webinar_starting(room, starts_in):
    webinar_build(
        series=series_build(rooms=[room]), title="Imminent webinar", starts_in=starts_in
    )
    return b"Imminent webinar"


@pytest.mark.parametrize("upcoming", [session_starting, webinar_starting])
def test_started_session_or_webinar_leaves_the_room_home(upcoming):
    # given a member who has seen an upcoming session (or webinar) on the room home,
    # and a later session, both listed in the cached part
    room = room_create()
    title = upcoming(room, timedelta(hours=2))
    session_create(room=room, title="Later workshop", starts_in=timedelta(days=3))
    client = Client()
    client.force_login(member_add(room=room))
    assert title in client.get(room.url).content

    # when the clock passes its start, with nothing else changed in the room
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
        content = client.get(room.url).content

    # then it is no longer listed as upcoming; the later session still is
    assert title not in content
    assert b"Later workshop" in content


def test_a_room_routed_from_the_cache_is_gone_at_once_when_unpublished_or_moved():
    # given a member who opened the room home twice (the second time its route
    # comes from the cache, not from Wagtail's walk down the page tree)
    room = room_create(policy=JoinPolicy.INVITATION)
    member = member_add(room=room)
    client = Client()
    client.force_login(member)
    first_url = room.url
    with CaptureQueriesContext(connection) as walked:
        assert client.get(first_url).status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert client.get(first_url).status_code == 200
    assert len(cached) < len(walked)

    # when the room is renamed, its old address is gone and the new one serves it
    room.slug = "renamed-room"
    room.save_revision().publish()
    room.refresh_from_db()
    assert client.get(first_url).status_code == 404
    assert client.get(room.url).status_code == 200

    # and once it is unpublished, nobody reaches it
    room.unpublish()
    assert client.get(room.url).status_code == 404


@pytest.mark.parametrize(
    ("section", "label"),
    [("home", "Room home"), ("irooms:resource_list", "Resources")],
)
def test_the_room_navigation_marks_the_section_the_member_is_in(section, label):
    room = room_create()
    member = member_add(room=room)
    client = Client()
    client.force_login(member)

    url = room.url if section == "home" else reverse(section, args=[room.pk])
    html = client.get(url).content.decode()

    # then exactly one link is the current page, and it is that section's
    assert html.count('aria-current="page"') == 1
    assert f'aria-current="page">{label}</a>' in html
