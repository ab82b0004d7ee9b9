"""Webinar factories: the index, series (public or in rooms), webinars, recordings."""

import shutil
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from wagtail.models import Locale, Page, Site

from irooms.models import Membership, MembershipStatus, Role, RoomIndexPage, RoomPage
from learning.home.models import HomePage
from tests.factories import ProfileFactory
from webinars.models import (
    Recording,
    RecordingStatus,
    WebinarIndexPage,
    WebinarPage,
    WebinarSeriesPage,
    WebinarSpeaker,
)

DATA = Path(__file__).resolve().parent / "data"


def home_page() -> HomePage:
    """The English home page, as the default site's root (created once)."""
    home = HomePage.objects.filter(locale__language_code="en").first()
    if home is None:
        # A transactional test empties every table, the tree's root included.
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


def webinar_index() -> WebinarIndexPage:
    index = WebinarIndexPage.objects.first()
    if index is None:
        index = home_page().add_child(
            instance=WebinarIndexPage(title="Webinars", slug="webinars")
        )
    return index


def room_build(*, title="Foreign terrorist fighters room") -> RoomPage:
    index = RoomIndexPage.objects.first()
    if index is None:
        index = home_page().add_child(
            instance=RoomIndexPage(title="Rooms", slug="rooms")
        )
    return index.add_child(instance=RoomPage(title=title, join_policy="invitation"))


def member_add(*, room: RoomPage, user) -> Membership:
    return Membership.objects.create(
        room=room, user=user, role=Role.PARTICIPANT, status=MembershipStatus.ACTIVE
    )


def practitioner(**profile):
    """A user with a complete profile, so every gate lets them through."""
    email = profile.pop("email", None)
    user = ProfileFactory(**profile).user
    if email:
        user.email = email
        user.save(update_fields=["email"])
        user.emailaddress_set.update(email=email)
    return user


def series_build(*, title="Countering terrorist financing", rooms=(), public=None):
    series = webinar_index().add_child(
        instance=WebinarSeriesPage(
            title=title,
            theme="Financial investigations",
            is_public=(not rooms) if public is None else public,
        )
    )
    if rooms:
        series.rooms.set(rooms)
        series.save_revision().publish()
    return series


def webinar_build(
    *,
    series=None,
    title="Tracing virtual assets",
    starts_in=timedelta(days=3),
    capacity=None,
    language="en",
    time_zone="Europe/Vienna",
    **fields,
) -> WebinarPage:
    series = series or series_build()
    webinar = series.add_child(
        instance=WebinarPage(
            title=title,
            description="How investigators follow virtual assets.",
            delivery_language=language,
            starts_at=timezone.now() + starts_in,
            time_zone=time_zone,
            duration_minutes=90,
            capacity=capacity,
            conferencing_url="https://zoom.example/j/8123456789",
            **fields,
        )
    )
    WebinarSpeaker.objects.create(webinar=webinar, name="Dr. Lena Ortiz", role="expert")
    webinar.save_revision().publish()
    return WebinarPage.objects.get(pk=webinar.pk)


def recording_build(*, webinar, source: Path | None = None, title="Session recording"):
    """A ready recording whose file is a copy of `source` (the sample WebM)."""
    source = source or DATA / "recording.webm"
    recording = Recording.objects.create(
        webinar=webinar,
        title=title,
        size=source.stat().st_size,
        received_bytes=source.stat().st_size,
        content_type="video/webm" if source.suffix == ".webm" else "video/mp4",
        status=RecordingStatus.READY,
        duration_seconds=20.0,
    )
    name = f"webinars/recordings/{recording.upload_token}{source.suffix}"
    destination = Path(recording.file.storage.path(name))
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
    recording.file.name = name
    recording.save(update_fields=["file"])
    return recording


def organiser():
    """A site editor (may edit every webinar page) with the second factor enrolled."""
    from tests.factories import totp_activate

    user = practitioner()
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    totp_activate(user)
    return user
