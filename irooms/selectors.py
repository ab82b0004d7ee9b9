"""Reads about rooms; each selector owns its query shape so counts stay flat."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from irooms.access import (
    role_from,
    room_role,
    room_role_remember,
    user_can_answer_as_expert,
    user_can_manage_room,
    user_can_view_room,
)
from irooms.models import (
    Attachment,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Reply,
    Resource,
    RoomIndexPage,
    RoomPage,
    Session,
    SessionRegistration,
    Thread,
)

HOME_LIST_SIZE = 5


def rooms_of_member(*, user: User | AnonymousUser) -> QuerySet[RoomPage]:
    if not user.is_authenticated:
        return RoomPage.objects.none()
    return (
        RoomPage.objects.live()
        .filter(
            memberships__user_id=user.pk,
            memberships__status=MembershipStatus.ACTIVE,
        )
        .order_by("title")
    )


def room_list_for_user(*, user: User | AnonymousUser) -> list[dict]:
    """The rooms index: the user's rooms, then rooms they may ask to join.

    Invitation-only rooms are listed to their members (and staff) only; anonymous
    visitors see no room at all.
    """
    if not user.is_authenticated:
        return []
    rooms = RoomPage.objects.live().annotate(
        is_member=Exists(
            Membership.objects.filter(
                room=OuterRef("pk"), user_id=user.pk, status=MembershipStatus.ACTIVE
            )
        ),
        is_pending=Exists(
            Membership.objects.filter(
                room=OuterRef("pk"), user_id=user.pk, status=MembershipStatus.PENDING
            )
        ),
    )
    if not user.is_staff:
        rooms = rooms.filter(
            Q(is_member=True) | Q(join_policy__in=[JoinPolicy.OPEN, JoinPolicy.REQUEST])
        )
    return [
        {
            "id": room.pk,
            "title": room.title,
            "url": room.url,
            "summary": room.summary,
            "join_policy": room.get_join_policy_display(),
            "is_member": room.is_member,
            "is_pending": room.is_pending,
        }
        for room in rooms.order_by("-is_member", "title")
    ]


def room_index_for_language() -> RoomIndexPage | None:
    """The live rooms index of the active language, else any live rooms index."""
    indexes = RoomIndexPage.objects.live()
    return (
        indexes.filter(locale__language_code=get_language()).first() or indexes.first()
    )


def room_door(*, room: RoomPage, user) -> dict:
    """What a signed-in non-member may know of a room they can ask to join."""
    return {
        "role": room_role(user, room.pk),
        "can_join": room.join_policy == JoinPolicy.OPEN,
        "can_request": room.join_policy == JoinPolicy.REQUEST,
    }


def room_membership_summary(*, room: RoomPage, user) -> dict:
    """The room's member counts and the user's own role, in one query.

    The role is remembered for the request (see access.room_role_cache_start), so
    the access check that follows asks the database nothing more.
    """
    user_id = user.pk if user.is_authenticated else None
    mine = Q(user_id=user_id)
    summary = Membership.objects.filter(room=room).aggregate(
        members=Count("pk", filter=Q(status=MembershipStatus.ACTIVE)),
        pending=Count("pk", filter=Q(status=MembershipStatus.PENDING)),
        # One row at most per room and user (a unique constraint): Max is exact.
        own_status=Max("status", filter=mine),
        own_role=Max("role", filter=mine),
    )
    role = role_from(status=summary["own_status"], role=summary["own_role"])
    if user_id is not None:
        room_role_remember(user, room.pk, role)
    return {"members": summary["members"], "pending": summary["pending"], "role": role}


def room_home(*, room: RoomPage, user, summary: dict | None = None) -> dict:
    """The visitor's own part of the room home: role, rights and member counts.

    The rest, the same for every member, is `irooms.caching.room_home_shared`.
    Only call it for a user who may view the room.
    """
    counts = summary or room_membership_summary(room=room, user=user)
    return {
        "role": room_role(user, room.pk),
        "can_manage": user_can_manage_room(user, room.pk),
        "member_count": counts["members"],
        "pending_count": counts["pending"],
    }


def room_home_lists(*, room: RoomPage) -> dict:
    """What the room home shows every member alike, in a fixed number of queries."""
    from courses.api import courses_for_room
    from webinars.api import series_for_room, upcoming_for_room

    now = timezone.now()
    # The total rides along with the latest few (a window count): one query.
    latest_resources = list(
        Resource.objects.filter(rooms=room)
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at")[:HOME_LIST_SIZE]
    )
    upcoming = Session.objects.filter(room=room, starts_at__gte=now).order_by(
        "starts_at"
    )
    visible_replies = (
        Reply.objects.filter(
            thread=OuterRef("pk"), deleted_at__isnull=True, is_hidden=False
        )
        .order_by()
        .values("thread")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return {
        "latest_resources": latest_resources,
        "resource_count": latest_resources[0].total if latest_resources else 0,
        "upcoming_sessions": list(upcoming[:HOME_LIST_SIZE]),
        "upcoming_webinars": upcoming_for_room(room.pk, limit=HOME_LIST_SIZE),
        "courses": courses_for_room(room.pk),
        "webinar_series": series_for_room(room.pk),
        # The reply counts are a subquery, counted for the listed threads only.
        "latest_threads": list(
            visible_threads(room=room)
            .select_related("author__profile")
            .annotate(reply_count=Coalesce(Subquery(visible_replies), 0))
            .order_by("-last_activity_at")[:HOME_LIST_SIZE]
        ),
    }


# Resources ------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceFilters:
    query: str = ""
    resource_type: str = ""
    language: str = ""
    country: str = ""
    legal_system: str = ""
    year: int | None = None
    tag: str = ""


def room_resources(*, room: RoomPage, filters: ResourceFilters) -> list[Resource]:
    """The room's resources matching the filters, searched with Wagtail search."""
    resources = Resource.objects.filter(rooms=room)
    if filters.resource_type:
        resources = resources.filter(resource_type=filters.resource_type)
    if filters.language:
        # JSON list of codes; a quoted code matches whole codes only ("en" not "ben").
        resources = resources.filter(languages__icontains=f'"{filters.language}"')
    if filters.country:
        resources = resources.filter(country=filters.country)
    if filters.legal_system:
        resources = resources.filter(legal_system=filters.legal_system)
    if filters.year:
        resources = resources.filter(year=filters.year)
    if filters.tag:
        resources = resources.filter(tags__name__iexact=filters.tag)
    resources = resources.select_related("document").prefetch_related("tags")
    if filters.query:
        # Wagtail's search runs only over this room's (filtered) resources, by id:
        # nothing of another room can come back.
        room_ids = list(resources.values_list("pk", flat=True))
        ids = [
            hit.pk
            for hit in Resource.objects.filter(pk__in=room_ids).search(
                filters.query, operator="and"
            )
        ]
        order = {pk: position for position, pk in enumerate(ids)}
        return sorted(
            resources.filter(pk__in=ids), key=lambda resource: order[resource.pk]
        )
    return list(resources.order_by("-created_at"))


