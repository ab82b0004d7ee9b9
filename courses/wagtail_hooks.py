"""Wagtail admin: the staff report of enrolments and completions per course."""

import django_filters
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from courses import selectors
from courses.models import CoursePage, Enrolment

REPORT_URL_NAME = "courses_learners_report"


class LearnerStatus:
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CHOICES = [(IN_PROGRESS, _("In progress")), (COMPLETED, _("Completed"))]


class CourseLearnersFilterSet(WagtailFilterSet):
    course = django_filters.ChoiceFilter(
        label=_("Course"), field_name="course_key", choices=selectors.course_choices
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=LearnerStatus.CHOICES, method="filter_status"
    )

    class Meta:
        model = Enrolment
        fields = []

    def filter_status(self, queryset, name, value):
        if value == LearnerStatus.COMPLETED:
            return queryset.filter(completed_at__isnull=False)
        if value == LearnerStatus.IN_PROGRESS:
            return queryset.filter(completed_at__isnull=True)
        return queryset


class CourseLearnersReportView(ReportView):
    """Who is enrolled on which course, how, and whether they completed it (staff)."""

    page_title = _("Course learners")
    header_icon = "group"
    index_url_name = REPORT_URL_NAME
    index_results_url_name = f"{REPORT_URL_NAME}_results"
    filterset_class = CourseLearnersFilterSet
    list_export = [
        "user",
        "user.email",
        "course",
        "language",
        "source",
        "created_at",
        "completed_at",
    ]
    export_headings = {
        "user": _("Learner"),
        "user.email": _("E-mail"),
        "course": _("Course"),
        "language": _("Language"),
        "source": _("Enrolled by"),
        "created_at": _("Enrolled on"),
        "completed_at": _("Completed on"),
    }
    columns = [
        Column("user", label=_("Learner")),
        Column("email", label=_("E-mail"), accessor="user.email"),
        Column("course", label=_("Course")),
        Column("language", label=_("Language")),
        Column("source", label=_("Enrolled by"), accessor="get_source_display"),
        DateColumn("created_at", label=_("Enrolled on")),
        DateColumn("completed_at", label=_("Completed on")),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.enrolment_report_rows()


@hooks.register("register_admin_urls")
def register_course_learners_report_urls():
    return [
        path(
            "reports/course-learners/",
            CourseLearnersReportView.as_view(),
            name=REPORT_URL_NAME,
        ),
        path(
            "reports/course-learners/results/",
            CourseLearnersReportView.as_view(results_only=True),
            name=f"{REPORT_URL_NAME}_results",
        ),
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_staff


@hooks.register("register_reports_menu_item")
def register_course_learners_menu_item():
    return StaffMenuItem(
        _("Course learners"),
        reverse(REPORT_URL_NAME),
        name="course-learners",
        icon_name="group",
        order=960,
    )


class CourseLearnersMenuItem(ActionMenuItem):
    """From a course's edit page, its learners in the report (staff only)."""

    label = _("Learners and completions")
    name = "course-learners"
    icon_name = "group"

    def is_shown(self, context):
        page = context.get("page")
        return (
            context["view"] == "edit"
            and isinstance(page, CoursePage)
            and context["request"].user.is_staff
        )

    def get_url(self, parent_context):
        key = parent_context["page"].translation_key
        return reverse(REPORT_URL_NAME) + "?" + urlencode({"course": str(key)})


@hooks.register("register_page_action_menu_item")
def register_course_learners_action():
    return CourseLearnersMenuItem(order=900)
