"""Forms for editors: attendance import and captions."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from webinars.models import AttendanceSource, Recording, RecordingStatus


class AttendanceImportForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Exported from"),
        choices=[
            (AttendanceSource.ZOOM, "Zoom"),
            (AttendanceSource.TEAMS, "Microsoft Teams"),
        ],
    )
    file = forms.FileField(
        label=_("Participant report (CSV)"),
        help_text=_("Zoom: Reports > Usage > Participants. Teams: Attendance report."),
    )


class CaptionForm(forms.Form):
    recording = forms.ModelChoiceField(
        label=_("Recording"), queryset=Recording.objects.none()
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    file = forms.FileField(label=_("Captions (WebVTT, .vtt)"))

    def __init__(self, *args, webinar, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recording"].queryset = Recording.objects.filter(
            webinar=webinar, status=RecordingStatus.READY
        )
