"""The access-control matrix: every URL kind of a room against every kind of visitor.

Rows are generated from `irooms.urls.urlpatterns` and from the room page types, so
a new URL or page type without a row fails `test_every_room_url_has_a_matrix_row`.
Discussion attachments have a row per kind of post they can belong to (generated
from Attachment's foreign keys) in each visibility state of that post.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.core.files.base import ContentFile
from django.db.models import ForeignKey
from django.test import Client
from django.urls import URLPattern, reverse

from irooms import urls as room_urls
from irooms.models import (
    Attachment,
    Invitation,
    JoinPolicy,
    MembershipStatus,
    Reply,
    Role,
    RoomPage,
)
from tests.irooms.factories import (
    ResourceFactory,
    attachment_create,
    content_page_create,
    form_page_create,
    member_add,
    practitioner,
    reply_create,
    room_create,
    room_document,
    room_image,
    session_create,
    staff_user,
    thread_create,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "outsider",
    "pending",
    "participant",
    "expert",
    "other_trainer",
    "trainer",
    "staff",
)
SECRET = "Secret-manual-title-7f3a"


def expect(**statuses) -> dict[str, int]:
    """A row: every role's exact status; `members=` sets participant..staff at once."""
    members = statuses.pop("members", None)
    outsiders = statuses.pop("outsiders", 404)
    row = dict.fromkeys(ROLES, outsiders)
    if members is not None:
        row.update(participant=members, expert=members, trainer=members, staff=members)
    row.update(statuses)
    assert set(row) == set(ROLES)
    return row


MEMBER_GET = expect(members=200)
MEMBER_POST_ONLY = expect(members=405)
MANAGER_GET = expect(members=200, participant=403, expert=403)
# What moderators hid stays theirs: members who cannot see it get 404, not 403.
MANAGER_ONLY_GET = expect(members=404, trainer=200, staff=200)
MANAGER_POST_ONLY = expect(members=405, participant=403, expert=403)
EXPERT_POST_ONLY = expect(members=405, participant=403)


@dataclass
class World:
    room: RoomPage
    users: dict
    kwargs: dict


@dataclass(frozen=True)
class Row:
    expected: dict
    kwargs: tuple[str, ...] = ()


# One row per URL name of irooms.urls; `kwargs` names the objects its URL needs.
URL_MATRIX = {
    "invitation_accept": Row(
        # Any token: anonymous visitors are sent to sign up (nothing is revealed:
        # the answer is the same for every token); signed-in users with a wrong
        # token get 404.
        expect(anonymous=302, outsiders=404, members=404),
        ("token",),
    ),
    # Opening a new room is for platform trainers (the Trainers group) and staff;
    # a room's own trainers are not platform trainers by that role alone.
    "room_create": Row(expect(anonymous=302, outsiders=403, members=403, staff=200)),
    "room_join": Row(expect(anonymous=404, outsiders=405, members=405), ("room_id",)),
    "room_leave": Row(MEMBER_POST_ONLY, ("room_id",)),
    "room_search": Row(MEMBER_GET, ("room_id",)),
    "room_feed": Row(MEMBER_GET, ("room_id",)),
    "resource_list": Row(MEMBER_GET, ("room_id",)),
    "resource_upload": Row(MANAGER_GET, ("room_id",)),
    "resource_detail": Row(MEMBER_GET, ("room_id", "resource_id")),
    "resources_export": Row(MEMBER_GET, ("room_id",)),
    "resources_api": Row(MEMBER_GET, ("room_id",)),
    "room_image": Row(MEMBER_GET, ("room_id", "image_id", "spec")),
    "session_list": Row(MEMBER_GET, ("room_id",)),
    "session_create": Row(MANAGER_GET, ("room_id",)),
    "session_edit": Row(MANAGER_GET, ("room_id", "session_id")),
    "session_register": Row(MEMBER_POST_ONLY, ("room_id", "session_id")),
    "session_recording": Row(MEMBER_GET, ("room_id", "session_id")),
    "session_attendance": Row(MANAGER_GET, ("room_id", "session_id")),
    "thread_list": Row(MEMBER_GET, ("room_id",)),
    "thread_detail": Row(MEMBER_GET, ("room_id", "thread_id")),
    "attachment_download": Row(MEMBER_GET, ("room_id", "attachment_id")),
    "thread_moderate": Row(MANAGER_POST_ONLY, ("room_id", "thread_id")),
    "reply_mark_answer": Row(EXPERT_POST_ONLY, ("room_id", "reply_id")),
    "member_directory": Row(MEMBER_GET, ("room_id",)),
    "member_manage": Row(MANAGER_GET, ("room_id",)),
    "members_export": Row(MANAGER_GET, ("room_id",)),
    "good_practices": Row(MEMBER_GET, ("room_id",)),
    "submission_review": Row(MANAGER_GET, ("room_id",)),
}

