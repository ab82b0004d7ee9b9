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
