"""Wagtail admin views: upload a SCORM package and follow its unpacking."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.models import CourseIndexPage
from scorm import selectors, services
from scorm.forms import ScormUploadForm
from scorm.models import ImportAs, ScormPackage

UPLOAD_PERMISSION = "scorm.add_scormpackage"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


class UploadPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(UPLOAD_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScormUploadView(UploadPermissionMixin, WagtailAdminTemplateMixin, FormView):
    """The form; the browser posts it with XMLHttpRequest to show upload progress."""

    page_title = gettext_lazy("Upload a SCORM package")
    header_icon = "upload"
    template_name = "scorm/admin/upload.html"
    form_class = ScormUploadForm

    def form_valid(self, form):
        data = form.cleaned_data
        parent = (
            data["module"]
            if data["import_as"] == ImportAs.LESSON
            else CourseIndexPage.objects.first()
        )
        try:
            package = services.scorm_package_import(
                upload=data["package"],
                import_as=data["import_as"],
                parent=parent,
                user=self.request.user,
                publish=data["publish"],
                title=data["title"],
            )
        except services.ScormError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        status_page = reverse("scorm_upload_status", args=[package.pk])
        if _wants_json(self.request):
            return JsonResponse(
                {
                    "status_page": status_page,
                    "status_url": reverse(
                        "scorm_upload_status_json", args=[package.pk]
                    ),
                },
                status=201,
            )
        return redirect(status_page)

    def form_invalid(self, form):
        if _wants_json(self.request):
            errors = [
                str(message)
                for messages in form.errors.values()
                for message in messages
            ]
            return JsonResponse({"error": " ".join(errors)}, status=400)
        return super().form_invalid(form)


class ScormUploadStatusView(
    UploadPermissionMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Where an upload stands, polled until it is done or refused."""

    page_title = gettext_lazy("SCORM package import")
    header_icon = "upload"
    template_name = "scorm/admin/upload_status.html"

    def get_context_data(self, **kwargs):
        package = get_object_or_404(ScormPackage, pk=self.kwargs["pk"])
        context = super().get_context_data(**kwargs)
        context["package"] = package
        context["status"] = upload_status(package)
        context["status_url"] = reverse("scorm_upload_status_json", args=[package.pk])
        return context


def upload_status(package: ScormPackage) -> dict:
    status = selectors.package_import_status(package=package)
    if status["page"]:
        status["page"]["edit_url"] = reverse(
            "wagtailadmin_pages:edit", args=[status["page"]["id"]]
        )
    return status


def scorm_upload_status_json_view(request, pk: int):
    if not request.user.has_perm(UPLOAD_PERMISSION):
        raise PermissionDenied
    package = get_object_or_404(ScormPackage, pk=pk)
    return JsonResponse(upload_status(package))
