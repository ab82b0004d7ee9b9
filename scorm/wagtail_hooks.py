"""Wagtail admin: the SCORM upload screen, its menu item and its permission."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from scorm import views


@hooks.register("register_admin_urls")
def register_scorm_upload_urls():
    return [
        path("scorm/upload/", views.ScormUploadView.as_view(), name="scorm_upload"),
        path(
            "scorm/upload/<int:pk>/",
            views.ScormUploadStatusView.as_view(),
            name="scorm_upload_status",
        ),
        path(
            "scorm/upload/<int:pk>/status/",
            views.scorm_upload_status_json_view,
            name="scorm_upload_status_json",
        ),
    ]


class UploadMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(views.UPLOAD_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_scorm_upload_menu_item():
    return UploadMenuItem(
        _("SCORM upload"),
        reverse("scorm_upload"),
        name="scorm-upload",
        icon_name="upload",
        order=450,
    )


@hooks.register("register_permissions")
def register_scorm_upload_permission():
    """Lets administrators grant the upload to editors' groups in the admin."""
    return Permission.objects.filter(
        content_type__app_label="scorm", codename="add_scormpackage"
    )
