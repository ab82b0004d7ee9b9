"""Reads about users: who must use MFA, and whose profile is complete."""

import uuid

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Exists

from learning.accounts.models import TRAINERS_GROUP, Profile


def user_is_trainer(user: AbstractBaseUser) -> bool:
    return user.groups.filter(name=TRAINERS_GROUP).exists()


def user_requires_mfa(user: AbstractBaseUser) -> bool:
    """Staff, superusers, trainers and any room's trainers need a second factor.

    One query answers both trainer questions (asked by the MFA middleware on every
    request of a user who has not passed its gate yet).
    """
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    from irooms.api import room_trainer_memberships_query

    in_trainers_group = user.groups.through.objects.filter(
        user_id=user.pk, group__name=TRAINERS_GROUP
    )
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(
            Exists(in_trainers_group)
            | Exists(room_trainer_memberships_query(user_id=user.pk))
        )
        .exists()
    )


ACCESS_VERSION_KEY = "accounts:access-version:{user_id}"


def user_access_version(user_id: int) -> str | None:
    """A token that changes whenever the user's groups, staff flags or room roles do.

    Decisions cached against it (the MFA gate, tracking access) are void once it
    changes. None when the cache cannot answer: then cache nothing.
    """
    key = ACCESS_VERSION_KEY.format(user_id=user_id)
    try:
        version = cache.get(key)
        if version is None:
            # A fresh token, never a constant: an evicted key must not bring an
            # old version (and the decisions cached against it) back.
            cache.add(key, uuid.uuid4().hex, timeout=None)
            version = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage only disables caching
        return None
    return version


def user_has_totp(user: AbstractBaseUser) -> bool:
    return Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()


def profile_for(user: AbstractBaseUser) -> Profile | None:
    """The user's profile, or None when they have not started one."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def profile_is_complete(user: AbstractBaseUser) -> bool:
    profile = profile_for(user)
    return profile is not None and profile.is_complete


def preferred_language_for(user: AbstractBaseUser) -> str | None:
    """The language code the user chose in their profile, or None."""
    profile = profile_for(user)
    if profile is None or not profile.is_complete:
        return None
    return profile.preferred_language or None
