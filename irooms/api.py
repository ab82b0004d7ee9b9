"""What other apps may ask about rooms: plain data, no models."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from irooms import access
from irooms.models import Membership, MembershipStatus, Role


def room_role(user: User | AnonymousUser, room_id: int) -> str | None:
    """None, "pending", "participant", "expert" or "trainer".

    Staff have no role unless they are members; the checks below let them in anyway.
    """
    return access.room_role(user, int(room_id))


def user_can_view_room(user: User | AnonymousUser, room_id: int) -> bool:
    """True for active members of the room (any role) and for staff; deny by default."""
    return access.user_can_view_room(user, int(room_id))


def user_can_manage_room(user: User | AnonymousUser, room_id: int) -> bool:
    """True for the room's trainers and for staff."""
    return access.user_can_manage_room(user, int(room_id))


def user_is_any_room_trainer(user: User | AnonymousUser) -> bool:
    """True when the user is an active trainer of at least one room (MFA applies)."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user_id=user.pk, role=Role.TRAINER, status=MembershipStatus.ACTIVE
    ).exists()


def room_trainer_memberships_query(*, user_id: int) -> QuerySet:
    """A lazy query of the user's active room-trainer memberships, to compose.

    For `Exists(...)` in another app's single query (the MFA requirement); it is
    not evaluated here.
    """
    return Membership.objects.filter(
        user_id=user_id, role=Role.TRAINER, status=MembershipStatus.ACTIVE
    ).values("pk")


def rooms_for_user(user: User | AnonymousUser) -> list[dict]:
    """The live rooms the user is an active member of: [{id, title, url}], by title."""
    from irooms.selectors import rooms_of_member

    return [
        {"id": room.pk, "title": room.title, "url": room.url}
        for room in rooms_of_member(user=user)
    ]


def resource_access(
    user: User | AnonymousUser, resource_id, room_id=None
) -> dict | None:
    """The rooms through which the user may see a resource, else None.

    Dict: id, rooms (ids the user can view, sorted), room (`room_id` when it is one
    of them, else the first). None for a missing resource, one in no room the user
    can view, or a `room_id` that is not one of its rooms the user can view.
    """
    from irooms.models import Resource

    try:
        resource_id = int(resource_id)
    except (TypeError, ValueError):
        return None
    room_ids = sorted(
        Resource.rooms.through.objects.filter(resource_id=resource_id).values_list(
            "roompage_id", flat=True
        )
    )
    visible = [pk for pk in room_ids if access.user_can_view_room(user, pk)]
    if not visible:
        return None
    if room_id not in (None, ""):
        if str(room_id) not in {str(pk) for pk in visible}:
            return None
        room = int(room_id)
    else:
        room = visible[0]
    return {"id": resource_id, "rooms": visible, "room": room}


def resource_tracking_access(*, user, object_id: str, dimensions: dict):
    """The records app's tracking check for "irooms.resource" (see apps.py)."""
    found = resource_access(user, object_id, dimensions.get("room"))
    if found is None:
        return None
    return {"dimensions": {"room": str(found["room"])}}
