"""Writes to accounts: profile updates."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from learning.accounts.models import Profile


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
    return profile