def room_resource(*, room: RoomPage, resource_id: int) -> Resource | None:
    return (
        Resource.objects.filter(rooms=room, pk=resource_id)
        .select_related("document")
        .prefetch_related("tags")
        .first()
    )


def room_pages_search(*, room: RoomPage, query: str):
    """The room's own sub-pages matching a query (never another room's pages)."""
    return (
        room.get_descendants().live().specific().search(query, operator="and")
        if query
        else []
    )


def rooms_for_document(*, document) -> list[int]:
    """Ids of the rooms a document belongs to (collection, shared resource, session)."""
    room_ids = set(
        Resource.objects.filter(document=document).values_list("rooms", flat=True)
    )
    room_ids.discard(None)
    collection_room = room_for_collection(collection=document.collection)
    if collection_room:
        room_ids.add(collection_room)
    # A session's materials belong to its room.
    room_ids.update(
        Session.objects.filter(materials=document).values_list("room_id", flat=True)
    )
    return sorted(room_ids)


def room_for_collection(*, collection) -> int | None:
    """The room whose private collection is `collection` or one of its ancestors."""
    return (
        RoomPage.objects.filter(collection__in=collection.get_ancestors(inclusive=True))
        .values_list("pk", flat=True)
        .first()
    )


def room_for_image(*, image) -> int | None:
    return room_for_collection(collection=image.collection)


def user_can_view_any_room(*, user, room_ids: list[int]) -> bool:
    return any(user_can_view_room(user, room_id) for room_id in room_ids)


