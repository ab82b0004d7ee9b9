"""The admin upload form: a SCORM zip, imported as a lesson or as a whole course."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminPageChooser

from courses.models import ModulePage
from scorm.models import ImportAs


class ScormUploadForm(forms.Form):
    package = forms.FileField(
        label=_("SCORM package"),
        help_text=_("A SCORM 1.2 or 2004 zip with imsmanifest.xml at its root."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    import_as = forms.ChoiceField(
        label=_("Import as"),
        choices=ImportAs.choices,
        initial=ImportAs.LESSON,
        widget=forms.RadioSelect,
    )
    module = forms.ModelChoiceField(
        label=_("Module"),
        queryset=ModulePage.objects.all(),
        required=False,
        widget=AdminPageChooser(target_models=[ModulePage]),
        help_text=_("For a lesson: the module of an existing course it goes in."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=255,
        required=False,
        help_text=_("Empty: the title in the package's manifest."),
    )
    publish = forms.BooleanField(
        label=_("Publish the new pages at once"),
        required=False,
        help_text=_("Otherwise they are drafts for you to review and publish."),
    )

    def clean(self):
        data = super().clean()
        if data.get("import_as") == ImportAs.LESSON and not data.get("module"):
            self.add_error("module", _("Choose the module the lesson goes in."))
        return data
