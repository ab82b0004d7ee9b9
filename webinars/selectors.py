"""Reads for webinars: who may see what, lists for pages and rooms, counts."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from webinars.models import (
    Attendance,
    Recording,
    RecordingStatus,
    Registration,
    RegistrationStatus,
    WebinarPage,
    WebinarSeriesPage,
)


def user_can_view_room(user, room_id: int) -> bool:
    """Ask the rooms app; deny when it cannot answer."""
    from irooms.api import user_can_view_room as rooms_user_can_view_room

    return bool(rooms_user_can_view_room(user, room_id))


def _room_member(*, user, room_ids: Iterable[int]) -> bool:
    """Whether `user` may see one of the rooms (a superuser may see any)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(user_can_view_room(user, room_id) for room_id in room_ids)


def series_visible_to_user(*, series: WebinarSeriesPage, user) -> bool:
    """A public series is open to all; otherwise only members of one of its rooms."""
    if series.is_public:
        return True
    return _room_member(user=user, room_ids=series.rooms.values_list("pk", flat=True))


@dataclass(frozen=True)
class SeriesAudience:
    """Who may see a webinar's series: everyone when public, else its rooms' members."""

    is_public: bool
    room_ids: tuple[int, ...]  # ascending

    @property
    def first_room_id(self) -> int | None:
        return self.room_ids[0] if self.room_ids else None


def series_audience(*, webinar: WebinarPage) -> SeriesAudience:
    """The audience of the webinar's series, found by the tree path: one query."""
    rows = list(
        WebinarSeriesPage.objects.filter(path=webinar.path[: -webinar.steplen])
        .order_by("rooms")
        .values_list("is_public", "rooms")
    )
    return SeriesAudience(
        is_public=bool(rows) and rows[0][0],
        room_ids=tuple(room_id for _public, room_id in rows if room_id is not None),
    )


def webinar_visible_to_user(*, webinar: WebinarPage, user) -> bool:
    return webinar.live and series_visible_to_user(series=webinar.series, user=user)


def series_visible_to(*, user, index=None) -> list[WebinarSeriesPage]:
    queryset = WebinarSeriesPage.objects.live().prefetch_related("rooms")
    if index is not None:
        queryset = queryset.child_of(index)
    return [
        series
        for series in queryset.order_by("title")
        if series_visible_to_user(series=series, user=user)
    ]


def webinars_of_series(*, series: WebinarSeriesPage) -> list[WebinarPage]:
    return list(WebinarPage.objects.live().child_of(series).order_by("starts_at"))


def series_for_room(*, room_id: int):
    return (
        WebinarSeriesPage.objects.live()
        .filter(rooms__pk=room_id)
        .order_by("title")
        .distinct()
    )


def upcoming_webinars_for_room(*, room_id: int, limit: int):
    series_paths = [series.path for series in series_for_room(room_id=room_id)]
    if not series_paths:
        return WebinarPage.objects.none()
    in_series = Q()
    for path in series_paths:
        in_series |= Q(path__startswith=path, depth=len(path) // 4 + 1)
    return (
        WebinarPage.objects.live()
        .filter(in_series, starts_at__gte=timezone.now())
        .order_by("starts_at")[:limit]
    )


def seats_taken(*, webinar: WebinarPage) -> int:
    return Registration.objects.filter(
        webinar=webinar, status=RegistrationStatus.REGISTERED
    ).count()


def registration_of(*, webinar: WebinarPage, user) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(webinar=webinar, user=user).first()


def waiting_list_position(*, registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return Registration.objects.filter(
        webinar_id=registration.webinar_id,
        status=RegistrationStatus.WAITLISTED,
        queued_at__lte=registration.queued_at,
    ).count()


def ready_recordings(*, webinar: WebinarPage) -> list[Recording]:
    return list(
        Recording.objects.filter(webinar=webinar, status=RecordingStatus.READY)
        .prefetch_related("captions")
        .order_by("created_at")
    )


def webinar_detail_for(*, webinar: WebinarPage, user) -> dict:
    """What the webinar page shows this visitor."""
    registration = registration_of(webinar=webinar, user=user)
    taken = seats_taken(webinar=webinar)
    return {
        "registration": registration,
        "waiting_position": (
            waiting_list_position(registration=registration) if registration else None
        ),
        "seats_taken": taken,
        "seats_left": (
            None if webinar.capacity is None else max(webinar.capacity - taken, 0)
        ),
        "speakers": list(webinar.speakers.all()),
        "recordings": ready_recordings(webinar=webinar),
        "has_started": webinar.starts_at <= timezone.now(),
        "can_manage": webinar_manageable_by(webinar=webinar, user=user),
    }


def webinar_manageable_by(*, webinar: WebinarPage, user) -> bool:
    """Editors of the page may upload recordings and record attendance."""
    if not getattr(user, "is_authenticated", False):
        return False
    return webinar.permissions_for_user(user).can_edit()


def recording_audience_for(*, recording: Recording, user) -> SeriesAudience | None:
    """The audience of a recording's series when `user` may watch it, else None:
    the recording must be ready, its webinar live, and the series public or one of
    the user's rooms'. One query (and the room check) besides the recording."""
    if recording.status != RecordingStatus.READY or not recording.webinar.live:
        return None
    audience = series_audience(webinar=recording.webinar)
    if audience.is_public or _room_member(user=user, room_ids=audience.room_ids):
        return audience
    return None


def webinars_delivered(*, queryset=None):
    """Webinars that took place with at least one attendee."""
    queryset = queryset if queryset is not None else WebinarPage.objects.all()
    return (
        queryset.filter(starts_at__lte=timezone.now())
        .annotate(
            attendee_count=Count("attendances", filter=Q(attendances__attended=True))
        )
        .filter(attendee_count__gte=1)
    )


def attendance_rows(*, webinar: WebinarPage):
    return (
        Attendance.objects.filter(webinar=webinar)
        .select_related("user")
        .order_by("user__email")
    )


def registrations_for_attendance(*, webinar: WebinarPage):
    return (
        Registration.objects.filter(webinar=webinar)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("user")
        .order_by("user__email")
    )