# Wagtail-served kinds: the room page itself (a request-and-approval room shows its
# door to signed-in non-members; anonymous visitors are sent to log in), an
# invitation-only room (404 to non-members), the room's sub-page types, its
# documents through Wagtail's document serve view, and its images' renditions
# (what `{% image %}` and the admin's thumbnails link to).
PAGE_MATRIX = {
    "RoomPage": expect(anonymous=302, outsiders=200, members=200),
    "RoomPage(invitation)": expect(anonymous=302, outsiders=404, members=200),
    "RoomContentPage": MEMBER_GET,
    "RoomFormPage": MEMBER_GET,
    "document": MEMBER_GET,
    "rendition": MEMBER_GET,
}


# Attachments follow their post (thread or reply): hidden with it, gone with it.
ATTACHMENT_MATRIX = {
    "thread": MEMBER_GET,
    "thread(hidden)": MANAGER_ONLY_GET,
    "thread(deleted)": expect(),
    "reply": MEMBER_GET,
    "reply(hidden)": MANAGER_ONLY_GET,
    "reply(deleted)": expect(),
}
POST_STATES = {
    "": {},
    "(hidden)": {"is_hidden": True, "moderation_reason": "Off topic"},
    "(deleted)": {"deleted_at": datetime(2025, 1, 1, tzinfo=UTC)},
}


def attachment_parents() -> set[str]:
    """The kinds of post an attachment can belong to: Attachment's foreign keys."""
    return {
        field.name
        for field in Attachment._meta.get_fields()
        if isinstance(field, ForeignKey)
    }


def attachments_on_every_kind_of_post(world: World) -> dict[str, int]:
    """An attachment on a thread and on a reply in each state; ids by matrix key."""
    room, users = world.room, world.users
    ids = {}
    for state, fields in POST_STATES.items():
        thread = thread_create(room=room, author=users["participant"], **fields)
        ids[f"thread{state}"] = attachment_create(thread=thread).pk
        visible_thread = thread_create(room=room, author=users["participant"])
        reply = reply_create(thread=visible_thread, author=users["expert"])
        Reply.objects.filter(pk=reply.pk).update(**fields)
        ids[f"reply{state}"] = attachment_create(thread=visible_thread, reply=reply).pk
    return ids


def room_page_types() -> set[str]:
    """RoomPage and every page type that can live inside a room, recursively."""
    found, todo = set(), [RoomPage]
    while todo:
        model = todo.pop()
        if model.__name__ in found:
            continue
        found.add(model.__name__)
        todo.extend(model.allowed_subpage_models())
    return found


