"""Reads about users: who must use MFA, and whose profile is complete."""

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractBaseUser

from learning.accounts.models import TRAINERS_GROUP, Profile


def user_is_trainer(user: AbstractBaseUser) -> bool:
    return user.groups.filter(name=TRAINERS_GROUP).exists()


def user_requires_mfa(user: AbstractBaseUser) -> bool:
    """Staff, superusers and trainers must sign in with a second factor."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or user_is_trainer(user)


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
