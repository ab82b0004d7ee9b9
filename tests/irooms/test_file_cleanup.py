"""Deleted rooms, resources, sessions and posts leave no file behind, once committed."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from irooms.models import Attachment, Resource, RoomPage, Session
from tests.irooms.factories import (
    ResourceFactory,
    attachment_create,
    member_add,
    practitioner,
    reply_create,
    room_create,
    room_document,
    room_image,
    room_index,
    session_create,
    staff_user,
    thread_create,
)

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    """Raised to roll a deletion back."""


def superuser_client() -> Client:
    user = staff_user()
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    client = Client()
    client.force_login(user)
    return client


def room_with_files(*, title="Cross-border investigations"):
    """A room with one file of every kind it keeps; returns the room and the paths."""
    room = room_create(title=title)
    author = member_add(room=room)
    image = room_image(room=room)
    rendition = image.get_rendition("max-165x165")
    resource = ResourceFactory(rooms=[room], document=room_document(room=room))
    material = room_document(room=room, title="Slides", name="slides.pdf")
    session = session_create(room=room)
    session.materials.add(material)
    session.recording.save("talk.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"))
    thread = thread_create(room=room, author=author)
    reply = reply_create(thread=thread, author=author)
    attachments = [
        attachment_create(thread=thread),
        attachment_create(thread=thread, reply=reply, filename="reply.txt"),
    ]
    files = [
        image.file,
        rendition.file,
        resource.document.file,
        material.file,
        session.recording,
        *(attachment.file for attachment in attachments),
    ]
    paths = [Path(file.path) for file in files]
    assert all(path.exists() for path in paths)
    return room, paths


@pytest.mark.parametrize("deleted", ["room", "rooms index"])
def test_room_deleted_in_the_admin_takes_every_file_of_the_room_along(
    deleted, django_capture_on_commit_callbacks
):
    # given a room with images, documents, a recording and attachments
    room, paths = room_with_files()
    collection_id = room.collection_id
    page = room if deleted == "room" else room_index()

    # when staff delete the room, or the page above it, in the Wagtail admin
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client().post(
            reverse("wagtailadmin_pages:delete", args=[page.pk])
        )

    # then the room, its collection and every one of its files are gone
    assert response.status_code == 302
    assert not RoomPage.objects.filter(pk=room.pk).exists()
    assert not Collection.objects.filter(pk=collection_id).exists()
    assert [path for path in paths if path.exists()] == []


def test_document_of_a_resource_shared_with_another_room_moves_to_that_room(
    django_capture_on_commit_callbacks,
):
    # given a resource of one room, shared with a second room
    first = room_create(title="First room")
    second = room_create(title="Second room")
    resource = ResourceFactory(
        rooms=[first, second], document=room_document(room=first)
    )
    member = member_add(room=second)

    # when the first room is deleted
    with django_capture_on_commit_callbacks(execute=True):
        first.delete()

    # then the document lives on in the second room, for its members only
    document = get_document_model().objects.get(pk=resource.document_id)
    assert document.collection_id == second.collection_id
    assert Path(document.file.path).exists()
    client = Client()
    client.force_login(member)
    assert client.get(document.url).status_code == 200
    client.force_login(practitioner())
    assert client.get(document.url).status_code == 404


def test_resource_deleted_in_the_admin_takes_its_document_file(
    django_capture_on_commit_callbacks,
):
    # given a room's resource with its file, and one with a document of no room
    room = room_create()
    resource = ResourceFactory(rooms=[room], document=room_document(room=room))
    path = Path(resource.document.file.path)
    public_document = get_document_model().objects.create(
        title="Public guide",
        file=ContentFile(b"guide", name="guide.txt"),
        collection=Collection.get_first_root_node(),
    )
    public_resource = ResourceFactory(rooms=[room], document=public_document)

    # when staff delete both resources in the Wagtail admin
    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            superuser_client().post(
                reverse("wagtailsnippets_irooms_resource:delete", args=[each.pk])
            )
            for each in (resource, public_resource)
        ]

    # then the room's resource, its document and its file are gone; the document
    # from outside the rooms stays
    assert [response.status_code for response in responses] == [302, 302]
    assert not Resource.objects.filter(pk=resource.pk).exists()
    assert not get_document_model().objects.filter(pk=resource.document_id).exists()
    assert not path.exists()
    assert Path(
        get_document_model().objects.get(pk=public_document.pk).file.path
    ).exists()


def test_resource_deleted_keeps_a_document_a_session_still_uses(
    django_capture_on_commit_callbacks,
):
    # given a resource whose document is also a session's material
    room = room_create()
    document = room_document(room=room)
    resource = ResourceFactory(rooms=[room], document=document)
    session_create(room=room).materials.add(document)

    # when the resource is deleted
    with django_capture_on_commit_callbacks(execute=True):
        resource.delete()

    # then the session's material is still there, with its file
    assert Path(get_document_model().objects.get(pk=document.pk).file.path).exists()


def test_session_material_deleted_in_the_admin_loses_its_file(
    django_capture_on_commit_callbacks,
):
    # given a session whose material is a document of the room
    room = room_create()
    material = room_document(room=room, title="Slides", name="slides.pdf")
    session_create(room=room).materials.add(material)
    path = Path(material.file.path)

    # when staff delete the document in the Wagtail admin
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client().post(
            reverse("wagtaildocs:delete", args=[material.pk])
        )

    # then its file is gone too
    assert response.status_code == 302
    assert not path.exists()


def room_delete(room):
    room.delete()


def session_delete(room):
    Session.objects.filter(room=room).delete()


def attachments_delete(room):
    Attachment.objects.filter(thread__room=room).delete()


def images_delete(room):
    get_image_model().objects.filter(collection=room.collection).delete()


@pytest.mark.parametrize(
    "deletion", [room_delete, session_delete, attachments_delete, images_delete]
)
def test_rolled_back_deletion_keeps_every_file(
    deletion, django_capture_on_commit_callbacks
):
    # given a room with a file of every kind
    room, paths = room_with_files()

    # when a deletion is rolled back (the commit callbacks that remain are run)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        deletion(room)
        raise Rollback

    # then every row and every file is still there
    assert RoomPage.objects.filter(pk=room.pk).exists()
    assert Session.objects.filter(room=room).exists()
    assert Attachment.objects.filter(thread__room=room).count() == 2
    assert [path for path in paths if not path.exists()] == []


@pytest.mark.parametrize(
    ("deletion", "kinds"),
    [
        (session_delete, {".mp4"}),
        (attachments_delete, {".txt"}),
    ],
)
def test_committed_deletion_of_a_session_or_a_post_file_removes_it(
    deletion, kinds, django_capture_on_commit_callbacks
):
    # given a room with a file of every kind
    room, paths = room_with_files()

    # when a session or attachments are deleted and the deletion is committed
    with django_capture_on_commit_callbacks(execute=True):
        deletion(room)

    # then exactly their files are gone
    assert {path.suffix for path in paths if not path.exists()} == kinds
