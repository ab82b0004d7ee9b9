"""Wagtail admin: xAPI client credentials, and activity IRI to course mappings."""

from django import forms
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList, PageChooserPanel
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from xapi import services
from xapi.models import ActivityMapping, LrsClient
from xapi.validation import IRI


class LrsClientCreateForm(WagtailAdminModelForm):
    class Meta:
        model = LrsClient
        fields = ["name", "scope"]


class LrsClientEditForm(WagtailAdminModelForm):
    key = forms.CharField(label=_("Key"), disabled=True, required=False)

    class Meta:
        model = LrsClient
        fields = ["name", "scope", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].initial = self.instance.key


class LrsClientCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        client, self.issued_secret = services.client_issue(
            name=data["name"], scope=data["scope"], created_by=self.request.user
        )
        return client

    def get_success_message(self, instance):
        return _(
            "Client “%(name)s” issued. Key: %(key)s — secret: %(secret)s. "
            "Copy the secret now: it is stored hashed and will not be shown again."
        ) % {"name": instance.name, "key": instance.key, "secret": self.issued_secret}


class LrsClientEditView(generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.client_update(
            client=self.object,
            name=data["name"],
            scope=data["scope"],
            is_active=data["is_active"],
        )


class LrsClientViewSet(ModelViewSet):
    model = LrsClient
    icon = "key"
    menu_label = "xAPI clients"
    add_to_admin_menu = True
    add_view_class = LrsClientCreateView
    edit_view_class = LrsClientEditView
    list_display = ["name", "key", "scope", "is_active", "created_at", "revoked_at"]
    list_filter = ["scope", "is_active"]

    def get_form_class(self, for_update=False):
        return LrsClientEditForm if for_update else LrsClientCreateForm


@hooks.register("register_admin_viewset")
def register_lrs_client_viewset():
    return LrsClientViewSet("xapi_clients")


class ActivityMappingForm(WagtailAdminModelForm):
    def clean_activity_iri(self):
        value = self.cleaned_data["activity_iri"].strip()
        if not IRI.match(value):
            raise forms.ValidationError(_("Enter an IRI, such as https://…"))
        return value

    def clean_page(self):
        from courses.api import completion_target

        page = self.cleaned_data["page"]
        if page is not None and completion_target(page_id=page.pk) is None:
            raise forms.ValidationError(_("Choose a published course or lesson."))
        return page


class ActivityMappingViewSet(ModelViewSet):
    """Staff map the activity id an external module uses to a course or lesson."""

    model = ActivityMapping
    icon = "link"
    menu_label = "xAPI activity mappings"
    add_to_admin_menu = True
    list_display = ["activity_iri", "page", "created_at"]
    search_fields = ["activity_iri"]
    edit_handler = ObjectList(
        [
            FieldPanel("activity_iri"),
            PageChooserPanel(
                "page", page_type=["courses.CoursePage", "courses.LessonPage"]
            ),
        ],
        base_form_class=ActivityMappingForm,
    )


@hooks.register("register_admin_viewset")
def register_activity_mapping_viewset():
    return ActivityMappingViewSet("xapi_activity_mappings")
