"""Writes to accounts: profile updates, access-version bumps, default groups."""

import logging
import uuid
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction

from learning.accounts.models import REPORTING_GROUP, TRAINERS_GROUP, Profile
from learning.accounts.selectors import ACCESS_VERSION_KEY

logger = logging.getLogger(__name__)


def user_access_changed(*, user_ids: Iterable[int]) -> None:
    """Void every decision cached against these users' access version.

    Called when groups, staff flags or room roles change, now and again after the
    transaction commits (so a request that read the old rows in between cannot
    keep its decision). A cache outage is logged; cached decisions then expire by
    their own short lifetime.
    """
    keys = [ACCESS_VERSION_KEY.format(user_id=pk) for pk in set(user_ids) if pk]
    if not keys:
        return

    def bump():
        try:
            cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
        except Exception:  # noqa: BLE001
            logger.warning("Could not bump access versions of %s", keys)

    bump()
    transaction.on_commit(bump)


@transaction.atomic
def profile_update(*, user: AbstractBaseUser, **fields) -> Profile:
    """Create or update the user's profile with the given fields.

    Raises `ValueError` for a field the profile does not have.
    """
    unknown = set(fields) - {field.name for field in Profile._meta.fields}
    if unknown:
        raise ValueError(f"Unknown profile fields: {', '.join(sorted(unknown))}")
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    from learning.records.api import actor_snapshot_forget

    # Again after commit: a request that read the old row meanwhile cached it.
    transaction.on_commit(lambda: actor_snapshot_forget(user_id=user.pk))
    return profile


def users_of_groups_change(*, instance, reverse: bool, pk_set) -> list[int]:
    """The users whose groups an m2m change of user.groups touches."""
    if not reverse:
        return [instance.pk]
    if pk_set is not None:
        return list(pk_set)
    # A group cleared of all its users.
    return list(instance.user_set.values_list("pk", flat=True))


def users_of_group(*, group) -> list[int]:
    """The ids of the group's users (whose access a change of the group changes)."""
    return list(group.user_set.values_list("pk", flat=True))


# The platform's groups and the permissions they carry: (app label, codename, name).
DEFAULT_GROUPS = {
    TRAINERS_GROUP: (),
    REPORTING_GROUP: (
        ("records", "event", "view_training_report", "Can view training reports"),
        ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"),
    ),
}


@transaction.atomic
def default_groups_ensure(*, using: str = "default") -> None:
    """Create the Trainers and Reporting groups and grant their permissions.

    Idempotent; run after every migrate and every flush (post_migrate), so groups
    exist in a fresh database and after a transactional test emptied the tables.
    Never removes a permission an administrator added.
    """
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    for name, permissions in DEFAULT_GROUPS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        granted = []
        for app_label, model, codename, label in permissions:
            content_type, _ = ContentType.objects.using(using).get_or_create(
                app_label=app_label, model=model
            )
            permission, _ = Permission.objects.using(using).get_or_create(
                content_type=content_type, codename=codename, defaults={"name": label}
            )
            granted.append(permission)
        if granted:
            group.permissions.add(*granted)
