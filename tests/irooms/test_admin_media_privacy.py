"""Wagtail's editors do not reach a room's images and documents through the admin."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission

from irooms.models import Resource, Role, RoomPage
from irooms.services import ROOMS_COLLECTION
from tests.factories import UserFactory, totp_activate
from tests.irooms.factories import (
    PDF_BYTES,
    member_add,
    practitioner,
    room_create,
    room_document,
    room_image,
    staff_user,
)

pytestmark = pytest.mark.django_db
MIGRATION = "irooms.migrations.0004_room_collections_outside_editors_reach"
# What Wagtail's own migrations give its "Editors" group on the root collection.
EDITORS_COLLECTION_PERMISSIONS = [
    (app_label, f"{action}_{model}")
    for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document"))
    for action in ("add", "change", "choose")
]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def root_collection() -> Collection:
    # A test that flushed the database may have taken the root collection along.
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def wagtail_default_editors() -> Group:
    """The "Editors" group as Wagtail installs it: media permissions on the root."""
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(permission("wagtailadmin", "access_admin"))
    GroupCollectionPermission.objects.filter(group=editors).delete()
    for app_label, codename in EDITORS_COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.create(
            group=editors,
            collection=root_collection(),
            permission=permission(app_label, codename),
        )
    return editors


def collection_tree_before_the_migration(*, room) -> None:
    """Room collections right under the root, next to an editor's own collection."""
    root = root_collection()
    room.collection.move(root, pos="sorted-child")
    root.get_children().filter(name__in=[ROOMS_COLLECTION, "Public media"]).delete()
    root.refresh_from_db()
    root.add_child(name="Zeta reports")
    room.collection.refresh_from_db()


def migration_apply():
    importlib.import_module(MIGRATION).room_collections_separate(apps, None)


def editor():
    user = practitioner()
    user.groups.add(Group.objects.get(name="Editors"))
    totp_activate(user)
    return user


def superuser():
    user = staff_user()
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


@pytest.fixture
def site_migrated():
    """Wagtail's defaults, a room made before the migration, public media; migrated."""
    room = room_create()
    collection_tree_before_the_migration(room=room)
    wagtail_default_editors()
    image = room_image(room=room)
    document = room_document(room=room, title="Room manual")
    public_image = room_image(room=room)
    public_image.title = "Public banner"
    public_image.collection = root_collection()
    public_image.save()
    migration_apply()
    return room, image, document


def admin_listings(client) -> str:
    return "".join(
        client.get(reverse(name)).content.decode()
        for name in (
            "wagtailimages:index",
            "wagtailimages_chooser:choose",
            "wagtaildocs:index",
            "wagtaildocs_chooser:choose",
        )
    )


