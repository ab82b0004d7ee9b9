"""Forms of a room: filters, invitations, posts, uploads."""

import zoneinfo

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField
from wagtail.documents import get_document_model

from irooms.models import (
    JoinPolicy,
    LegalSystem,
    NotificationMode,
    ResourceType,
    Role,
    Session,
    SessionMode,
)
from irooms.uploads import ATTACHMENT_TYPES, ATTACHMENTS_PER_POST, upload_max_bytes


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    resource_type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Any type"))] + ResourceType.choices,
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any language"))] + list(settings.LANGUAGES),
    )
    country = LazyTypedChoiceField(
        label=_("Country"),
        required=False,
        choices=[("", _("Any country"))] + list(countries),
    )
    legal_system = forms.ChoiceField(
        label=_("Legal system"),
        required=False,
        choices=[("", _("Any legal system"))] + LegalSystem.choices,
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=1900, max_value=2100
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)


class ResourceUploadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    resource_type = forms.ChoiceField(label=_("Type"), choices=ResourceType.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, required=False
    )
    legal_system = forms.ChoiceField(
        label=_("Legal system"),
        choices=[("", "—")] + LegalSystem.choices,
        required=False,
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=1900, max_value=2100
    )
    file = forms.FileField(label=_("File"))


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, initial=Role.PARTICIPANT
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class PreferencesForm(forms.Form):
    directory_visible = forms.BooleanField(
        label=_("Show me in the room's member directory"), required=False
    )
    notification_mode = forms.ChoiceField(
        label=_("E-mails about new discussions and replies"),
        choices=NotificationMode.choices,
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


def _attachments_help() -> str:
    return _(
        "Optional. Up to %(count)d files of at most %(limit)s each: %(types)s."
    ) % {
        "count": ATTACHMENTS_PER_POST,
        "limit": filesizeformat(upload_max_bytes()),
        "types": ", ".join(extension.upper() for extension in ATTACHMENT_TYPES),
    }


class AttachmentsField(forms.FileField):
    """Several files in one input; their types are checked by the service."""

    def __init__(self, **kwargs):
        accept = sorted(
            {f".{extension}" for extension in ATTACHMENT_TYPES}
            | set(ATTACHMENT_TYPES.values())
        )
        super().__init__(
            label=_("Attach files"),
            required=False,
            # The limit is read when the form is shown, not when it is imported.
            help_text=lazy(_attachments_help, str)(),
            widget=MultipleFileInput(attrs={"accept": ",".join(accept)}),
            **kwargs,
        )

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        clean_one = super().clean
        return [clean_one(each) for each in files if each]


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea)
    is_question = forms.BooleanField(
        label=_("This is a question to the experts"), required=False
    )
    attachments = AttachmentsField()


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea)
    attachments = AttachmentsField()


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("hide", _("Hide")),
            ("unhide", _("Show again")),
            ("lock", _("Lock")),
            ("unlock", _("Unlock")),
            ("delete", _("Delete")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)
    reply = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, reply=None, **kwargs):
        """With `reply`: the form for that reply (its own ids; replies do not lock)."""
        if reply is not None:
            kwargs.setdefault("auto_id", f"id_reply_{reply.pk}_%s")
            kwargs.setdefault("initial", {"reply": reply.pk})
        super().__init__(*args, **kwargs)
        if reply is not None:
            self.fields["action"].choices = [
                (value, label)
                for value, label in self.fields["action"].choices
                if value not in ("lock", "unlock")
            ]


class AttendanceImportForm(forms.Form):
    csv_file = forms.FileField(label=_('CSV file with an "email" column'))


class RoomCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    region = forms.CharField(label=_("Region"), max_length=200, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, required=False
    )
    join_policy = forms.ChoiceField(
        label=_("Who can join"),
        choices=JoinPolicy.choices,
        initial=JoinPolicy.INVITATION,
    )


class SessionForm(forms.Form):
    """A trainer's session: follow-ups and materials come from the same room only."""

    title = forms.CharField(label=_("Title"), max_length=255)
    starts_at = forms.DateTimeField(
        label=_("Starts at (in the session's time zone)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), initial="UTC")
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=24 * 60, initial=90
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=SessionMode.choices)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea, required=False)
    join_url = forms.URLField(
        label=_("Link to join"), required=False, assume_scheme="https"
    )
    location = forms.CharField(label=_("Location"), max_length=255, required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
    follow_up_of = forms.ModelChoiceField(
        label=_("Follow-up of"), queryset=Session.objects.none(), required=False
    )
    materials = forms.ModelMultipleChoiceField(
        label=_("Materials"),
        queryset=get_document_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, room, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [
            (name, name) for name in sorted(zoneinfo.available_timezones())
        ]
        earlier = Session.objects.filter(room=room)
        if session is not None:
            earlier = earlier.exclude(pk=session.pk)
        self.fields["follow_up_of"].queryset = earlier.order_by("-starts_at")
        self.fields["materials"].queryset = (
            get_document_model()
            .objects.filter(collection_id=room.collection_id)
            .order_by("title")
        )

    def clean(self):
        data = super().clean()
        starts_at, zone = data.get("starts_at"), data.get("timezone")
        if starts_at is not None and zone:
            # The trainer types a local time: it is that time in the session's zone.
            data["starts_at"] = starts_at.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        return data