# Sessions -------------------------------------------------------------------


def room_sessions(*, room: RoomPage, user) -> list[Session]:
    return list(
        Session.objects.filter(room=room)
        .select_related("follow_up_of")
        .annotate(
            registered=Count("registrations", distinct=True),
            is_registered=Exists(
                SessionRegistration.objects.filter(
                    session=OuterRef("pk"), user_id=user.pk
                )
            ),
        )
        .prefetch_related("materials")
        .order_by("starts_at")
    )


def session_attendance(*, session: Session) -> list[SessionRegistration]:
    return list(
        SessionRegistration.objects.filter(session=session)
        .select_related("user__profile")
        .order_by("user__email")
    )


# Discussions ----------------------------------------------------------------


def visible_threads(*, room: RoomPage) -> QuerySet[Thread]:
    return Thread.objects.filter(room=room, deleted_at__isnull=True, is_hidden=False)


def room_threads(*, room: RoomPage, user) -> list[Thread]:
    threads = Thread.objects.filter(room=room, deleted_at__isnull=True)
    if not user_can_manage_room(user, room.pk):
        threads = threads.filter(is_hidden=False)
    return list(
        threads.select_related("author__profile")
        .annotate(
            reply_count=Count("replies", filter=Q(replies__deleted_at__isnull=True)),
            answered=Exists(
                Reply.objects.filter(thread=OuterRef("pk"), is_expert_answer=True)
            ),
        )
        .order_by("-last_activity_at")[:100]
    )


def room_thread(*, room: RoomPage, thread_id: int, user) -> Thread | None:
    threads = Thread.objects.filter(room=room, pk=thread_id, deleted_at__isnull=True)
    can_moderate = user_can_manage_room(user, room.pk)
    if not can_moderate:
        threads = threads.filter(is_hidden=False)
    replies = (
        Reply.objects.select_related("author__profile")
        .prefetch_related("attachments")
        .order_by("created_at")
    )
    if not can_moderate:
        replies = replies.filter(is_hidden=False)
    return (
        threads.select_related("author__profile")
        .prefetch_related(
            Prefetch("replies", queryset=replies),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(reply__isnull=True),
                to_attr="own_attachments",
            ),
        )
        .first()
    )


def room_attachment(*, room: RoomPage, attachment_id: int, user) -> Attachment | None:
    """An attachment of a post `user` may read, or None.

    A hidden post's files only to the room's trainers and staff (as the post); a
    deleted post's files to nobody.
    """
    attachments = Attachment.objects.filter(
        pk=attachment_id, thread__room=room, thread__deleted_at__isnull=True
    ).filter(Q(reply__isnull=True) | Q(reply__deleted_at__isnull=True))
    if not user_can_manage_room(user, room.pk):
        attachments = attachments.filter(thread__is_hidden=False).filter(
            Q(reply__isnull=True) | Q(reply__is_hidden=False)
        )
    return attachments.first()


def thread_capabilities(*, room: RoomPage, user) -> dict:
    return {
        "can_moderate": user_can_manage_room(user, room.pk),
        "can_answer": user_can_answer_as_expert(user, room.pk),
    }


# Members --------------------------------------------------------------------


def room_directory(*, room: RoomPage, user) -> list[Membership]:
    """Active members who did not hide themselves (managers see everyone)."""
    members = Membership.objects.filter(room=room, status=MembershipStatus.ACTIVE)
    if not user_can_manage_room(user, room.pk):
        members = members.filter(Q(directory_visible=True) | Q(user_id=user.pk))
    return list(
        members.select_related("user__profile").order_by("user__profile__full_name")
    )


def room_pending_requests(*, room: RoomPage) -> list[Membership]:
    return list(
        Membership.objects.filter(room=room, status=MembershipStatus.PENDING)
        .select_related("user__profile")
        .order_by("created_at")
    )


def room_of_accepted_invitation(*, token: str, user) -> RoomPage | None:
    """The live room of an invitation `user` accepted, while still a member."""
    return (
        RoomPage.objects.live()
        .filter(
            invitations__token=token,
            invitations__accepted_by_id=user.pk,
            memberships__user_id=user.pk,
            memberships__status=MembershipStatus.ACTIVE,
        )
        .first()
    )


def membership_of(*, room: RoomPage, user) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(room=room, user_id=user.pk).first()
