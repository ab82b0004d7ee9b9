"""Wagtail wiring: room document check, resources in the admin, the audit report."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from irooms import selectors, services
from irooms.models import AccessLogEntry, Resource


@hooks.register("before_serve_document", order=-100)
def room_document_check(document, request):
    """A room's document is served to the room's members only; 404 to anyone else.

    Wagtail's collection privacy knows log-in, passwords and groups, not rooms: this
    hook runs first and answers for every document that belongs to a room (by its
    collection, a resource that shares it, or a session's materials). For a member
    it leaves the serving to Wagtail and leaves a callback on the request, which
    `irooms.views.document_serve` runs once the whole file has been sent.
    """
    room_ids = selectors.rooms_for_document(document=document)
    if not room_ids:
        return None
    allowed = [
        room_id
        for room_id in room_ids
        if selectors.user_can_view_any_room(user=request.user, room_ids=[room_id])
    ]
    if not allowed:
        raise Http404
    resource = Resource.objects.filter(document=document, rooms__in=allowed).first()
    user = request.user
    room_id = allowed[0]
    if resource is not None:
        room_id = resource.rooms.filter(pk__in=allowed).values_list("pk", flat=True)[0]

    def downloaded():
        services.resource_download_record(
            resource=resource, document=document, room_id=room_id, user=user
        )

    request.irooms_on_download_complete = downloaded
    return None


class ResourceViewSet(SnippetViewSet):
    model = Resource
    icon = "doc-full"
    menu_label = _("Room resources")
    menu_name = "room-resources"
    add_to_admin_menu = True
    menu_order = 250
    list_display = ["title", "resource_type", "year", "legal_system"]
    list_filter = ["resource_type", "legal_system"]
    search_fields = ["title", "summary"]


register_snippet(ResourceViewSet)


class AccessLogReportView(ReportView):
    """Who opened or downloaded which private item, when (staff only)."""

    page_title = _("Room access audit")
    header_icon = "view"
    index_url_name = "irooms_access_log"
    index_results_url_name = "irooms_access_log_results"
    list_export = [
        "at",
        "user",
        "room",
        "action",
        "object_type",
        "object_id",
        "object_label",
    ]
    export_headings = {"at": _("When"), "object_label": _("Item")}
    columns = [
        DateColumn("at", label=_("When")),
        Column("user", label=_("Who")),
        Column("room", label=_("Room")),
        Column("action", label=_("Action"), accessor="get_action_display"),
        Column("object_label", label=_("Item")),
        Column("object_type", label=_("Type")),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return AccessLogEntry.objects.select_related("user", "room").order_by("-at")


@hooks.register("register_admin_urls")
def register_access_log_urls():
    return [
        path(
            "reports/room-access/",
            AccessLogReportView.as_view(),
            name="irooms_access_log",
        ),
        path(
            "reports/room-access/results/",
            AccessLogReportView.as_view(results_only=True),
            name="irooms_access_log_results",
        ),
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_staff


@hooks.register("register_reports_menu_item")
def register_access_log_menu_item():
    return StaffMenuItem(
        _("Room access audit"),
        reverse("irooms_access_log"),
        name="room-access-audit",
        icon_name="view",
        order=950,
    )
