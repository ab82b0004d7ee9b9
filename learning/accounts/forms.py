"""The profile form a practitioner fills in before entering a room."""

from django import forms
from django.utils.translation import gettext_lazy as _

from learning.accounts.models import Profile


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = Profile.REQUIRED_FIELDS
        help_texts = {
            "country": _("The country you work in; reports count by it."),
            "gender": _("Used only for anonymous statistics."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
