"""The practitioner profile that reports break figures down by."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

TRAINERS_GROUP = "Trainers"
REPORTING_GROUP = "Reporting"


class Sector(models.TextChoices):
    LAW_ENFORCEMENT = "law-enforcement", _("Law enforcement")
    PROSECUTION = "prosecution", _("Prosecution")
    JUDICIARY = "judiciary", _("Judiciary")
    CORRECTIONS = "corrections", _("Corrections")
    GOVERNMENT = "government-policy", _("Government / policy")
    CIVIL_SOCIETY = "civil-society", _("Civil society")
    PRIVATE_SECTOR = "private-sector", _("Private sector")
    ACADEMIA = "academia", _("Academia / training institution")
    INTERNATIONAL = "international-organisation", _("International organisation")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    ANOTHER = "another", _("Another gender")
    PREFER_NOT_TO_SAY = "prefer-not-to-say", _("Prefer not to say")


class Profile(models.Model):
    """One per user; complete before the user may enter any room."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    sector = models.CharField(
        _("sector"), max_length=40, choices=Sector.choices, blank=True
    )
    professional_role = models.CharField(
        _("professional role"), max_length=200, blank=True
    )
    gender = models.CharField(
        _("gender"), max_length=20, choices=Gender.choices, blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    REQUIRED_FIELDS = (
        "full_name",
        "country",
        "organisation",
        "sector",
        "professional_role",
        "gender",
        "preferred_language",
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        indexes = [models.Index(fields=["country", "sector"])]

    def __str__(self):
        return self.full_name or self.user.get_username()

    @property
    def is_complete(self) -> bool:
        return all(getattr(self, name) for name in self.REQUIRED_FIELDS)
