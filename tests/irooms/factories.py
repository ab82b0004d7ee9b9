"""iRooms factories: rooms under the rooms index, members in each role, content."""

import io
from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from irooms.models import (
    Attachment,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Reply,
    Resource,
    ResourceType,
    Role,
    RoomContentPage,
    RoomFormField,
    RoomFormPage,
    RoomIndexPage,
    RoomPage,
    Session,
    Thread,
)
from learning.accounts.selectors import user_has_totp
from learning.home.models import HomePage
from tests.factories import ProfileFactory, UserFactory, totp_activate

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"x" * 2000


def png_bytes(width=8, height=8) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def home_page() -> HomePage:
    home = HomePage.objects.filter(locale__language_code="en").first()
    if home is None:
        # A transactional test (a real worker) empties every table, the tree too.
        Locale.objects.get_or_create(language_code="en")
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root")
        )
        home = root.add_child(instance=HomePage(title="Home", slug="learning-home"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"root_page": home, "hostname": "localhost", "port": 80},
        )
    return home


def room_index() -> RoomIndexPage:
    index = RoomIndexPage.objects.filter(locale__language_code="en").first()
    if index is None:
        index = home_page().add_child(
            instance=RoomIndexPage(title="Rooms", slug="rooms")
        )
    return index


def room_create(*, title="Cross-border investigations", policy=JoinPolicy.REQUEST):
    return room_index().add_child(
        instance=RoomPage(title=title, summary="A room.", join_policy=policy)
    )


def practitioner(**kwargs):
    """A signed-up user with a complete profile."""
    return ProfileFactory(**kwargs).user


def staff_user():
    user = ProfileFactory(user=UserFactory(staff=True)).user
    totp_activate(user)
    return user


def member_add(
    *, room, user=None, role=Role.PARTICIPANT, status=MembershipStatus.ACTIVE
):
    user = user or practitioner()
    if (
        role == Role.TRAINER
        and status == MembershipStatus.ACTIVE
        and not user_has_totp(user)
    ):
        # Trainers must have a second factor (MfaRequiredMiddleware).
        totp_activate(user)
    Membership.objects.create(
        room=room, user=user, role=role, status=status, joined_at=timezone.now()
    )
    return user


def room_document(*, room, title="Manual", content=PDF_BYTES, name="manual.pdf"):
    return get_document_model().objects.create(
        title=title, file=ContentFile(content, name=name), collection=room.collection
    )


def room_image(*, room):
    return get_image_model().objects.create(
        title="Cover",
        file=ContentFile(png_bytes(), name="cover.png"),
        collection=room.collection,
        width=8,
        height=8,
    )


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = Resource
        skip_postgeneration_save = True

    title = factory.Sequence(lambda number: f"Manual {number}")
    resource_type = ResourceType.MANUAL
    languages = factory.LazyFunction(lambda: ["en"])
    year = 2020
    summary = "A manual."

    @factory.post_generation
    def rooms(resource, create, extracted, **kwargs):
        if create and extracted:
            resource.rooms.add(*extracted)
            resource.save()  # a ParentalManyToManyField is written on save


def session_create(*, room, starts_in=timedelta(days=2), **kwargs):
    return Session.objects.create(
        room=room,
        title=kwargs.pop("title", "Workshop on resolution 2396"),
        starts_at=timezone.now() + starts_in,
        **kwargs,
    )


def thread_create(*, room, author, title="How to request evidence?", **kwargs):
    return Thread.objects.create(
        room=room, author=author, title=title, body="<p>Text</p>", **kwargs
    )


def reply_create(*, thread, author, body="<p>Answer</p>"):
    return Reply.objects.create(thread=thread, author=author, body=body)


def attachment_create(*, thread, reply=None, content=b"Notes", filename="notes.txt"):
    """A text file already on a post (stored privately, as the service stores it)."""
    return Attachment.objects.create(
        thread=thread,
        reply=reply,
        file=ContentFile(content, name=filename),
        filename=filename,
        content_type="text/plain",
        size=len(content),
    )


def content_page_create(*, room):
    return room.add_child(instance=RoomContentPage(title="Briefing", slug="briefing"))


def form_page_create(*, room):
    page = room.add_child(
        instance=RoomFormPage(title="Share a good practice", slug="good-practice")
    )
    RoomFormField.objects.create(
        page=page, label="Practice", field_type="multiline", required=True
    )
    return page