def build_world() -> World:
    room = room_create(policy=JoinPolicy.REQUEST)
    other_room = room_create(title="Another room")
    invitation_room = room_create(title="Closed room", policy=JoinPolicy.INVITATION)
    users = {
        "anonymous": None,
        "outsider": practitioner(),
        "pending": member_add(room=room, status=MembershipStatus.PENDING),
        "participant": member_add(room=room),
        "expert": member_add(room=room, role=Role.EXPERT),
        "other_trainer": member_add(room=other_room, role=Role.TRAINER),
        "trainer": member_add(room=room, role=Role.TRAINER),
        "staff": staff_user(),
    }
    for role in ("participant", "expert", "trainer"):
        member_add(room=invitation_room, user=users[role], role=Role(role))
    document = room_document(room=room, title=SECRET)
    resource = ResourceFactory(title=SECRET, document=document, rooms=[room])
    session = session_create(room=room, title=SECRET)
    session.recording.save("recording.mp4", ContentFile(b"\x00" * 64))
    thread = thread_create(room=room, author=users["participant"], title=SECRET)
    reply = reply_create(thread=thread, author=users["expert"])
    attachment = attachment_create(thread=thread, content=SECRET.encode())
    image = room_image(room=room)
    Invitation.objects.all().delete()
    return World(
        room=room,
        users=users,
        kwargs={
            "room_id": room.pk,
            "resource_id": resource.pk,
            "image_id": image.pk,
            "spec": "fill-120x120",
            "session_id": session.pk,
            "thread_id": thread.pk,
            "reply_id": reply.pk,
            "attachment_id": attachment.pk,
            "token": "not-a-real-token",
            "pages": {
                "RoomPage": room.url,
                "RoomPage(invitation)": invitation_room.url,
                "RoomContentPage": content_page_create(room=room).url,
                "RoomFormPage": form_page_create(room=room).url,
                "document": document.url,
                "rendition": image.get_rendition("max-165x165").url,
            },
        },
    )


def statuses_for(world: World, url: str) -> dict[str, int]:
    row = {}
    for role in ROLES:
        client = Client()
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        row[role] = response.status_code
        body = b"".join(response) if not response.streaming else b""
        if response.status_code != 200 or role in ("outsider", "pending"):
            assert SECRET.encode() not in body, f"{role} sees private content at {url}"
    return row


def test_every_room_url_has_a_matrix_row():
    names = {pattern.name for pattern in room_urls.urlpatterns}

    assert names == set(URL_MATRIX)
    assert all(isinstance(each, URLPattern) for each in room_urls.urlpatterns)


def test_every_room_page_type_has_a_matrix_row():
    assert room_page_types() <= set(PAGE_MATRIX)


@pytest.mark.parametrize("name", [pattern.name for pattern in room_urls.urlpatterns])
def test_room_url_answers_each_visitor_with_the_exact_status(name):
    # given a room with content of every kind and a visitor in each role
    world = build_world()
    row = URL_MATRIX[name]
    url = reverse(
        f"irooms:{name}", kwargs={key: world.kwargs[key] for key in row.kwargs}
    )

    # when each visitor asks for the URL
    statuses = statuses_for(world, url)

    # then every cell is exactly as specified
    assert statuses == row.expected


@pytest.mark.parametrize("kind", sorted(PAGE_MATRIX))
def test_room_page_or_document_answers_each_visitor_with_the_exact_status(kind):
    world = build_world()

    statuses = statuses_for(world, world.kwargs["pages"][kind])

    assert statuses == PAGE_MATRIX[kind]


def test_every_kind_of_post_with_attachments_has_a_row_per_state():
    expected = {
        f"{parent}{state}" for parent in attachment_parents() for state in POST_STATES
    }

    assert set(ATTACHMENT_MATRIX) == expected


def test_attachment_answers_each_visitor_as_its_post_does():
    # given an attachment on a thread and on a reply, visible, hidden and deleted
    world = build_world()
    attachments = attachments_on_every_kind_of_post(world)

    # when each visitor asks for each of them
    statuses = {
        kind: statuses_for(
            world,
            reverse("irooms:attachment_download", args=[world.room.pk, pk]),
        )
        for kind, pk in attachments.items()
    }

    # then each answers exactly as its post is shown
    assert statuses == ATTACHMENT_MATRIX
