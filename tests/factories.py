"""Shared factories: users (practitioner, trainer, staff) and complete profiles."""

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from learning.accounts.models import TRAINERS_GROUP, Gender, Profile, Sector

DEFAULT_PASSWORD = "correct-horse-battery-staple"  # noqa: S105


class UserFactory(DjangoModelFactory):
    """A user who can sign in by e-mail with `DEFAULT_PASSWORD`.

    `UserFactory(trainer=True)` joins the trainers group, `UserFactory(staff=True)`
    is staff, `UserFactory(verified_email=False)` has not confirmed the address.
    """

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    class Params:
        staff = factory.Trait(is_staff=True)

    username = factory.Sequence(lambda number: f"user{number}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = DEFAULT_PASSWORD

    @classmethod
    def _create(cls, model_class, *args, password, **kwargs):
        return model_class.objects.create_user(*args, password=password, **kwargs)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=user,
                email=user.email,
                primary=True,
                verified=True if extracted is None else extracted,
            )

    @factory.post_generation
    def trainer(user, create, extracted, **kwargs):
        if create and extracted:
            group, _ = Group.objects.get_or_create(name=TRAINERS_GROUP)
            user.groups.add(group)


class ProfileFactory(DjangoModelFactory):
    """A complete profile: every field the profile gate asks for is filled in."""

    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    full_name = factory.Faker("name")
    country = "KE"
    organisation = "National Police Service"
    sector = Sector.LAW_ENFORCEMENT
    professional_role = "Investigator"
    gender = Gender.PREFER_NOT_TO_SAY
    preferred_language = "en"


def totp_activate(user) -> str:
    """Give `user` a TOTP authenticator through allauth; return the plain secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret
