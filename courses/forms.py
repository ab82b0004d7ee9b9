"""Forms for trainers: enrol learners by e-mail, typed in or as a CSV file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import EnrolmentSource

CSV_MAX_BYTES = 1024 * 1024


class BulkEnrolmentForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        help_text=_("One address per line."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    csv_file = forms.FileField(
        label=_("Or a CSV file"),
        help_text=_("One e-mail address in the first column of each row."),
        required=False,
    )

    def clean_csv_file(self):
        upload = self.cleaned_data.get("csv_file")
        if upload is None:
            return None
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                _("The file is not a UTF-8 text (CSV) file.")
            ) from error

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("emails", "").strip() and not cleaned.get("csv_file"):
            raise forms.ValidationError(_("Type addresses or choose a CSV file."))
        return cleaned

    def csv_text(self) -> str:
        return self.cleaned_data.get("csv_file") or self.cleaned_data["emails"]

    def source(self) -> str:
        if self.cleaned_data.get("csv_file"):
            return EnrolmentSource.BULK
        return EnrolmentSource.TRAINER