def test_editor_outside_the_room_sees_no_room_image_or_document_in_the_admin(
    site_migrated,
):
    # given a member of Wagtail's Editors group who is not in the room
    room, image, document = site_migrated
    client = client_for(editor())

    # when they browse the admin's image and document listings and choosers
    listings = admin_listings(client)

    # then the public media are there, the room's are not, not even by title
    assert "Public banner" in listings
    assert image.title not in listings.replace("Public banner", "")
    assert document.title not in listings
    # and neither the edit views nor the document's file open for them
    for url in (
        reverse("wagtailimages:edit", args=[image.pk]),
        reverse("wagtaildocs:edit", args=[document.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert document.title.encode() not in response.content
    assert client.get(document.url).status_code == 404


def test_superuser_still_sees_and_opens_room_media_in_the_admin(site_migrated):
    # given a superuser (staff with every Wagtail permission), not in the room
    room, image, document = site_migrated
    client = client_for(superuser())

    # when they browse the admin
    listings = admin_listings(client)

    # then the room's media are listed and open
    assert image.title in listings
    assert document.title in listings
    assert client.get(reverse("wagtailimages:edit", args=[image.pk])).status_code == 200
    assert (
        client.get(reverse("wagtaildocs:edit", args=[document.pk])).status_code == 200
    )
    assert client.get(document.url).status_code == 200


def test_migration_keeps_editors_media_and_moves_rooms_out_of_their_reach(
    site_migrated,
):
    # given the migrated site
    room, image, document = site_migrated
    root = root_collection()
    rooms = root.get_children().get(name=ROOMS_COLLECTION)
    public = root.get_children().get(name="Public media")

    # then the Editors' permissions sit on "Public media", none on the root or the
    # rooms' branch, and the room's collection is in that branch
    editors = Group.objects.get(name="Editors")
    granted_on = set(
        GroupCollectionPermission.objects.filter(group=editors).values_list(
            "collection", flat=True
        )
    )
    assert granted_on == {public.pk}
    assert GroupCollectionPermission.objects.filter(collection=root).count() == 0
    room.collection.refresh_from_db()
    assert room.collection.get_parent() == rooms
    assert set(
        get_image_model()
        .objects.filter(title="Public banner")
        .values_list("collection", flat=True)
    ) == {public.pk}
    # and running it again changes nothing
    migration_apply()
    assert set(
        GroupCollectionPermission.objects.filter(group=editors).values_list(
            "collection", flat=True
        )
    ) == {public.pk}
    assert root.get_children().filter(name=ROOMS_COLLECTION).count() == 1
    # and the tree is one treebeard can go on with: siblings in name order
    assert [child.name for child in root.get_children()] == [
        "Public media",
        ROOMS_COLLECTION,
        "Zeta reports",
    ]
    assert not any(Collection.find_problems())


def test_room_made_after_the_migration_is_out_of_the_editors_reach(site_migrated):
    # given a room opened after the migration, with a document
    new_room = room_create(title="Asset recovery")
    document = room_document(room=new_room, title="Asset recovery manual")

    # when an editor browses the admin's documents
    listings = admin_listings(client_for(editor()))

    # then the room's collection is with the others, and its document is not listed
    assert new_room.collection.get_parent().name == ROOMS_COLLECTION
    assert document.title not in listings


@pytest.mark.parametrize("who", ["trainer", "staff"])
def test_trainer_and_staff_still_manage_and_download_room_documents(site_migrated, who):
    # given the room's trainer, or staff outside the room
    room, image, document = site_migrated
    user = member_add(room=room, role=Role.TRAINER) if who == "trainer" else None
    client = client_for(user or staff_user())

    # when they add a resource through the room and download it
    response = client.post(
        reverse("irooms:resource_upload", args=[room.pk]),
        {
            "title": "Guide to freezing orders",
            "resource_type": "guide",
            "file": SimpleUploadedFile("guide.pdf", PDF_BYTES, "application/pdf"),
        },
    )

    # then the file is in the room's collection and theirs to download
    assert response.status_code == 302
    uploaded = Resource.objects.get(title="Guide to freezing orders").document
    assert uploaded.collection_id == room.collection_id
    assert client.get(uploaded.url).status_code == 200
    assert client.get(document.url).status_code == 200
    rendition = image.get_rendition("max-165x165")
    assert client.get(rendition.url).status_code == 200


def test_editor_cannot_choose_a_room_image_for_a_page_by_its_id(site_migrated):
    # given an editor and the id of a room image
    room, image, document = site_migrated
    client = client_for(editor())

    # when they ask the image chooser for that image directly
    response = client.get(reverse("wagtailimages_chooser:chosen", args=[image.pk]))

    # then the chooser does not hand it over
    assert response.status_code in (302, 403, 404)
    assert image.title.encode() not in response.content


def test_a_room_copied_in_the_admin_gets_a_private_collection_of_its_own():
    # given a room and a superuser in the Wagtail admin
    room = room_create(title="Cross-border investigations")
    admin = UserFactory(staff=True, is_superuser=True)
    totp_activate(admin)
    client = Client()
    client.force_login(admin)

    # when they copy it beside the original
    answer = client.post(
        reverse("wagtailadmin_pages:copy", args=[room.pk]),
        {
            "new_title": "Cross-border investigations (Sahel)",
            "new_slug": "cross-border-sahel",
            "new_parent_page": room.get_parent().pk,
        },
    )

    # then the copy is a room of its own: its own collection, under the private branch
    assert answer.status_code == 302
    copy = RoomPage.objects.get(slug="cross-border-sahel")
    room.refresh_from_db()
    assert copy.collection_id and copy.collection_id != room.collection_id
    assert copy.collection.get_parent() == room.collection.get_parent()
