"""Who may see and manage a room: the one place every private URL asks."""

from django.contrib.auth.models import AnonymousUser, User

from irooms.models import Membership, MembershipStatus, Role

ROLE_PENDING = "pending"


def room_role(user: User | AnonymousUser, room_id: int) -> str | None:
    """The user's role in the room: "pending", a Role value, or None."""
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_irooms_roles", None)
    if cache is None:
        cache = {}
    if room_id not in cache:
        membership = (
            Membership.objects.filter(room_id=room_id, user_id=user.pk)
            .only("role", "status")
            .first()
        )
        cache[room_id] = role_from(
            status=membership and membership.status, role=membership and membership.role
        )
    return cache[room_id]


def role_from(*, status: str | None, role: str | None) -> str | None:
    """A membership's status and role as what `room_role` answers."""
    if status == MembershipStatus.ACTIVE:
        return role
    if status == MembershipStatus.PENDING:
        return ROLE_PENDING
    return None


def room_role_remember(user, room_id: int, role: str | None) -> None:
    """Keep a role a selector already read (within a request that started the cache)."""
    cache = getattr(user, "_irooms_roles", None)
    if cache is not None:
        cache[room_id] = role


def room_role_cache_start(user) -> None:
    """Within one request, look each room's role up once (views call this first).

    Services that change a membership call `room_role_forget`, so the same request
    sees the change; outside a request nothing is cached.
    """
    if user.is_authenticated:
        user._irooms_roles = {}


def room_role_forget(user) -> None:
    if hasattr(user, "_irooms_roles"):
        user._irooms_roles = {}


def user_is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def user_can_view_room(user, room_id: int) -> bool:
    """Active members (any role) and staff; everyone else is denied."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user_is_staff(user):
        return True
    return room_role(user, room_id) in {choice.value for choice in Role}


def user_can_manage_room(user, room_id: int) -> bool:
    """The room's trainers and staff."""
    if user_is_staff(user):
        return True
    return user.is_authenticated and room_role(user, room_id) == Role.TRAINER


def user_can_answer_as_expert(user, room_id: int) -> bool:
    if user_is_staff(user):
        return True
    return room_role(user, room_id) in {Role.EXPERT, Role.TRAINER}
