"""A room's images never reach a public URL: renditions are private files too."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Collection

from irooms.models import RoomPage
from tests.factories import UserFactory, totp_activate
from tests.irooms.factories import (
    member_add,
    png_bytes,
    practitioner,
    room_create,
    room_image,
)

pytestmark = pytest.mark.django_db
PNG_SIGNATURE = b"\x89PNG"
DEVELOPMENT_URLCONF = "tests_irooms_development_urls"


@pytest.fixture
def development_urls(settings):
    """The site's URLs as `make run` builds them (DEBUG on: static files served)."""
    settings.DEBUG = True
    spec = importlib.util.find_spec("learning.urls")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[DEVELOPMENT_URLCONF] = module
    settings.ROOT_URLCONF = DEVELOPMENT_URLCONF
    yield
    del sys.modules[DEVELOPMENT_URLCONF]


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def files_named(root, name: str) -> list[Path]:
    return list(Path(root).rglob(Path(name).name))


def public_image():
    return get_image_model().objects.create(
        title="Public",
        file=ContentFile(png_bytes(), name="public.png"),
        # A test that flushed the database may have taken the root collection along.
        collection=Collection.get_first_root_node() or Collection.add_root(name="Root"),
        width=8,
        height=8,
    )


@pytest.mark.parametrize("visitor", ["anonymous", "outsider"])
def test_room_image_rendition_is_neither_public_nor_under_the_public_media(
    development_urls, visitor
):
    # given a room image and a rendition of it, as any page or the admin makes one
    image = room_image(room=room_create())
    rendition = image.get_rendition("max-165x165")
    client = client_for(practitioner() if visitor == "outsider" else None)

    # when a visitor who is not a member tries every URL the files could have
    urls = [
        rendition.url,
        f"{settings.MEDIA_URL}{rendition.file.name}",
        f"{settings.MEDIA_URL}images/{Path(rendition.file.name).name}",
        image.file.url,
    ]
    statuses = [client.get(url).status_code for url in urls]

    # then each is a 404, and the rendition's file is private, not public media
    assert statuses == [404] * len(urls)
    assert files_named(settings.MEDIA_ROOT, rendition.file.name) == []
    assert Path(rendition.file.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT)


def test_member_sees_the_room_image_on_the_room_home():
    # given a room with a cover image and a member
    room = room_create()
    image = room_image(room=room)
    RoomPage.objects.filter(pk=room.pk).update(cover_image=image)
    member = member_add(room=room)
    client = client_for(member)

    # when the member opens the room home and the image it shows
    home = client.get(room.url)
    cover_url = reverse("irooms:room_image", args=[room.pk, image.pk, "fill-600x338"])
    cover = client.get(cover_url)
    thumbnail = client.get(image.get_rendition("fill-120x120").url)

    # then the page links the image and both answers are the image, kept privately
    assert cover_url.encode() in home.content
    for response in (cover, thumbnail):
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(PNG_SIGNATURE)
        assert response["Cache-Control"] == "private, max-age=600"


def test_staff_see_room_image_thumbnails_in_the_admin_and_the_public_does_not():
    # given a room image and a staff editor
    image = room_image(room=room_create())
    staff = UserFactory(staff=True, is_superuser=True)
    totp_activate(staff)
    client = client_for(staff)

    # when the editor lists the images in the Wagtail admin
    listing = client.get(reverse("wagtailimages:index"))
    thumbnail = image.renditions.get()

    # then the listing shows the thumbnail through the checked URL, which answers
    # the editor and no one else, and its file is not public media
    assert listing.status_code == 200
    assert thumbnail.url.encode() in listing.content
    assert client.get(thumbnail.url).status_code == 200
    assert client_for().get(thumbnail.url).status_code == 404
    assert files_named(settings.MEDIA_ROOT, thumbnail.file.name) == []


def test_image_outside_rooms_is_served_to_anyone():
    image = public_image()

    response = client_for().get(image.get_rendition("fill-120x120").url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"


def test_image_moved_into_a_room_is_private_at_once():
    # given a public image whose rendition anyone could fetch
    image = public_image()
    url = image.get_rendition("fill-120x120").url
    assert client_for().get(url).status_code == 200

    # when it is moved into a room's collection
    room = room_create()
    image.collection = room.collection
    image.save()

    # then the same rendition is for the room's members only
    assert client_for().get(url).status_code == 404
    assert client_for(practitioner()).get(url).status_code == 404
    assert client_for(member_add(room=room)).get(url).status_code == 200


def test_member_rendition_is_handed_to_nginx_from_the_private_root(settings):
    # given nginx sends private files
    settings.PROTECTED_FILE_SERVING = "nginx"
    room = room_create()
    rendition = room_image(room=room).get_rendition("fill-120x120")

    # when a member asks for a rendition
    response = client_for(member_add(room=room)).get(rendition.url)

    # then nginx is told to send it from the private files' internal location
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == (
        f"{settings.PROTECTED_FILE_INTERNAL_PREFIX}renditions/{rendition.file.name}"
    )
    assert b"".join(response) == b""
